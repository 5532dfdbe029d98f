"""What the SQLite and PostgreSQL stores share: the tables and every statement, written once.

Statements are templates filled once per store: ``{p}`` is the table prefix
(a validated, quoted schema name on PostgreSQL, nothing on SQLite),
``{time}`` and ``{text}`` the column types, ``{delivery}`` and the like the
column lists below, and ``?`` marks each bound parameter (PostgreSQL's driver
writes it ``%s``; the templates contain no other ``?`` or ``%``). Values are
always bound, never formatted in.

Deliveries carry the answer that closed them (``closed_by``, ``closed_at``),
set when the delivery or the answer is recorded, whichever comes second, in
the same transaction; so :meth:`SQLStore.overdue` is one indexed query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Final, Protocol, Self

from concernshare.records.types import AgencyId, require_aware
from concernshare.stores.facts import Answer, Arrival, Delivery, NonShare, Withdrawal, as_agency, satisfies
from concernshare.stores.interface import DirectoryEdition, Receipt

__all__ = ["SQLStore"]

TABLES: Final = """
CREATE TABLE IF NOT EXISTS {p}seen (
    sender {text} NOT NULL, message_id {text} NOT NULL, keep_until {time} NOT NULL,
    PRIMARY KEY (sender, message_id));
CREATE TABLE IF NOT EXISTS {p}receipts (
    sender {text} NOT NULL, message_id {text} NOT NULL, sent {time} NOT NULL, received {time} NOT NULL,
    digest {text}, PRIMARY KEY (sender, message_id));
DROP TABLE IF EXISTS {p}directory_serials;
CREATE TABLE IF NOT EXISTS {p}directory_editions (
    authority {text} PRIMARY KEY, directory_id {text} NOT NULL, serial BIGINT NOT NULL, digest {text} NOT NULL);
CREATE TABLE IF NOT EXISTS {p}deliveries (
    message_id {text} NOT NULL, recipient {text} NOT NULL, message_type {text} NOT NULL, sender {text} NOT NULL,
    sent_at {time} NOT NULL, view {text}, due {time}, expects {text}, escalate_to {text} NOT NULL,
    rules {text} NOT NULL, concern_id {text}, passed_on_by {text}, passed_on_from {text},
    closed_by {text}, closed_at {time},
    PRIMARY KEY (message_id, recipient));
CREATE INDEX IF NOT EXISTS deliveries_due ON {p}deliveries (due);
CREATE INDEX IF NOT EXISTS deliveries_recipient ON {p}deliveries (recipient, concern_id);
CREATE INDEX IF NOT EXISTS deliveries_passed_on_from ON {p}deliveries (passed_on_from);
CREATE TABLE IF NOT EXISTS {p}arrivals (
    recipient {text} NOT NULL, sender {text} NOT NULL, message_id {text} NOT NULL, message_type {text} NOT NULL,
    received_at {time} NOT NULL, accepted BOOLEAN NOT NULL, problems {text} NOT NULL, concern_id {text},
    supersedes {text}, in_reply_to {text}, withdraws {text},
    PRIMARY KEY (recipient, sender, message_id));
CREATE INDEX IF NOT EXISTS arrivals_message ON {p}arrivals (message_id);
CREATE TABLE IF NOT EXISTS {p}answers (
    by_agency {text} NOT NULL, answer_id {text} NOT NULL, kind {text} NOT NULL, at {time} NOT NULL,
    message_id {text}, concern_id {text}, rejected BOOLEAN NOT NULL, problems {text} NOT NULL, decision {text},
    PRIMARY KEY (by_agency, answer_id));
CREATE INDEX IF NOT EXISTS answers_message ON {p}answers (message_id);
CREATE INDEX IF NOT EXISTS answers_concern ON {p}answers (concern_id);
CREATE TABLE IF NOT EXISTS {p}withdrawals (
    message_id {text} PRIMARY KEY, by_agency {text} NOT NULL, at {time} NOT NULL, reason {text} NOT NULL);
CREATE TABLE IF NOT EXISTS {p}non_shares (
    id {text} PRIMARY KEY, withheld_from {text} NOT NULL, decided_by_agency {text} NOT NULL,
    decided_by_role {text} NOT NULL, decided_at {time} NOT NULL, reason {text} NOT NULL,
    message_id {text}, child_ref {text}, note {text});
