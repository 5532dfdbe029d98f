"""Tests for the child-protection process messages (format 1.1): checks, timescales, routing, the loop, chronology."""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import attrs
import pytest

from concernshare import checks, codec, deadlines
from concernshare.chronology.extract import entries_of
from concernshare.crypto import keys
from concernshare.directory import Directory, open_directory
from concernshare.errors import InvalidDocument
from concernshare.exchange import _record_answer
from concernshare.records import AgencyId, Message, MessageType
from concernshare.routing.plan import RoutingError, route
from concernshare.routing.rules import RuleSet, load_rules
from concernshare.stores import MemoryStore
from concernshare.tracker import DeliveryState, Tracker
from concernshare.validation import iter_problems

EXAMPLES = Path(__file__).parent.parent / "examples"
MESSAGES = EXAMPLES / "messages"
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
MASH, CSC = "la:E06000032/mash", "la:E06000032/childrens-social-care"
HV, GP, POLICE = "ods:Y99HV/health-visiting", "ods:Y99GP", "police:99"
CALENDAR = deadlines.WorkingCalendar()


@pytest.fixture(scope="module")
def directory() -> Directory:
    authority = keys.loads_public_jwk_set((EXAMPLES / "directory" / "keys" / "authority.public.jwks").read_bytes())
    return open_directory((EXAMPLES / "directory" / "directory.jws").read_bytes(), authority, now=NOW)


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules((EXAMPLES / "routing" / "mash-front-door.json").read_bytes())


def _document(prefix: str) -> dict[str, Any]:
    (path,) = MESSAGES.glob(f"{prefix}-*.json")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _message(document: dict[str, Any]) -> Message:
    return codec.loads(json.dumps(document))


def _codes(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(p.pointer, p.code) for p in iter_problems(json.dumps(document).encode())}


PROCESS = ("31", "32", "33", "34", "35", "36")


# -- the types and their checks ---------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", PROCESS)
def test_each_process_type_needs_format_1_1(prefix: str) -> None:
    """Every example of a new type is clean in 1.1; said to be 1.0, format 1.0's own schema refuses its type
    (CS014), and a record built by hand with that version is refused by the semantic check (CS140)."""
    document = _document(prefix)
    assert document["format_version"] == "1.1"
    assert _codes(document) == set()
    record = attrs.evolve(codec.loads(json.dumps(document).encode()), format_version="1.0")
    assert ("/format_version", "CS140") in {(p.pointer, p.code) for p in checks.iter_problems(record)}
    document["format_version"] = "1.0"
    assert ("/type", "CS014") in _codes(document)


def test_the_examples_cover_every_process_type() -> None:
    """The six process types each have an example."""
    types = {_document(prefix)["type"] for prefix in PROCESS}
    assert types == {
        "strategy_discussion",
        "section_47_outcome",
        "child_protection_conference",
        "plan_status",
        "transfer_in",
        "case_closure",
    }
    assert types <= set(MessageType)


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"decision": "no_plan"}, "/body/categories"),
        ({"kind": "review"}, "/body/decision"),
        ({"decision": "plan_continues"}, "/body/decision"),
        ({"clock_started_at": "2013-12-21T10:00:00Z"}, "/body/clock_started_at"),
        ({"next_review_by": "2013-12-01"}, "/body/next_review_by"),
    ],
)
def test_a_conference_that_contradicts_itself_is_refused(change: dict[str, Any], pointer: str) -> None:
    """CS142: categories without a plan, a decision that does not fit the kind, dates out of order."""
    document = _document("32")
    document["body"].update(change)
    assert (pointer, "CS142") in _codes(document)


def test_an_initial_conference_without_its_clock_is_warned() -> None:
    """CS142 (warning): an initial conference should say when its timescale started."""
    document = _document("32")
    del document["body"]["clock_started_at"]
    problems = [p for p in iter_problems(json.dumps(document).encode()) if p.code == "CS142"]
    assert [(p.pointer, p.severity.value) for p in problems] == [("/body/clock_started_at", "warning")]


