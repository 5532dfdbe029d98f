"""The Graded Care Profiles: the tools the format knows by code, their areas, and a comparison of repeats.

An assessment summary (:class:`~concernshare.records.AssessmentSummaryBody`)
whose ``tool`` is ``GCP`` (the original profile of Srivastava and Polnay) or
``GCP2`` (the NSPCC's revision) has its areas checked (CS153) and can be
compared with a repeat of the same tool, area by area. Areas are opaque
codes, never the tools' descriptor text, which is licensed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from concernshare.errors import UsageError
from concernshare.records import AssessmentSummaryBody

__all__ = ["CARE_PROFILES", "AreaChange", "CareProfile", "care_profile_of", "compare_assessments"]


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
