"""Tests for the tracker, the closed loop; every test runs on MemoryStore, SQLiteStore and PostgresStore."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from _stores import KINDS, make_store
from concernshare.errors import Severity, UsageError
from concernshare.records.codes import DecisionOutcome, MessageType, WithdrawalReason
from concernshare.tracker import (
    AnswerKind,
    DeliveryState,
    Expectation,
    NonShareReason,
    Tracker,
)

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
HV, MASH, CSC, SCHOOL, POLICE = "ods:RYV01/hv", "la:E06000032/mash", "la:E06000032/csc", "school:123456", "police:40"
EARLY_HELP, LA = "la:E06000032/early-help", "la:E06000032"
CONCERN = uuid.UUID(int=1)


def uid(n: int) -> uuid.UUID:
    """A readable fixed id."""
    return uuid.UUID(int=n)


@pytest.fixture(params=KINDS)
def tracker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Tracker]:
    """A tracker over each store implementation in turn, empty."""
    with make_store(request.param, tmp_path) as store:
        yield Tracker(store)


def _send_concern(tracker: Tracker) -> None:
    """The health visitor's concern goes to the MASH (a decision due in a day) and the school (an acknowledgement)."""
    tracker.record_delivery(
        message_id=CONCERN,
        message_type=MessageType.CONCERN,
        sender=HV,
        recipient=MASH,
        sent_at=T0,
        view="mash",
        due=T0 + DAY,
        expects=Expectation.DECISION,
        escalate_to=[LA],
        rules=["front-door"],
        concern_id=CONCERN,
    )
    tracker.record_delivery(
        message_id=CONCERN,
        message_type=MessageType.CONCERN,
        sender=HV,
        recipient=SCHOOL,
        sent_at=T0,
        view="school",
        due=T0 + 4 * HOUR,
        expects=Expectation.ACKNOWLEDGEMENT,
        escalate_to=[MASH],
        rules=["school-notify"],
        concern_id=CONCERN,
    )


def test_overdue_lists_every_unanswered_delivery_with_whom_to_escalate_to(tracker: Tracker) -> None:
    """Past their due times and unanswered, both deliveries are listed, earliest due first, with escalation."""
    _send_concern(tracker)
    assert tracker.overdue(T0 + 2 * HOUR) == ()
    breaches = tracker.overdue(T0 + 2 * DAY)
    assert [(d.recipient, d.due, d.escalate_to) for d in breaches] == [
        (SCHOOL, T0 + 4 * HOUR, (MASH,)),
        (MASH, T0 + DAY, (LA,)),
    ]


def test_answers_close_what_they_answer_and_nothing_else(tracker: Tracker) -> None:
    """The school's acknowledgement closes its delivery; the MASH's acknowledgement does not stand for its decision."""
    _send_concern(tracker)
    tracker.record_acknowledgement(answer_id=uid(10), message_id=CONCERN, by=SCHOOL, at=T0 + HOUR)
    tracker.record_acknowledgement(answer_id=uid(11), message_id=CONCERN, by=MASH, at=T0 + HOUR)
    assert [d.recipient for d in tracker.overdue(T0 + 2 * DAY)] == [MASH]
    tracker.record_decision(
        answer_id=uid(12), concern_id=CONCERN, by=MASH, at=T0 + 3 * HOUR, outcome=DecisionOutcome.STRATEGY_DISCUSSION
    )
    assert tracker.overdue(T0 + 2 * DAY) == ()


def test_a_late_answer_still_shows_the_breach_at_a_time_before_it(tracker: Tracker) -> None:
    """Asked about a moment between the due time and a late answer, the delivery was overdue."""
    _send_concern(tracker)
    tracker.record_decision(answer_id=uid(12), concern_id=CONCERN, by=MASH, at=T0 + 2 * DAY, outcome="early_help")
    assert [d.recipient for d in tracker.overdue(T0 + 30 * HOUR)] == [SCHOOL, MASH]
    assert [d.recipient for d in tracker.overdue(T0 + 3 * DAY)] == [SCHOOL]


