"""Tests of the growth and Graded Care Profile checks (CS150-CS155), the profiles' areas and their comparison."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import pytest

from concernshare import codec, validation
from concernshare.care_profiles import CARE_PROFILES, AreaChange, care_profile_of, compare_assessments
from concernshare.errors import Severity, UsageError
from concernshare.records import AssessmentSummaryBody, Centile
from concernshare.routing.views import Sensitivity, redact

EXAMPLES = Path(__file__).parent.parent / "examples" / "messages"


@functools.cache
def _read(prefix: str) -> str:
    (path,) = EXAMPLES.glob(f"{prefix}-*.json")
    return path.read_text(encoding="utf-8")


def _concern() -> dict[str, Any]:
    return copy.deepcopy(json.loads(_read("01")))


def _profile() -> dict[str, Any]:
    return copy.deepcopy(json.loads(_read("08")))


def _found(document: dict[str, Any], code: str) -> list[tuple[str, Severity]]:
    return [(p.pointer, p.severity) for p in validation.iter_problems(document) if p.code == code]


def test_the_examples_carry_growth_and_a_profile_cleanly() -> None:
    """The story's concern (with growth) and GCP are free of problems, warnings included."""
    for document in (_concern(), _profile()):
        assert list(validation.iter_problems(document)) == []
    assert len(_concern()["body"]["growth"]) == 4


def test_a_measurement_needs_a_value() -> None:
    """A measurement with a date and nothing measured is an error at the measurement."""
    document = _concern()
    document["body"]["growth"][1] = {"date": "2012-11-06"}
    assert _found(document, "CS150") == [("/body/growth/1", Severity.ERROR)]


@pytest.mark.parametrize(
    ("centile", "value"),
    [
        ("weight_centile", "weight_g"),
        ("length_or_height_centile", "length_or_height_mm"),
        ("head_circumference_centile", "head_circumference_mm"),
    ],
)
def test_a_centile_needs_its_value(centile: str, value: str) -> None:
    """A centile without the value it places is an error at the centile."""
    document = _concern()
    measurement = document["body"]["growth"][3]
    del measurement[value]
    assert _found(document, "CS150") == [(f"/body/growth/3/{centile}", Severity.ERROR)]


@pytest.mark.parametrize(
    ("name", "bad", "good"),
    [
        ("weight_g", 199, 200),
        ("weight_g", 250_001, 250_000),
        ("length_or_height_mm", 199, 200),
        ("length_or_height_mm", 2_401, 2_400),
        ("head_circumference_mm", 149, 150),
        ("head_circumference_mm", 701, 700),
    ],
)
def test_impossible_values_are_refused_at_the_boundary(name: str, bad: int, good: int) -> None:
    """A value just outside what a child measures is an error; the limit itself passes."""
    document = _concern()
    document["body"]["growth"][3][name] = bad
    assert _found(document, "CS151") == [(f"/body/growth/3/{name}", Severity.ERROR)]
    document["body"]["growth"][3][name] = good
    assert _found(document, "CS151") == []


def test_no_message_quotes_a_measurement() -> None:
    """The problem names the unit and the possible range, never the value written."""
    document = _concern()
    document["body"]["growth"][3]["weight_g"] = 84
    (problem,) = [p for p in validation.iter_problems(document) if p.code == "CS151"]
    assert "84" not in problem.message
    assert "grams" in problem.message


def test_a_measurement_before_birth_is_refused() -> None:
    """A measurement the day before the birth date is an error; one on the birth date passes."""
    document = _concern()
    document["body"]["growth"][0]["date"] = "2012-03-03"
    assert _found(document, "CS152") == [("/body/growth/0/date", Severity.ERROR)]
    document["body"]["growth"][0]["date"] = "2012-03-04"
    assert _found(document, "CS152") == []


def test_an_unborn_child_has_no_growth() -> None:
    """Growth on a concern about an unborn child is an error at each measurement."""
    document = json.loads(_read("15"))
    document["body"]["growth"] = [{"date": "2013-12-01", "weight_g": 3000}]
    assert _found(document, "CS152") == [("/body/growth/0/date", Severity.ERROR)]


def test_a_future_measurement_is_an_event_after_the_message() -> None:
    """A measurement dated after the message was written is the general future-date error (CS104)."""
    document = _concern()
    document["body"]["growth"][3]["date"] = "2013-09-30"
    assert ("/body/growth/3/date", "CS104") in {(p.pointer, p.code) for p in validation.iter_problems(document)}


