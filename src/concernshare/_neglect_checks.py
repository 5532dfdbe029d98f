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

from concernshare._lawchecks import in_version
from concernshare.care_profiles import care_profile_of
from concernshare.catalogue import problem
from concernshare.checks import _check
from concernshare.errors import Problem
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


@_check("CS150", bodies=(ConcernBody, UpdateBody))
def _empty_growth(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    for pointer, measurement in _growth(message):
        if all(getattr(measurement, name) is None for name in PLAUSIBLE):
            yield problem(pointer, "CS150", "no_value")
        for centile, value in _CENTILES.items():
            if getattr(measurement, centile) is not None and getattr(measurement, value) is None:
                yield problem(f"{pointer}/{centile}", "CS150", "centile", value=value)


@_check("CS151", bodies=(ConcernBody, UpdateBody))
def _impossible_growth(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    for pointer, measurement in _growth(message):
        for name, (low, high) in PLAUSIBLE.items():
            value = getattr(measurement, name)
            if value is not None and not low <= value <= high:
                unit = "grams" if name == "weight_g" else "millimetres"
                yield problem(f"{pointer}/{name}", "CS151", unit=unit, low=low, high=high)


@_check("CS152", bodies=(ConcernBody, UpdateBody))
def _growth_dates(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    child = message.subject
    for pointer, measurement in _growth(message):
        if child.unborn:
            yield problem(f"{pointer}/date", "CS152", "unborn")
        elif child.birth_date is not None and measurement.date < child.birth_date:
            yield problem(f"{pointer}/date", "CS152", "before_birth")


@_check("CS153", bodies=(AssessmentSummaryBody,))
def _care_profile_areas(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, AssessmentSummaryBody) or (profile := care_profile_of(body.tool)) is None:
        return
    seen: set[str] = set()
    for index, grade in enumerate(body.area_grades):
        pointer = f"/body/area_grades/{index}/area"
        area, _dot, sub_area = grade.area.partition(".")
        if area not in profile.areas:
            yield in_version(message, problem(pointer, "CS153", "area"))
        elif sub_area and profile.sub_areas is not None and sub_area not in profile.sub_areas[area]:
            yield in_version(message, problem(pointer, "CS153", "sub_area"))
        if grade.area in seen:
            yield in_version(message, problem(pointer, "CS153", "twice"))
        seen.add(grade.area)
    for area in profile.areas:
        if area not in seen:
            yield problem("/body/area_grades", "CS153", "ungraded", number=profile.areas.index(area) + 1)


@_check("CS154", bodies=(AssessmentSummaryBody,))
def _untrained(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, AssessmentSummaryBody) or (profile := care_profile_of(body.tool)) is None:
        return
    if not body.assessor.trained:
        yield problem("/body/assessor/trained", "CS154", training=profile.training)


@_check("CS155", bodies=(AssessmentSummaryBody,))
def _tool_spelling(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, AssessmentSummaryBody) or (profile := care_profile_of(body.tool)) is None:
        return
    if body.tool != profile.code:
        yield problem("/body/tool", "CS155")
