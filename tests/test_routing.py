"""Tests for routing rules and plans: load_rules refuses bad rule sets; route explains who gets what, by when."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from concernshare import codec
from concernshare.crypto import keys
from concernshare.deadlines import SchoolCalendar
from concernshare.directory import Directory, open_directory
from concernshare.errors import InvalidDocument, InvalidRecord, SchemaViolation
from concernshare.records import AgencyId, Message
from concernshare.routing.plan import Plan, RoutingError, route
from concernshare.routing.rules import RuleSet, load_rules
from concernshare.routing.views import Sensitivity

EXAMPLES = Path(__file__).parent.parent / "examples"
MESSAGES = EXAMPLES / "messages"
RULES = EXAMPLES / "routing" / "mash-front-door.json"

#: Wednesday 25 November 2026, 10:00 in London (GMT): the directory was issued an hour before.
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
THURSDAY_10 = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)
THURSDAY_SCHOOL_START = dt.datetime(2026, 11, 26, 8, 45, tzinfo=dt.UTC)

HV, MASH = AgencyId("ods:Y99HV/health-visiting"), AgencyId("la:E06000032/mash")
CSC, GP = AgencyId("la:E06000032/childrens-social-care"), AgencyId("ods:Y99GP")
POLICE, SCHOOL = AgencyId("police:99"), AgencyId("school:999101")
NOTIFICATION = "09-domestic-abuse-notification-police"
MIDWIFERY = AgencyId("ods:Y99AC/midwifery")


@pytest.fixture(scope="module")
def directory() -> Directory:
    """The signed example directory, verified against its published authority key."""
    authority = keys.loads_public_jwk_set((EXAMPLES / "directory" / "keys" / "authority.public.jwks").read_bytes())
    return open_directory((EXAMPLES / "directory" / "directory.jws").read_bytes(), authority, now=NOW)


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    """The example MASH front-door rule set."""
    return load_rules(RULES.read_bytes())


def _document(prefix: str) -> dict[str, Any]:
    (path,) = MESSAGES.glob(f"{prefix}*.json")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _message(prefix: str = "01", **changes: Any) -> Message:
    document = _document(prefix)
    document.update(changes)
    return codec.loads(json.dumps(document))


def _rule_set(*rules: dict[str, Any], views: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    return {"format_version": "1.1", "name": "Test rules", "views": list(views), "rules": list(rules)}


def _rule(rule_id: str = "a", *, when: dict[str, Any] | None = None, **deliver: Any) -> dict[str, Any]:
    action = {"to": {"agency": POLICE}, "view": "full"}
    action.update(deliver)
    return {"id": rule_id, "description": f"Rule {rule_id}.", "when": when or {}, "deliver": [action]}


def _load(*rules: dict[str, Any], views: tuple[dict[str, Any], ...] = ()) -> RuleSet:
    return load_rules(json.dumps(_rule_set(*rules, views=views)))


# -- loading ---------------------------------------------------------------------------------------------------


def test_the_example_rule_set_loads(rules: RuleSet) -> None:
    """The example front-door rules load, with their one extra view and every rule in order."""
    assert rules.name.startswith("Example MASH front door")
    assert [rule.id for rule in rules.rules] == [
        "concern-to-mash",
        "high-risk-to-social-care",
        "immediate-danger-same-day-to-social-care",
        "immediate-danger-out-of-hours-to-emergency-duty-team",
        "immediate-danger-to-police",
        "neglect-concern-to-gp",
        "unborn-to-midwifery",
        "encompass-to-school",
        "replies-as-addressed",
        "information-request-due",
        "process-as-addressed",
        "strategy-discussion-starts-conference-clock",
        "transfer-in-conference-clock",
        "plan-status-to-holders",
        "escalation-reply-due",
    ]
    assert rules.view("police_partner") == {Sensitivity.SEXUAL_HEALTH}
    assert rules.view("full") == frozenset()


_BASE = _rule_set(_rule())


def _bad(change: Any) -> bytes:
    document = copy.deepcopy(_BASE)
    change(document)
    return json.dumps(document).encode()


def _deliver(document: dict[str, Any], **values: Any) -> None:
    document["rules"][0]["deliver"][0].update(values)


_REFUSALS: list[tuple[str, bytes, type[InvalidDocument], list[tuple[str, str]]]] = [
    (
        "not strict JSON",
        b'{"format_version": "1.0", "format_version": "1.0"}',
        InvalidRecord,
        [("/format_version", "CS003")],
    ),
    ("no rules", _bad(lambda d: d.update(rules=[])), SchemaViolation, [("/rules", "CS020")]),
    (
        "a newer major format",
        _bad(lambda d: d.update(format_version="2.0")),
        SchemaViolation,
        [("/format_version", "CS018")],
    ),
    (
        "an unknown condition",
        _bad(lambda d: d["rules"][0]["when"].update(colour=["red"])),
        SchemaViolation,
        [("/rules/0/when/colour", "CS011")],
    ),
    (
        "an unknown role",
        _bad(lambda d: _deliver(d, to={"role": "wizard"})),
        SchemaViolation,
        [("/rules/0/deliver/0/to/role", "CS017")],
    ),
    (
        "no description",
        _bad(lambda d: d["rules"][0].pop("description")),
        SchemaViolation,
        [("/rules/0/description", "CS010")],
    ),
    (
        "a duplicate rule id",
        _bad(lambda d: d["rules"].append(_rule("a", to={"agency": GP}))),
        InvalidRecord,
        [("/rules/1/id", "CS301")],
    ),
    (
        "a target naming a role and an agency",
        _bad(lambda d: _deliver(d, to={"role": "mash", "agency": POLICE})),
        InvalidRecord,
        [("/rules/0/deliver/0/to", "CS302")],
    ),
    ("a target naming nobody", _bad(lambda d: _deliver(d, to={})), InvalidRecord, [("/rules/0/deliver/0/to", "CS302")]),
    (
        "an area without a role",
        _bad(lambda d: _deliver(d, to={"agency": POLICE, "area": "child"})),
        InvalidRecord,
        [("/rules/0/deliver/0/to/area", "CS302")],
    ),
    (
        "an area alone",
        _bad(lambda d: _deliver(d, to={"area": "child"})),
        InvalidRecord,
        [("/rules/0/deliver/0/to", "CS302"), ("/rules/0/deliver/0/to/area", "CS302")],
    ),
    (
        "an undefined view",
        _bad(lambda d: _deliver(d, view="secret")),
        InvalidRecord,
        [("/rules/0/deliver/0/view", "CS303")],
    ),
    (
        "a response with both timescales",
        _bad(
            lambda d: _deliver(d, response={"expects": "decision", "timescale": "referral_decision", "working_days": 1})
        ),
        InvalidRecord,
        [("/rules/0/deliver/0/response", "CS304")],
    ),
    (
        "a response with neither timescale",
        _bad(lambda d: _deliver(d, response={"expects": "decision"})),
        InvalidRecord,
        [("/rules/0/deliver/0/response", "CS304")],
    ),
    (
        "two overlapping rules giving one agency two views",
        _bad(lambda d: d["rules"].append(_rule("b", view="health"))),
        InvalidRecord,
        [("/rules/1", "CS305")],
    ),
    (
        "a role in any area and the same role in the child's area with two views",
        json.dumps(
            _rule_set(
                _rule("a", to={"role": "gp"}, view="full"),
                _rule("b", to={"role": "gp", "area": "child"}, view="health"),
            )
        ).encode(),
        InvalidRecord,
        [("/rules/1", "CS305")],
    ),
    (
        "one rule giving one target two views",
        _bad(lambda d: d["rules"][0]["deliver"].append({"to": {"agency": POLICE}, "view": "health"})),
        InvalidRecord,
        [("/rules/0/deliver", "CS305")],
    ),
]


@pytest.mark.parametrize(
    ("document", "error", "expected"), [case[1:] for case in _REFUSALS], ids=[case[0] for case in _REFUSALS]
)
def test_load_rules_refuses_with_pointer_and_code(
    document: bytes,
    error: type[InvalidDocument],
    expected: list[tuple[str, str]],
) -> None:
    """Each bad rule set is refused with exactly the expected pointers and codes."""
    with pytest.raises(error) as caught:
        load_rules(document)
    assert [(p.pointer, p.code) for p in caught.value.problems] == expected


@pytest.mark.parametrize("target", [{"role": "mash", "agency": POLICE}, {}], ids=["both", "neither"])
def test_an_escalation_target_is_checked_like_a_recipient(target: dict[str, Any]) -> None:
    """An escalate_to target naming both a role and an agency, or nobody, is refused when loaded (CS302)."""
    with pytest.raises(InvalidRecord) as caught:
        _load(_rule(response={"expects": "acknowledgement", "working_days": 1}, escalate_to=[target]))
    assert [(p.pointer, p.code) for p in caught.value.problems] == [("/rules/0/deliver/0/escalate_to/0", "CS302")]


def test_an_unknown_named_timescale_is_refused_when_loaded() -> None:
    """A response naming a timescale that does not exist is refused by load_rules, not at the first routing."""
    with pytest.raises(InvalidDocument) as caught:
        _load(_rule(response={"expects": "decision", "timescale": "by_next_tuesday"}))
    assert [p.pointer for p in caught.value.problems] == ["/rules/0/deliver/0/response/timescale"]


@pytest.mark.parametrize(
    ("views", "pointer"),
    [
        (({"name": "partner", "withhold": []}, {"name": "partner", "withhold": ["adult_health"]}), "/views/1/name"),
        (({"name": "education", "withhold": []},), "/views/0/name"),
    ],
    ids=["defined twice", "shadows a built-in view"],
)
def test_a_view_name_has_one_meaning(views: tuple[dict[str, Any], ...], pointer: str) -> None:
    """A view defined twice, or defined over a built-in view, is refused rather than silently resolved."""
    with pytest.raises(InvalidDocument) as caught:
        _load(_rule(view=views[0]["name"]), views=views)
    assert pointer in [p.pointer for p in caught.value.problems]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"types": ["concern"]}, {"types": ["update"]}),
        ({"immediate_danger": True}, {"immediate_danger": False}),
        ({"unborn": True}, {"unborn": False}),
        ({"max_age": 4}, {"min_age": 5}),
        ({"risk_levels": ["high"]}, {"risk_levels": ["low", "medium"]}),
        ({"statuses": ["actual"]}, {"statuses": ["exercise", "test"]}),
        ({"local_authorities": ["E06000032"]}, {"local_authorities": ["E08000025"]}),
        ({"sender_kinds": ["health"]}, {"sender_kinds": ["police"]}),
        ({"sender_roles": ["gp"]}, {"sender_roles": ["school"]}),
    ],
)
def test_rules_with_disjoint_conditions_may_give_one_target_two_views(
    first: dict[str, Any],
    second: dict[str, Any],
) -> None:
    """Two rules that can never both apply may give the same target different views (no CS305)."""
    loaded = _load(_rule("a", when=first, view="full"), _rule("b", when=second, view="health"))
    assert [rule.id for rule in loaded.rules] == ["a", "b"]


def test_roles_in_different_areas_are_different_targets() -> None:
    """The same role in two named areas reaches different agencies, so two views are allowed."""
    loaded = _load(
        _rule("a", to={"role": "gp", "area": "E06000032"}, view="full"),
        _rule("b", to={"role": "gp", "area": "E08000025"}, view="health"),
    )
    assert len(loaded.rules) == 2


# -- routing the examples --------------------------------------------------------------------------------------

Expected = tuple[str, str, dt.datetime | None, str | None, tuple[str, ...], tuple[str, ...]]

_EXPECTED_PLANS: dict[str, list[Expected]] = {
    "01": [
        (CSC, "full", THURSDAY_10, "acknowledgement", (), ("high-risk-to-social-care",)),
        (MASH, "full", THURSDAY_10, "decision", (CSC,), ("concern-to-mash",)),
        (GP, "health", THURSDAY_10, "acknowledgement", (MASH,), ("neglect-concern-to-gp",)),
    ],
    "02": [(HV, "full", None, None, (), ("replies-as-addressed",))],
    "03": [
        (GP, "full", None, None, (), ("replies-as-addressed",)),
        (HV, "full", None, None, (), ("replies-as-addressed",)),
    ],
    "04": [
        (GP, "full", THURSDAY_10, "information_response", (MASH,), ("replies-as-addressed", "information-request-due")),
        (
            POLICE,
            "full",
            THURSDAY_10,
            "information_response",
            (MASH,),
            ("replies-as-addressed", "information-request-due"),
        ),
    ],
    "05": [(MASH, "full", None, None, (), ("replies-as-addressed",))],
    "06-chronology-gp": [
        (MASH, "full", None, None, (), ("replies-as-addressed",)),
        (HV, "full", None, None, (), ("replies-as-addressed",)),
    ],
    "06-chronology-school": [(MASH, "full", None, None, (), ("replies-as-addressed",))],
    "07": [(MASH, "full", THURSDAY_10, "decision", (CSC,), ("concern-to-mash",))],
    "08": [
        (CSC, "full", None, None, (), ("replies-as-addressed",)),
        (GP, "full", None, None, (), ("replies-as-addressed",)),
    ],
    "09-domestic-abuse-notification-police": [
        (MASH, "full", None, None, (), ("encompass-to-school",)),
        (SCHOOL, "education", THURSDAY_SCHOOL_START, "acknowledgement", (MASH,), ("encompass-to-school",)),
    ],
    "10": [
        (GP, "full", None, None, (), ("replies-as-addressed",)),
        (HV, "full", None, None, (), ("replies-as-addressed",)),
    ],
    "11": [
        (
            CSC,
            "full",
            dt.datetime(2013, 11, 27, 17, 0, tzinfo=dt.UTC),
            "response",
            (MASH,),
            ("replies-as-addressed", "escalation-reply-due"),
        )
    ],  # due when the escalation asks
    "12": [
        (CSC, "full", None, None, (), ("replies-as-addressed",)),
        (HV, "full", None, None, (), ("replies-as-addressed",)),
    ],
    "13": [
        (CSC, "full", None, None, (), ("replies-as-addressed",)),
        (HV, "full", None, None, (), ("replies-as-addressed",)),
    ],
    "14": [
        (CSC, "full", None, None, (), ("replies-as-addressed",)),
        (HV, "full", None, None, (), ("replies-as-addressed",)),
    ],
    "15": [(MASH, "full", THURSDAY_10, "decision", (CSC,), ("concern-to-mash",))],
}


@pytest.mark.parametrize("prefix", sorted(_EXPECTED_PLANS))
def test_each_example_message_is_routed_as_expected(
    prefix: str,
    rules: RuleSet,
    directory: Directory,
) -> None:
    """Routing an example message gives the expected recipients, views, due times, escalations and rules."""
    plan = route(_message(prefix), rules, directory, NOW)
    assert plan.message_id == _document(prefix)["id"]
    assert plan.at == NOW
    got = [(d.recipient, d.view, d.due, d.expects, d.escalate_to, d.rules) for d in plan.deliveries]
    assert got == _EXPECTED_PLANS[prefix]


@pytest.mark.parametrize("prefix", sorted(_EXPECTED_PLANS))
def test_each_delivery_gives_the_reasons_of_its_rules(prefix: str, rules: RuleSet, directory: Directory) -> None:
    """Every delivery's reason quotes each matching rule's id and description, in the order they applied."""
    descriptions = {rule.id: rule.description for rule in rules.rules}
    for delivery in route(_message(prefix), rules, directory, NOW).deliveries:
        assert delivery.reason == "; ".join(f"rule {r}: {descriptions[r]}" for r in delivery.rules)


def test_the_plan_withholds_by_view_and_by_role(rules: RuleSet, directory: Directory) -> None:
    """The plan says which categories each recipient is denied: the view's and its role's."""
    plan = {d.recipient: d for d in route(_message(NOTIFICATION), rules, directory, NOW).deliveries}
    assert plan[MASH].withheld_categories == ()
    assert {"adult_health", "police_intelligence", "criminal_allegation"} <= set(plan[SCHOOL].withheld_categories)


def test_feedback_to_the_referrer_is_planned_for_the_mash_only(rules: RuleSet, directory: Directory) -> None:
    """concern-to-mash owes the referrer feedback; the other deliveries of the concern do not."""
    plan = route(_message("01"), rules, directory, NOW)
    assert {d.recipient: d.feedback_to_referrer for d in plan.deliveries} == {CSC: False, MASH: True, GP: False}


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


_DUE_TIMES: list[tuple[str, AgencyId, str, str]] = [
    ("01", MASH, "2026-11-25T10:00:00+00:00", "2026-11-26T10:00:00+00:00"),  # Wednesday -> Thursday
    ("01", MASH, "2026-11-27T18:30:00+00:00", "2026-11-30T18:30:00+00:00"),  # Friday evening -> Monday
    ("01", GP, "2026-11-28T11:00:00+00:00", "2026-11-30T11:00:00+00:00"),  # Saturday -> Monday
    ("01", MASH, "2026-12-24T10:00:00+00:00", "2026-12-29T10:00:00+00:00"),  # Christmas; Boxing Day on Monday
    ("01", MASH, "2026-03-27T10:00:00+00:00", "2026-03-30T09:00:00+00:00"),  # 10:00 GMT -> 10:00 BST
    (NOTIFICATION, SCHOOL, "2026-11-27T18:30:00+00:00", "2026-11-30T08:45:00+00:00"),  # Friday night -> Monday
    (NOTIFICATION, SCHOOL, "2026-11-26T07:00:00+00:00", "2026-11-26T08:45:00+00:00"),  # before school
    (NOTIFICATION, SCHOOL, "2026-11-26T08:45:00+00:00", "2026-11-27T08:45:00+00:00"),  # at the start
    (NOTIFICATION, SCHOOL, "2026-06-05T20:00:00+00:00", "2026-06-08T07:45:00+00:00"),  # 08:45 BST
]


@pytest.mark.parametrize("case", _DUE_TIMES, ids=[f"{c[1]}@{c[2]}" for c in _DUE_TIMES])
def test_due_times_follow_the_calendar(
    case: tuple[str, AgencyId, str, str],
    rules: RuleSet,
    directory: Directory,
) -> None:
    """Due times, worked out by hand: working days in England and the school's next 08:45 start."""
    prefix, recipient, at, expected = case
    plan = {d.recipient: d for d in route(_message(prefix), rules, directory, _utc(at)).deliveries}
    assert plan[recipient].due == _utc(expected)


