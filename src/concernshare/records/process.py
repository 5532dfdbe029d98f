"""The child-protection process as messages (new in format 1.1).

A strategy discussion, a section 47 enquiry's outcome, an initial, review or
transfer-in child protection conference, the child's plan status (child
protection plan or child-in-need plan), a transfer in from another local
authority, and the closure of a case or its step-down. Each is a message type
of its own; a reader of format 1.0 does not know these types and refuses them
with a ``rejected`` acknowledgement (CS014), so that nothing is lost silently.

The statutory timescales that run from these events (Working Together to
Safeguard Children 2023) are in :mod:`concernshare.deadlines`; the
event each one counts from is found by :mod:`concernshare.routing.process`.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Final

import attrs

from concernshare.records._fields import field
from concernshare.records.codes import AbuseCategory, MessageType
from concernshare.records.types import AGENCY_ID, AGENCY_ID_MAX, AgencyId

__all__ = [
    "PROCESS_TYPES",
    "Attendee",
    "CaseClosureBody",
    "ChildProtectionConferenceBody",
    "ClosureReason",
    "ConferenceDecision",
    "ConferenceKind",
    "PlanEndReason",
    "PlanKind",
    "PlanState",
    "PlanStatusBody",
    "Section47Outcome",
    "Section47OutcomeBody",
    "StepDown",
    "StrategyDiscussionBody",
    "StrategyOutcome",
    "TransferInBody",
]

_TEXT = 200
_LONG = 4000

#: The message types new in format 1.1, which a message of format 1.0 cannot carry.
PROCESS_TYPES: Final = frozenset(
    {
        MessageType.STRATEGY_DISCUSSION,
        MessageType.SECTION_47_OUTCOME,
        MessageType.CHILD_PROTECTION_CONFERENCE,
        MessageType.PLAN_STATUS,
        MessageType.TRANSFER_IN,
        MessageType.CASE_CLOSURE,
    }
)


def _agency(description: str) -> AgencyId:
    result: AgencyId = field(
        description, pattern=AGENCY_ID, max_length=AGENCY_ID_MAX, examples=("la:E06000032/childrens-social-care",)
    )
    return result


class StrategyOutcome(enum.StrEnum):
    """What a strategy discussion decided."""

    SECTION_47_ENQUIRY = "section_47_enquiry"
    CHILD_IN_NEED_ASSESSMENT = "child_in_need_assessment"
    EARLY_HELP = "early_help"
    FURTHER_STRATEGY_DISCUSSION = "further_strategy_discussion"
    NO_FURTHER_ACTION = "no_further_action"


class Section47Outcome(enum.StrEnum):
    """The three outcomes of a section 47 enquiry (Working Together 2023, chapter 3)."""

    NOT_SUBSTANTIATED = "not_substantiated"
    SUBSTANTIATED_NO_CONTINUING_RISK = "substantiated_no_continuing_risk"
    SUBSTANTIATED_CONFERENCE = "substantiated_conference"


class ConferenceKind(enum.StrEnum):
    """Which child protection conference."""

    INITIAL = "initial"
    REVIEW = "review"
    TRANSFER_IN = "transfer_in"


class ConferenceDecision(enum.StrEnum):
    """What a conference decided about a child protection plan."""

    PLAN = "plan"
    NO_PLAN = "no_plan"
    PLAN_CONTINUES = "plan_continues"
    PLAN_ENDS = "plan_ends"


class PlanKind(enum.StrEnum):
    """The plan a child is on."""

    CHILD_PROTECTION = "child_protection"
    CHILD_IN_NEED = "child_in_need"


class PlanState(enum.StrEnum):
    """Where the child's plan stands."""

    STARTED = "started"
    CONTINUES = "continues"
    ENDED = "ended"


class PlanEndReason(enum.StrEnum):
    """Why a plan ended."""

    NO_LONGER_NEEDED = "no_longer_needed"
    STEPPED_DOWN_TO_CHILD_IN_NEED = "stepped_down_to_child_in_need"
    STEPPED_DOWN_TO_EARLY_HELP = "stepped_down_to_early_help"
    CHILD_LOOKED_AFTER = "child_looked_after"
    TRANSFERRED_TO_ANOTHER_AUTHORITY = "transferred_to_another_authority"
    OTHER = "other"


class ClosureReason(enum.StrEnum):
    """Why a child-in-need episode closed: the DfE CIN census reasons RC1-RC9."""

    ADOPTED = "RC1"
    DIED = "RC2"
    CHILD_ARRANGEMENTS_ORDER = "RC3"
    SPECIAL_GUARDIANSHIP_ORDER = "RC4"
    TRANSFERRED_TO_ANOTHER_AUTHORITY = "RC5"
    TRANSFERRED_TO_ADULT_SERVICES = "RC6"
    SERVICES_CEASED = "RC7"
    CLOSED_AFTER_ASSESSMENT_NFA = "RC8"
    CLOSED_AFTER_ASSESSMENT_EARLY_HELP = "RC9"


class StepDown(enum.StrEnum):
    """Where the child's support goes when social care closes the case."""

    EARLY_HELP = "early_help"
    UNIVERSAL_SERVICES = "universal_services"
    NONE = "none"


@attrs.frozen(kw_only=True)
class Attendee:
    """An agency at a strategy discussion or conference, by its role there."""

    agency: AgencyId = _agency("The agency that took part.")
    role: str = field("The practitioner's role, for example 'Detective sergeant'.", min_length=1, max_length=_TEXT)
    attended: bool = field(
        "True if the agency took part; false if it sent a report only or did not come.", default=True
    )


