"""Agencies addressable since format 1.1: early years, probation, housing associations, charities, Welsh and
Scottish councils, NI trusts; their standing in law and the calendar of their nation."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from _samples import MINIMAL
from concernshare import deadlines, validation
from concernshare.records import AgencyId, LawfulCondition
from concernshare.records.identifiers import councils
from concernshare.records.law import SCHEME_STANDING, PublicStanding, article_6_bases_for


@pytest.mark.parametrize(
    "agency",
    [
        "ofsted:EY123456",
        "ofsted:123456/pre-school-room",
        "ofsted:2123456",
        "probation:wales/cardiff-and-vale",
        "probation:london",
        "rsh:L0123",
        "rsh:LH0456",
        "rsh:4123",
        "charity:1012345",
        "charity:212345",
        "charity:SC012345",
        "charity:NIC101234",
        "la:W06000015",
        "la:S12000036/social-work",
        "ods:ZT001",
    ],
)
def test_the_new_agency_ids_are_accepted(agency: str) -> None:
    """Each new scheme's code form is accepted, with a unit where one is given."""
    assert AgencyId(agency).scheme == agency.split(":", 1)[0]


@pytest.mark.parametrize(
    "agency",
    [
        "ofsted:EY12345",
        "ofsted:012345",
        "ofsted:EY1234567",
        "ofsted:21234567",
        "probation:mars",
        "probation:North-East",
        "rsh:X0123",
        "rsh:L12",
        "charity:12345",
        "charity:SC12345",
        "la:W07000015",
        "la:S13000036",
        "la:N09000003",
    ],
)
def test_malformed_new_agency_ids_are_refused(agency: str) -> None:
    """A code of the wrong form, a region that is not a Probation Service region, or a council code of another kind."""
    with pytest.raises(ValueError, match="not an agency id"):
        AgencyId(agency)


def test_the_council_list_has_the_welsh_and_scottish_councils() -> None:
    """22 Welsh principal councils and 32 Scottish council areas, with their nation and no DfE number."""
    current = councils().current
    welsh = [c for c in current.values() if c.nation == "wales"]
    scottish = [c for c in current.values() if c.nation == "scotland"]
    assert (len(welsh), len(scottish)) == (22, 32)
    assert current["W06000015"].name == "Cardiff"
    assert current["S12000049"].name == "Glasgow City"
    assert all(c.dfe is None for c in (*welsh, *scottish))
    assert current["E06000032"].nation == "england"
    assert councils().version == "2026-12-05"


def _message(version: str = "1.1", **changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(MINIMAL) | {"format_version": version} | changes
    if version != "1.0":
        document["lawful_basis"] |= {
            "without_consent_ground": "para_18_2_c_would_prejudice_the_protection",
            "shared_without_consent_by": {"name": "Sam Invented", "role": "Health visitor"},
        }
    return document


def test_a_welsh_council_is_a_recipient_in_1_1_and_not_in_1_0() -> None:
    """la:W06000015 passes the council check in a 1.1 message; the 1.0 schema does not know the form."""
    assert list(validation.iter_problems(_message(recipients=["la:W06000015/mash"]))) == []
    older = [(p.pointer, p.code) for p in validation.iter_problems(_message("1.0", recipients=["la:W06000015"]))]
    assert older == [("/recipients/0", "CS018")]


def test_a_welsh_code_not_in_the_list_is_refused() -> None:
    """A W06 code with no council (W06000007) fails the shipped-list check."""
    found = [(p.pointer, p.code) for p in validation.iter_problems(_message(recipients=["la:W06000007"]))]
    assert found == [("/recipients/0", "CS103")]


def test_a_charity_may_rely_on_the_recognised_legitimate_interest() -> None:
    """A voluntary-sector sender may use Annex 1 para 6; a Welsh council may not; probation may use Part 3."""
    document = _message(
        sender={"agency": "charity:1012345", "practitioner": {"name": "Sam Invented", "role": "Family support worker"}}
    )
    document["lawful_basis"]["conditions"] = ["uk_gdpr_rli_annex1_6", "uk_gdpr_9_2_g_dpa_sch1_18"]
    assert list(validation.iter_problems(document)) == []
    document["sender"]["agency"] = "la:W06000015/social-services"
    assert [p.code for p in validation.iter_problems(document)] == ["CS130"]
    assert SCHEME_STANDING["rsh"] is PublicStanding.NOT_PUBLIC
    assert LawfulCondition.DPA_PART3_S35_LAW_ENFORCEMENT in article_6_bases_for("probation")


@pytest.mark.parametrize(
    ("agency", "nation"),
    [
        ("la:W06000015/mash", deadlines.Nation.WALES),
        ("la:S12000036", deadlines.Nation.SCOTLAND),
        ("ods:ZT003", deadlines.Nation.NORTHERN_IRELAND),
        ("probation:wales", deadlines.Nation.WALES),
        ("charity:SC012345", deadlines.Nation.SCOTLAND),
        ("la:E06000032", deadlines.Nation.ENGLAND),
        ("ods:Y99GP", deadlines.Nation.ENGLAND),
    ],
)
def test_the_nation_of_an_agency(agency: str, nation: deadlines.Nation) -> None:
    """An agency's id says its nation where it can; anything else keeps England's calendar."""
    assert deadlines.nation_of(agency) is nation


def test_the_welsh_timescales_are_named() -> None:
    """The All Wales Procedures' timescales: a decision in one working day, written confirmation in 24 hours."""
    assert deadlines.TIMESCALES["wales_report_decision"].working_days == 1
    start = dt.datetime(2026, 11, 27, 16, 0, tzinfo=dt.UTC)  # a Friday afternoon
    confirm = deadlines.TIMESCALES["wales_report_written_confirmation"]
    assert deadlines.due(confirm, start, calendar=deadlines.WorkingCalendar()) == start + dt.timedelta(hours=24)
    assert deadlines.TIMESCALES["wales_report_acknowledgement"].working_days == 7


def test_a_deadline_uses_the_recipients_nations_bank_holidays() -> None:
    """One working day from Friday 27 November 2026: Monday in England, Tuesday in Scotland (St Andrew's Day)."""
    from concernshare.routing.plan import route  # noqa: PLC0415 - routing is tested here only for the nation
    from concernshare.routing.rules import load_rules  # noqa: PLC0415
    from concernshare.testing.world import make_world  # noqa: PLC0415

    now = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)
    world = make_world(
        {
            "ods:RYV01/hv": ["health_visiting"],
            "la:E06000032/mash": ["mash"],
            "la:S12000036/social-work": ["childrens_social_care"],
        },
        now=now,
    )
    rules = load_rules(
        json.dumps(
            {
                "format_version": "1.1",
                "name": "Two nations",
                "rules": [
                    {
                        "id": "both",
                        "description": "To an English and a Scottish council.",
                        "deliver": [
                            {
                                "to": {"agency": agency},
                                "view": "full",
                                "response": {"expects": "acknowledgement", "working_days": 1},
                            }
                            for agency in ("la:E06000032/mash", "la:S12000036/social-work")
                        ],
                    }
                ],
            }
        )
    )
    message = validation.validate(
        _message(
            created="2026-11-27T09:50:00Z",
            recipients=["la:E06000032/mash", "la:S12000036/social-work"],
            sender={"agency": "ods:RYV01/hv", "practitioner": {"name": "Sam Invented", "role": "Health visitor"}},
        )
    )
    due = {d.recipient: d.due for d in route(message, rules, world.directory, now).deliveries}
    assert due["la:E06000032/mash"] == dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
    assert due["la:S12000036/social-work"] == dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