def test_a_school_may_have_its_own_calendar(rules: RuleSet, directory: Directory) -> None:
    """A school that starts at 08:30 and is closed on Monday is due on Tuesday at 08:30."""
    school = SchoolCalendar(day_start=dt.time(8, 30), closures=(dt.date(2026, 11, 30),))
    plan = route(_message(NOTIFICATION), rules, directory, _utc("2026-11-27T18:30:00+00:00"), schools={SCHOOL: school})
    due = {d.recipient: d.due for d in plan.deliveries}
    assert due[SCHOOL] == _utc("2026-12-01T08:30:00+00:00")


# -- urgency shorter than a working day ------------------------------------------------------------------------

EDT = AgencyId("la:E06000032/emergency-duty-team")


def _danger(created: str, **body: Any) -> Message:
    """Example 01 as a concern about a child in immediate danger, rated medium risk unless ``body`` says otherwise."""
    document = _document("01") | {"created": created}
    document["body"] |= {"immediate_danger": True, "risk_level": "medium", "child_safe_now": "no"} | body
    return codec.loads(json.dumps(document))


def test_an_immediate_danger_concern_routes_by_the_high_risk_rule(rules: RuleSet, directory: Directory) -> None:
    """high-risk-to-social-care promises immediate danger as well as high risk: a medium-risk child in danger fits."""
    at = _utc("2026-11-25T10:00:00+00:00")
    plan = {d.recipient: d for d in route(_danger("2026-11-25T10:00:00Z"), rules, directory, at).deliveries}
    assert "high-risk-to-social-care" in plan[CSC].rules
    calm = {
        d.recipient: d for d in route(_message("01", created="2026-11-25T10:00:00Z"), rules, directory, at).deliveries
    }
    assert "high-risk-to-social-care" in calm[CSC].rules  # high risk, no danger: still routed by it


