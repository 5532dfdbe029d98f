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
import enum
import operator
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Final, Generic, Protocol, Self, TypeVar

import attrs

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

_R = TypeVar("_R")


@attrs.frozen
class _Columns(Generic[_R]):
    """How one record is a row: each column, the attribute it holds, and how its value is written and read.

    The one description of the row, read by the column lists of the statements, by :meth:`SQLStore._row`
    (record to row) and by :meth:`SQLStore._record` (row to record). A value is stored as it is, except
    ``code`` (an enum, by its value), ``time`` (a time, or None), ``codes`` (a tuple of codes, as one text
    of words) and ``flag`` (a boolean, which SQLite gives back as a number).
    """

    table: str
    make: Callable[..., _R]
    columns: tuple[str, ...]
    attributes: tuple[str, ...]
    #: The attributes' values of a record, as a tuple in the columns' order.
    values: Callable[[object], tuple[Any, ...]]
    #: The place and the way of each value that is not stored as it is.
    converted: tuple[tuple[int, str], ...]

    @property
    def names(self) -> str:
        return ", ".join(self.columns)

    @property
    def insert(self) -> str:
        """The statement that records a record once: a second of the same key changes nothing."""
        marks = ", ".join("?" for _ in self.columns)
        insert = f"INSERT INTO {{p}}{self.table} ({self.names}) VALUES ({marks})"  # noqa: S608  (names from the tables here; values are bound)
        return f"{insert} ON CONFLICT DO NOTHING"


def _columns(table: str, make: Callable[..., _R], *specs: str) -> _Columns[_R]:
    """``column``, ``column:way`` or ``column=attribute:way``, as described on :class:`_Columns`."""
    columns, attributes, converted = [], [], []
    for index, spec in enumerate(specs):
        named, _, way = spec.partition(":")
        column, _, attribute = named.partition("=")
        columns.append(column)
        attributes.append(attribute or column)
        if way:
            converted.append((index, way))
    return _Columns(table, make, tuple(columns), tuple(attributes), operator.attrgetter(*attributes), tuple(converted))


_DELIVERY: Final = _columns(
    "deliveries",
    Delivery,
    "message_id",
    "recipient",
    "message_type:code",
    "sender",
    "sent_at:time",
    "view",
    "due:time",
    "expects:code",
    "escalate_to:codes",
    "rules:codes",
    "concern_id",
    "passed_on_by",
    "passed_on_from",
)
_ANSWER: Final = _columns(
    "answers",
    Answer,
    "answer_id",
    "kind:code",
    "by_agency=by",
    "at:time",
    "message_id",
    "concern_id",
    "rejected:flag",
    "problems:codes",
    "decision:code",
)
_ARRIVAL: Final = _columns(
    "arrivals",
    Arrival,
    "message_id",
    "message_type:code",
    "sender",
    "recipient",
    "received_at:time",
    "accepted:flag",
    "problems:codes",
    "concern_id",
    "supersedes",
    "in_reply_to",
    "withdraws",
)
_WITHDRAWAL: Final = _columns("withdrawals", Withdrawal, "message_id", "by_agency=by", "at:time", "reason:code")
_NON_SHARE: Final = _columns(
    "non_shares",
    NonShare,
    "id",
    "withheld_from",
    "decided_by_agency",
    "decided_by_role",
    "decided_at:time",
    "reason:code",
    "message_id",
    "child_ref",
    "note",
)


def _qualified(alias: str, columns: _Columns[Any]) -> str:
    return ", ".join(f"{alias}.{column}" for column in columns.columns)


#: What the templates name in braces, besides the prefix and the column types.
_FIELDS: Final = {
    "delivery": _DELIVERY.names,
    "d_delivery": _qualified("d", _DELIVERY),
    "answer": _ANSWER.names,
    "a_answer": _qualified("a", _ANSWER),
    "arrival": _ARRIVAL.names,
    "non_share": _NON_SHARE.names,
    "withdrawal": _WITHDRAWAL.names,
}
_WIDTH: Final = len(_DELIVERY.columns)


def _same(value: object) -> object:
    return value


def _code_in(value: enum.Enum | None) -> object:
    return None if value is None else value.value


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
        self._writers: dict[str, Callable[[Any], object]] = {
            "code": _code_in,
            "time": self._maybe_time,
            "codes": _words,
            "flag": _same,
        }
        self._readers: dict[str, Callable[[Any], object]] = {
            "code": _same,
            "time": self._maybe_time_out,
            "codes": _split,
            "flag": bool,
        }

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
            if not self._insert(cursor, _DELIVERY, d):
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
            if not self._insert(cursor, _ANSWER, a):
                return False
            rows = self._run(
                cursor,
                "SELECT {delivery}, closed_at FROM {p}deliveries WHERE recipient = ? "
                "AND (message_id = ? OR message_id = ? OR concern_id = ?)",
                (a.by, a.message_id, a.concern_id, a.concern_id),
            )
            for row in rows:
                delivery, closed_at = self._delivery(row[:_WIDTH]), self._maybe_time_out(row[_WIDTH])
                if satisfies(a, delivery) and (closed_at is None or a.at < closed_at):
                    self._close(cursor, delivery, a)
        return True

    def add_arrival(self, arrival: Arrival) -> bool:
        """Record an arrival; return False if it was recorded already."""
        with self._transaction() as cursor:
            return self._insert(cursor, _ARRIVAL, arrival)

    def add_withdrawal(self, withdrawal: Withdrawal) -> bool:
        """Record a withdrawal; the first one recorded stays."""
        with self._transaction() as cursor:
            return self._insert(cursor, _WITHDRAWAL, withdrawal)

    def add_non_share(self, non_share: NonShare) -> bool:
        """Record a decision not to share."""
        with self._transaction() as cursor:
            return self._insert(cursor, _NON_SHARE, non_share)

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
            rows = self._run(cursor, "SELECT {withdrawal} FROM {p}withdrawals WHERE message_id = ?", (message_id,))
        return self._record(_WITHDRAWAL, rows[0]) if rows else None

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
        return tuple(self._record(_NON_SHARE, row) for row in rows)

    def _delivery(self, row: Sequence[Any]) -> Delivery:
        return self._record(_DELIVERY, row)

    def _arrival(self, row: Sequence[Any]) -> Arrival:
        return self._record(_ARRIVAL, row)

    def _answer(self, row: Sequence[Any]) -> Answer:
        return self._record(_ANSWER, row)

    def _insert(self, cursor: Cursor, table: _Columns[Any], record: object) -> bool:
        """Insert ``record`` into ``table`` unless one of its key is there; return whether it was new."""
        self._run(cursor, table.insert, self._row(table, record))
        return cursor.rowcount > 0

    def _row(self, table: _Columns[Any], record: object) -> tuple[object, ...]:
        """``record`` as the values of ``table``'s columns, in their order."""
        values = list(table.values(record))
        for index, way in table.converted:
            values[index] = self._writers[way](values[index])
        return tuple(values)

    def _record(self, table: _Columns[_R], row: Sequence[Any]) -> _R:
        """The record that ``row``, the values of ``table``'s columns in their order, holds."""
        values = list(row)
        for index, way in table.converted:
            values[index] = self._readers[way](values[index])
        return table.make(**dict(zip(table.attributes, values, strict=True)))
