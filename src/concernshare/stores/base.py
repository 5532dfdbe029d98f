"""The interface of a replay and receipt store."""

from __future__ import annotations

import datetime as dt
from typing import Protocol, runtime_checkable

import attrs

__all__ = ["Receipt", "ReplayStore"]


@attrs.frozen(kw_only=True)
class Receipt:
    """That a message from ``sender`` with ``message_id`` arrived at ``received``; never pruned."""

    sender: str
    message_id: str
    sent: dt.datetime
    received: dt.datetime


@runtime_checkable
class ReplayStore(Protocol):
    """What ``open`` needs to refuse replays and to read archives honestly.

    ``record`` is atomic: of two processes recording the same (sender, id),
    exactly one succeeds. Seen entries may be pruned once ``keep_until`` has
    passed; receipts never are.
    """

    def record(self, receipt: Receipt, *, keep_until: dt.datetime) -> bool:
        """Record a message as seen and received; return False if it had been seen already."""
        ...

    def receipt(self, sender: str, message_id: str) -> Receipt | None:
        """The receipt of a message, if it ever arrived here."""
        ...

    def prune(self, now: dt.datetime) -> int:
        """Forget seen entries kept until before ``now``; return how many were forgotten."""
        ...

    def directory_serial(self, directory_id: str) -> int | None:
        """The highest serial of a directory seen so far."""
        ...

    def note_directory_serial(self, directory_id: str, serial: int) -> None:
        """Remember ``serial`` if it is higher than the highest seen."""
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...