def test_immediate_danger_is_due_in_hours_on_the_calendar_clock(rules: RuleSet, directory: Directory) -> None:
    """Two hours from Saturday 23:30 is Sunday 01:30: nights and weekends count; the earliest due time wins."""
    at = _utc("2026-11-28T23:30:00+00:00")
    plan = {d.recipient: d for d in route(_danger("2026-11-28T23:30:00Z"), rules, directory, at).deliveries}
    assert plan[CSC].due == _utc("2026-11-29T01:30:00+00:00")
    assert plan[CSC].rules[:2] == ("high-risk-to-social-care", "immediate-danger-same-day-to-social-care")


@pytest.mark.parametrize(
    ("created", "edt"),
    [
        ("2026-11-28T23:30:00Z", True),  # Saturday night
        ("2026-11-25T19:00:00Z", True),  # a weekday evening
        ("2026-12-25T10:00:00Z", True),  # Christmas Day, a bank holiday
        ("2026-11-25T10:00:00Z", False),  # a weekday morning: the office is open
    ],
)
def test_out_of_hours_danger_goes_to_the_emergency_duty_team(
    created: str,
    edt: bool,
    rules: RuleSet,
    directory: Directory,
) -> None:
    """Out of office hours the emergency duty team is told, due within one hour, escalating to the police."""
    plan = {d.recipient: d for d in route(_danger(created), rules, directory, _utc(created)).deliveries}
    assert (EDT in plan) is edt
    if edt:
        assert plan[EDT].due == _utc(created) + dt.timedelta(hours=1)
        assert plan[EDT].escalate_to == (POLICE,)


