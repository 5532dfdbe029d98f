"""Bodies that close the loop: acknowledgement, decision, withdrawal, escalation, requests and access."""

from __future__ import annotations

import datetime as dt
import uuid

import attrs

from concernshare.records._fields import field
from concernshare.records.codes import (
    AccessSetting,
    AcknowledgementOutcome,
    AssessmentFactor,
    ContactOrReferral,
    DecisionOutcome,
    PrimaryNeed,
    ReferralSource,
    WithdrawalReason,
)
from concernshare.records.people import Practitioner
from concernshare.records.types import AGENCY_ID, AGENCY_ID_MAX, AgencyId

__all__ = [
    "AccessNotificationBody",
    "AcknowledgementBody",
    "DecisionBody",
    "EscalationBody",
    "InformationRequestBody",
    "ReportedProblem",
    "WithdrawalBody",
]

_TEXT = 200
_LONG = 4000


@attrs.frozen(kw_only=True)
class ReportedProblem:
    """A problem found in a rejected message: where and which code, never a value."""

    pointer: str = field(
        "The JSON pointer of the problem in the rejected message ('' for the whole message).",
        pattern="^(/([^/~]|~[01])*)*$",
        max_length=256,
    )
    code: str = field(
        "The problem's stable code.",
        pattern="^[A-Za-z0-9_.:/-]{1,40}$",
        max_length=40,
    )


@attrs.frozen(kw_only=True)
class AcknowledgementBody:
    """The receiver's answer that a message arrived, and whether its content was accepted."""

    message_id: uuid.UUID = field("The message acknowledged.")
    received_at: dt.datetime = field("When it was received.")
    received_by: Practitioner = field("Who received it.")
    outcome: AcknowledgementOutcome = field("Accepted, or rejected for its content.")
    problems: tuple[ReportedProblem, ...] = field(
        "For a rejection, every problem found: pointer and code only.",
        default=(),
        max_items=500,
    )
    next_steps: str | None = field(
        "What happens next.",
        default=None,
        max_length=_LONG,
        min_length=1,
    )
    next_steps_due: dt.datetime | None = field(
        "When the next step is due.",
        default=None,
    )


@attrs.frozen(kw_only=True)
class DecisionBody:
    """The front door's decision on a concern."""

    concern_id: uuid.UUID = field("The concern decided on.")
    contact_or_referral: ContactOrReferral = field(
        "Whether the front door treats the concern as a contact or a referral.",
    )
    referral_at: dt.datetime | None = field(
        "When the contact was decided to be a referral: the statutory clocks run from here.",
        default=None,
    )
    referral_source: ReferralSource | None = field(
        "The CIN census referral source.",
        default=None,
    )
    outcome: DecisionOutcome = field("What was decided.")
    reasons: str = field("Why.", min_length=1, max_length=_LONG)
    primary_need: PrimaryNeed | None = field(
        "The CIN census primary need, where known.",
        default=None,
    )
    assessment_concluded: bool = field(
        "True where this decision records the end of an assessment.",
        default=False,
    )
    assessment_factors: tuple[AssessmentFactor, ...] = field(
        "The CIN census factors identified at the end of assessment; only when an assessment concluded.",
        default=(),
        max_items=len(AssessmentFactor),
    )
    transferred_to: AgencyId | None = field(
        "The authority the case was transferred to.",
        default=None,
        pattern=AGENCY_ID,
        max_length=AGENCY_ID_MAX,
    )
    feedback_to_referrer: str | None = field(
        "What the referrer is told.",
        default=None,
        max_length=_LONG,
        min_length=1,
    )
    decided_by: Practitioner = field("Who decided.")
    decided_at: dt.datetime = field("When.")


@attrs.frozen(kw_only=True)
class WithdrawalBody:
    """The permanent withdrawal of a message sent in error; it reaches every recipient."""

    message_id: uuid.UUID = field("The message withdrawn.")
    reason: WithdrawalReason = field(
        "Why. Content withdrawn as 'wrong_child' is never shown again, only the fact.",
    )
    explanation: str | None = field(
        "Anything the recipients need to know; never the withdrawn content.",
        default=None,
        max_length=_LONG,
        min_length=1,
    )
    permanent: bool = field("Always true: a withdrawn message stays withdrawn.", const=True, default=True)


@attrs.frozen(kw_only=True)
class EscalationBody:
    """A challenge to a decision or a response, under the local escalation policy."""

    challenged_message_id: uuid.UUID = field("The decision or message challenged.")
    level: int = field(
        "The level under the local escalation policy (1 is the first).",
        minimum=1,
        maximum=9,
    )
    reason: str = field("Why it is challenged.", min_length=1, max_length=_LONG)
    outcome_sought: str = field("What the sender wants to happen.", min_length=1, max_length=_LONG)
    respond_by: dt.datetime = field("When a response is due.")


@attrs.frozen(kw_only=True)
class InformationRequestBody:
    """A request for what an agency knows about the child, for example from the MASH."""

    asked: str = field("What is asked.", min_length=1, max_length=_LONG)
    purpose: str = field("Why it is needed.", min_length=1, max_length=_LONG)
    asked_of: tuple[AgencyId, ...] = field(
        "The agencies asked.",
        min_items=1,
        max_items=50,
    )
    respond_by: dt.datetime = field("When the answer is due.")


@attrs.frozen(kw_only=True)
class AccessNotificationBody:
    """A notice to the responsible authority that a child's record was looked at (as NHS CP-IS sends)."""

    record_reference: str | None = field(
        "The reference of the record accessed, in the accessing system.",
        default=None,
        max_length=64,
        min_length=1,
    )
    accessed_by: AgencyId = field(
        "The agency whose staff looked at the record.",
        pattern=AGENCY_ID,
        max_length=AGENCY_ID_MAX,
    )
    setting: AccessSetting = field("The setting, for example an emergency department.")
    accessed_at: dt.datetime = field("When the record was accessed.")
    accessor_role: str = field(
        "The role of whoever looked at it.",
        min_length=1,
        max_length=_TEXT,
    )
