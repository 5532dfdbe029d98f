"""The store interface: the replay and receipt store that ``open`` uses, and what the tracker keeps.

:class:`ReplayStore` is what sealing needs (it is defined in
:mod:`concernshare.replay`, below sealing, and re-exported here);
:class:`Store` adds the closed loop's records (see
:mod:`concernshare.stores.facts`). Every implementation is both, so one
store serves a receiving node's ``open`` and its tracker.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol, runtime_checkable

from concernshare.errors import StoreError
from concernshare.records.types import AgencyId
from concernshare.replay import DirectoryEdition, Receipt, ReplayStore
from concernshare.stores.facts import Answer, Arrival, Delivery, NonShare, Withdrawal

__all__ = ["DirectoryEdition", "Receipt", "ReplayStore", "Store", "StoreError"]


@runtime_checkable
class Store(ReplayStore, Protocol):
    """A :class:`ReplayStore` that also keeps the tracker's records.

    Every ``add_*`` writes in one transaction and returns False, changing
    nothing, if the record's key was there already (recording is idempotent):
    a delivery is keyed by message and recipient, an arrival by recipient,
    sender and message, an answer by the answering agency and the answer's
    id, a withdrawal by the message, a decision not to share by its id. When
    an answer and a delivery are both recorded, in either order, the earliest
    answer that :func:`~concernshare.stores.facts.satisfies` the delivery
    closes it. Every method raises :class:`StoreError` if the database fails.
    """

    def add_delivery(self, delivery: Delivery) -> bool:
        """Record a delivery; return False if this message was already recorded as sent to this recipient."""
        ...

    def add_arrival(self, arrival: Arrival) -> bool:
        """Record an arrival; return False if it was recorded already."""
        ...

    def add_answer(self, answer: Answer) -> bool:
        """Record an answer and close the deliveries it satisfies; return False if recorded already."""
        ...

    def add_withdrawal(self, withdrawal: Withdrawal) -> bool:
        """Record a withdrawal; return False if the message had been withdrawn already (the first stays)."""
        ...

    def add_non_share(self, non_share: NonShare) -> bool:
        """Record a decision not to share; return False if one with its id was recorded already."""
        ...

    def deliveries(self, message_id: str) -> tuple[tuple[Delivery, Answer | None], ...]:
        """The deliveries of a message, each with the answer that closed it, ordered by recipient."""
        ...

    def passed_on(self, message_id: str) -> tuple[str, ...]:
        """The ids of the messages that passed this one on (deliveries whose ``passed_on_from`` it is)."""
        ...

    def arrivals(self, message_id: str) -> tuple[Arrival, ...]:
        """Every recorded arrival of a message, ordered by time received."""
        ...

    def received(self, recipient: str, message_type: str) -> tuple[Arrival, ...]:
        """The arrivals of one type at ``recipient``, ordered by time received (the front door's inbox)."""
        ...

    def sent_on(self, concern_id: str) -> tuple[Delivery, ...]:
        """The deliveries of messages about a concern (its own, and those naming it), ordered by time sent."""
        ...

    def answers(self, message_id: str) -> tuple[Answer, ...]:
        """The answers naming the message, or naming it as their concern, ordered by time."""
        ...

    def withdrawal(self, message_id: str) -> Withdrawal | None:
        """The withdrawal of a message, if it was withdrawn."""
        ...

    def origin(self, message_id: str) -> AgencyId | None:
        """The agency that sent the message: the sender in its earliest delivery or arrival recorded."""
        ...

    def overdue(self, at: dt.datetime) -> tuple[Delivery, ...]:
        """Deliveries due before ``at`` and not closed by ``at``, ordered by due time, message and recipient."""
        ...

    def non_shares(self, *, message_id: str | None = None, child_ref: str | None = None) -> tuple[NonShare, ...]:
        """Decisions not to share about a message or a child reference (or all), ordered by time."""
        ...
