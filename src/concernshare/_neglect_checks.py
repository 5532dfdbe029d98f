"""Semantic checks of growth measurements and Graded Care Profiles (format 1.1): CS150-CS155.

Registered with the other checks (:data:`concernshare.checks.CHECKS`) when
:mod:`concernshare.checks` is imported; no message quotes a value from the
document. Growth measurements are new in 1.1, so their checks are errors in
every message that carries them. Area grades were in 1.0 already, so a rule
about them that a valid 1.0 message could break is only a warning in a 1.0
message (docs/specification/versioning.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Final

from concernshare._lawchecks import since_1_1
from concernshare.care_profiles import care_profile_of
from concernshare.checks import _check, _error, _warning
from concernshare.errors import Problem, Severity
from concernshare.records import (
    AssessmentSummaryBody,
    ConcernBody,
    GrowthMeasurement,
    Message,
    UpdateBody,
)

__all__: list[str] = []

#: What a child can measure, from the smallest live-born baby to the tallest, heaviest 17-year-old, with room
#: to spare: a value outside these is a slip (grams for kilograms, centimetres for millimetres), not a child.
PLAUSIBLE: Final = {
    "weight_g": (200, 250_000),
    "length_or_height_mm": (200, 2_400),
    "head_circumference_mm": (150, 700),
}
_CENTILES: Final = {
    "weight_centile": "weight_g",
    "length_or_height_centile": "length_or_height_mm",
    "head_circumference_centile": "head_circumference_mm",
}


def _growth(message: Message) -> Iterator[tuple[str, GrowthMeasurement]]:
    body = message.body
    if isinstance(body, ConcernBody | UpdateBody) and body.growth:
        for index, measurement in enumerate(body.growth):
            yield f"/body/growth/{index}", measurement


@_check("CS150", "A growth measurement has no value, or a centile without the value it places.")
def _empty_growth(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    for pointer, measurement in _growth(message):
        if all(getattr(measurement, name) is None for name in PLAUSIBLE):
            yield _error(
                pointer,
                "CS150",
                "a growth measurement needs at least one value: a weight, a length or height, or a head circumference",
            )
        for centile, value in _CENTILES.items():
            if getattr(measurement, centile) is not None and getattr(measurement, value) is None:
                yield _error(f"{pointer}/{centile}", "CS150", f"a centile places a measurement: give {value} too")


@_check("CS151", "A growth measurement is outside what a child can measure (a unit slipped).")
def _impossible_growth(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    for pointer, measurement in _growth(message):
        for name, (low, high) in PLAUSIBLE.items():
            value = getattr(measurement, name)
            if value is not None and not low <= value <= high:
                unit = "grams" if name == "weight_g" else "millimetres"
                yield _error(
                    f"{pointer}/{name}",
                    "CS151",
                    f"no child measures this; the value is in {unit} ({low} to {high} is possible): check the unit",
                )


@_check("CS152", "A growth measurement is dated before the child was born, or given for an unborn child.")
def _growth_dates(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    child = message.subject
    for pointer, measurement in _growth(message):
        if child.unborn:
            yield _error(f"{pointer}/date", "CS152", "an unborn child has no growth measurements; remove them")
        elif child.birth_date is not None and measurement.date < child.birth_date:
            yield _error(f"{pointer}/date", "CS152", "a child cannot be measured before the birth date; check the date")


def _problem(message: Message, pointer: str, text: str, *, severity: Severity = Severity.ERROR) -> Problem:
    """An error in a 1.1 message and a warning in a 1.0 one, which 1.0 allowed."""
    if severity is Severity.ERROR and not since_1_1(message):
        severity = Severity.WARNING
    return Problem(pointer=pointer, code="CS153", message=text, severity=severity)


@_check(
    "CS153",
    "A Graded Care Profile grades an area that is not the tool's, grades an area twice, or leaves one of its four "
    "areas ungraded.",
)
def _care_profile_areas(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, AssessmentSummaryBody) or (profile := care_profile_of(body.tool)) is None:
        return
    seen: set[str] = set()
    for index, grade in enumerate(body.area_grades):
        pointer = f"/body/area_grades/{index}/area"
        area, _dot, sub_area = grade.area.partition(".")
        if area not in profile.areas:
            yield _problem(
                message,
                pointer,
                "not one of the tool's four areas, nor a sub-area written after its area and a dot: "
                "see CS153 in the problem codes for the area codes",
            )
        elif sub_area and profile.sub_areas is not None and sub_area not in profile.sub_areas[area]:
            yield _problem(
                message,
                pointer,
                "not a sub-area that the tool's summary sheet gives for this area: see CS153 in the problem codes",
                severity=Severity.WARNING,
            )
        if grade.area in seen:
            yield _problem(message, pointer, "this area is graded twice; give each area one grade")
        seen.add(grade.area)
    for area in profile.areas:
        if area not in seen:
            yield _warning(
                "/body/area_grades",
                "CS153",
                f"the tool grades each of its four areas and area {profile.areas.index(area) + 1} of 4 has no "
                "grade: give it, or say in overall_view why it was not assessed",
            )


@_check("CS154", "The assessor of a Graded Care Profile is not trained in the tool (a warning).")
def _untrained(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, AssessmentSummaryBody) or (profile := care_profile_of(body.tool)) is None:
        return
    if not body.assessor.trained:
        yield _warning(
            "/body/assessor/trained",
            "CS154",
            "the assessor is not trained in the tool, so the grades may not compare with a trained "
            f"assessor's: the tool expects {profile.training}",
        )


@_check("CS155", "A Graded Care Profile is named in another spelling than GCP or GCP2 (a warning).")
def _tool_spelling(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, AssessmentSummaryBody) or (profile := care_profile_of(body.tool)) is None:
        return
    if body.tool != profile.code:
        yield _warning(
            "/body/tool",
            "CS155",
            "write this Graded Care Profile as its code (GCP, or GCP2 for the NSPCC's), so that its areas "
            "are checked and repeats compared across agencies",
        )