def test_an_answer_from_another_agency_closes_nothing(tracker: Tracker) -> None:
    """Children's social care deciding does not close the MASH's delivery."""
    _send_concern(tracker)
    tracker.record_decision(answer_id=uid(12), concern_id=CONCERN, by=CSC, at=T0 + HOUR, outcome="early_help")
    assert MASH in [d.recipient for d in tracker.overdue(T0 + 2 * DAY)]


def test_an_information_request_is_closed_by_the_response(tracker: Tracker) -> None:
    """An information request waits for an information response, not an acknowledgement."""
    tracker.record_delivery(
        message_id=uid(20),
        message_type="information_request",
        sender=MASH,
        recipient=POLICE,
        sent_at=T0,
        due=T0 + DAY,
        expects="information_response",
        escalate_to=[LA],
    )
    tracker.record_acknowledgement(answer_id=uid(21), message_id=uid(20), by=POLICE, at=T0 + HOUR)
    assert len(tracker.overdue(T0 + 2 * DAY)) == 1
    tracker.record_response(
        answer_id=uid(22), message_id=uid(20), by=POLICE, at=T0 + 5 * HOUR, kind=AnswerKind.INFORMATION_RESPONSE
    )
    assert tracker.overdue(T0 + 2 * DAY) == ()


def test_status_gives_each_delivery_its_state_at_a_time(tracker: Tracker) -> None:
    """Awaiting, then overdue, then answered or rejected; a delivery expecting nothing says so."""
    _send_concern(tracker)
    tracker.record_delivery(message_id=CONCERN, message_type="concern", sender=HV, recipient=POLICE, sent_at=T0)
    tracker.record_acknowledgement(
        answer_id=uid(10), message_id=CONCERN, by=SCHOOL, at=T0 + 6 * HOUR, rejected=True, problems=["CS104"]
    )

    def states(at: dt.datetime) -> dict[str, DeliveryState]:
        return {d.delivery.recipient: d.state for d in tracker.status(CONCERN, at=at).deliveries}

    assert states(T0 + HOUR) == {MASH: "awaiting", SCHOOL: "awaiting", POLICE: "nothing_expected"}
    assert states(T0 + 5 * HOUR) == {MASH: "awaiting", SCHOOL: "overdue", POLICE: "nothing_expected"}
    assert states(T0 + 2 * DAY) == {MASH: "overdue", SCHOOL: "rejected", POLICE: "nothing_expected"}
    status = tracker.status(str(CONCERN), at=T0 + 2 * DAY)
    assert status.origin == HV
    assert status.withdrawal is None
    assert [(a.by, a.rejected, a.problems) for a in status.answers] == [(SCHOOL, True, ("CS104",))]
    assert status.deliveries[2].answer is not None


def test_recipients_include_those_it_was_passed_on_to_transitively(tracker: Tracker) -> None:
    """The MASH passes the concern to children's social care, which passes it to early help; all are listed."""
    _send_concern(tracker)
    tracker.record_delivery(
        message_id=CONCERN, message_type="concern", sender=HV, recipient=CSC, sent_at=T0 + HOUR, passed_on_by=MASH
    )
    tracker.record_delivery(
        message_id=uid(30),
        message_type="concern",
        sender=CSC,
        recipient=EARLY_HELP,
        sent_at=T0 + 2 * HOUR,
        passed_on_by=CSC,
        passed_on_from=CONCERN,
    )
    tracker.record_delivery(
        message_id=uid(31),
        message_type="update",
        sender=EARLY_HELP,
        recipient=POLICE,
        sent_at=T0 + 3 * HOUR,
        passed_on_by=EARLY_HELP,
        passed_on_from=uid(30),
    )
    tracker.record_delivery(
        message_id=uid(32),
        message_type="update",
        sender=EARLY_HELP,
        recipient=CSC,
        sent_at=T0 + 3 * HOUR,
        passed_on_by=EARLY_HELP,
        passed_on_from=uid(31),
    )
    tracker.record_delivery(
        message_id=uid(31),
        message_type="update",
        sender=EARLY_HELP,
        recipient=SCHOOL,
        sent_at=T0 + 3 * HOUR,
        passed_on_by=EARLY_HELP,
        passed_on_from=uid(32),
    )  # a cycle
    assert tracker.recipients(CONCERN) == tuple(sorted([MASH, SCHOOL, CSC, EARLY_HELP, POLICE]))
    assert tracker.recipients(uid(99)) == ()


