"""Bodies that carry what an agency knows: chronology entries, information responses, assessment summaries."""

from __future__ import annotations

import datetime as dt
import uuid

import attrs

from concernshare.records._fields import field
from concernshare.records.codes import ChronologyEventType, Impact, YesNoUnknown
from concernshare.records.types import AGENCY_ID, AGENCY_ID_MAX, AgencyId, PartialDate

__all__ = [
    "AreaGrade",
    "AssessmentSummaryBody",
    "Assessor",
    "ChronologyBody",
    "ChronologyEntry",
    "InformationResponseBody",
]

_TEXT = 200
_LONG = 4000


@attrs.frozen(kw_only=True)
class ChronologyEntry:
    """One significant event in the child's life, as one agency recorded it."""

    event_date: PartialDate = field(
        "When the event happened: YYYY-MM-DD, or YYYY-MM or YYYY where only that is known.",
    )
    recorded_date: dt.date = field("When the agency recorded it.")
    source_agency: AgencyId = field(
        "The agency that holds the record.",
        pattern=AGENCY_ID,
        max_length=AGENCY_ID_MAX,
    )
    author_role: str = field("The role of whoever recorded it.", min_length=1, max_length=_TEXT)
    event_type: ChronologyEventType = field("The kind of event.")
    summary: str = field("What happened, factually.", min_length=1, max_length=_LONG)
    significance: str = field(
        "What the event means for the child: the reason it belongs in a chronology.",
        min_length=1,
        max_length=_LONG,
    )
    child_seen: YesNoUnknown = field("Whether the child was seen.")
    action_taken: str | None = field(
        "What the agency did.",
        default=None,
        max_length=_LONG,
        min_length=1,
    )
    outcome: str | None = field(
        "What came of it.",
        default=None,
        max_length=_LONG,
        min_length=1,
    )
    source_record_reference: str | None = field(
        "The record's reference in the agency's own system; entries from the same source record are the same event.",
        default=None,
        max_length=64,
        min_length=1,
    )
    impact: Impact = field("Whether the event was positive, negative or neutral for the child.")


@attrs.frozen(kw_only=True)
class ChronologyBody:
    """An agency's chronology entries for the child."""

    entries: tuple[ChronologyEntry, ...] = field(
        "The entries, in any order.",
        min_items=1,
        max_items=5000,
    )


@attrs.frozen(kw_only=True)
class InformationResponseBody:
    """The answer to an information request."""

    request_id: uuid.UUID = field("The request answered.")
    nothing_known: bool = field("True if the agency knows nothing about the child.")
    information: str | None = field(
        "What the agency knows, summarised.",
        default=None,
        max_length=_LONG,
        min_length=1,
    )
    entries: tuple[ChronologyEntry, ...] = field(
        "Chronology entries that answer the request.",
        default=(),
        max_items=5000,
    )


@attrs.frozen(kw_only=True)
class Assessor:
    """Who carried out an assessment."""

    name: str | None = field(
        "The assessor's name. Required, unless a view withholds it.",
        default=None,
        max_length=_TEXT,
        min_length=1,
        withholdable=True,
    )
    role: str = field("The assessor's role.", min_length=1, max_length=_TEXT)
    trained: bool = field("True if the assessor is trained in the tool.")


@attrs.frozen(kw_only=True)
class AreaGrade:
    """One area's grade; areas are opaque codes, never the tool's licensed descriptor text."""

    area: str = field(
        "The tool's code for the area, for example 'physical_care'.",
        pattern="^[a-z][a-z0-9_.]*$",
        max_length=64,
    )
    grade: int = field("The grade, 1 (best) to 5 (worst).", minimum=1, maximum=5)


@attrs.frozen(kw_only=True)
class AssessmentSummaryBody:
    """The summary of a structured assessment such as the Graded Care Profile (GCP) or its successor, GCP2."""

    tool: str = field(
        "The tool, for example 'GCP2'. The Graded Care Profiles are written 'GCP' (the original, "
        "Srivastava and Polnay) and 'GCP2' (NSPCC), so that their areas are checked and repeats compared.",
        min_length=1,
        max_length=64,
    )
    tool_version: str = field("The tool's version.", min_length=1, max_length=32)
    assessor: Assessor = field("Who assessed.")
    assessed_on: dt.date = field("When the assessment was made.")
    area_grades: tuple[AreaGrade, ...] = field(
        "The grade of each area.",
        min_items=1,
        max_items=100,
    )
    overall_view: str = field(
        "The assessor's overall view of the care the child receives.",
        min_length=1,
        max_length=_LONG,
    )
    review_date: dt.date | None = field("When the assessment will be repeated.", default=None)
