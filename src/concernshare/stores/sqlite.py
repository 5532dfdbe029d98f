"""The durable default store: one SQLite file, WAL, every change in its own transaction."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from concernshare.stores._sql import Cursor, SQLStore
from concernshare.stores.interface import StoreError

__all__ = ["SQLiteStore"]

#: How long a store waits for another process's lock, in seconds.
_WAIT: Final = 30.0


def _into_wal(db: sqlite3.Connection, wait: float) -> None:
    """Put the file in WAL mode, waiting for another connection's lock as every other statement does.

    SQLite answers a journal-mode change that meets another connection's lock
    with "database is locked" at once, without its busy timeout: two processes
    opening a new store together would otherwise fail. Raises what SQLite raises.
    """
    deadline = time.monotonic() + wait
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)
        else:
            return


class SQLiteStore(SQLStore):
    """A :class:`~concernshare.stores.Store` in a SQLite file, safe across processes.

    The file is in WAL mode with ``synchronous=FULL``, and every change is one
    ``BEGIN IMMEDIATE`` transaction: what a call committed survives the
    process being killed, or the machine losing power, at any later point.
    Writers from several processes wait for each other (up to 30 seconds).
    One instance serves one thread. Times are stored as UTC text of fixed
    width, so that they sort as they compare.

    Raises :class:`~concernshare.stores.StoreError` if the file cannot be
    opened as a store (a file that is neither empty nor a SQLite database is
    never taken over), and from every method if the database fails.
    """

    _types = {"text": "TEXT", "time": "TEXT"}  # noqa: RUF012  (read only; each subclass sets its own)

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self.path = Path(path)
        if not _empty_or_sqlite(self.path):
            raise StoreError(
                f"{self.path} is not a SQLite database: name a new file or a concernshare store; it was left as it was"
            )
        try:
            self._db = sqlite3.connect(self.path, timeout=_WAIT, isolation_level=None)
        except sqlite3.Error as error:
            raise StoreError(f"could not open the SQLite store {self.path}") from error
        try:
            _into_wal(self._db, _WAIT)
            self._db.execute("PRAGMA synchronous=FULL")
            with self._transaction() as cursor:
                self._create_tables(cursor)
        except (sqlite3.Error, StoreError) as error:
            self._db.close()
            raise StoreError(f"could not open the SQLite store {self.path}") from error

    def close(self) -> None:
        """Close the database file."""
        self._db.close()

    @contextmanager
    def _transaction(self, *, serialise: bool = False) -> Iterator[Cursor]:
        # BEGIN IMMEDIATE takes the write lock at once, so writers always wait for each other.
        del serialise
        if self._open is not None:  # inside atomic(): part of its transaction
            try:
                yield self._open
            except sqlite3.Error as error:
                raise StoreError(f"the SQLite store {self.path} failed: {error}") from error
            return
        try:
            cursor = self._db.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
        except sqlite3.Error as error:
            raise StoreError(f"the SQLite store {self.path} failed: {error}") from error

    @contextmanager
    def _reading(self) -> Iterator[Cursor]:
        try:
            yield self._db.cursor()
        except sqlite3.Error as error:
            raise StoreError(f"the SQLite store {self.path} failed: {error}") from error

    def _has_column(self, cursor: Cursor, table: str, column: str) -> bool:
        cursor.execute("SELECT 1 FROM pragma_table_info(?) WHERE name = ?", (table, column))
        return bool(cursor.fetchall())

    def _time_in(self, moment: dt.datetime) -> object:
        return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")

    def _time_out(self, value: Any) -> dt.datetime:
        return dt.datetime.fromisoformat(value)


_HEADER: Final = b"SQLite format 3\x00"


def _empty_or_sqlite(path: Path) -> bool:
    """True if nothing is at ``path`` yet, or an empty file, or a file that begins as a SQLite database does."""
    if not path.is_file():  # nothing there, or not a file: SQLite says what is wrong
        return True
    try:
        with path.open("rb") as file:
            start = file.read(len(_HEADER))
    except OSError:  # missing, or unreadable: SQLite says what is wrong
        return True
    return start in (b"", _HEADER)