@pytest.mark.parametrize(
    ("prefix", "change", "pointer"),
    [
        ("33", {"plan": "child_in_need"}, "/body/categories"),
        ("33", {"ended_on": "2014-01-10"}, "/body/status"),
        ("33", {"status": "ended", "ended_on": "2013-12-01", "end_reason": "no_longer_needed"}, "/body/ended_on"),
        ("35", {"categories": ["NEG"]}, "/body/categories"),
    ],
)
def test_a_plan_status_that_contradicts_itself_is_refused(prefix: str, change: dict[str, Any], pointer: str) -> None:
    """CS143: a category on a child-in-need plan, an end date on a running plan, an end before the start."""
    document = _document(prefix)
    document["body"].update(change)
    assert (pointer, "CS143") in _codes(document)


def test_a_transfer_in_names_local_authorities() -> None:
    """CS144: a transfer in from a GP practice is refused."""
    document = _document("35")
    document["body"]["from_authority"] = GP
    assert ("/body/from_authority", "CS144") in _codes(document)


def test_a_process_message_cannot_answer_itself() -> None:
    """CS118 covers the new references: a plan status naming itself as its conference."""
    document = _document("33")
    document["body"]["conference_id"] = document["id"]
    assert ("/body/conference_id", "CS118") in _codes(document)


# -- timescales ---------------------------------------------------------------------------------------------


def test_review_conferences_run_in_calendar_months() -> None:
    """First review 3 months after the initial conference, later ones 6 months; the 31st becomes a month's end."""
    assert deadlines.FIRST_REVIEW_CONFERENCE.months == 3
    assert deadlines.REVIEW_CONFERENCE.months == 6
    assert deadlines.TRANSFER_IN_CONFERENCE.working_days == 15
    held = dt.datetime(2013, 12, 20, 10, 0, tzinfo=dt.UTC)
    assert deadlines.due(deadlines.FIRST_REVIEW_CONFERENCE, held, calendar=CALENDAR) == dt.datetime(
        2014, 3, 20, 10, 0, tzinfo=deadlines.LONDON
    )
    summer = dt.datetime(2026, 8, 31, 10, 0, tzinfo=deadlines.LONDON)
    assert deadlines.add_months(summer, 6) == dt.datetime(2027, 2, 28, 10, 0, tzinfo=deadlines.LONDON)
    assert deadlines.add_months(summer, 6).utcoffset() == dt.timedelta(0)  # BST to GMT, clock time kept


@pytest.mark.parametrize("fields", [{"months": 0}, {"months": 2, "working_days": 3}, {"months": True}])
def test_a_months_timescale_needs_a_number_of_months(fields: dict[str, Any]) -> None:
    """A calendar-months timescale takes whole months, 1 or more, and no working days."""
    with pytest.raises(deadlines.UsageError):
        deadlines.Timescale(name="x", kind=deadlines.TimescaleKind.CALENDAR_MONTHS, **fields)
    with pytest.raises(deadlines.UsageError):
        deadlines.Timescale(name="x", kind=deadlines.TimescaleKind.WORKING_DAYS, working_days=1, months=1)


# -- routing: the clock runs from the event ---------------------------------------------------------------------


def test_the_initial_conference_is_due_15_working_days_after_the_strategy_discussion(
    rules: RuleSet,
    directory: Directory,
) -> None:
    """Routed long after, the strategy discussion's delivery to social care is due 15 working days after it was
    held, and escalates to the MASH; the attendees get it with nothing due."""
    message = _message(_document("31"))
    plan = {d.recipient: d for d in route(message, rules, directory, NOW).deliveries}
    held = dt.datetime(2013, 12, 10, 14, 0, tzinfo=dt.UTC)
    expected = deadlines.add_working_days(held, 15, CALENDAR)
    assert expected.date() == dt.date(2014, 1, 3)  # Christmas, Boxing Day and New Year's Day are not counted
    assert (plan[CSC].due, plan[CSC].expects, plan[CSC].escalate_to) == (expected, "response", (MASH,))
    assert "strategy-discussion-starts-conference-clock" in plan[CSC].rules
    for agency in (POLICE, HV, GP):
        assert plan[agency].due is None


def test_a_strategy_discussion_that_starts_no_enquiry_starts_no_clock(rules: RuleSet, directory: Directory) -> None:
    """Without a section 47 enquiry no conference is owed: social care gets the record with nothing due."""
    document = _document("31")
    document["body"].update(section_47_started=False, outcome="child_in_need_assessment")
    plan = {d.recipient: d for d in route(_message(document), rules, directory, NOW).deliveries}
    assert plan[CSC].due is None