@attrs.frozen(kw_only=True)
class StrategyDiscussionBody:
    """A strategy discussion: when, who took part by agency, and what it decided."""

    concern_id: uuid.UUID | None = field("The concern or referral the discussion is about.", default=None)
    held_at: dt.datetime = field("When the discussion was held.")
    attendees: tuple[Attendee, ...] = field(
        "The agencies that took part: at least social care, health and the police.",
        min_items=1,
        max_items=30,
    )
    outcome: StrategyOutcome = field("What the discussion decided.")
    section_47_started: bool = field(
        "True if the section 47 enquiry was started at this discussion: the initial conference is due "
        "within 15 working days of it.",
    )
    summary: str = field("What was discussed and why the decision was made.", min_length=1, max_length=_LONG)
    actions: str | None = field("Who does what next, by when.", default=None, max_length=_LONG, min_length=1)


@attrs.frozen(kw_only=True)
class Section47OutcomeBody:
    """The outcome of a section 47 enquiry."""

    strategy_discussion_id: uuid.UUID | None = field(
        "The strategy discussion at which the enquiry started.",
        default=None,
    )
    started_at: dt.datetime = field("When the enquiry started (the strategy discussion that started it).")
    completed_on: dt.date = field("When the enquiry was completed.")
    outcome: Section47Outcome = field("What the enquiry found.")
    summary: str = field("The findings, written factually.", min_length=1, max_length=_LONG)


@attrs.frozen(kw_only=True)
class ChildProtectionConferenceBody:
    """An initial, review or transfer-in child protection conference and its decision."""

    kind: ConferenceKind = field("Initial, review or transfer-in.")
    held_at: dt.datetime = field("When the conference was held.")
    clock_started_at: dt.datetime | None = field(
        "When the conference's timescale started: for an initial conference the strategy discussion "
        "at which the section 47 enquiry started, for a review the previous conference, for a transfer-in "
        "the notification from the other authority.",
        default=None,
    )
    attendees: tuple[Attendee, ...] = field("The agencies at the conference.", default=(), max_items=30)
    decision: ConferenceDecision = field("What the conference decided about a child protection plan.")
    categories: tuple[AbuseCategory, ...] = field(
        "The category of abuse or neglect under which the child is on the plan (DfE CIN census); required "
        "when the plan starts or continues.",
        default=(),
        max_items=len(AbuseCategory),
    )
    next_review_by: dt.date | None = field("When the next review conference is due.", default=None)
    late_reason: str | None = field(
        "Why the conference was held after its timescale, where it was.",
        default=None,
        max_length=_LONG,
        min_length=1,
        examples=("The GP's report was not received in time and the chair adjourned for a week.",),
    )
    summary: str | None = field("The reasons for the decision.", default=None, max_length=_LONG, min_length=1)


@attrs.frozen(kw_only=True)
class PlanStatusBody:
    """The child's plan status: a child protection or child-in-need plan started, continuing or ended.

    Sent to every agency that holds the child's case when the status changes.
    """

    plan: PlanKind = field("Which plan.")
    status: PlanState = field("Where the plan stands.")
    started_on: dt.date = field("When the plan started.")
    ended_on: dt.date | None = field("When the plan ended; required when it has.", default=None)
    end_reason: PlanEndReason | None = field("Why the plan ended.", default=None)
    categories: tuple[AbuseCategory, ...] = field(
        "For a child protection plan, the category of abuse or neglect (DfE CIN census).",
        default=(),
        max_items=len(AbuseCategory),
    )
    conference_id: uuid.UUID | None = field("The conference that decided it, if any.", default=None)
    next_review_by: dt.date | None = field("When the plan is next reviewed.", default=None)
    lead_agency: AgencyId | None = field(
        "The agency leading the plan (the local authority's children's social care).",
        default=None,
        pattern=AGENCY_ID,
        max_length=AGENCY_ID_MAX,
    )


@attrs.frozen(kw_only=True)
class TransferInBody:
    """One local authority tells another that a child on a plan has moved into its area."""

    from_authority: AgencyId = _agency("The authority the child moved from (an la: agency).")
    to_authority: AgencyId = _agency("The authority the child moved to (an la: agency).")
    notified_at: dt.datetime = field(
        "When the receiving authority was notified in writing: the transfer-in conference is due within 15 "
        "working days of it.",
    )
    moved_on: dt.date | None = field("When the child moved.", default=None)
    plan: PlanKind = field("The plan the child is on.")
    categories: tuple[AbuseCategory, ...] = field(
        "For a child protection plan, its category (DfE CIN census).",
        default=(),
        max_items=len(AbuseCategory),
    )
    summary: str = field(
        "Why the child moved and what the receiving authority needs to know.", min_length=1, max_length=_LONG
    )


@attrs.frozen(kw_only=True)
class CaseClosureBody:
    """Children's social care closes the case, and says where support goes next."""

    concern_id: uuid.UUID | None = field("The concern or referral the case began with.", default=None)
    closed_on: dt.date = field("When the case closed.")
    reason: ClosureReason = field("Why, as the DfE CIN census reason for closure.")
    step_down_to: StepDown = field("Where the child's support goes next.")
    summary: str = field(
        "Why the case closed and what the other agencies should watch for.", min_length=1, max_length=_LONG
    )
