"""Tests for the household on a message: relations, parental responsibility, and people nobody has named."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from tests._samples import MINIMAL

from concernshare import codec
from concernshare.records import IdentityStatus, Relation
from concernshare.validation import iter_problems, validate

MOTHER: dict[str, Any] = {
    "relationship": "parent",
    "relation": "mother",
    "name": {"given": "Mia", "family": "Invented"},
    "parental_responsibility": "yes",
    "lives_with_child": "yes",
    "age_group": "adult",
}
PARTNER: dict[str, Any] = {
    "relationship": "alleged_perpetrator",
    "relation": "parent_partner",
    "name": {"given": "Dan", "family": "Madeup"},
    "parental_responsibility": "no",
    "lives_with_child": "yes",
    "age_group": "adult",
}
SISTER: dict[str, Any] = {
    "relationship": "sibling",
    "relation": "half_sibling",
    "name": {"given": "Bea"},
    "lives_with_child": "yes",
    "age_group": "child",
}


def _with(*people: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(MINIMAL)
    document["format_version"] = "1.1"
    # Format 1.1's law: the para 18(2) ground, who shared without consent, and Article 10 with its paragraph for
    # what is said of an alleged perpetrator.
    document["lawful_basis"].update(
        conditions=["uk_gdpr_6_1_e", "uk_gdpr_9_2_g_dpa_sch1_18", "uk_gdpr_10_dpa_sch1_part3"],
        article_10_paragraph="sch1_para_18",
        without_consent_ground="para_18_2_c_would_prejudice_the_protection",
        shared_without_consent_by={"name": "Sam Invented", "role": "Health visitor"},
    )
    document["subject"]["related_people"] = [copy.deepcopy(p) for p in people]
    return document


def _codes(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.pointer, p.code) for p in iter_problems(document)]


def test_a_household_of_adults_and_children_validates_and_round_trips() -> None:
    """Mother, her partner and a half-sister, each with relation, parental responsibility and residence."""
    document = _with(MOTHER, PARTNER, SISTER)
    assert _codes(document) == []
    message = validate(document)
    people = message.subject.related_people
    assert [p.relation for p in people] == [Relation.MOTHER, Relation.PARENT_PARTNER, Relation.HALF_SIBLING]
    assert codec.loads(codec.dumps(message)) == message


@pytest.mark.parametrize("status", ["unknown", "not_disclosed"])
def test_a_father_nobody_has_named_needs_no_name(status: str) -> None:
    """'Father unknown' and 'not disclosed' are written without a placeholder name, and no CS106 asks for one."""
    father = {
        "relationship": "parent",
        "relation": "father",
        "identity": status,
        "parental_responsibility": "unknown",
        "lives_with_child": "no",
    }
    document = _with(MOTHER, father)
    assert _codes(document) == []
    assert validate(document).subject.related_people[1].identity is IdentityStatus(status)


def test_a_known_person_without_a_name_still_needs_one() -> None:
    """Only an unknown or undisclosed identity excuses a missing name."""
    document = _with({"relationship": "parent", "relation": "father", "identity": "known"})
    assert _codes(document) == [("/subject/related_people/0/name", "CS106")]


@pytest.mark.parametrize("member", ["name", "birth_date", "identifiers"])
def test_an_unknown_person_with_identifying_details_is_refused(member: str) -> None:
    """A name, birth date or identifiers beside identity 'unknown' is a contradiction (CS141)."""
    values = {"name": {"given": "Unknown"}, "birth_date": "1990-01-01", "identifiers": {"nhs_number": "9990000018"}}
    father = {"relationship": "parent", "relation": "father", "identity": "unknown", member: values[member]}
    problems = list(iter_problems(_with(father)))
    assert [(p.pointer, p.code) for p in problems] == [(f"/subject/related_people/0/{member}", "CS141")]
    assert "Unknown" not in problems[0].message


def test_an_unknown_relation_is_refused() -> None:
    """Relation is a code list: an invented value is refused."""
    document = _with({**SISTER, "relation": "cousin_twice_removed"})
    assert ("/subject/related_people/0/relation", "CS017") in _codes(document)