def test_recipients_at_a_receiving_node_include_itself(tracker: Tracker) -> None:
    """At the MASH, the concern it received and passed on lists the MASH and whom it passed it to."""
    tracker.record_received(
        message_id=CONCERN,
        message_type="concern",
        sender=HV,
        recipient=MASH,
        received_at=T0,
        accepted=True,
        concern_id=CONCERN,
    )
    tracker.record_delivery(
        message_id=uid(30),
        message_type="concern",
        sender=MASH,
        recipient=CSC,
        sent_at=T0 + HOUR,
        passed_on_by=MASH,
        passed_on_from=CONCERN,
    )
    assert tracker.recipients(CONCERN) == (CSC, MASH)
    assert tracker.origin(CONCERN) == HV


def test_a_withdrawal_is_permanent_and_the_first_one_stays(tracker: Tracker) -> None:
    """Once withdrawn, a message stays withdrawn by whoever withdrew it first."""
    _send_concern(tracker)
    assert not tracker.is_withdrawn(CONCERN)
    first = tracker.record_withdrawal(CONCERN, HV, T0 + HOUR, WithdrawalReason.WRONG_CHILD)
    again = tracker.record_withdrawal(CONCERN, HV, T0 + 2 * HOUR, "duplicate")
    assert again == first
    assert tracker.is_withdrawn(str(CONCERN))
    assert tracker.status(CONCERN, at=T0 + DAY).withdrawal == first


def _codes(tracker: Tracker, *args: object, **kwargs: object) -> list[tuple[str, Severity]]:
    return [(p.code, p.severity) for p in tracker.check_history(*args, **kwargs)]  # type: ignore[arg-type]


def test_history_only_the_original_sender_may_supersede(tracker: Tracker) -> None:
    """An update by the sender passes; the same update by another agency breaks CS201."""
    tracker.record_received(
        message_id=CONCERN, message_type="concern", sender=HV, recipient=MASH, received_at=T0, accepted=True
    )
    assert _codes(tracker, uid(2), HV, CONCERN) == []
    assert _codes(tracker, uid(2), SCHOOL, CONCERN) == [("CS201", Severity.ERROR)]


def test_history_nothing_supersedes_a_withdrawn_message(tracker: Tracker) -> None:
    """Superseding a withdrawn message breaks CS202, even for its sender."""
    _send_concern(tracker)
    tracker.record_withdrawal(CONCERN, HV, T0 + HOUR, "entered_in_error")
    assert _codes(tracker, uid(2), HV, CONCERN) == [("CS202", Severity.ERROR)]


def test_history_an_unknown_superseded_message_is_a_warning(tracker: Tracker) -> None:
    """Superseding a message this node never saw is CS203, a warning, not a refusal."""
    assert _codes(tracker, uid(2), HV, uid(77)) == [("CS203", Severity.WARNING)]
    assert [p.pointer for p in tracker.check_history(uid(2), HV, uid(77))] == ["/thread/supersedes"]


def test_history_only_the_original_sender_may_withdraw(tracker: Tracker) -> None:
    """A withdrawal from another agency breaks CS204; one from the sender or of an unknown message passes."""
    _send_concern(tracker)
    assert _codes(tracker, uid(3), HV, None, withdraws=CONCERN) == []
    assert _codes(tracker, uid(3), MASH, None, withdraws=CONCERN) == [("CS204", Severity.ERROR)]
    assert _codes(tracker, uid(3), MASH, None, withdraws=uid(78)) == []


def test_history_a_message_withdrawn_before_it_arrived_is_refused(tracker: Tracker) -> None:
    """When the withdrawal overtook the message, the message breaks CS205."""
    tracker.record_withdrawal(CONCERN, HV, T0, "retracted")
    assert _codes(tracker, CONCERN, HV, None) == [("CS205", Severity.ERROR)]


