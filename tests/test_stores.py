"""Tests for the stores; MemoryStore, SQLiteStore and PostgresStore pass the same tests."""

from __future__ import annotations

import datetime as dt
import signal
import sqlite3
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from _stores import KINDS, make_store, open_store, postgres_schema, postgres_store, require_postgres
from concernshare.errors import NaiveTime, UsageError
from concernshare.stores import DirectoryEdition, Receipt, ReplayStore, SQLiteStore, Store, StoreError
from concernshare.stores.facts import Answer, Arrival, Delivery, NonShare, Withdrawal, satisfies

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
HV, MASH, CSC, SCHOOL = "ods:RYV01/hv", "la:E06000032/mash", "la:E06000032/csc", "school:123456"
WRITER = Path(__file__).with_name("tracker_writer.py")


def uid(n: int) -> str:
    """A readable fixed message id."""
    return str(uuid.UUID(int=n))


@pytest.fixture(params=KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each store implementation in turn, empty."""
    with make_store(request.param, tmp_path) as made:
        yield made


def _receipt(message_id: str = "m1", sender: str = HV) -> Receipt:
    return Receipt(sender=sender, message_id=message_id, sent=T0, received=T0 + dt.timedelta(minutes=1))


def _delivery(n: int = 1, recipient: str = MASH, **changes: object) -> Delivery:
    fields: dict[str, object] = {
        "message_id": uid(n),
        "message_type": "concern",
        "sender": HV,
        "recipient": recipient,
        "sent_at": T0,
        "due": T0 + 24 * HOUR,
        "expects": "acknowledgement",
        "concern_id": uid(n),
    }
    fields.update(changes)
    return Delivery(**fields)  # type: ignore[arg-type]


def _ack(n: int, answers: int = 1, by: str = MASH, at: dt.datetime = T0 + HOUR, **changes: object) -> Answer:
    fields: dict[str, object] = {
        "answer_id": uid(1000 + n),
        "kind": "acknowledgement",
        "by": by,
        "at": at,
        "message_id": uid(answers),
    }
    fields.update(changes)
    return Answer(**fields)  # type: ignore[arg-type]


# The replay and receipt store.


def test_every_store_is_a_store(store: Store) -> None:
    """Each implementation satisfies both the replay store and the full store interface."""
    assert isinstance(store, ReplayStore)
    assert isinstance(store, Store)


def test_first_record_succeeds_second_is_a_replay(store: Store) -> None:
    """The same sender and id is accepted once only."""
    assert store.record(_receipt(), keep_until=T0 + dt.timedelta(days=8))
    assert not store.record(_receipt(), keep_until=T0 + dt.timedelta(days=8))


def test_same_id_from_another_sender_is_not_a_replay(store: Store) -> None:
    """Replays are keyed by sender and id together."""
    assert store.record(_receipt(), keep_until=T0)
    assert store.record(_receipt(sender=MASH), keep_until=T0)


def test_receipts_survive_pruning(store: Store) -> None:
    """Pruning forgets seen entries past their time but never the receipt log, so a replay stays refused."""
    store.record(_receipt(), keep_until=T0 + dt.timedelta(days=1))
    store.record(_receipt("m2"), keep_until=T0 + dt.timedelta(days=30))
    assert store.prune(T0 + dt.timedelta(days=2)) == 1
    receipt = store.receipt(HV, "m1")
    assert receipt == _receipt()
    assert store.receipt(HV, "nope") is None
    assert not store.record(_receipt(), keep_until=T0 + dt.timedelta(days=40))


def _edition(serial: int, directory_id: str = "d", digest: str = "aa") -> DirectoryEdition:
    return DirectoryEdition(directory_id=directory_id, serial=serial, digest=digest)


def test_directory_serial_only_rises(store: Store) -> None:
    """The highest edition seen per authority key is kept; a lower one does not replace it."""
    assert store.directory_serial("k1") is None
    store.note_directory_serial("k1", _edition(5))
    store.note_directory_serial("k1", _edition(3, digest="bb"))
    assert store.directory_serial("k1") == _edition(5)
    store.note_directory_serial("k1", _edition(9, digest="cc"))
    assert store.directory_serial("k1") == _edition(9, digest="cc")


def test_directory_serials_are_kept_per_authority_key(store: Store) -> None:
    """Two authority keys keep separate serials of one id, and a key stays bound to the first id it signed."""
    store.note_directory_serial("k1", _edition(50))
    store.note_directory_serial("k2", _edition(1))
    store.note_directory_serial("k1", _edition(60, directory_id="other"))
    assert store.directory_serial("k1") == _edition(50)
    assert store.directory_serial("k2") == _edition(1)


# The tracker's records.


def test_a_delivery_reads_back_equal_and_is_recorded_once(store: Store) -> None:
    """Every field survives the store, and recording the same delivery again changes nothing."""
    delivery = _delivery(
        view="mash",
        escalate_to=(CSC, "la:E06000032"),
        rules=("r1", "front-door.2"),
        passed_on_by=HV,
        passed_on_from=uid(9),
        due=dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC),
    )
    assert store.add_delivery(delivery)
    assert not store.add_delivery(_delivery(view="other"))
    assert store.deliveries(uid(1)) == ((delivery, None),)
    assert store.passed_on(uid(9)) == (uid(1),)
    assert store.deliveries(uid(2)) == ()


def test_an_answer_closes_a_delivery_recorded_before_or_after_it(store: Store) -> None:
    """Closing does not depend on the order in which the delivery and the answer are recorded."""
    store.add_delivery(_delivery(1))
    assert store.add_answer(_ack(1, answers=1))
    assert store.add_answer(_ack(2, answers=2))
    assert not store.add_answer(_ack(2, answers=2))
    store.add_delivery(_delivery(2))
    assert store.deliveries(uid(1)) == ((_delivery(1), _ack(1, answers=1)),)
    assert store.deliveries(uid(2)) == ((_delivery(2), _ack(2, answers=2)),)


def test_the_earliest_satisfying_answer_closes(store: Store) -> None:
    """An earlier answer recorded later replaces a later one as the answer that closed the delivery."""
    store.add_delivery(_delivery(1))
    store.add_answer(_ack(1, at=T0 + 5 * HOUR))
    store.add_answer(_ack(2, at=T0 + 2 * HOUR))
    store.add_answer(_ack(3, at=T0 + 9 * HOUR))
    assert store.deliveries(uid(1))[0][1] == _ack(2, at=T0 + 2 * HOUR)


def test_overdue_is_due_before_and_unanswered_at_the_time_asked(store: Store) -> None:
    """A delivery is overdue after its due time until its answer; ordered by due time, then message."""
    store.add_delivery(_delivery(1, due=T0 + 30 * HOUR))
    store.add_delivery(_delivery(2, due=T0 + 20 * HOUR))
    store.add_delivery(_delivery(3, due=T0 + 20 * HOUR, recipient=SCHOOL))
    store.add_delivery(_delivery(4, due=None, expects="decision"))
    store.add_answer(_ack(1, answers=1, at=T0 + 40 * HOUR))
    assert store.overdue(T0 + 20 * HOUR) == ()
    assert store.overdue(T0 + 25 * HOUR) == (
        _delivery(2, due=T0 + 20 * HOUR),
        _delivery(3, due=T0 + 20 * HOUR, recipient=SCHOOL),
    )
    assert [d.message_id for d in store.overdue(T0 + 35 * HOUR)] == [uid(2), uid(3), uid(1)]
    assert [d.message_id for d in store.overdue(T0 + 50 * HOUR)] == [uid(2), uid(3)]


def test_received_lists_one_agencys_arrivals_of_one_type(store: Store) -> None:
    """An agency's inbox: its arrivals of one type in time order, not another agency's, not another type's."""
    late = Arrival(
        message_id=uid(2),
        message_type="concern",
        sender=SCHOOL,
        recipient=MASH,
        received_at=T0 + 2 * HOUR,
        accepted=True,
        concern_id=uid(2),
    )
    early = Arrival(
        message_id=uid(1),
        message_type="concern",
        sender=HV,
        recipient=MASH,
        received_at=T0,
        accepted=False,
        problems=("CS101",),
    )
    elsewhere = Arrival(
        message_id=uid(3), message_type="concern", sender=HV, recipient=CSC, received_at=T0, accepted=True
    )
    answer = Arrival(
        message_id=uid(4), message_type="acknowledgement", sender=HV, recipient=MASH, received_at=T0, accepted=True
    )
    for arrival in (late, early, elsewhere, answer):
        store.add_arrival(arrival)
    assert store.received(MASH, "concern") == (early, late)
    assert store.received(MASH, "acknowledgement") == (answer,)
    assert store.received(SCHOOL, "concern") == ()


def test_sent_on_lists_the_deliveries_about_a_concern(store: Store) -> None:
    """The deliveries naming a concern, the concern's own and a decision on it, in time order; no other."""
    decision = _delivery(
        9,
        recipient=HV,
        sender=MASH,
        message_type="decision",
        sent_at=T0 + HOUR,
        due=None,
        expects=None,
        concern_id=uid(1),
    )
    store.add_delivery(decision)
    store.add_delivery(_delivery(1))
    store.add_delivery(_delivery(2))
    assert store.sent_on(uid(1)) == (_delivery(1), decision)
    assert store.sent_on(uid(5)) == ()


def test_arrivals_answers_and_origin_read_back(store: Store) -> None:
    """Arrivals come back in time order; the origin is the sender first recorded."""
    late = Arrival(
        message_id=uid(1),
        message_type="concern",
        sender=SCHOOL,
        recipient=CSC,
        received_at=T0 + 3 * HOUR,
        accepted=False,
        problems=("CS201", "CS104"),
        supersedes=uid(7),
    )
    early = Arrival(
        message_id=uid(1),
        message_type="concern",
        sender=HV,
        recipient=MASH,
        received_at=T0 + HOUR,
        accepted=True,
        concern_id=uid(1),
        in_reply_to=uid(5),
        withdraws=uid(6),
    )
    assert store.origin(uid(1)) is None
    assert store.add_arrival(late)
    assert store.add_arrival(early)
    assert not store.add_arrival(early)
    assert store.arrivals(uid(1)) == (early, late)
    assert store.origin(uid(1)) == HV
    store.add_delivery(_delivery(1, sender=MASH, sent_at=T0))
    assert store.origin(uid(1)) == MASH
    decision = Answer(
        answer_id=uid(50), kind="decision", by=MASH, at=T0 + 2 * HOUR, concern_id=uid(1), decision="section_47_enquiry"
    )
    rejection = _ack(51, answers=1, by=CSC, rejected=True, problems=("CS201",))
    store.add_answer(decision)
    store.add_answer(rejection)
    assert store.answers(uid(1)) == (rejection, decision)


def test_the_first_withdrawal_stays(store: Store) -> None:
    """A message is withdrawn once; a second withdrawal changes nothing."""
    first = Withdrawal(message_id=uid(1), by=HV, at=T0, reason="wrong_child")
    assert store.withdrawal(uid(1)) is None
    assert store.add_withdrawal(first)
    assert not store.add_withdrawal(Withdrawal(message_id=uid(1), by=MASH, at=T0 + HOUR, reason="duplicate"))
    assert store.withdrawal(uid(1)) == first


def test_non_shares_are_found_by_message_or_child(store: Store) -> None:
    """Decisions not to share read back by message, by child reference, by both, or all."""
    by_message = NonShare(
        id=uid(1),
        withheld_from=SCHOOL,
        decided_by_agency=MASH,
        decided_by_role="MASH manager",
        decided_at=T0 + HOUR,
        reason="would_increase_risk",
        message_id=uid(9),
    )
    by_child = NonShare(
        id=uid(2),
        withheld_from=HV,
        decided_by_agency=MASH,
        decided_by_role="MASH manager",
        decided_at=T0,
        reason="not_necessary",
        child_ref="MOSAIC-123",
        note="Not needed for role.",
    )
    assert store.add_non_share(by_message)
    assert store.add_non_share(by_child)
    assert not store.add_non_share(by_child)
    assert store.non_shares() == (by_child, by_message)
    assert store.non_shares(message_id=uid(9)) == (by_message,)
    assert store.non_shares(child_ref="MOSAIC-123") == (by_child,)
    assert store.non_shares(message_id=uid(9), child_ref="MOSAIC-123") == ()


# The records and the closing rule.


@pytest.mark.parametrize(
    ("expects", "answer", "closes"),
    [
        ("acknowledgement", {"kind": "acknowledgement"}, True),
        ("acknowledgement", {"kind": "response"}, True),
        ("decision", {"kind": "acknowledgement"}, False),
        ("decision", {"kind": "acknowledgement", "rejected": True}, True),
        ("decision", {"kind": "decision", "message_id": None, "concern_id": uid(1), "decision": "early_help"}, True),
        ("information_response", {"kind": "response"}, False),
        ("information_response", {"kind": "information_response"}, True),
        ("response", {"kind": "acknowledgement"}, False),
        ("response", {"kind": "information_response"}, True),
        (None, {"kind": "response"}, False),
    ],
)
def test_what_closes_what(expects: str | None, answer: dict[str, object], closes: bool) -> None:
    """Each expectation is closed by the answers the closing rule names, and by a rejection."""
    fields: dict[str, object] = {"answer_id": uid(1001), "by": MASH, "at": T0 + HOUR, "message_id": uid(1), **answer}
    delivery = _delivery(1, expects=expects, due=None)
    assert satisfies(Answer(**fields), delivery) is closes  # type: ignore[arg-type]


def test_only_the_recipients_own_answer_about_the_message_closes() -> None:
    """Another agency's answer, or an answer about another message, closes nothing."""
    assert not satisfies(_ack(1, by=SCHOOL), _delivery(1))
    assert not satisfies(_ack(1, answers=2), _delivery(1))


def test_a_decision_closes_the_concerns_messages_sent_before_it() -> None:
    """A decision on a concern closes an update of it sent earlier, not one sent after the decision."""
    update = _delivery(2, message_type="update", concern_id=uid(1), expects="decision")
    decision = _ack(1, kind="decision", message_id=None, concern_id=uid(1), decision="early_help", at=T0 + HOUR)
    assert satisfies(decision, update)
    assert not satisfies(decision, _delivery(2, message_type="update", concern_id=uid(1), sent_at=T0 + 2 * HOUR))


@pytest.mark.parametrize(
    "make",
    [
        lambda: _delivery(message_id="NOT-A-UUID"),
        lambda: _delivery(message_id=uid(0xABCDEF).upper()),
        lambda: _delivery(recipient="Children's services"),
        lambda: _delivery(sent_at=dt.datetime(2026, 11, 25, 9)),  # naive: refused
        lambda: _delivery(expects=None),
        lambda: _delivery(expects="a reply"),
        lambda: _delivery(rules=("rule with spaces",)),
        lambda: _delivery(escalate_to=CSC),
        lambda: _delivery(passed_on_from=uid(3)),
        lambda: _ack(1, message_id=None),
        lambda: _ack(1, kind="decision"),
        lambda: _ack(1, kind="response", rejected=True),
        lambda: NonShare(
            id=uid(1),
            withheld_from=HV,
            decided_by_agency=MASH,
            decided_by_role="x",
            decided_at=T0,
            reason="not_necessary",
        ),
        lambda: NonShare(
            id=uid(1),
            withheld_from=HV,
            decided_by_agency=MASH,
            decided_by_role="x",
            decided_at=T0,
            reason="not_necessary",
            child_ref="Jane Smith",
        ),
        lambda: NonShare(
            id=uid(1),
            withheld_from=HV,
            decided_by_agency=MASH,
            decided_by_role="x",
            decided_at=T0,
            reason="not_necessary",
            message_id=uid(2),
            note="x" * 201,
        ),
    ],
)
def test_malformed_records_are_refused(make: Callable[[], object]) -> None:
    """Bad ids, naive times, unknown codes and inconsistent records raise UsageError, never ValueError."""
    with pytest.raises(UsageError):
        make()


# Opening and failing.


def test_sqlite_store_is_durable(tmp_path: Path) -> None:
    """What one SQLiteStore committed, another opened on the same file sees."""
    first = SQLiteStore(tmp_path / "r.db")
    first.record(_receipt(), keep_until=T0)
    first.note_directory_serial("k1", _edition(4))
    first.add_delivery(_delivery())
    first.close()
    second = SQLiteStore(tmp_path / "r.db")
    assert not second.record(_receipt(), keep_until=T0)
    assert second.directory_serial("k1") == _edition(4)
    assert second.deliveries(uid(1)) == ((_delivery(), None),)
    second.close()


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    """Opening something that is not a SQLite database raises StoreError."""
    (tmp_path / "junk.db").write_bytes(b"not a database, " * 100)
    with pytest.raises(StoreError):
        SQLiteStore(tmp_path / "junk.db")


def test_postgres_schema_name_is_checked() -> None:
    """A schema name that is not a plain lower-case identifier is refused before connecting."""
    pytest.importorskip("psycopg")
    with pytest.raises(UsageError):
        postgres_store("postgresql://127.0.0.1:1/none", 'x"; DROP SCHEMA public; --')


def test_an_unreachable_postgres_server_is_a_store_error() -> None:
    """A server that cannot be reached raises StoreError."""
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError, match="could not connect"):
        postgres_store("postgresql://postgres@127.0.0.1:1/test?connect_timeout=2")


