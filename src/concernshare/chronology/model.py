"""The records of a multi-agency chronology: entries, identity matches, patterns, and what could not be read.

A chronology is exported as JSON (``schemas/chronology.schema.json``, generated
from these records), CSV and a self-contained HTML report.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from concernshare.records._fields import field
from concernshare.records.codes import Impact, NonEngagementKind, Status, WithdrawalReason, YesNoUnknown
from concernshare.records.types import AGENCY_ID, AGENCY_ID_MAX, AgencyId, PartialDate

__all__ = [
    "CHRONOLOGY_VERSION",
    "Chronology",
    "ChronologyChild",
    "Entry",
    "EntryState",
    "Match",
    "Pattern",
    "PatternKind",
    "Unreadable",
    "Version",
    "first_written",
]

CHRONOLOGY_VERSION = "1.1"
_TEXT = 8000
_ID = "^[0-9a-f-]{36}(#(/([^/~]|~[01])*)*)?$"


class EntryState(enum.StrEnum):
    """Whether an entry stands, was replaced by a later version, or was withdrawn."""

    CURRENT = "current"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


class Match(enum.StrEnum):
    """How an entry was joined to the child: by NHS number, or probably (for a person to confirm).

    ``household`` (new in 1.1): the message is about another child of the household, and the event (a
    domestic abuse incident at the home) concerns this child too.
    """

    NHS_NUMBER = "nhs_number"
    UNBORN_LINK = "unborn_link"
    PROBABLE = "probable"
    HOUSEHOLD = "household"


class PatternKind(enum.StrEnum):
    """The patterns a chronology flags."""

    REPEATED_NON_ENGAGEMENT = "repeated_non_engagement"
    CONCERNS_WITHOUT_ASSESSMENT = "concerns_without_assessment"
    OVERDUE_RESPONSE = "overdue_response"
    UNSEEN_GAP = "unseen_gap"
    RISING_FREQUENCY = "rising_frequency"
    WITHDRAWN_CONCERN = "withdrawn_concern"
    POSSIBLE_DUPLICATE = "possible_duplicate"
    TIMESCALE_BREACH = "timescale_breach"
    FALTERING_GROWTH = "faltering_growth"
    NEGLECT_WITHOUT_CARE_PROFILE = "neglect_without_care_profile"
    CARE_PROFILE_REVIEW_OVERDUE = "care_profile_review_overdue"
    UNTRAINED_ASSESSOR = "untrained_assessor"


@attrs.frozen(kw_only=True)
class Version:
    """An earlier version of an entry, replaced by a later message from the same agency."""

    message_id: str = field("The id of the message that held this version.", pattern=_ID, max_length=300)
    summary: str = field("What the earlier version said.", max_length=_TEXT)
    recorded: dt.datetime = field("When the earlier version was written.")


@attrs.frozen(kw_only=True)
class Entry:
    """One event in the child's life, as one agency recorded or reported it."""

    id: str = field("A stable id: the message id, and the pointer of the entry within it.", pattern=_ID, max_length=300)
    message_id: str = field("The message the entry comes from.", pattern=_ID, max_length=300)
    message_type: str = field("The type of that message.", pattern="^[a-z][a-z0-9_]{2,39}$", max_length=40)
    agency: AgencyId = field("The agency that recorded the event.", pattern=AGENCY_ID, max_length=AGENCY_ID_MAX)
    agency_name: str | None = field(
        "The agency's name, as the trust directory gives it, where one was given when the chronology was built.",
        default=None,
        max_length=200,
        examples=("Example Road Surgery",),
    )
    author_role: str | None = field("The role of the practitioner who recorded it.", default=None, max_length=200)
    event_date: PartialDate = field("When the event happened, as precisely as it is known.")
    recorded: dt.datetime = field("When the agency wrote it down (the message's time where no other is given).")
    event_type: str = field("The kind of event.", pattern="^[a-z][a-z0-9_]{2,39}$", max_length=40)
    summary: str = field("What happened.", max_length=_TEXT)
    significance: str | None = field("What it means for the child.", default=None, max_length=_TEXT)
    child_seen: YesNoUnknown = field("Whether the child was seen.", default=YesNoUnknown.UNKNOWN)
    action_taken: str | None = field("What was done about it.", default=None, max_length=_TEXT)
    outcome: str | None = field("What came of it.", default=None, max_length=_TEXT)
    impact: Impact | None = field("Positive, negative or neutral for the child.", default=None)
    non_engagement: NonEngagementKind | None = field("For a missed contact, what kind.", default=None)
    service: str | None = field(
        "For a missed contact, the service whose appointment or visit was missed (not the agency reporting it).",
        default=None,
        max_length=_TEXT,
    )
    source_record_reference: str | None = field(
        "The record's reference in the agency's system.", default=None, max_length=64
    )
    match: Match = field("How the entry was joined to the child.", default=Match.NHS_NUMBER)
    match_reason: str | None = field(
        "For a probable match, why it is thought to be this child.", default=None, max_length=500
    )
    state: EntryState = field("Whether the entry stands.", default=EntryState.CURRENT)
    withdrawal_reason: WithdrawalReason | None = field("Why it was withdrawn.", default=None)
    history: tuple[Version, ...] = field("Earlier versions, oldest first.", default=())
    possible_duplicates: tuple[str, ...] = field(
        "Ids of entries that look the same (same day, agency, kind and text) but come from different records: "
        "kept, and flagged for a person to check.",
        default=(),
    )