def test_a_response_in_hours_and_days_is_refused() -> None:
    """A response gives exactly one of a named timescale, working days or hours."""
    both = _rule_set(_rule(response={"expects": "acknowledgement", "hours": 2, "working_days": 1}))
    with pytest.raises(InvalidRecord) as caught:
        load_rules(json.dumps(both))
    assert [(p.pointer, p.code) for p in caught.value.problems] == [("/rules/0/deliver/0/response", "CS304")]


# -- precedence ------------------------------------------------------------------------------------------------


def test_two_rules_reaching_one_recipient_combine_by_precedence(directory: Directory) -> None:
    """The earliest due time wins with its expectation, escalations are united, and both rules are listed."""
    slow = _rule(
        "slow",
        to={"agency": POLICE},
        response={"expects": "acknowledgement", "working_days": 3},
        escalate_to=[{"role": "mash", "area": "child"}],
    )
    fast = _rule(
        "fast",
        to={"role": "police", "area": "child"},
        response={"expects": "decision", "working_days": 1},
        escalate_to=[{"agency": CSC}, {"role": "mash"}],
    )
    fast["feedback_to_referrer"] = True
    for order in ((slow, fast), (fast, slow)):
        (delivery,) = route(_message("01"), _load(*order), directory, NOW).deliveries
        assert delivery.recipient == POLICE
        assert delivery.due == THURSDAY_10
        assert delivery.expects == "decision"
        assert sorted(delivery.escalate_to) == sorted({MASH, CSC})
        assert len(delivery.escalate_to) == 2
        assert delivery.rules == tuple(rule["id"] for rule in order)
        assert "rule slow: Rule slow." in delivery.reason
        assert "rule fast: Rule fast." in delivery.reason
        assert delivery.feedback_to_referrer is True