def test_postgres_creates_its_tables_in_its_own_schema() -> None:
    """Two stores on the same schema share one set of tables; another schema is separate."""
    with postgres_schema() as (dsn, first), postgres_schema() as (_, second):
        a, b, c = postgres_store(dsn, first), postgres_store(dsn, first), postgres_store(dsn, second)
        try:
            assert a.record(_receipt(), keep_until=T0)
            assert not b.record(_receipt(), keep_until=T0)
            assert c.record(_receipt(), keep_until=T0)
        finally:
            for made in (a, b, c):
                made.close()


# Crashes and races, across processes.


def _store_args(kind: str, tmp_path: Path, schema: str | None) -> list[str]:
    if kind == "sqlite":
        return ["sqlite", str(tmp_path / "tracker.db")]
    assert schema is not None
    return ["postgres", require_postgres(), schema]


@pytest.fixture(params=["sqlite", "postgres"])
def durable(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[str]]:
    """The arguments that open each durable store in a writer process."""
    if request.param == "sqlite":
        yield _store_args("sqlite", tmp_path, None)
    else:
        with postgres_schema() as (_, schema):
            yield _store_args("postgres", tmp_path, schema)


@pytest.mark.parametrize("kill_after", [1, 17, 120])
def test_a_killed_writer_loses_nothing_it_committed(durable: list[str], kill_after: int) -> None:
    """SIGKILL at an arbitrary point: every delivery and answer the writer reported committed is there, closed."""
    writer = subprocess.Popen([sys.executable, str(WRITER), "record", *durable], stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    reported = [writer.stdout.readline() for _ in range(kill_after)]
    writer.send_signal(signal.SIGKILL)
    rest, _ = writer.communicate(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    lines = [line.split() for line in reported + rest.splitlines(keepends=True) if line.endswith("\n")]
    assert len(lines) >= kill_after
    if durable[0] == "sqlite":
        with sqlite3.connect(durable[1]) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = open_store(durable)
    try:
        for line in lines:
            if line[0] == "delivery":
                assert len(store.deliveries(line[1])) == 1
            else:
                ((_, answer),) = store.deliveries(line[2])
                assert answer is not None
                assert answer.answer_id == line[1]
        assert store.add_delivery(_delivery(1))
    finally:
        store.close()


def test_recording_a_message_as_seen_is_atomic_across_processes(durable: list[str]) -> None:
    """Two processes recording the same 300 messages at once: each message is recorded by exactly one."""
    count = 300
    writers = [
        subprocess.Popen(
            [sys.executable, str(WRITER), "race", *durable, str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for writer in writers:
            assert writer.stdout is not None
            assert writer.stdout.readline() == "ready\n"
        for writer in writers:
            assert writer.stdin is not None
            writer.stdin.write("go\n")
            writer.stdin.flush()
        outputs = [writer.communicate(timeout=120)[0].split() for writer in writers]
    finally:  # a writer that failed to start leaves nothing running into the next test
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
            writer.communicate()
    assert all(writer.returncode == 0 for writer in writers)
    first, second = (set(output) for output in outputs)
    assert not first & second
    assert first | second == {uid(n) for n in range(count)}


def test_an_answer_and_a_delivery_recorded_at_once_on_two_connections_meet(durable: list[str]) -> None:
    """Recorded at the same moment through two connections, each answer still closes its delivery."""
    rounds, barrier = 40, threading.Barrier(2, timeout=60)
    failures: list[BaseException] = []

    def deliver() -> None:
        store = open_store(durable)  # a connection of its own, made in its own thread
        try:
            for n in range(1, rounds + 1):
                barrier.wait()
                store.add_delivery(_delivery(n))
        except BaseException as error:  # reported by the main thread
            failures.append(error)
            barrier.abort()
        finally:
            store.close()

    store = open_store(durable)
    thread = threading.Thread(target=deliver)
    thread.start()
    try:
        for n in range(1, rounds + 1):
            barrier.wait()
            store.add_answer(_ack(n, answers=n))
        thread.join()
        assert not failures
        for n in range(1, rounds + 1):
            assert store.deliveries(uid(n)) == ((_delivery(n), _ack(n, answers=n)),)
    finally:
        thread.join()
        store.close()


_OLD_RECEIPTS = (
    "CREATE TABLE {p}receipts (sender TEXT NOT NULL, message_id TEXT NOT NULL, sent {time} NOT NULL, "
    "received {time} NOT NULL, PRIMARY KEY (sender, message_id))"
)


def _check_migrated(store: ReplayStore) -> None:
    old = store.receipt(HV, "m1")
    assert old is not None
    assert old.digest is None
    assert old.received == T0 + dt.timedelta(minutes=1)
    assert store.record(Receipt(sender=HV, message_id="m2", sent=T0, received=T0, digest="ab" * 32), keep_until=T0)
    new = store.receipt(HV, "m2")
    assert new is not None
    assert new.digest == "ab" * 32


def test_a_sqlite_store_made_before_receipt_digests_still_opens(tmp_path: Path) -> None:
    """A receipts table without the digest column gains it; its old receipts read back without a digest."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute(_OLD_RECEIPTS.format(p="", time="TEXT"))
        db.execute(
            "INSERT INTO receipts VALUES (?, ?, ?, ?)",
            (HV, "m1", "2026-11-25T09:00:00.000000+00:00", "2026-11-25T09:01:00.000000+00:00"),
        )
    db.close()
    store = SQLiteStore(path)
    try:
        _check_migrated(store)
    finally:
        store.close()


def test_a_postgres_store_made_before_receipt_digests_still_opens() -> None:
    """The same on PostgreSQL."""
    import psycopg  # noqa: PLC0415

    with postgres_schema() as (dsn, schema):
        with psycopg.connect(dsn, autocommit=True) as db:
            db.execute(f'CREATE SCHEMA "{schema}"')  # a throwaway name the tests made
            db.execute(_OLD_RECEIPTS.format(p=f'"{schema}".', time="TIMESTAMPTZ"))  # type: ignore[arg-type]
            db.execute(
                f'INSERT INTO "{schema}".receipts VALUES (%s, %s, %s, %s)',  # type: ignore[arg-type]  # noqa: S608
                (HV, "m1", T0, T0 + dt.timedelta(minutes=1)),
            )
        store = postgres_store(dsn, schema)
        try:
            _check_migrated(store)
        finally:
            store.close()


def _terminate(dsn: str, pid: int) -> None:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(dsn, autocommit=True) as db:
        assert db.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)


def test_a_postgres_store_connects_again_after_its_connection_is_dropped() -> None:
    """The server ends the store's backend between calls: the next call works. Ended in the middle of a
    transaction: that call fails, nothing of it is kept, and the call after it works."""
    with postgres_schema() as (dsn, schema):
        store = postgres_store(dsn, schema)
        try:
            assert store.record(_receipt("m1"), keep_until=T0)
            _terminate(dsn, store._db.info.backend_pid)  # type: ignore[attr-defined]
            assert store.receipt(HV, "m1") == _receipt("m1")
            assert store.record(_receipt("m2"), keep_until=T0)

            with pytest.raises(StoreError), store.atomic():  # noqa: PT012  (the connection drops inside)
                assert store.record(_receipt("m3"), keep_until=T0)
                _terminate(dsn, store._db.info.backend_pid)  # type: ignore[attr-defined]
            assert store.receipt(HV, "m3") is None
            assert store.record(_receipt("m3"), keep_until=T0)
            assert store.receipt(HV, "m3") == _receipt("m3")
        finally:
            store.close()


def test_atomic_keeps_every_write_or_none(store: Store) -> None:
    """Writes inside atomic() are undone together if the block raises, kept together if it ends; a nested block
    joins the outer one."""
    arrival = Arrival(
        message_id=uid(1), message_type="concern", sender=HV, recipient=MASH, received_at=T0, accepted=True
    )
    with pytest.raises(RuntimeError, match="handling failed"), store.atomic():  # noqa: PT012  (fails inside)
        assert store.record(_receipt(uid(1)), keep_until=T0)
        with store.atomic():
            assert store.add_arrival(arrival)
        raise RuntimeError("handling failed")
    assert store.receipt(HV, uid(1)) is None
    assert store.arrivals(uid(1)) == ()
    with store.atomic():
        assert store.record(_receipt(uid(1)), keep_until=T0)
        assert store.add_arrival(arrival)
        assert store.add_delivery(_delivery(2))
    assert store.receipt(HV, uid(1)) == _receipt(uid(1))
    assert store.arrivals(uid(1)) == (arrival,)
    assert len(store.deliveries(uid(2))) == 1
    assert not store.record(_receipt(uid(1)), keep_until=T0)


def test_an_older_sqlite_file_is_migrated(tmp_path: Path) -> None:
    """A file from before serials were kept per authority key opens: the old table, keyed by id alone, goes."""
    with sqlite3.connect(tmp_path / "old.db") as db:
        db.execute("CREATE TABLE directory_serials (directory_id TEXT PRIMARY KEY, serial BIGINT NOT NULL)")
        db.execute("INSERT INTO directory_serials VALUES ('concernshare', 7)")
    db.close()
    store = SQLiteStore(tmp_path / "old.db")
    assert store.directory_serial("k1") is None
    store.note_directory_serial("k1", _edition(1, directory_id="concernshare"))
    assert store.directory_serial("k1") == _edition(1, directory_id="concernshare")
    store.close()
    with sqlite3.connect(tmp_path / "old.db") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    db.close()
    assert "directory_serials" not in tables
    assert "directory_editions" in tables


NAIVE = dt.datetime(2026, 11, 25, 9, 0)  # no offset: SQLite would read it in the host's zone


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.record(_receipt(), keep_until=NAIVE),
        lambda s: s.record(Receipt(sender=HV, message_id="m1", sent=NAIVE, received=T0), keep_until=T0),
        lambda s: s.record(Receipt(sender=HV, message_id="m1", sent=T0, received=NAIVE), keep_until=T0),
        lambda s: s.prune(NAIVE),
        lambda s: s.overdue(NAIVE),
    ],
    ids=["keep_until", "sent", "received", "prune", "overdue"],
)
def test_a_naive_time_is_refused_and_nothing_is_recorded(store: Store, call: Callable[[Store], object]) -> None:
    """Every store refuses a naive time with NaiveTime, never a bare TypeError or a host-dependent moment."""
    with pytest.raises(NaiveTime, match="timezone-aware"):
        call(store)
    assert store.receipt(HV, "m1") is None
    assert store.record(_receipt(), keep_until=T0)


def test_a_new_sqlite_store_waits_for_another_process_holding_the_file(tmp_path: Path) -> None:
    """Opening a store while another connection holds the new file's write lock waits for it (SQLite answers the
    switch to WAL with 'database is locked' at once, without its busy timeout), then opens in WAL mode."""
    path = tmp_path / "tracker.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE elsewhere (x)")
    release = threading.Timer(0.3, other.execute, args=("COMMIT",))
    release.start()
    try:
        store = SQLiteStore(path)
    finally:
        release.join()
        other.close()
    try:
        assert store.record(Receipt(sender=HV, message_id="m1", sent=T0, received=T0), keep_until=T0)
    finally:
        store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()