@attrs.frozen(kw_only=True)
class Pattern:
    """A pattern across entries, with the entries behind it and the reason in words."""

    kind: PatternKind = field("The kind of pattern.")
    explanation: str = field("What was found, in words, naming no personal value.", max_length=2000)
    entries: tuple[str, ...] = field("The ids of the entries behind it.", min_items=1)


@attrs.frozen(kw_only=True)
class Unreadable:
    """An input that could not be read, opened or validated: named, never dropped."""

    source: str = field("The file (or other source) that could not be used.", max_length=4096)
    problem: str = field("What was wrong, naming no personal value.", max_length=2000)


@attrs.frozen(kw_only=True)
class ChronologyChild:
    """Who the chronology is about."""

    nhs_number: str | None = field("The child's NHS number.", default=None, pattern="^[0-9]{10}$", max_length=10)
    mother_nhs_number: str | None = field(
        "For a chronology begun before birth, the mother's NHS number.",
        default=None,
        pattern="^[0-9]{10}$",
        max_length=10,
    )
    birth_date: dt.date | None = field("The child's birth date, as the messages give it.", default=None)
    names: tuple[str, ...] = field("The names the messages give the child.", default=())
    household: tuple[str, ...] = field(
        "The NHS numbers of the other children the messages record as living with the child. New in 1.1.",
        default=(),
        pattern="^[0-9]{10}$",
        max_length=10,
    )


@attrs.frozen(kw_only=True)
class Chronology:
    """A merged, ordered, pattern-flagged chronology of one child, from many agencies."""

    format_version: str = field(
        "The chronology export format version.", pattern="^1[.](0|[1-9][0-9]{0,3})$", max_length=6
    )
    generated: dt.datetime = field("When the chronology was built.")
    child: ChronologyChild = field("Who it is about.")
    entries: tuple[Entry, ...] = field(
        "The entries joined to the child by NHS number (or unborn link), in order.", default=()
    )
    probable: tuple[Entry, ...] = field(
        "Entries that probably concern the child (same name and birth date, or a local id) but are not joined: "
        "a person must confirm them.",
        default=(),
    )
    conflicts: tuple[str, ...] = field(
        "Messages whose identifiers conflict with the child's (a different NHS number for the same name and "
        "birth date, or for the same local case-system id): never merged.",
        default=(),
    )
    patterns: tuple[Pattern, ...] = field("Patterns found, each with its entries.", default=())
    unreadable: tuple[Unreadable, ...] = field("Inputs that could not be used.", default=())
    agencies: tuple[AgencyId, ...] = field("Every agency with an entry, in order of first appearance.", default=())
    statuses: tuple[Status, ...] = field(
        "The statuses of the messages it was built from; a report built from exercise or test messages says so.",
        default=(),
    )


def words(value: object) -> str:
    """A code as words: ``was_not_brought`` reads ``was not brought``. Raises nothing."""
    return str(value).replace("_", " ")


def first_written(entry: Entry, created: dt.datetime) -> dt.datetime:
    """When the first version of ``entry``'s message was written: ``created`` (the message's), or an earlier version's.

    A corrected message is judged from its first version, so that a correction never restarts a clock. Raises nothing.
    """
    return min((created, *(version.recorded for version in entry.history)))