def test_a_rule_without_a_response_does_not_clear_the_due_time_of_another(directory: Directory) -> None:
    """A rule that expects nothing, combined with one that expects an answer, keeps the answer's due time."""
    quiet = _rule("quiet")
    due = _rule("due", response={"expects": "acknowledgement", "working_days": 1})
    for order in ((quiet, due), (due, quiet)):
        (delivery,) = route(_message("01"), _load(*order), directory, NOW).deliveries
        assert (delivery.due, delivery.expects) == (THURSDAY_10, "acknowledgement")


def test_two_views_for_one_agency_found_through_the_directory_is_an_error(directory: Directory) -> None:
    """Targets of different kinds that reach the same agency with different views are refused when routing."""
    rules = _load(
        _rule("setting", to={"child_setting": "gp_practice"}, view="health"),
        _rule("role", to={"role": "gp"}, view="full"),
    )
    with pytest.raises(RoutingError, match="different views"):
        route(_message("01"), rules, directory, NOW)


# -- conditions ------------------------------------------------------------------------------------------------

# Example 01: a high-risk neglect concern (NEG) from health visiting, about a born child of 14 (at NOW) in
# Luton, no markings, status exercise.
_CONDITIONS: list[tuple[dict[str, Any], bool]] = [
    ({"types": ["concern", "update"]}, True),
    ({"types": ["update"]}, False),
    ({"concern_types": ["sexual_abuse", "neglect"]}, True),
    ({"concern_types": ["sexual_abuse"]}, False),
    ({"abuse_categories": ["NEG"]}, True),
    ({"abuse_categories": ["PHY", "SAB"]}, False),
    ({"risk_levels": ["high"]}, True),
    ({"risk_levels": ["low", "medium"]}, False),
    ({"immediate_danger": False}, True),
    ({"immediate_danger": True}, False),
    ({"unborn": False}, True),
    ({"unborn": True}, False),
    ({"min_age": 14}, True),
    ({"min_age": 15}, False),
    ({"max_age": 14}, True),
    ({"max_age": 13}, False),
    ({"local_authorities": ["E08000025", "E06000032"]}, True),
    ({"local_authorities": ["E08000025"]}, False),
    ({"markings": []}, True),
    ({"markings": ["do_not_approach_parents"]}, False),
    ({"sender_kinds": ["health"]}, True),
    ({"sender_kinds": ["police", "education"]}, False),
    ({"sender_roles": ["health_visiting"]}, True),
    ({"sender_roles": ["gp"]}, False),
    ({"statuses": ["exercise"]}, True),
    ({"statuses": ["actual"]}, False),
    ({"types": ["concern"], "risk_levels": ["high"], "concern_types": ["neglect"]}, True),
    ({"types": ["concern"], "risk_levels": ["low"]}, False),
]