def test_a_transfer_in_conference_is_due_15_working_days_after_the_notification(
    rules: RuleSet,
    directory: Directory,
) -> None:
    """The receiving authority's social care owes the transfer-in conference 15 working days from notification."""
    plan = {d.recipient: d for d in route(_message(_document("35")), rules, directory, NOW).deliveries}
    notified = dt.datetime(2013, 2, 18, 10, 0, tzinfo=dt.UTC)
    assert plan[CSC].due == deadlines.add_working_days(notified, 15, CALENDAR)
    assert plan[CSC].expects == "response"


def test_a_review_clock_runs_from_the_conference(directory: Directory) -> None:
    """A local rule for the conference service: 3 months after an initial conference, 6 after a review."""
    rules = load_rules(
        json.dumps(
            {
                "format_version": "1.1",
                "name": "Conference service",
                "rules": [
                    {
                        "id": "first-review",
                        "description": "The first review is owed 3 months after the initial conference.",
                        "when": {
                            "types": ["child_protection_conference"],
                            "conference_kinds": ["initial", "transfer_in"],
                        },
                        "deliver": [
                            {
                                "to": {"role": "mash", "area": "child"},
                                "view": "full",
                                "response": {
                                    "expects": "response",
                                    "timescale": "first_review_child_protection_conference",
                                },
                            }
                        ],
                    },
                    {
                        "id": "later-review",
                        "description": "Later reviews are owed 6 months after the previous one.",
                        "when": {"types": ["child_protection_conference"], "conference_kinds": ["review"]},
                        "deliver": [
                            {
                                "to": {"role": "mash", "area": "child"},
                                "view": "full",
                                "response": {"expects": "response", "timescale": "review_child_protection_conference"},
                            }
                        ],
                    },
                ],
            }
        )
    )
    held = dt.datetime(2013, 12, 20, 10, 0, tzinfo=dt.UTC)
    (initial,) = route(_message(_document("32")), rules, directory, NOW).deliveries
    assert (initial.due, initial.rules) == (deadlines.add_months(held, 3), ("first-review",))
    document = _document("32")
    document["body"].update(kind="review", decision="plan_continues")
    (review,) = route(_message(document), rules, directory, NOW).deliveries
    assert (review.due, review.rules) == (deadlines.add_months(held, 6), ("later-review",))


def test_an_assessment_is_due_45_working_days_after_the_referral(directory: Directory) -> None:
    """A decision's assessment clock runs from the time the contact became a referral, not from routing."""
    rules = load_rules(
        json.dumps(
            {
                "format_version": "1.1",
                "name": "Assessment",
                "rules": [
                    {
                        "id": "assessment",
                        "description": "The assessment is owed 45 working days after the referral.",
                        "when": {"types": ["decision"]},
                        "deliver": [
                            {
                                "to": {"addressed": True},
                                "view": "full",
                                "response": {"expects": "response", "timescale": "child_and_family_assessment"},
                            }
                        ],
                    },
                ],
            }
        )
    )
    plan = route(_message(_document("03")), rules, directory, NOW)
    referral = dt.datetime(2013, 9, 17, 9, 30, tzinfo=dt.UTC)
    assert {d.due for d in plan.deliveries} == {deadlines.add_working_days(referral, 45, CALENDAR)}


# -- the closed loop -------------------------------------------------------------------------------------------


def test_the_conference_answers_the_strategy_discussion_in_the_tracker(rules: RuleSet, directory: Directory) -> None:
    """Social care's delivery is overdue after 15 working days without a conference; the conference in reply
    closes it, and the attendees' deliveries expect nothing."""
    discussion = _message(_document("31"))
    tracker = Tracker(MemoryStore())
    for delivery in route(discussion, rules, directory, NOW).deliveries:
        tracker.record_delivery(
            message_id=discussion.id,
            message_type=discussion.type,
            sender=MASH,
            recipient=delivery.recipient,
            sent_at=discussion.created,
            due=delivery.due,
            expects=delivery.expects,
            escalate_to=delivery.escalate_to,
            rules=delivery.rules,
        )
    late = dt.datetime(2014, 1, 6, 9, 0, tzinfo=dt.UTC)
    assert [(d.recipient, d.escalate_to) for d in tracker.overdue(late)] == [(CSC, (MASH,))]
    conference = _message(_document("32"))
    assert conference.thread.in_reply_to == discussion.id
    _record_answer(tracker, conference, conference.sender.agency, dt.datetime(2013, 12, 20, 15, 5, tzinfo=dt.UTC))
    assert tracker.overdue(late) == ()
    states = {s.delivery.recipient: s.state for s in tracker.status(discussion.id, at=late).deliveries}
    assert states[CSC] is DeliveryState.ANSWERED
    assert states[HV] is DeliveryState.NOTHING_EXPECTED


