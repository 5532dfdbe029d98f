"""Where a node keeps what it must remember: messages seen, receipts, directory serials, the closed loop.

:class:`Store` is the interface (it includes :class:`ReplayStore`, what
``open`` needs); :class:`MemoryStore` serves tests, :class:`SQLiteStore` is
the durable default (a file, WAL, every change in a transaction) and
:class:`PostgresStore` serves deployments with several receiving nodes (it
needs the ``postgres`` extra: ``pip install 'concernshare[postgres]'``).
Stores hold ids, agencies, times and states, never message content.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from concernshare.stores.interface import DirectoryEdition, Receipt, ReplayStore, Store, StoreError
from concernshare.stores.memory import MemoryStore
from concernshare.stores.sqlite import SQLiteStore

if TYPE_CHECKING:
    from concernshare.stores.postgres import PostgresStore

__all__ = [
    "DirectoryEdition",
    "MemoryStore",
    "PostgresStore",
    "Receipt",
    "ReplayStore",
    "SQLiteStore",
    "Store",
    "StoreError",
]


def __getattr__(name: str) -> object:
    """Import :class:`PostgresStore` only when asked for, so that psycopg stays optional."""
    if name != "PostgresStore":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        from concernshare.stores.postgres import PostgresStore  # noqa: PLC0415  (psycopg is optional)
    except ImportError as error:
        raise ImportError(
            "PostgresStore needs psycopg 3: pip install 'concernshare[postgres]'",
        ) from error
    return PostgresStore