def test_growth_on_an_update_is_checked_too() -> None:
    """An update carries growth under the same rules."""
    document = json.loads(_read("07"))
    document["body"]["growth"] = [{"date": "2013-10-08", "weight_g": 82}]
    assert _found(document, "CS151") == [("/body/growth/0/weight_g", Severity.ERROR)]
    document["body"]["growth"] = [{"date": "2013-10-08", "weight_g": 8200, "weight_centile": "<0.4"}]
    assert list(validation.iter_problems(document)) == []


def test_growth_is_refused_in_a_1_0_message() -> None:
    """Growth is a member of 1.1: a 1.0 message that carries it is refused by the 1.0 schema (CS011)."""
    document = _concern()
    for member in ("without_consent_ground", "shared_without_consent_by"):
        del document["lawful_basis"][member]
    del document["body"]["suspected_factors"]
    document["format_version"] = "1.0"
    assert ("/body/growth", "CS011") in {(p.pointer, p.code) for p in validation.iter_problems(document)}


def test_an_unknown_centile_is_refused() -> None:
    """A centile is a chart line or space: '10' is neither (CS017)."""
    document = _concern()
    document["body"]["growth"][3]["weight_centile"] = "10"
    assert "CS017" in {p.code for p in validation.iter_problems(document)}


def test_an_area_not_of_the_tool_is_refused() -> None:
    """An area outside the four is an error in 1.1 and a warning in 1.0 (which allowed any code)."""
    document = _profile()
    document["body"]["area_grades"][1]["area"] = "nutrition"
    assert _found(document, "CS153") == [("/body/area_grades/1/area", Severity.ERROR)]
    document["format_version"] = "1.0"
    for member in ("without_consent_ground", "shared_without_consent_by"):
        del document["lawful_basis"][member]
    assert _found(document, "CS153") == [("/body/area_grades/1/area", Severity.WARNING)]


def test_an_area_graded_twice_is_refused() -> None:
    """The same area twice is an error at the second grade in 1.1, and a warning in 1.0 (which allowed it)."""
    document = _profile()
    document["body"]["area_grades"].append({"area": "love", "grade": 2})
    assert _found(document, "CS153") == [("/body/area_grades/7/area", Severity.ERROR)]
    document["format_version"] = "1.0"
    for member in ("without_consent_ground", "shared_without_consent_by"):
        del document["lawful_basis"][member]
    assert _found(document, "CS153") == [("/body/area_grades/7/area", Severity.WARNING)]


def test_an_ungraded_area_is_warned() -> None:
    """A profile with one of its four areas left out is warned at the list."""
    document = _profile()
    document["body"]["area_grades"] = [g for g in document["body"]["area_grades"] if g["area"] != "safety"]
    assert _found(document, "CS153") == [("/body/area_grades", Severity.WARNING)]


def test_an_unknown_sub_area_of_the_original_gcp_is_warned() -> None:
    """A sub-area the GCP's summary sheet does not have is a warning; GCP2's sub-areas are not checked."""
    document = _profile()
    document["body"]["area_grades"][1]["area"] = "physical_care.diet"
    assert _found(document, "CS153") == [("/body/area_grades/1/area", Severity.WARNING)]
    document["body"]["tool"] = "GCP2"
    assert _found(document, "CS153") == []


def test_other_tools_are_not_checked_for_areas() -> None:
    """A tool that is not a Graded Care Profile may use its own area codes."""
    document = _profile()
    document["body"]["tool"] = "North Lincolnshire neglect screening tool"
    document["body"]["area_grades"] = [{"area": "home_conditions", "grade": 3}]
    document["body"]["assessor"]["trained"] = False
    assert [p.code for p in validation.iter_problems(document)] == []


@pytest.mark.parametrize("tool", ["GCP", "GCP2"])
def test_an_untrained_assessor_is_warned(tool: str) -> None:
    """An assessor recorded as untrained is warned, naming the training the tool expects."""
    document = _profile()
    document["body"]["tool"] = tool
    document["body"]["assessor"]["trained"] = False
    assert _found(document, "CS154") == [("/body/assessor/trained", Severity.WARNING)]
    (problem,) = [p for p in validation.iter_problems(document) if p.code == "CS154"]
    assert ("NSPCC" in problem.message) is (tool == "GCP2")


