"""Tests of the format 1.1 law checks (CS130-CS135) and of how 1.0 messages are judged by them."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from _samples import MINIMAL
from concernshare import FORMAT_VERSION, validation
from concernshare.errors import Severity
from concernshare.records import LawfulCondition
from concernshare.records.law import SCHEME_STANDING, PublicStanding, WithoutConsentGround, article_6_bases_for

GROUND_C = "para_18_2_c_would_prejudice_the_protection"


def _message(version: str = FORMAT_VERSION) -> dict[str, Any]:
    document = copy.deepcopy(MINIMAL)
    document["format_version"] = version
    if version != "1.0":
        document["lawful_basis"]["shared_without_consent_by"] = {"name": "Sam Invented", "role": "Health visitor"}
        document["lawful_basis"]["without_consent_ground"] = GROUND_C
    return document


def _found(document: dict[str, Any], code: str) -> list[tuple[str, Severity]]:
    return [(p.pointer, p.severity) for p in validation.iter_problems(document) if p.code == code]


def test_the_minimal_message_is_clean_in_both_versions() -> None:
    """The sample passes with no problem as 1.0 and as 1.1, so each test below isolates one rule."""
    assert list(validation.iter_problems(_message("1.0"))) == []
    assert list(validation.iter_problems(_message())) == []


def test_a_council_cannot_rely_on_the_recognised_legitimate_interest() -> None:
    """A public authority sender relying on Annex 1 para 6 is an error in 1.1 and a warning in 1.0."""
    for version, severity in (("1.1", Severity.ERROR), ("1.0", Severity.WARNING)):
        document = _message(version)
        document["sender"]["agency"] = "la:E06000032/mash"
        document["recipients"] = ["ods:RYV01/hv"]
        document["lawful_basis"]["conditions"] = ["uk_gdpr_rli_annex1_6", "uk_gdpr_9_2_g_dpa_sch1_18"]
        assert _found(document, "CS130") == [("/lawful_basis/conditions", severity)]


def test_a_sender_of_mixed_standing_is_warned() -> None:
    """A school (maintained, academy or independent) relying on the recognised legitimate interest is warned."""
    document = _message()
    document["sender"]["agency"] = "school:123456"
    document["lawful_basis"]["conditions"] = ["uk_gdpr_rli_annex1_6", "uk_gdpr_9_2_g_dpa_sch1_18"]
    assert _found(document, "CS130") == [("/lawful_basis/conditions", Severity.WARNING)]


def test_part_3_is_for_competent_authorities() -> None:
    """A health visitor citing DPA 2018 Part 3 s35 is warned; the police are not."""
    document = _message()
    document["lawful_basis"]["conditions"] = ["dpa_part3_s35", "dpa_part3_sch8_4"]
    assert _found(document, "CS130") == [("/lawful_basis/conditions", Severity.WARNING)]
    document["sender"]["agency"] = "police:20"
    assert _found(document, "CS130") == []


def test_the_bases_of_each_kind_of_agency() -> None:
    """Public authorities lose the recognised legitimate interest; only the police gain Part 3."""
    assert LawfulCondition.UK_GDPR_RLI_SAFEGUARDING not in article_6_bases_for("la")
    assert LawfulCondition.UK_GDPR_RLI_SAFEGUARDING not in article_6_bases_for("police")
    assert LawfulCondition.UK_GDPR_RLI_SAFEGUARDING in article_6_bases_for("school")
    assert LawfulCondition.DPA_PART3_S35_LAW_ENFORCEMENT in article_6_bases_for("police")
    assert LawfulCondition.DPA_PART3_S35_LAW_ENFORCEMENT not in article_6_bases_for("ods")
    assert SCHEME_STANDING["la"] is PublicStanding.PUBLIC


def test_consent_given_does_not_sit_with_para_18() -> None:
    """Para 18 applies only without consent: an error in 1.1, a warning in 1.0."""
    for version, severity in (("1.1", Severity.ERROR), ("1.0", Severity.WARNING)):
        document = _message(version)
        document["lawful_basis"].update(consent="given", confidentiality="consent")
        for member in ("consent_not_sought_reason", "shared_without_consent_by", "without_consent_ground"):
            document["lawful_basis"].pop(member, None)
        if version != "1.0":
            document["lawful_basis"]["consent_sought_from"] = ["parent_with_parental_responsibility"]
        assert _found(document, "CS131") == [("/lawful_basis/consent", severity)]


def test_a_ground_without_consent_contradicts_consent_given() -> None:
    """A para 18(2) ground beside consent given is an error."""
    document = _message()
    document["lawful_basis"].update(
        consent="given",
        confidentiality="consent",
        conditions=["uk_gdpr_6_1_e", "uk_gdpr_9_2_h_dpa_sch1_2"],
        consent_sought_from=["child"],
    )
    del document["lawful_basis"]["consent_not_sought_reason"]
    del document["lawful_basis"]["shared_without_consent_by"]
    assert _found(document, "CS131") == [("/lawful_basis/without_consent_ground", Severity.ERROR)]


@pytest.mark.parametrize("ground", list(WithoutConsentGround))
def test_each_para_18_2_ground_is_accepted_in_1_1(ground: WithoutConsentGround) -> None:
    """Each of the three para 18(2) grounds passes in a 1.1 message."""
    document = _message()
    document["lawful_basis"]["without_consent_ground"] = str(ground)
    assert list(validation.iter_problems(document)) == []


def test_para_18_without_its_ground_is_refused_in_1_1_only() -> None:
    """A 1.1 share relying on para 18 without consent names its 18(2) ground; a 1.0 one cannot, and passes."""
    document = _message()
    del document["lawful_basis"]["without_consent_ground"]
    assert _found(document, "CS132") == [("/lawful_basis/without_consent_ground", Severity.ERROR)]
    assert list(validation.iter_problems(_message("1.0"))) == []


def test_the_ground_is_refused_in_a_1_0_message() -> None:
    """without_consent_ground is a 1.1 member: a 1.0 message carrying it is refused by the 1.0 schema."""
    document = _message("1.0")
    document["lawful_basis"]["without_consent_ground"] = GROUND_C
    assert [(p.pointer, p.code) for p in validation.iter_problems(document)] == [
        ("/lawful_basis/without_consent_ground", "CS011"),
    ]


def test_who_was_asked_and_who_decided_are_expected_in_1_1() -> None:
    """Consent refused without the person asked or the person who overrode it: two warnings."""
    document = _message()
    document["lawful_basis"].update(consent="refused")
    del document["lawful_basis"]["consent_not_sought_reason"]
    del document["lawful_basis"]["shared_without_consent_by"]
    assert sorted(_found(document, "CS133")) == [
        ("/lawful_basis/consent_sought_from", Severity.WARNING),
        ("/lawful_basis/shared_without_consent_by", Severity.WARNING),
    ]
    document["lawful_basis"]["consent_sought_from"] = ["parent_with_parental_responsibility"]
    document["lawful_basis"]["shared_without_consent_by"] = {"name": "Jo Invented", "role": "Team manager"}
    assert _found(document, "CS133") == []


def test_the_article_10_condition_names_its_paragraph_in_1_1() -> None:
    """Article 10 without its Schedule 1 paragraph is an error in 1.1; a paragraph without Article 10 too."""
    document = _message()
    document["lawful_basis"]["conditions"].append("uk_gdpr_10_dpa_sch1_part3")
    assert _found(document, "CS132") == [("/lawful_basis/article_10_paragraph", Severity.ERROR)]
    document["lawful_basis"]["article_10_paragraph"] = "sch1_para_18"
    assert _found(document, "CS132") == []
    document["lawful_basis"]["conditions"].pop()
    assert _found(document, "CS132") == [("/lawful_basis/article_10_paragraph", Severity.ERROR)]
    older = _message("1.0")
    older["lawful_basis"]["conditions"].append("uk_gdpr_10_dpa_sch1_part3")
    assert list(validation.iter_problems(older)) == []


def test_health_data_needs_an_article_9_condition() -> None:
    """A parent's health without an Article 9 condition: an error in 1.1, a warning in 1.0."""
    for version, severity in (("1.1", Severity.ERROR), ("1.0", Severity.WARNING)):
        document = _message(version)
        document["lawful_basis"]["conditions"] = ["uk_gdpr_6_1_e"]
        document["subject"]["related_people"] = [
            {
                "relationship": "parent",
                "name": {"given": "Eve", "family": "Invented"},
                "parental_responsibility": "yes",
                "lives_with_child": "yes",
                "health": "Depression.",
            }
        ]
        assert _found(document, "CS134") == [("/subject/related_people/0/health", severity)]


