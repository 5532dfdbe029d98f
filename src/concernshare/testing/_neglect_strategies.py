"""Hypothesis strategies for growth measurements and Graded Care Profiles (format 1.1).

:mod:`concernshare.testing.strategies` uses them for every record it makes,
so that its messages pass checks CS150-CS155; they are public there too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import attrs
from hypothesis import strategies as st

from concernshare._neglect_checks import PLAUSIBLE
from concernshare.care_profiles import CARE_PROFILES, care_profile_of
from concernshare.records import (
    AreaGrade,
    Assessor,
    Centile,
    ConcernBody,
    GrowthMeasurement,
    Message,
    UpdateBody,
)

__all__ = ["assessment_tools", "care_profile_grades", "fit_growth", "growth_measurements"]

Strategy = st.SearchStrategy

_FIRST_DAY: Final = dt.date(2000, 1, 1)
_LAST_DAY: Final = dt.date(2030, 12, 31)
_TEXT: Final = st.text(st.characters(codec="utf-8"), min_size=1, max_size=8)


def _value(name: str) -> Strategy[int | None]:
    low, high = PLAUSIBLE[name]
    return st.none() | st.integers(low, high)


def _centile(value: int | None) -> Strategy[Centile | None]:
    return st.none() if value is None else st.none() | st.sampled_from(Centile)


@st.composite
def growth_measurements(draw: st.DrawFn, *, at: dt.datetime | None = None) -> GrowthMeasurement:
    """Growth measurements with at least one value, each a child could measure, none dated after ``at``."""
    last = _LAST_DAY if at is None else at.astimezone(dt.UTC).date()
    values = {name: draw(_value(name)) for name in PLAUSIBLE}
    if all(value is None for value in values.values()):
        name = draw(st.sampled_from(sorted(PLAUSIBLE)))
        values[name] = draw(st.integers(*PLAUSIBLE[name]))
    return GrowthMeasurement(
        date=draw(st.dates(min_value=min(_FIRST_DAY, last), max_value=last)),
        weight_centile=draw(_centile(values["weight_g"])),
        length_or_height_centile=draw(_centile(values["length_or_height_mm"])),
        head_circumference_centile=draw(_centile(values["head_circumference_mm"])),
        measured_by=draw(st.none() | _TEXT),
        **values,
    )


def care_profile_grades(tool: str) -> Strategy[tuple[AreaGrade, ...]]:
    """Grades of a Graded Care Profile: each of its four areas once, and some of its checked sub-areas."""
    profile = CARE_PROFILES[tool]
    grade = st.integers(1, 5)
    subs = sorted(f"{a}.{s}" for a, names in (profile.sub_areas or {}).items() for s in names)
    chosen = st.lists(st.sampled_from(subs), max_size=2, unique=True) if subs else st.just([])
    return st.tuples(
        st.tuples(*(grade for _ in profile.areas)),
        chosen.flatmap(lambda names: st.tuples(st.just(names), st.tuples(*(grade for _ in names)))),
    ).map(
        lambda pair: (
            *(AreaGrade(area=a, grade=g) for a, g in zip(profile.areas, pair[0], strict=True)),
            *(AreaGrade(area=a, grade=g) for a, g in zip(pair[1][0], pair[1][1], strict=True)),
        )
    )


@st.composite
def assessment_tools(draw: st.DrawFn) -> dict[str, Strategy[Any]]:
    """Fixed strategies for an assessment summary's tool: a Graded Care Profile graded by a trained assessor, or
    another tool (never a spelling of a Graded Care Profile)."""
    if draw(st.booleans()):
        tool = draw(st.sampled_from(sorted(CARE_PROFILES)))
        return {
            "tool": st.just(tool),
            "area_grades": care_profile_grades(tool),
            "assessor": st.builds(Assessor, name=_TEXT, role=_TEXT, trained=st.just(True)),
        }
    return {"tool": st.text(st.characters(codec="utf-8"), min_size=1, max_size=8).filter(_not_a_profile)}


def _not_a_profile(tool: str) -> bool:
    return care_profile_of(tool) is None


def fit_growth(message: Message) -> Message:
    """The message without growth measurements that its child could not have: any for an unborn child, and those
    dated before the birth date (CS152)."""
    body = message.body
    if not isinstance(body, ConcernBody | UpdateBody) or not body.growth:
        return message
    child = message.subject
    born = child.birth_date
    kept = () if child.unborn else tuple(g for g in body.growth if born is None or g.date >= born)
    return attrs.evolve(message, body=attrs.evolve(body, growth=kept or None))
