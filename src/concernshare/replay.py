"""What opening a message needs to remember: the receipts, the messages seen, the directory editions.

:class:`ReplayStore` is the interface that :func:`~concernshare.sealing.open_sealed`
and the trust directory use to refuse replays and rollbacks; every store in
:mod:`concernshare.stores` implements it (and the tracker's records besides).
It lives here, below sealing and the directory, so that neither depends on the
tracker's stores.
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

import attrs

from concernshare.records.types import require_aware

__all__ = ["DirectoryEdition", "Receipt", "ReplayStore"]


@attrs.frozen(kw_only=True)
class Receipt:
    """That a message from ``sender`` with ``message_id`` arrived at ``received``; never pruned.

    ``digest`` is the SHA-256 of the exact signed payload (lower-case hex):
    with ``sent``, it lets an archive tell the message that arrived from new
    content signed under its id. A receipt recorded before digests were kept
    has none, and cannot vouch for content.
    """

    sender: str
    message_id: str
    sent: dt.datetime = attrs.field(validator=lambda _, field, value: require_aware(value, field.name))
    received: dt.datetime = attrs.field(validator=lambda _, field, value: require_aware(value, field.name))
    digest: str | None = None


@attrs.frozen(kw_only=True)
class DirectoryEdition:
    """The highest edition of a directory that one authority key was seen to sign.

    An authority key is bound to the one ``directory_id`` it was first seen to
    sign; ``digest`` (SHA-256 of the signed payload, hex) tells a different
    edition under the same serial.
    """

    directory_id: str
    serial: int
    digest: str


@runtime_checkable
class ReplayStore(Protocol):
    """What ``open`` needs to refuse replays and to read archives honestly.

    ``record`` is atomic: of two processes recording the same (sender, id),
    exactly one succeeds. Seen entries may be pruned once ``keep_until`` has
    passed; receipts never are. Every time given to a store must be
    timezone-aware: a naive one raises :class:`~concernshare.errors.NaiveTime`.

    :meth:`atomic` makes every write inside it one transaction: committed
    when the block ends normally, undone when it raises. A second ``record``
    of the same (sender, id) by another process waits for the first one's
    transaction, and succeeds only if that was undone.
    """

    def atomic(self) -> AbstractContextManager[None]:
        """One transaction for every write made inside the block (nested blocks join the outer one)."""
        ...

    def record(self, receipt: Receipt, *, keep_until: dt.datetime) -> bool:
        """Record a message as seen and received; return False if it had been seen already."""
        ...

    def receipt(self, sender: str, message_id: str) -> Receipt | None:
        """The receipt of a message, if it ever arrived here."""
        ...

    def prune(self, now: dt.datetime) -> int:
        """Forget seen entries kept until before ``now``; return how many were forgotten."""
        ...

    def directory_serial(self, authority: str) -> DirectoryEdition | None:
        """The directory id the authority key (by ``kid``) signs, and the highest edition of it seen."""
        ...

    def note_directory_serial(self, authority: str, edition: DirectoryEdition) -> None:
        """Remember ``edition`` for the authority key if none is known, or if it is a higher serial of its id."""
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...
