"""An in-memory store, for tests and for one-shot tools."""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Self, TypeVar

from concernshare.records.types import AgencyId, require_aware
from concernshare.stores.facts import Answer, Arrival, Delivery, NonShare, Withdrawal, satisfies
from concernshare.stores.interface import DirectoryEdition, Receipt

__all__ = ["MemoryStore"]


_K = TypeVar("_K")
_V = TypeVar("_V")


class MemoryStore:
    """A :class:`~concernshare.stores.Store` that forgets everything when the process ends.

    Safe across threads of one process; raises nothing of its own. Inside
    :meth:`atomic` the store belongs to one thread, and what was written is
    undone if the block raises. A context manager, as every store is.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._depth = 0
        self._seen: dict[tuple[str, str], dt.datetime] = {}
        self._receipts: dict[tuple[str, str], Receipt] = {}
        self._serials: dict[str, DirectoryEdition] = {}
        self._deliveries: dict[tuple[str, str], Delivery] = {}
        self._closed_by: dict[tuple[str, str], Answer] = {}
        self._arrivals: dict[tuple[str, str, str], Arrival] = {}
        self._answers: dict[tuple[str, str], Answer] = {}
        self._withdrawals: dict[str, Withdrawal] = {}
        self._non_shares: dict[str, NonShare] = {}

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """One transaction for every write made inside the block: kept at its end, undone if it raises."""
        with self._lock:
            saved = self._state() if self._depth == 0 else None
            self._depth += 1
            try:
                yield
            except BaseException:
                if saved is not None:
                    self.__dict__.update(saved)
                raise
            finally:
                self._depth -= 1

    def _state(self) -> dict[str, Any]:
        return {name: copy.copy(value) for name, value in self.__dict__.items() if isinstance(value, dict)}

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def record(self, receipt: Receipt, *, keep_until: dt.datetime) -> bool:
        """Record a message as seen and received; return False if it had been seen already."""
        require_aware(keep_until, "keep_until")
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
        require_aware(now, "now")
        with self._lock:
            stale = [key for key, until in self._seen.items() if until < now]
            for key in stale:
                del self._seen[key]
            return len(stale)

    def directory_serial(self, authority: str) -> DirectoryEdition | None:
        """The directory id the authority key signs, and the highest edition of it seen."""
        return self._serials.get(authority)

    def note_directory_serial(self, authority: str, edition: DirectoryEdition) -> None:
        """Remember ``edition`` if none is known for the key, or if it is a higher serial of the same id."""
        with self._lock:
            known = self._serials.get(authority)
            if known is None or (known.directory_id == edition.directory_id and edition.serial > known.serial):
                self._serials[authority] = edition

    def add_delivery(self, delivery: Delivery) -> bool:
        """Record a delivery and close it with the earliest answer already recorded that satisfies it."""
        key = (delivery.message_id, delivery.recipient)
        with self._lock:
            if key in self._deliveries:
                return False
            self._deliveries[key] = delivery
            for answer in self._answers.values():
                self._close(key, delivery, answer)
            return True

    def add_arrival(self, arrival: Arrival) -> bool:
        """Record an arrival; return False if it was recorded already."""
        return self._add_once(self._arrivals, (arrival.recipient, arrival.sender, arrival.message_id), arrival)

    def add_answer(self, answer: Answer) -> bool:
        """Record an answer and close the deliveries it satisfies."""
        key: tuple[str, str] = (answer.by, answer.answer_id)
        with self._lock:
            if key in self._answers:
                return False
            self._answers[key] = answer
            for key, delivery in self._deliveries.items():
                self._close(key, delivery, answer)
            return True

    def _close(self, key: tuple[str, str], delivery: Delivery, answer: Answer) -> None:
        current = self._closed_by.get(key)
        if satisfies(answer, delivery) and (current is None or answer.at < current.at):
            self._closed_by[key] = answer

    def add_withdrawal(self, withdrawal: Withdrawal) -> bool:
        """Record a withdrawal; the first one recorded stays."""
        return self._add_once(self._withdrawals, withdrawal.message_id, withdrawal)

    def add_non_share(self, non_share: NonShare) -> bool:
        """Record a decision not to share."""
        return self._add_once(self._non_shares, non_share.id, non_share)

    def _add_once(self, table: dict[_K, _V], key: _K, value: _V) -> bool:
        """Put ``value`` in ``table`` under ``key`` unless the key is there already; return whether it was put."""
        with self._lock:
            if key in table:
                return False
            table[key] = value
            return True

    def deliveries(self, message_id: str) -> tuple[tuple[Delivery, Answer | None], ...]:
        """The deliveries of a message, each with the answer that closed it, ordered by recipient."""
        with self._lock:
            found = [(d, self._closed_by.get(k)) for k, d in self._deliveries.items() if d.message_id == message_id]
        return tuple(sorted(found, key=lambda pair: pair[0].recipient))

    def passed_on(self, message_id: str) -> tuple[str, ...]:
        """The ids of the messages that passed this one on."""
        with self._lock:
            return tuple(sorted({d.message_id for d in self._deliveries.values() if d.passed_on_from == message_id}))

    def arrivals(self, message_id: str) -> tuple[Arrival, ...]:
        """Every recorded arrival of a message, ordered by time received."""
        with self._lock:
            found = [a for a in self._arrivals.values() if a.message_id == message_id]
        return tuple(sorted(found, key=lambda a: (a.received_at, a.recipient, a.sender)))

    def received(self, recipient: str, message_type: str) -> tuple[Arrival, ...]:
        """The arrivals of one type at ``recipient``, ordered by time received."""
        with self._lock:
            found = [a for a in self._arrivals.values() if a.recipient == recipient and a.message_type == message_type]
        return tuple(sorted(found, key=lambda a: (a.received_at, a.sender, a.message_id)))

    def sent_on(self, concern_id: str) -> tuple[Delivery, ...]:
        """The deliveries of messages about a concern (its own, and those naming it), ordered by time sent."""
        with self._lock:
            found = [d for d in self._deliveries.values() if d.concern_id == concern_id]
        return tuple(sorted(found, key=lambda d: (d.sent_at, d.message_id, d.recipient)))

    def answers(self, message_id: str) -> tuple[Answer, ...]:
        """The answers naming the message, or naming it as their concern, ordered by time."""
        with self._lock:
            found = [a for a in self._answers.values() if message_id in (a.message_id, a.concern_id)]
        return tuple(sorted(found, key=lambda a: (a.at, a.by, a.answer_id)))

    def withdrawal(self, message_id: str) -> Withdrawal | None:
        """The withdrawal of a message, if it was withdrawn."""
        return self._withdrawals.get(message_id)

    def origin(self, message_id: str) -> AgencyId | None:
        """The sender in the message's earliest delivery or arrival recorded."""
        with self._lock:
            found = [(d.sent_at, d.sender) for d in self._deliveries.values() if d.message_id == message_id]
            found += [(a.received_at, a.sender) for a in self._arrivals.values() if a.message_id == message_id]
        return min(found)[1] if found else None

    def overdue(self, at: dt.datetime) -> tuple[Delivery, ...]:
        """Deliveries due before ``at`` and not closed by ``at``, ordered by due time."""
        require_aware(at, "at")
        with self._lock:
            found = [
                d
                for k, d in self._deliveries.items()
                if d.due is not None and d.due < at and (k not in self._closed_by or self._closed_by[k].at > at)
            ]
        return tuple(sorted(found, key=lambda d: (d.due, d.message_id, d.recipient)))

    def non_shares(self, *, message_id: str | None = None, child_ref: str | None = None) -> tuple[NonShare, ...]:
        """Decisions not to share about a message or a child reference (or all), ordered by time."""
        with self._lock:
            found = [
                n
                for n in self._non_shares.values()
                if message_id in (None, n.message_id) and child_ref in (None, n.child_ref)
            ]
        return tuple(sorted(found, key=lambda n: (n.decided_at, n.id)))

    def close(self) -> None:
        """Nothing to release."""