@pytest.mark.parametrize("spelling", ["gcp", "Graded Care Profile", "GCP 2", "graded-care-profile-2", "NSPCC GCP2"])
def test_another_spelling_is_warned(spelling: str) -> None:
    """A known profile spelt otherwise is warned, and still checked as that profile."""
    document = _profile()
    document["body"]["tool"] = spelling
    assert _found(document, "CS155") == [("/body/tool", Severity.WARNING)]
    document["body"]["assessor"]["trained"] = False
    assert _found(document, "CS154") == [("/body/assessor/trained", Severity.WARNING)]


def test_care_profile_of_knows_only_the_profiles() -> None:
    """Spellings of GCP and GCP2 are recognised; other tools and near misses are not."""
    assert care_profile_of("Graded Care Profile 2") is CARE_PROFILES["GCP2"]
    assert care_profile_of("gcp1") is CARE_PROFILES["GCP"]
    for other in ("GCP3", "Graded Care", "CAF", "gcp22"):
        assert care_profile_of(other) is None


def test_centiles_are_ordered_up_the_chart() -> None:
    """Each centile's position is one half-space above the one before."""
    positions = [c.position for c in Centile]
    assert positions == list(range(19))
    assert Centile.C9.position - Centile.C2.position == 2  # one centile space


def _summary(document: dict[str, Any]) -> AssessmentSummaryBody:
    body = codec.loads(json.dumps(document)).body
    assert isinstance(body, AssessmentSummaryBody)
    return body


def test_compare_assessments_gives_each_areas_change() -> None:
    """A repeat's grades against the first, in the tool's order of areas, then the others as given."""
    first = _summary(_profile())
    later_document = _profile()
    later_document["body"]["area_grades"] = [
        {"area": "esteem", "grade": 3},
        {"area": "physical_care", "grade": 3},
        {"area": "safety", "grade": 3},
        {"area": "love", "grade": 4},
        {"area": "love.carer", "grade": 4},
    ]
    changes = compare_assessments(first, _summary(later_document))
    assert changes == (
        AreaChange(area="physical_care", before=4, after=3),
        AreaChange(area="safety", before=3, after=3),
        AreaChange(area="love", before=3, after=4),
        AreaChange(area="esteem", before=4, after=3),
        AreaChange(area="physical_care.nutrition", before=5, after=None),
        AreaChange(area="physical_care.health", before=4, after=None),
        AreaChange(area="esteem.stimulation", before=4, after=None),
        AreaChange(area="love.carer", before=None, after=4),
    )
    assert [c.change for c in changes] == [-1, 0, 1, -1, None, None, None, None]


def test_compare_assessments_takes_an_areas_first_grade() -> None:
    """Where an area is graded twice (CS153), its first grade is compared."""
    first = _profile()
    first["body"]["area_grades"].append({"area": "love", "grade": 1})
    changes = compare_assessments(_summary(first), _summary(_profile()))
    assert AreaChange(area="love", before=3, after=3) in changes


def test_compare_assessments_refuses_different_tools() -> None:
    """A GCP and a GCP2, or a tool that is not a profile, cannot be compared area by area."""
    gcp2 = _profile()
    gcp2["body"]["tool"] = "GCP2"
    other = _profile()
    other["body"]["tool"] = "Another tool"
    with pytest.raises(UsageError, match="graded differently"):
        compare_assessments(_summary(_profile()), _summary(gcp2))
    with pytest.raises(UsageError, match="only Graded Care Profiles"):
        compare_assessments(_summary(other), _summary(_profile()))


def test_growth_is_health_data() -> None:
    """Growth, the only health data left, without an Article 9 condition is the special-category error CS134."""
    document = _concern()
    document["lawful_basis"]["conditions"] = ["uk_gdpr_6_1_e"]
    document["lawful_basis"].pop("without_consent_ground", None)
    document["subject"].pop("health_needs", None)
    for person in document["subject"]["related_people"]:
        person.pop("health", None)
    assert _found(document, "CS134") == [("/body/growth", Severity.ERROR)]


def test_a_view_withholding_the_childs_health_withholds_growth() -> None:
    """A view that denies child_health leaves the growth out, says only that more was withheld, and stays valid."""
    message = codec.loads(_read("01"))
    denied = frozenset({Sensitivity.CHILD_HEALTH})
    view = redact(message, view="no_health", denied=denied, recipients=["la:E06000032/mash"])
    assert getattr(view.body, "growth", ()) is None
    assert view.view is not None
    assert view.view.more_withheld
    assert list(validation.iter_problems(codec.dumps(view))) == []
