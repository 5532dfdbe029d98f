"""The durable default store: one SQLite file, WAL, every change in its own transaction."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path
from typing import Final

from concernshare.stores.base import Receipt

__all__ = ["SQLiteStore"]

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS seen (
    sender TEXT NOT NULL,
    message_id TEXT NOT NULL,
    keep_until TEXT NOT NULL,
    PRIMARY KEY (sender, message_id)
);
CREATE TABLE IF NOT EXISTS receipts (
    sender TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sent TEXT NOT NULL,
    received TEXT NOT NULL,
    PRIMARY KEY (sender, message_id)
);
CREATE TABLE IF NOT EXISTS directory_serials (
    directory_id TEXT PRIMARY KEY,
    serial INTEGER NOT NULL
);
"""


def _text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


class SQLiteStore:
    """A :class:`~concernshare.stores.ReplayStore` in a SQLite file, safe across processes."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def record(self, receipt: Receipt, *, keep_until: dt.datetime) -> bool:
        """Record a message as seen and received; return False if it had been seen already."""
        try:
            with self._transaction():
                self._db.execute(
                    "INSERT INTO receipts VALUES (?, ?, ?, ?)",
                    (receipt.sender, receipt.message_id, _text(receipt.sent), _text(receipt.received)),
                )
                self._db.execute(
                    "INSERT INTO seen VALUES (?, ?, ?)",
                    (receipt.sender, receipt.message_id, _text(keep_until)),
                )
        except sqlite3.IntegrityError:
            return False
        return True

    def receipt(self, sender: str, message_id: str) -> Receipt | None:
        """The receipt of a message, if it ever arrived here."""
        row = self._db.execute(
            "SELECT sent, received FROM receipts WHERE sender = ? AND message_id = ?", (sender, message_id),
        ).fetchone()
        if row is None:
            return None
        return Receipt(sender=sender, message_id=message_id, sent=dt.datetime.fromisoformat(row[0]),
                       received=dt.datetime.fromisoformat(row[1]))

    def prune(self, now: dt.datetime) -> int:
        """Forget seen entries kept until before ``now``; receipts stay."""
        with self._transaction():
            cursor = self._db.execute("DELETE FROM seen WHERE keep_until < ?", (_text(now),))
        return cursor.rowcount

    def directory_serial(self, directory_id: str) -> int | None:
        """The highest serial of a directory seen so far."""
        row = self._db.execute(
            "SELECT serial FROM directory_serials WHERE directory_id = ?", (directory_id,),
        ).fetchone()
        return None if row is None else int(row[0])

    def note_directory_serial(self, directory_id: str, serial: int) -> None:
        """Remember ``serial`` if it is higher than the highest seen."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO directory_serials VALUES (?, ?) ON CONFLICT (directory_id) "
                "DO UPDATE SET serial = MAX(serial, excluded.serial)",
                (directory_id, serial),
            )

    def close(self) -> None:
        """Close the database file."""
        self._db.close()

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")