@pytest.mark.parametrize(("when", "applies"), _CONDITIONS, ids=[json.dumps(c[0]) for c in _CONDITIONS])
def test_each_condition_is_honoured(
    when: dict[str, Any],
    applies: bool,
    directory: Directory,
) -> None:
    """A rule applies exactly when every condition it gives holds (a list meaning any of its values)."""
    rules = _load(_rule(when=when))
    document = _document("01") | {"created": "2026-11-25T09:00:00Z"}
    document["body"]["abuse_categories"] = ["NEG"]  # as a 1.0 concern carried it (1.1 gives assessment factors)
    message = codec.loads(json.dumps(document))
    if applies:
        assert [d.recipient for d in route(message, rules, directory, NOW).deliveries] == [POLICE]
    else:
        with pytest.raises(RoutingError, match="no rule routes"):
            route(message, rules, directory, NOW)


def test_markings_are_matched_when_present(directory: Directory) -> None:
    """A rule on a handling marking applies to a message carrying it (example 09)."""
    rules = _load(_rule(when={"markings": ["do_not_approach_parents"]}, to={"agency": GP}))
    assert [d.recipient for d in route(_message(NOTIFICATION), rules, directory, NOW).deliveries] == [GP]


@pytest.mark.parametrize(("created", "routed"), [("2026-03-03T12:00:00Z", False), ("2026-03-04T12:00:00Z", True)])
def test_age_is_taken_when_the_message_was_written(created: str, routed: bool, directory: Directory) -> None:
    """The child born on 4 March 2012 turns 14 on 4 March 2026: min_age 14 applies from that day."""
    rules = _load(_rule(when={"min_age": 14}))
    message = _message("01", created=created)
    if routed:
        assert route(message, rules, directory, NOW).deliveries[0].recipient == POLICE
    else:
        with pytest.raises(RoutingError):
            route(message, rules, directory, NOW)


