"""Bodies that carry what an agency knows: chronology entries, information responses, assessment summaries."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from concernshare.errors import UsageError
from concernshare.records._fields import field
from concernshare.records.codes import ChronologyEventType, Impact, YesNoUnknown
from concernshare.records.types import AGENCY_ID, AGENCY_ID_MAX, AgencyId, PartialDate

__all__ = [
    "CARE_PROFILES",
    "AreaChange",
    "AreaGrade",
    "AssessmentSummaryBody",
    "Assessor",
    "CareProfile",
    "ChronologyBody",
    "ChronologyEntry",
    "InformationResponseBody",
    "care_profile_of",
    "compare_assessments",
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


@attrs.frozen(kw_only=True)
class CareProfile:
    """A Graded Care Profile: its code, its four areas and, where they are checked, each area's sub-areas.

    Areas and sub-areas are opaque codes (``physical_care``,
    ``physical_care.nutrition``), never the tool's descriptor text, which is
    licensed. ``sub_areas`` of None means that the sub-areas are not checked.
    """

    code: str
    name: str
    areas: tuple[str, ...]
    sub_areas: Mapping[str, frozenset[str]] | None
    training: str

    def area_of(self, code: str) -> str:
        """The area a grade's code belongs to: the code itself, or the part before its first dot."""
        return code.partition(".")[0]


_AREAS: Final = ("physical_care", "safety", "love", "esteem")

#: The Graded Care Profiles the format knows, by the code written in ``tool``. The original GCP's
#: sub-areas are those of the published summary sheet (Srivastava and Polnay, adopted by local
#: safeguarding boards, Luton's among them); GCP2's sub-areas are the NSPCC's licensed material
#: and are not checked here.
CARE_PROFILES: Final[Mapping[str, CareProfile]] = MappingProxyType(
    {
        "GCP": CareProfile(
            code="GCP",
            name="Graded Care Profile (Srivastava and Polnay)",
            areas=_AREAS,
            sub_areas=MappingProxyType(
                {
                    "physical_care": frozenset({"nutrition", "housing", "clothing", "hygiene", "health"}),
                    "safety": frozenset({"in_carers_presence", "in_carers_absence"}),
                    "love": frozenset({"carer", "mutual_engagement"}),
                    "esteem": frozenset({"stimulation", "approval", "disapproval", "acceptance"}),
                }
            ),
            training="training in the tool from the local safeguarding partnership",
        ),
        "GCP2": CareProfile(
            code="GCP2",
            name="Graded Care Profile 2 (NSPCC)",
            areas=_AREAS,
            sub_areas=None,
            training="the NSPCC-licensed GCP2 training, which the tool's licence requires of every assessor",
        ),
    }
)

_SQUASH: Final = re.compile(r"[^a-z0-9]")
_SPELLINGS: Final = {
    "gcp": "GCP",
    "gradedcareprofile": "GCP",
    "gcp1": "GCP",
    "gradedcareprofile1": "GCP",
    "gcp2": "GCP2",
    "gradedcareprofile2": "GCP2",
    "nspccgcp2": "GCP2",
}


def care_profile_of(tool: str) -> CareProfile | None:
    """The Graded Care Profile a ``tool`` names, however it is spelt ('gcp 2', 'Graded Care Profile 2'), or None."""
    code = _SPELLINGS.get(_SQUASH.sub("", tool.casefold()))
    return None if code is None else CARE_PROFILES[code]


@attrs.frozen(kw_only=True)
class AreaChange:
    """How one area's grade moved between two assessments; 1 is the best grade and 5 the worst.

    ``before`` or ``after`` is None where only one of the assessments graded
    the area.
    """

    area: str
    before: int | None
    after: int | None

    @property
    def change(self) -> int | None:
        """``after - before``: below 0 the care improved, above 0 it got worse; None if one grade is missing."""
        return None if self.before is None or self.after is None else self.after - self.before


def compare_assessments(earlier: AssessmentSummaryBody, later: AssessmentSummaryBody) -> tuple[AreaChange, ...]:
    """Each area's grade in two assessments with the same Graded Care Profile, in the order the tool lists them.

    The tool's own areas come first, then any other codes in the order the
    assessments give them. Where an assessment grades an area twice, its
    first grade counts (the semantic checks report the repeat).

    Raises :class:`~concernshare.errors.UsageError` if either is not a Graded
    Care Profile, or if the two are different tools (a GCP and a GCP2 are
    graded differently and cannot be compared area by area).
    """
    first, second = care_profile_of(earlier.tool), care_profile_of(later.tool)
    if first is None or second is None:
        raise UsageError("only Graded Care Profiles (GCP, GCP2) are compared area by area")
    if first is not second:
        raise UsageError(f"a {first.code} and a {second.code} are graded differently and cannot be compared")
    before: dict[str, int] = {}
    after: dict[str, int] = {}
    for grades, into in ((earlier.area_grades, before), (later.area_grades, after)):
        for grade in grades:
            into.setdefault(grade.area, grade.grade)
    order = dict.fromkeys((*first.areas, *before, *after))
    return tuple(
        AreaChange(area=area, before=before.get(area), after=after.get(area))
        for area in order
        if area in before or area in after
    )
