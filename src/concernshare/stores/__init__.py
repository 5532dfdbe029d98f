"""Where a receiver keeps what it must remember: messages seen, receipts, directory serials.

:class:`ReplayStore` is the interface; :class:`MemoryStore` serves tests and
:class:`SQLiteStore` is the durable default (a file, WAL, every change in a
transaction). Stores hold ids, agencies and times, never message content.
"""

from __future__ import annotations

from concernshare.stores.base import Receipt, ReplayStore
from concernshare.stores.memory import MemoryStore
from concernshare.stores.sqlite import SQLiteStore

__all__ = ["MemoryStore", "Receipt", "ReplayStore", "SQLiteStore"]
