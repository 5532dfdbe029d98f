"""The store for deployments with several receiving nodes: PostgreSQL, through psycopg 3."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Final

import psycopg

from concernshare.errors import UsageError
from concernshare.stores._sql import Cursor, SQLStore
from concernshare.stores.interface import StoreError

__all__ = ["PostgresStore"]

_SCHEMA: Final = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class PostgresStore(SQLStore):
    """A :class:`~concernshare.stores.Store` in a PostgreSQL schema, shared safely by several nodes.

    ``dsn`` is a libpq connection string or URI
    (``postgresql://user@host:5432/db``). The schema and its tables are
    created if missing. Every change is one transaction; recording a message
    as seen is a single ``INSERT ... ON CONFLICT DO NOTHING``, so of two nodes
    recording the same message exactly one succeeds. Writes that close
    deliveries take a transaction-scoped advisory lock (one per schema), so
    that an answer and a delivery recorded at once on two nodes still meet.
    Several threads may share one instance; its calls take turns. A lost
    connection (a server restart, a terminated backend) fails the call that
    was using it, with its transaction rolled back by the server, and the next
    call connects again.

    Raises :class:`~concernshare.errors.UsageError` if ``schema`` is not a
    lower-case identifier, and :class:`~concernshare.stores.StoreError` if the
    server cannot be reached or the tables cannot be created; every method
    raises ``StoreError`` if the database fails.
    """

    _types = {"text": 'TEXT COLLATE "C"', "time": "TIMESTAMPTZ"}  # noqa: RUF012  (read only)

    def __init__(self, dsn: str, *, schema: str = "concernshare") -> None:
        super().__init__()
        if not _SCHEMA.fullmatch(schema):
            raise UsageError("a PostgreSQL schema name must be 1 to 63 lower-case letters, digits or _")
        self.schema = schema
        self._prefix = f'"{schema}".'
        digest = hashlib.sha256(f"concernshare:{schema}".encode()).digest()
        self._lock_key = int.from_bytes(digest[:8], "big", signed=True)
        self._lock = threading.RLock()
        self._dsn = dsn
        self._db = self._connect()
        try:
            with self._transaction(serialise=True) as cursor:
                # The schema name is checked against _SCHEMA above; it cannot be bound as a parameter.
                cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"', ())
                self._create_tables(cursor)
        except StoreError:
            self._db.close()
            raise

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(self._dsn, autocommit=True)
        except psycopg.Error as error:
            raise StoreError(f"could not connect to the PostgreSQL server: {error}") from error

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def _begin(self, stack: contextlib.ExitStack) -> None:
        """Begin a transaction, connecting again first if the connection was lost (nothing had run on it yet)."""
        if self._db.broken or self._db.closed:
            self._db.close()
            self._db = self._connect()
        try:
            stack.enter_context(self._db.transaction())
        except psycopg.OperationalError:
            if not (self._db.broken or self._db.closed):
                raise
            self._db.close()
            self._db = self._connect()
            stack.enter_context(self._db.transaction())

    @contextmanager
    def _transaction(self, *, serialise: bool = False) -> Iterator[Cursor]:
        with self._lock:
            if self._open is not None:  # inside atomic(): part of its transaction, on this thread
                try:
                    if serialise:
                        self._open.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
                    yield self._open
                except psycopg.Error as error:
                    raise StoreError(f"the PostgreSQL store failed: {error}") from error
                return
            try:
                with contextlib.ExitStack() as stack:
                    self._begin(stack)
                    cursor = stack.enter_context(self._db.cursor())
                    if serialise:
                        cursor.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
                    yield cursor
            except psycopg.Error as error:
                raise StoreError(f"the PostgreSQL store failed: {error}") from error

    def _reading(self) -> AbstractContextManager[Cursor]:
        return self._transaction()

    def _has_column(self, cursor: Cursor, table: str, column: str) -> bool:
        cursor.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = %s AND table_name = %s AND column_name = %s",
            (self.schema, table, column),
        )
        return bool(cursor.fetchall())

    def _placeholders(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def _time_in(self, moment: dt.datetime) -> object:
        return moment

    def _time_out(self, value: Any) -> dt.datetime:
        if not isinstance(value, dt.datetime):
            raise StoreError("the PostgreSQL store returned a time that is not a timestamp")
        return value.astimezone(dt.UTC)