CREATE INDEX IF NOT EXISTS non_shares_message ON {p}non_shares (message_id);
CREATE INDEX IF NOT EXISTS non_shares_child ON {p}non_shares (child_ref)
"""

_DELIVERY: Final = (
    "message_id, recipient, message_type, sender, sent_at, view, due, expects, escalate_to, rules, "
    "concern_id, passed_on_by, passed_on_from"
)
_ANSWER: Final = "answer_id, kind, by_agency, at, message_id, concern_id, rejected, problems, decision"
_ARRIVAL: Final = (
    "message_id, message_type, sender, recipient, received_at, accepted, problems, concern_id, "
    "supersedes, in_reply_to, withdraws"
)
_NON_SHARE: Final = (
    "id, withheld_from, decided_by_agency, decided_by_role, decided_at, reason, message_id, child_ref, note"
)


def _marks(columns: str) -> str:
    return ", ".join("?" for _ in columns.split(","))


def _qualified(alias: str, columns: str) -> str:
    return ", ".join(f"{alias}.{column.strip()}" for column in columns.split(","))


#: What the templates name in braces, besides the prefix and the column types.
_FIELDS: Final = {
    "delivery": _DELIVERY,
    "delivery_marks": _marks(_DELIVERY),
    "d_delivery": _qualified("d", _DELIVERY),
    "answer": _ANSWER,
    "answer_marks": _marks(_ANSWER),
    "a_answer": _qualified("a", _ANSWER),
    "arrival": _ARRIVAL,
    "arrival_marks": _marks(_ARRIVAL),
    "non_share": _NON_SHARE,
    "non_share_marks": _marks(_NON_SHARE),
}
_WIDTH: Final = len(_DELIVERY.split(","))


def _words(values: Sequence[str]) -> str:
    return " ".join(values)


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


class Cursor(Protocol):
    """The part of a DB-API cursor the stores use; sqlite3's and psycopg's both fit."""

    @property
    def rowcount(self) -> int:
        """The rows the last statement changed."""
        ...

    def execute(self, sql: str, params: Sequence[Any], /) -> object:
        """Run one statement."""
        ...

    def fetchall(self) -> list[Any]:
        """The remaining rows."""
        ...


class SQLStore:
    """The :class:`~concernshare.stores.Store` methods over SQL; a subclass supplies the dialect.

    A subclass sets ``_prefix``, ``_types`` and implements :meth:`_transaction`
    (writes, all or nothing; ``serialise`` makes tracker writes wait for each
    other across connections; inside :meth:`atomic` it joins the open
    transaction, whose cursor is ``_open``), :meth:`_reading`, :meth:`_time_in` and
    :meth:`_time_out`, and wraps its driver's errors in
    :class:`~concernshare.stores.StoreError`. A store is a context manager:
    ``with SQLiteStore(path) as store:`` closes it at the end of the block.
    """

    _prefix: str = ""
    _types: dict[str, str]

    def __init__(self) -> None:
        self._statements: dict[str, str] = {}
        self._open: Cursor | None = None

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """One transaction for every write made inside the block: committed at its end, undone if it raises."""
        if self._open is not None:
            yield
            return
        with self._transaction() as cursor:
            self._open = cursor
            try:
                yield
            finally:
                self._open = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        raise NotImplementedError

    def _transaction(self, *, serialise: bool = False) -> AbstractContextManager[Cursor]:
        raise NotImplementedError

    def _reading(self) -> AbstractContextManager[Cursor]:
        raise NotImplementedError

    def _time_in(self, moment: dt.datetime) -> object:
        raise NotImplementedError

    def _time_out(self, value: Any) -> dt.datetime:
        raise NotImplementedError

    def _placeholders(self, sql: str) -> str:
        return sql

    def _sql(self, template: str) -> str:
        found = self._statements.get(template)
        if found is None:
            found = self._placeholders(template.format(p=self._prefix, **self._types, **_FIELDS))
            self._statements[template] = found
        return found

    def _run(self, cursor: Cursor, template: str, params: Sequence[Any] = ()) -> list[Any]:
        cursor.execute(self._sql(template), params)
        return cursor.fetchall() if template.lstrip().startswith("SELECT") else []

    def _create_tables(self, cursor: Cursor) -> None:
        for statement in TABLES.split(";"):
            cursor.execute(self._sql(statement), ())
        if not self._has_column(cursor, "receipts", "digest"):  # a store made before receipts kept digests
            cursor.execute(self._sql("ALTER TABLE {p}receipts ADD COLUMN digest {text}"), ())

    def _has_column(self, cursor: Cursor, table: str, column: str) -> bool:
        raise NotImplementedError

    def _maybe_time(self, moment: dt.datetime | None) -> object:
        return None if moment is None else self._time_in(moment)

    def _maybe_time_out(self, value: Any) -> dt.datetime | None:
        return None if value is None else self._time_out(value)

    # The replay and receipt store.

    def record(self, receipt: Receipt, *, keep_until: dt.datetime) -> bool:
        """Record a message as seen and received; return False if it had been seen already."""
        require_aware(keep_until, "keep_until")
        key = (receipt.sender, receipt.message_id)
        with self._transaction() as cursor:
            self._run(
                cursor,
                "INSERT INTO {p}receipts (sender, message_id, sent, received, digest) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (*key, self._time_in(receipt.sent), self._time_in(receipt.received), receipt.digest),
            )
            if cursor.rowcount == 0:
                return False
            self._run(
                cursor, "INSERT INTO {p}seen VALUES (?, ?, ?) ON CONFLICT DO NOTHING", (*key, self._time_in(keep_until))
            )
        return True

    def receipt(self, sender: str, message_id: str) -> Receipt | None:
        """The receipt of a message, if it ever arrived here."""
        with self._reading() as cursor:
            rows = self._run(
                cursor,
                "SELECT sent, received, digest FROM {p}receipts WHERE sender = ? AND message_id = ?",
                (sender, message_id),
            )
        if not rows:
            return None
        return Receipt(
            sender=sender,
            message_id=message_id,
            sent=self._time_out(rows[0][0]),
            received=self._time_out(rows[0][1]),
            digest=rows[0][2],
        )

    def prune(self, now: dt.datetime) -> int:
        """Forget seen entries kept until before ``now``; receipts stay."""
        require_aware(now, "now")
        with self._transaction() as cursor:
            self._run(cursor, "DELETE FROM {p}seen WHERE keep_until < ?", (self._time_in(now),))
            return cursor.rowcount

    def directory_serial(self, authority: str) -> DirectoryEdition | None:
        """The directory id the authority key signs, and the highest edition of it seen."""
        with self._reading() as cursor:
            rows = self._run(
                cursor,
                "SELECT directory_id, serial, digest FROM {p}directory_editions WHERE authority = ?",
                (authority,),
            )
        if not rows:
            return None
        return DirectoryEdition(directory_id=rows[0][0], serial=int(rows[0][1]), digest=rows[0][2])

    def note_directory_serial(self, authority: str, edition: DirectoryEdition) -> None:
        """Remember ``edition`` if none is known for the key, or if it is a higher serial of the same id."""
        with self._transaction() as cursor:
            self._run(
                cursor,
                "INSERT INTO {p}directory_editions AS d VALUES (?, ?, ?, ?) ON CONFLICT (authority) "
                "DO UPDATE SET serial = excluded.serial, digest = excluded.digest "
                "WHERE excluded.directory_id = d.directory_id AND excluded.serial > d.serial",
                (authority, edition.directory_id, edition.serial, edition.digest),
            )

    # The tracker's records.

    def add_delivery(self, delivery: Delivery) -> bool:
        """Record a delivery and close it with the earliest answer already recorded that satisfies it."""
        d = delivery
        with self._transaction(serialise=True) as cursor:
            self._run(
                cursor,
                "INSERT INTO {p}deliveries ({delivery}) VALUES ({delivery_marks}) ON CONFLICT DO NOTHING",
                (
                    d.message_id,
                    d.recipient,
                    d.message_type.value,
                    d.sender,
                    self._time_in(d.sent_at),
                    d.view,
                    self._maybe_time(d.due),
                    None if d.expects is None else d.expects.value,
                    _words(d.escalate_to),
                    _words(d.rules),
                    d.concern_id,
                    d.passed_on_by,
                    d.passed_on_from,
                ),
            )
            if cursor.rowcount == 0:
                return False
            rows = self._run(
                cursor,
                "SELECT {answer} FROM {p}answers WHERE by_agency = ? "
                "AND (message_id = ? OR concern_id = ? OR concern_id = ?)",
                (d.recipient, d.message_id, d.message_id, d.concern_id),
            )
            answers = [a for a in map(self._answer, rows) if satisfies(a, d)]
            if answers:
                self._close(cursor, d, min(answers, key=lambda a: a.at))
        return True

    def _close(self, cursor: Cursor, delivery: Delivery, answer: Answer) -> None:
        self._run(
            cursor,
            "UPDATE {p}deliveries SET closed_by = ?, closed_at = ? WHERE message_id = ? AND recipient = ?",
            (answer.answer_id, self._time_in(answer.at), delivery.message_id, delivery.recipient),
        )

    def add_answer(self, answer: Answer) -> bool:
        """Record an answer and close the deliveries it satisfies (unless an earlier answer closed them)."""
        a = answer
        with self._transaction(serialise=True) as cursor:
            self._run(
                cursor,
                "INSERT INTO {p}answers ({answer}) VALUES ({answer_marks}) ON CONFLICT DO NOTHING",
                (
                    a.answer_id,
                    a.kind.value,
                    a.by,
                    self._time_in(a.at),
                    a.message_id,
                    a.concern_id,
                    a.rejected,
                    _words(a.problems),
                    None if a.decision is None else a.decision.value,
                ),
            )
            if cursor.rowcount == 0:
                return False
            rows = self._run(
                cursor,
                "SELECT {delivery}, closed_at FROM {p}deliveries WHERE recipient = ? "
                "AND (message_id = ? OR message_id = ? OR concern_id = ?)",
                (a.by, a.message_id, a.concern_id, a.concern_id),
            )
            for row in rows:
                delivery, closed_at = self._delivery(row), self._maybe_time_out(row[-1])
                if satisfies(a, delivery) and (closed_at is None or a.at < closed_at):
                    self._close(cursor, delivery, a)
        return True

    def add_arrival(self, arrival: Arrival) -> bool:
        """Record an arrival; return False if it was recorded already."""
        r = arrival
        with self._transaction() as cursor:
            self._run(
                cursor,
                "INSERT INTO {p}arrivals ({arrival}) VALUES ({arrival_marks}) ON CONFLICT DO NOTHING",
                (
                    r.message_id,
                    r.message_type.value,
                    r.sender,
                    r.recipient,
                    self._time_in(r.received_at),
                    r.accepted,
                    _words(r.problems),
                    r.concern_id,
                    r.supersedes,
                    r.in_reply_to,
                    r.withdraws,
                ),
            )
            return cursor.rowcount > 0

    def add_withdrawal(self, withdrawal: Withdrawal) -> bool:
        """Record a withdrawal; the first one recorded stays."""
        w = withdrawal
        with self._transaction() as cursor:
            self._run(
                cursor,
                "INSERT INTO {p}withdrawals VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (w.message_id, w.by, self._time_in(w.at), w.reason.value),
            )
            return cursor.rowcount > 0

    def add_non_share(self, non_share: NonShare) -> bool:
        """Record a decision not to share."""
        n = non_share
        with self._transaction() as cursor:
            self._run(
                cursor,
                "INSERT INTO {p}non_shares ({non_share}) VALUES ({non_share_marks}) ON CONFLICT DO NOTHING",
                (
                    n.id,
                    n.withheld_from,
                    n.decided_by_agency,
                    n.decided_by_role,
                    self._time_in(n.decided_at),
                    n.reason.value,
                    n.message_id,
                    n.child_ref,
                    n.note,
                ),
            )
            return cursor.rowcount > 0

    def deliveries(self, message_id: str) -> tuple[tuple[Delivery, Answer | None], ...]:
        """The deliveries of a message, each with the answer that closed it, ordered by recipient."""
        with self._reading() as cursor:
            rows = self._run(
                cursor,
                "SELECT {d_delivery}, {a_answer} FROM {p}deliveries d LEFT JOIN {p}answers a "
                "ON a.by_agency = d.recipient AND a.answer_id = d.closed_by "
                "WHERE d.message_id = ? ORDER BY d.recipient",
                (message_id,),
            )
        return tuple(
            (self._delivery(row[:_WIDTH]), None if row[_WIDTH] is None else self._answer(row[_WIDTH:])) for row in rows
        )

    def passed_on(self, message_id: str) -> tuple[str, ...]:
        """The ids of the messages that passed this one on."""
        with self._reading() as cursor:
            rows = self._run(
                cursor,
                "SELECT DISTINCT message_id FROM {p}deliveries WHERE passed_on_from = ? ORDER BY message_id",
                (message_id,),
            )
        return tuple(row[0] for row in rows)

    def arrivals(self, message_id: str) -> tuple[Arrival, ...]:
        """Every recorded arrival of a message, ordered by time received."""
        with self._reading() as cursor:
            rows = self._run(
                cursor,
                "SELECT {arrival} FROM {p}arrivals WHERE message_id = ? ORDER BY received_at, recipient, sender",
                (message_id,),
            )
        return tuple(map(self._arrival, rows))

    def received(self, recipient: str, message_type: str) -> tuple[Arrival, ...]:
        """The arrivals of one type at ``recipient``, ordered by time received."""
        with self._reading() as cursor:
            rows = self._run(
                cursor,
                "SELECT {arrival} FROM {p}arrivals WHERE recipient = ? AND message_type = ? "
                "ORDER BY received_at, sender, message_id",
                (recipient, message_type),
            )
        return tuple(map(self._arrival, rows))

    def sent_on(self, concern_id: str) -> tuple[Delivery, ...]:
        """The deliveries of messages about a concern (its own, and those naming it), ordered by time sent."""
        with self._reading() as cursor:
            rows = self._run(
                cursor,
                "SELECT {delivery} FROM {p}deliveries WHERE concern_id = ? ORDER BY sent_at, message_id, recipient",
                (concern_id,),
            )
        return tuple(map(self._delivery, rows))

    def answers(self, message_id: str) -> tuple[Answer, ...]:
        """The answers naming the message, or naming it as their concern, ordered by time."""
        with self._reading() as cursor:
            rows = self._run(
                cursor,
                "SELECT {answer} FROM {p}answers WHERE message_id = ? OR concern_id = ? "
                "ORDER BY at, by_agency, answer_id",
                (message_id, message_id),
            )
        return tuple(map(self._answer, rows))

    def withdrawal(self, message_id: str) -> Withdrawal | None:
        """The withdrawal of a message, if it was withdrawn."""
        with self._reading() as cursor:
            rows = self._run(
                cursor, "SELECT by_agency, at, reason FROM {p}withdrawals WHERE message_id = ?", (message_id,)
            )
        if not rows:
            return None
        return Withdrawal(message_id=message_id, by=rows[0][0], at=self._time_out(rows[0][1]), reason=rows[0][2])

    def origin(self, message_id: str) -> AgencyId | None:
        """The sender in the message's earliest delivery or arrival recorded."""
        with self._reading() as cursor:
            rows = self._run(
                cursor,
                "SELECT sender, t FROM (SELECT sender, sent_at AS t FROM {p}deliveries "
                "WHERE message_id = ? UNION ALL SELECT sender, received_at AS t FROM {p}arrivals "
                "WHERE message_id = ?) o ORDER BY t, sender LIMIT 1",
                (message_id, message_id),
            )
        return as_agency(rows[0][0]) if rows else None

    def overdue(self, at: dt.datetime) -> tuple[Delivery, ...]:
        """Deliveries due before ``at`` and not closed by ``at``, ordered by due time, message and recipient."""
        require_aware(at, "at")
        moment = self._time_in(at)
        with self._reading() as cursor:
            rows = self._run(
                cursor,
                "SELECT {delivery} FROM {p}deliveries WHERE due IS NOT NULL AND due < ? "
                "AND (closed_at IS NULL OR closed_at > ?) ORDER BY due, message_id, recipient",
                (moment, moment),
            )
        return tuple(map(self._delivery, rows))

    def non_shares(self, *, message_id: str | None = None, child_ref: str | None = None) -> tuple[NonShare, ...]:
        """Decisions not to share about a message or a child reference (or all), ordered by time."""
        with self._reading() as cursor:
            rows = self._run(
                cursor,
                "SELECT {non_share} FROM {p}non_shares WHERE (? OR message_id = ?) "
                "AND (? OR child_ref = ?) ORDER BY decided_at, id",
                (message_id is None, message_id, child_ref is None, child_ref),
            )
        return tuple(
            NonShare(
                id=r[0],
                withheld_from=r[1],
                decided_by_agency=r[2],
                decided_by_role=r[3],
                decided_at=self._time_out(r[4]),
                reason=r[5],
                message_id=r[6],
                child_ref=r[7],
                note=r[8],
            )
            for r in rows
        )

    def _delivery(self, row: Sequence[Any]) -> Delivery:
        return Delivery(
            message_id=row[0],
            recipient=row[1],
            message_type=row[2],
            sender=row[3],
            sent_at=self._time_out(row[4]),
            view=row[5],
            due=self._maybe_time_out(row[6]),
            expects=row[7],
            escalate_to=_split(row[8]),
            rules=_split(row[9]),
            concern_id=row[10],
            passed_on_by=row[11],
            passed_on_from=row[12],
        )

    def _arrival(self, r: Sequence[Any]) -> Arrival:
        return Arrival(
            message_id=r[0],
            message_type=r[1],
            sender=r[2],
            recipient=r[3],
            received_at=self._time_out(r[4]),
            accepted=bool(r[5]),
            problems=_split(r[6]),
            concern_id=r[7],
            supersedes=r[8],
            in_reply_to=r[9],
            withdraws=r[10],
        )

    def _answer(self, row: Sequence[Any]) -> Answer:
        return Answer(
            answer_id=row[0],
            kind=row[1],
            by=row[2],
            at=self._time_out(row[3]),
            message_id=row[4],
            concern_id=row[5],
            rejected=bool(row[6]),
            problems=_split(row[7]),
            decision=row[8],
        )
