"""Semantic checks of the child-protection process messages (format 1.1): CS140 and CS142-CS145.

Registered with the other checks (:data:`concernshare.checks.CHECKS`) when
:mod:`concernshare.checks` is imported; no message quotes a value from the
document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Final

from concernshare.checks import _check, _error, _warning
from concernshare.errors import Problem
from concernshare.records import (
    ChildProtectionConferenceBody,
    ConferenceDecision,
    ConferenceKind,
    Message,
    PlanKind,
    PlanState,
    PlanStatusBody,
    Section47OutcomeBody,
    TransferInBody,
)
from concernshare.records.people import ENGLAND
from concernshare.records.process import PROCESS_TYPES

__all__: list[str] = []


@_check("CS140", "A message type new in format 1.1 is in a message that declares an older format version.")
def _new_type(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    major, _dot, minor = message.format_version.partition(".")
    if message.type in PROCESS_TYPES and (int(major), int(minor)) < (1, 1):
        yield _error(
            "/format_version",
            "CS140",
            "this message type is new in a later minor version "
            "of the format: raise format_version to the version that added it (older readers refuse "
            "the type)",
        )


_PLAN_DECISIONS: Final = frozenset({ConferenceDecision.PLAN, ConferenceDecision.PLAN_CONTINUES})


@_check("CS142", "A conference's decision and categories disagree, or its dates are out of order.")
def _conference(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, ChildProtectionConferenceBody):
        return
    if body.decision in _PLAN_DECISIONS and not body.categories:
        yield _error("/body/categories", "CS142", "a child protection plan needs its category of abuse or neglect")
    if body.decision not in _PLAN_DECISIONS and body.categories:
        yield _error("/body/categories", "CS142", "a category goes with a plan that starts or continues; remove it")
    first = body.kind is not ConferenceKind.REVIEW
    if first and body.decision not in {ConferenceDecision.PLAN, ConferenceDecision.NO_PLAN}:
        yield _error("/body/decision", "CS142", "an initial or transfer-in conference decides 'plan' or 'no_plan'")
    if not first and body.decision not in {ConferenceDecision.PLAN_CONTINUES, ConferenceDecision.PLAN_ENDS}:
        yield _error("/body/decision", "CS142", "a review conference decides 'plan_continues' or 'plan_ends'")
    if body.clock_started_at is None and first:
        yield _warning(
            "/body/clock_started_at",
            "CS142",
            "give the time the conference's timescale started, so that lateness can be measured",
        )
    if body.clock_started_at is not None and body.clock_started_at > body.held_at:
        yield _error("/body/clock_started_at", "CS142", "the timescale cannot start after the conference was held")
    if body.next_review_by is not None and body.next_review_by < body.held_at.astimezone(ENGLAND).date():
        yield _error("/body/next_review_by", "CS142", "the next review cannot be due before this conference")


@_check(
    "CS143",
    "A plan status contradicts itself: an end without its date, dates out of order, a category "
    "on a child-in-need plan.",
)
def _plan_status(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, PlanStatusBody | TransferInBody):
        return
    if body.plan is PlanKind.CHILD_IN_NEED and body.categories:
        yield _error("/body/categories", "CS143", "categories of abuse belong to a child protection plan; remove them")
    if isinstance(body, TransferInBody):
        return
    if body.plan is PlanKind.CHILD_PROTECTION and body.status is not PlanState.ENDED and not body.categories:
        yield _warning("/body/categories", "CS143", "give the child protection plan's category")
    ended = body.status is PlanState.ENDED
    if ended and (body.ended_on is None or body.end_reason is None):
        yield _error(
            "/body/ended_on" if body.ended_on is None else "/body/end_reason",
            "CS143",
            "a plan whose status says it is over needs the date it finished and why",
        )
    if not ended and (body.ended_on is not None or body.end_reason is not None):
        yield _error("/body/status", "CS143", "a plan with an end date or reason has ended: set status 'ended'")
    if body.ended_on is not None and body.ended_on < body.started_on:
        yield _error("/body/ended_on", "CS143", "a plan cannot end before it started")


@_check("CS144", "A transfer in is not between two different local authorities.")
def _transfer(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, TransferInBody):
        return
    for name in ("from_authority", "to_authority"):
        if getattr(body, name).scheme != "la":
            yield _error(f"/body/{name}", "CS144", "a transfer in is between local authorities (la: agency ids)")
    if body.from_authority.organisation == body.to_authority.organisation:
        yield _error(
            "/body/to_authority", "CS144", "the child moved between two different authorities: name the receiving one"
        )


@_check("CS145", "A section 47 enquiry is completed before it started.")
def _enquiry(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if isinstance(body, Section47OutcomeBody) and body.completed_on < body.started_at.astimezone(ENGLAND).date():
        yield _error("/body/completed_on", "CS145", "the enquiry cannot be completed before it started")