# -- chronology ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "event_type", "day", "words"),
    [
        ("31", "strategy_discussion", "2013-12-10", "section 47 enquiry started"),
        ("34", "section_47_enquiry", "2013-12-18", "substantiated conference"),
        ("32", "conference", "2013-12-20", "initial child protection conference: plan (NEG)"),
        ("33", "plan", "2013-12-20", "child protection plan started under NEG"),
        ("35", "transfer_in", "2013-02-18", "child in need plan"),
        ("36", "case_closed", "2013-11-20", "RC9"),
    ],
)
def test_each_process_message_is_a_chronology_entry(prefix: str, event_type: str, day: str, words: str) -> None:
    """Each new type becomes one dated entry of its kind in the child's chronology."""
    (entry,) = entries_of(_message(_document(prefix)))
    assert (entry.event_type, str(entry.event_date)) == (event_type, day)
    assert words in f"{entry.summary} {entry.significance}"


def test_a_process_message_changed_under_its_id_is_a_new_entry() -> None:
    """Entry ids are the message id and pointer, so two conferences are two entries."""
    first = _message(_document("32"))
    second = copy.deepcopy(_document("32"))
    second["id"] = str(uuid.uuid4())
    assert next(entries_of(first)).id != next(entries_of(_message(second))).id


# -- an escalation is tracked for a reply ----------------------------------------------------------------------


def test_an_escalation_is_due_a_reply_by_the_time_it_asks(rules: RuleSet, directory: Directory) -> None:
    """The example rule escalation-reply-due makes the challenged agency owe a reply by the escalation's
    respond_by, escalating to the MASH; a decision in reply closes it in the tracker."""
    escalation = _message(_document("11"))
    (delivery,) = route(escalation, rules, directory, NOW).deliveries
    assert (delivery.recipient, delivery.due, delivery.expects) == (CSC, escalation.body.respond_by, "response")  # type: ignore[union-attr]
    tracker = Tracker(MemoryStore())
    tracker.record_delivery(
        message_id=escalation.id,
        message_type=escalation.type,
        sender=HV,
        recipient=CSC,
        sent_at=escalation.created,
        due=delivery.due,
        expects=delivery.expects,
        escalate_to=delivery.escalate_to,
    )
    late = escalation.body.respond_by + dt.timedelta(hours=1)  # type: ignore[union-attr]
    assert [d.escalate_to for d in tracker.overdue(late)] == [(MASH,)]
    reply = _document("10")
    reply.update(id=str(uuid.uuid4()), thread={"in_reply_to": str(escalation.id)})
    _record_answer(tracker, _message(reply), AgencyId(CSC), late - dt.timedelta(hours=2))
    assert tracker.overdue(late) == ()


def test_respond_by_stands_alone_and_needs_the_message_to_ask(directory: Directory) -> None:
    """respond_by with a timescale is refused when the rules load (CS304); on a message without respond_by it is a
    routing error, never a delivery with nothing due."""

    def rules_with(response: dict[str, Any]) -> bytes:
        return json.dumps(
            {
                "format_version": "1.1",
                "name": "r",
                "rules": [
                    {
                        "id": "a",
                        "description": "Replies due.",
                        "when": {"types": ["escalation", "concern"]},
                        "deliver": [{"to": {"addressed": True}, "view": "full", "response": response}],
                    }
                ],
            }
        ).encode()

    with pytest.raises(InvalidDocument) as refused:
        load_rules(rules_with({"expects": "response", "respond_by": True, "working_days": 2}))
    assert [p.code for p in refused.value.problems] == ["CS304"]
    loaded = load_rules(rules_with({"expects": "response", "respond_by": True}))
    with pytest.raises(RoutingError, match="respond_by"):
        route(_message(_document("01")), loaded, directory, NOW)