def test_age_does_not_depend_on_the_offset_created_is_written_in(directory: Directory) -> None:
    """The same instant of created, written in UTC or in London summer time, gives the same age (London's)."""
    rules = _load(_rule(when={"min_age": 14}))
    subject = _document("01")["subject"] | {"birth_date": "2012-07-01"}
    plans = [
        route(_message("01", created=created, subject=subject), rules, directory, NOW).deliveries
        for created in ("2026-07-01T00:30:00+01:00", "2026-06-30T23:30:00Z")
    ]
    assert plans[0] == plans[1]


def test_an_unborn_child_has_no_age(directory: Directory) -> None:
    """An age condition never applies to an unborn child (example 15)."""
    with pytest.raises(RoutingError):
        route(_message("15"), _load(_rule(when={"max_age": 25})), directory, NOW)


# -- errors, never a silent drop -------------------------------------------------------------------------------


def test_an_unrouted_message_is_an_error(directory: Directory) -> None:
    """A message that no rule routes raises RoutingError."""
    with pytest.raises(RoutingError, match="no rule routes"):
        route(_message("01"), _load(_rule(when={"types": ["chronology"]})), directory, NOW)


def test_a_message_routed_only_to_its_sender_is_an_error(rules: RuleSet, directory: Directory) -> None:
    """A concern from the MASH that only concern-to-mash matches has nobody to go to: an error, not a drop."""
    document = _document("01")
    body = document["body"] | {"risk_level": "low", "concern_types": ["other"]}
    message = _message("01", sender=_document("02")["sender"], body=body)
    with pytest.raises(RoutingError):
        route(message, rules, directory, NOW)