def test_decisions_not_to_share_are_kept_with_who_when_and_why(tracker: Tracker) -> None:
    """A decision not to share is found by its message or its child reference, and a retry records it once."""
    withheld = tracker.record_non_share(
        withheld_from=SCHOOL,
        decided_by_agency=MASH,
        decided_by_role="MASH team manager",
        decided_at=T0 + HOUR,
        reason=NonShareReason.WOULD_PREJUDICE_INVESTIGATION,
        message_id=CONCERN,
        non_share_id=uid(40),
    )
    tracker.record_non_share(
        withheld_from=SCHOOL,
        decided_by_agency=MASH,
        decided_by_role="MASH team manager",
        decided_at=T0 + HOUR,
        reason=NonShareReason.WOULD_PREJUDICE_INVESTIGATION,
        message_id=CONCERN,
        non_share_id=uid(40),
    )
    by_child = tracker.record_non_share(
        withheld_from=HV,
        decided_by_agency=MASH,
        decided_by_role="MASH social worker",
        decided_at=T0,
        reason="not_necessary",
        child_ref="LCS-000123",
        note="Health visiting has closed the case.",
    )
    assert tracker.non_shares(message_id=CONCERN) == (withheld,)
    assert tracker.non_shares(child_ref="LCS-000123") == (by_child,)
    assert tracker.non_shares() == (by_child, withheld)
    assert tracker.status(CONCERN, at=T0 + DAY).non_shares == (withheld,)
    assert (withheld.decided_by_agency, withheld.decided_at, withheld.reason) == (
        MASH,
        T0 + HOUR,
        "would_prejudice_investigation",
    )


def test_arrivals_are_recorded_with_their_history_ids(tracker: Tracker) -> None:
    """An arrival keeps the ids it refers to and whether it was accepted, and shows in the status."""
    arrival = tracker.record_received(
        message_id=uid(5),
        message_type="update",
        sender=HV,
        recipient=MASH,
        received_at=T0,
        accepted=False,
        problems=["CS201"],
        concern_id=CONCERN,
        supersedes=uid(4),
        in_reply_to=uid(3),
    )
    assert tracker.status(uid(5), at=T0).arrivals == (arrival,)
    assert (arrival.accepted, arrival.supersedes, arrival.problems) == (False, str(uid(4)), ("CS201",))


def test_times_are_kept_in_utc_whatever_zone_they_were_given_in(tracker: Tracker) -> None:
    """A time given in London summer time reads back as the same instant in UTC."""
    london = dt.timezone(dt.timedelta(hours=1))
    tracker.record_delivery(
        message_id=uid(6),
        message_type="concern",
        sender=HV,
        recipient=MASH,
        sent_at=dt.datetime(2026, 7, 1, 10, tzinfo=london),
    )
    (status,) = tracker.status(uid(6), at=T0).deliveries
    assert status.delivery.sent_at == dt.datetime(2026, 7, 1, 9, tzinfo=dt.UTC)
    assert status.delivery.sent_at.tzinfo is dt.UTC


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.overdue(dt.datetime(2026, 11, 25)),  # naive: refused
        lambda t: t.status("not-a-uuid", at=T0),
        lambda t: t.is_withdrawn(str(uid(0xABC)).upper()),
        lambda t: t.record_withdrawal(CONCERN, "Luton MASH", T0, "retracted"),
        lambda t: t.record_withdrawal(CONCERN, HV, T0, "changed_my_mind"),
        lambda t: t.record_non_share(
            withheld_from=HV,
            decided_by_agency=MASH,
            decided_by_role="",
            decided_at=T0,
            reason="not_necessary",
            message_id=CONCERN,
        ),
        lambda t: t.record_non_share(
            withheld_from=HV, decided_by_agency=MASH, decided_by_role="manager", decided_at=T0, reason="not_necessary"
        ),
        lambda t: t.record_delivery(
            message_id=CONCERN, message_type="concern", sender=HV, recipient=MASH, sent_at=T0, due=T0 + DAY
        ),
    ],
)
def test_misuse_is_a_usage_error_and_records_nothing(tracker: Tracker, call: object) -> None:
    """Malformed arguments raise UsageError before anything is written."""
    with pytest.raises(UsageError):
        call(tracker)  # type: ignore[operator]
    assert tracker.recipients(CONCERN) == ()
    assert tracker.non_shares() == ()
    assert not tracker.is_withdrawn(CONCERN)