def test_offending_data_needs_an_article_10_condition() -> None:
    """An alleged perpetrator without an Article 10 condition is found; naming para 18 clears it."""
    document = _message()
    document["subject"]["related_people"] = [
        {
            "relationship": "alleged_perpetrator",
            "name": {"given": "Rob", "family": "Invented"},
            "parental_responsibility": "no",
            "lives_with_child": "unknown",
        }
    ]
    assert _found(document, "CS134") == [("/subject/related_people/0/relationship", Severity.ERROR)]
    document["lawful_basis"]["conditions"].append("uk_gdpr_10_dpa_sch1_part3")
    document["lawful_basis"]["article_10_paragraph"] = "sch1_para_18"
    assert _found(document, "CS134") == []
    del document["subject"]["related_people"][0]["name"]
    document["view"] = {
        "name": "education",
        "withheld": [{"pointer": "/subject/related_people/0/name", "reason": "identity_protected"}],
    }
    document["lawful_basis"]["conditions"].pop()
    del document["lawful_basis"]["article_10_paragraph"]
    assert _found(document, "CS134") == []  # a view that withholds who he is carries no offending data


def test_abuse_categories_on_a_concern_are_warned() -> None:
    """MUL is warned in any version; plan categories on a 1.1 concern point to the assessment factors."""
    document = _message("1.0")
    document["body"]["abuse_categories"] = ["NEG", "MUL"]
    assert _found(document, "CS135") == [("/body/abuse_categories/1", Severity.WARNING)]
    document = _message()
    document["body"]["abuse_categories"] = ["NEG"]
    assert _found(document, "CS135") == [("/body/abuse_categories", Severity.WARNING)]
    del document["body"]["abuse_categories"]
    document["body"]["suspected_factors"] = ["16A", "4B"]
    assert _found(document, "CS135") == []


def test_a_1_1_member_is_refused_in_a_1_0_message() -> None:
    """suspected_factors is new in 1.1: a 1.0 message carrying it is refused (CS011), a 1.1 one accepted."""
    document = _message("1.0")
    document["body"]["suspected_factors"] = ["16A"]
    problems = list(validation.iter_problems(document))
    assert [(p.pointer, p.code) for p in problems] == [("/body/suspected_factors", "CS011")]
    assert "later minor version" in problems[0].message


def test_caldicott_members_are_accepted_in_1_1() -> None:
    """The Caldicott principles and a Guardian's sign-off travel with the sharing decision."""
    document = _message()
    duty_to_share = "7_the_duty_to_share_for_individual_care_is_as_important_as_the_duty_to_protect"
    document["sharing_decision"]["caldicott_principles"] = [duty_to_share]
    document["sharing_decision"]["caldicott_guardian_sign_off"] = {
        "by": {"name": "Kim Invented", "role": "Caldicott Guardian"},
        "at": "2013-06-03T10:05:00Z",
    }
    assert list(validation.iter_problems(document)) == []
    document["format_version"] = "1.0"
    assert {p.code for p in validation.iter_problems(document)} == {"CS011"}