@pytest.mark.parametrize(
    ("to", "changes"),
    [
        ({"agency": "la:E06000032/nobody"}, {}),
        ({"role": "camhs"}, {}),
        ({"role": "mash", "area": "E08000025"}, {}),
        ({"addressed": True}, {"recipients": ["la:E06000032/mash", "ods:Y99XX"]}),
        ({"child_setting": "school"}, {}),
        ({"child_setting": "gp_practice"}, {"subject_gp": "ods:Y99XX"}),
    ],
)
def test_a_target_naming_no_agency_in_the_directory_is_an_error(
    to: dict[str, Any],
    changes: dict[str, Any],
    directory: Directory,
) -> None:
    """A target that resolves to no agency in the directory raises RoutingError naming the rule."""
    document = _document("01")
    if "subject_gp" in changes:
        document["subject"]["gp_practice"] = changes.pop("subject_gp")
    document.update(changes)
    with pytest.raises(RoutingError, match="rule a "):
        route(codec.loads(json.dumps(document)), _load(_rule(to=to)), directory, NOW)


def test_an_escalation_target_naming_nobody_is_an_error(directory: Directory) -> None:
    """An escalation to a role no agency in the directory has raises RoutingError."""
    rules = _load(_rule(response={"expects": "acknowledgement", "working_days": 1}, escalate_to=[{"role": "camhs"}]))
    with pytest.raises(RoutingError):
        route(_message("01"), rules, directory, NOW)


def test_a_child_without_a_local_authority_cannot_be_routed_by_area(rules: RuleSet, directory: Directory) -> None:
    """An area "child" rule for a child with no local authority raises RoutingError."""
    subject = {k: v for k, v in _document("01")["subject"].items() if k != "local_authority"}
    with pytest.raises(RoutingError, match="local authority"):
        route(_message("01", subject=subject), rules, directory, NOW)


# -- the sender, determinism -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(MESSAGES.glob("*.json")), ids=lambda path: path.stem)
def test_the_sender_never_receives_its_own_message(path: Path, rules: RuleSet, directory: Directory) -> None:
    """No plan of any example message delivers it to the agency that sent it."""
    message = codec.loads(path.read_bytes())
    plan = route(message, rules, directory, NOW, holders=[message.sender.agency])
    assert message.sender.agency not in [d.recipient for d in plan.deliveries]


def test_a_rule_aimed_at_the_senders_role_skips_the_sender(rules: RuleSet, directory: Directory) -> None:
    """The midwife's unborn-child concern matches unborn-to-midwifery, but midwifery sent it."""
    plan = route(_message("15"), rules, directory, NOW)
    assert MIDWIFERY not in [d.recipient for d in plan.deliveries]
    addressed = _message("02", recipients=[HV, MASH])
    assert [d.recipient for d in route(addressed, rules, directory, NOW).deliveries] == [HV]


def test_routing_is_deterministic(rules: RuleSet, directory: Directory) -> None:
    """The same message, rules, directory and time give the same plan, also from freshly loaded inputs."""
    first = route(_message("01"), rules, directory, NOW)
    again = route(_message("01"), load_rules(RULES.read_bytes()), directory, NOW)
    assert isinstance(first, Plan)
    assert first == again
    assert json.dumps(first.to_json()) == json.dumps(again.to_json())


def test_the_plan_as_json(rules: RuleSet, directory: Directory) -> None:
    """to_json gives every delivery's recipient, view, due time in UTC, rules and reason."""
    plan = route(_message(NOTIFICATION), rules, directory, NOW).to_json()
    assert plan["message_id"] == _document(NOTIFICATION)["id"]
    assert plan["at"] == "2026-11-25T10:00:00Z"
    school = next(d for d in plan["deliveries"] if d["recipient"] == SCHOOL)
    assert school["due"] == "2026-11-26T08:45:00Z"
    assert school["view"] == "education"
    assert school["rules"] == ["encompass-to-school"]
    assert school["reason"].startswith("rule encompass-to-school: ")
