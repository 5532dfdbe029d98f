"""Semantic checks of the child-protection process messages (format 1.1): CS140 and CS142-CS145.

Registered with the other checks (:data:`concernshare.checks.CHECKS`) when
:mod:`concernshare.checks` is imported; no message quotes a value from the
document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Final

from concernshare.catalogue import problem
from concernshare.checks import _check
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


@_check("CS140")
def _new_type(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    major, _dot, minor = message.format_version.partition(".")
    if not (major + minor).isascii() or not major.isdigit() or not minor.isdigit():
        return  # not a version at all: the schema refuses it (CS012), and this check has nothing to compare
    if message.type in PROCESS_TYPES and (int(major), int(minor)) < (1, 1):
        yield problem("/format_version", "CS140")


_PLAN_DECISIONS: Final = frozenset({ConferenceDecision.PLAN, ConferenceDecision.PLAN_CONTINUES})


@_check("CS142", bodies=(ChildProtectionConferenceBody,))
def _conference(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, ChildProtectionConferenceBody):
        return
    if body.decision in _PLAN_DECISIONS and not body.categories:
        yield problem("/body/categories", "CS142", "needs_category")
    if body.decision not in _PLAN_DECISIONS and body.categories:
        yield problem("/body/categories", "CS142", "category_without_plan")
    first = body.kind is not ConferenceKind.REVIEW
    if first and body.decision not in {ConferenceDecision.PLAN, ConferenceDecision.NO_PLAN}:
        yield problem("/body/decision", "CS142", "initial")
    if not first and body.decision not in {ConferenceDecision.PLAN_CONTINUES, ConferenceDecision.PLAN_ENDS}:
        yield problem("/body/decision", "CS142", "review")
    if body.clock_started_at is None and first:
        yield problem("/body/clock_started_at", "CS142", "clock")
    if body.clock_started_at is not None and body.clock_started_at > body.held_at:
        yield problem("/body/clock_started_at", "CS142", "clock_after")
    if body.next_review_by is not None and body.next_review_by < body.held_at.astimezone(ENGLAND).date():
        yield problem("/body/next_review_by", "CS142", "next_review")


@_check("CS143", bodies=(PlanStatusBody, TransferInBody))
def _plan_status(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, PlanStatusBody | TransferInBody):
        return
    if body.plan is PlanKind.CHILD_IN_NEED and body.categories:
        yield problem("/body/categories", "CS143", "cin_categories")
    if isinstance(body, TransferInBody):
        return
    if body.plan is PlanKind.CHILD_PROTECTION and body.status is not PlanState.ENDED and not body.categories:
        yield problem("/body/categories", "CS143", "cp_category")
    ended = body.status is PlanState.ENDED
    if ended and (body.ended_on is None or body.end_reason is None):
        yield problem("/body/ended_on" if body.ended_on is None else "/body/end_reason", "CS143", "end")
    if not ended and (body.ended_on is not None or body.end_reason is not None):
        yield problem("/body/status", "CS143", "ended")
    if body.ended_on is not None and body.ended_on < body.started_on:
        yield problem("/body/ended_on", "CS143", "order")


@_check("CS144", bodies=(TransferInBody,))
def _transfer(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, TransferInBody):
        return
    for name in ("from_authority", "to_authority"):
        if getattr(body, name).scheme != "la":
            yield problem(f"/body/{name}", "CS144", "authorities")
    if body.from_authority.organisation == body.to_authority.organisation:
        yield problem("/body/to_authority", "CS144", "same")


@_check("CS145", bodies=(Section47OutcomeBody,))
def _enquiry(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if isinstance(body, Section47OutcomeBody) and body.completed_on < body.started_at.astimezone(ENGLAND).date():
        yield problem("/body/completed_on", "CS145")
