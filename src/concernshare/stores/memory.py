"""An in-memory store, for tests and for one-shot tools."""

from __future__ import annotations

import datetime as dt
import threading

from concernshare.stores.base import Receipt

__all__ = ["MemoryStore"]


class MemoryStore:
    """A :class:`~concernshare.stores.ReplayStore` that forgets everything when the process ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], dt.datetime] = {}
        self._receipts: dict[tuple[str, str], Receipt] = {}
        self._serials: dict[str, int] = {}

    def record(self, receipt: Receipt, *, keep_until: dt.datetime) -> bool:
        """Record a message as seen and received; return False if it had been seen already."""
        key = (receipt.sender, receipt.message_id)
        with self._lock:
            if key in self._seen or key in self._receipts:
                return False
            self._seen[key] = keep_until
            self._receipts[key] = receipt
            return True

    def receipt(self, sender: str, message_id: str) -> Receipt | None:
        """The receipt of a message, if it ever arrived here."""
        return self._receipts.get((sender, message_id))

    def prune(self, now: dt.datetime) -> int:
        """Forget seen entries kept until before ``now``."""
        with self._lock:
            stale = [key for key, until in self._seen.items() if until < now]
            for key in stale:
                del self._seen[key]
            return len(stale)

    def directory_serial(self, directory_id: str) -> int | None:
        """The highest serial of a directory seen so far."""
        return self._serials.get(directory_id)

    def note_directory_serial(self, directory_id: str, serial: int) -> None:
        """Remember ``serial`` if it is higher than the highest seen."""
        with self._lock:
            if serial > self._serials.get(directory_id, -1):
                self._serials[directory_id] = serial

    def close(self) -> None:
        """Nothing to release."""
