"""The closed loop: what was sent to whom and by when an answer is due, what came back, what was not shared.

A :class:`Tracker` writes facts to a :class:`~concernshare.stores.Store` and
reads them back. It holds ids, agencies, times and states, never message
content: no names, no text from messages. Recording is idempotent, so a
step that failed halfway can simply be done again.

The history rules of receipt are :meth:`Tracker.check_history`'s problem
codes, ``CS201`` to ``CS206``; what each means, its severity and its message
are declared in :mod:`concernshare.catalogue`. ``CS203`` (a superseded
message this node has no record of) is a warning: a recipient added later,
or a node that started keeping records after the original, cannot know it.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterable

import attrs

from concernshare.catalogue import problem
from concernshare.errors import Problem
from concernshare.records.codes import DecisionOutcome, MessageType, WithdrawalReason
from concernshare.records.types import AgencyId
from concernshare.stores.facts import (
    Answer,
    AnswerKind,
    Arrival,
    Delivery,
    Expectation,
    NonShare,
    NonShareReason,
    Withdrawal,
    as_message_id,
    as_time,
)
from concernshare.stores.interface import Store

__all__ = [
    "Answer",
    "AnswerKind",
    "Arrival",
    "Delivery",
    "DeliveryState",
    "DeliveryStatus",
    "Expectation",
    "MessageStatus",
    "NonShare",
    "NonShareReason",
    "Tracker",
    "Withdrawal",
]

_Id = uuid.UUID | str


class DeliveryState(enum.StrEnum):
    """Where a delivery stands at a given time."""

    NOTHING_EXPECTED = "nothing_expected"
    AWAITING = "awaiting"
    OVERDUE = "overdue"
    ANSWERED = "answered"
    REJECTED = "rejected"
    FAILED = "failed"
    """The transport reported that the message never reached the recipient; the answer's problems say why."""


@attrs.frozen(kw_only=True)
class DeliveryStatus:
    """A delivery, its state, and the answer that closed it (if it was closed by then)."""

    delivery: Delivery
    state: DeliveryState
    answer: Answer | None = None


@attrs.frozen(kw_only=True)
class MessageStatus:
    """Everything the tracker knows about one message, at one time."""

    message_id: str
    origin: AgencyId | None
    withdrawal: Withdrawal | None
    deliveries: tuple[DeliveryStatus, ...]
    arrivals: tuple[Arrival, ...]
    answers: tuple[Answer, ...]
    non_shares: tuple[NonShare, ...]


def _state(delivery: Delivery, answer: Answer | None, at: dt.datetime) -> DeliveryStatus:
    if answer is not None and answer.at <= at:
        if answer.kind is AnswerKind.NON_DELIVERY:
            return DeliveryStatus(delivery=delivery, state=DeliveryState.FAILED, answer=answer)
        state = DeliveryState.REJECTED if answer.rejected else DeliveryState.ANSWERED
        return DeliveryStatus(delivery=delivery, state=state, answer=answer)
    if delivery.expects is None:
        return DeliveryStatus(delivery=delivery, state=DeliveryState.NOTHING_EXPECTED)
    overdue = delivery.due is not None and delivery.due < at
    return DeliveryStatus(delivery=delivery, state=DeliveryState.OVERDUE if overdue else DeliveryState.AWAITING)


class Tracker:
    """The closed loop over one store; every time passed in must be timezone-aware.

    Every method raises :class:`~concernshare.errors.UsageError` for a
    malformed argument (an id that is not a lower-case UUID, an agency id that
    is not one, a naive time, an inconsistent record) and
    :class:`~concernshare.stores.StoreError` if the store fails.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def record_delivery(
        self,
        *,
        message_id: _Id,
        message_type: MessageType | str,
        sender: str,
        recipient: str,
        sent_at: dt.datetime,
        view: str | None = None,
        due: dt.datetime | None = None,
        expects: Expectation | str | None = None,
        escalate_to: Iterable[str] = (),
        rules: Iterable[str] = (),
        concern_id: _Id | None = None,
        passed_on_by: str | None = None,
        passed_on_from: _Id | None = None,
    ) -> Delivery:
        """Record that ``message_id`` (in ``view``) was sent to ``recipient``; return the delivery.

        ``due`` and ``expects`` say what answer is due by when (a due time
        needs an expectation); ``escalate_to`` whom to tell if it is missed;
        ``rules`` the routing rules that matched. For a pass-on,
        ``passed_on_by`` is the agency that passed it on and
        ``passed_on_from`` the message passed on, if the pass-on is a message
        of its own. A delivery already recorded stays as it was.
        """
        delivery = Delivery(
            message_id=message_id,
            message_type=message_type,
            sender=sender,
            recipient=recipient,
            sent_at=sent_at,
            view=view,
            due=due,
            expects=expects,
            escalate_to=tuple(escalate_to),
            rules=tuple(rules),
            concern_id=concern_id,
            passed_on_by=passed_on_by,
            passed_on_from=passed_on_from,
        )
        self.store.add_delivery(delivery)
        return delivery

    def record_received(
        self,
        *,
        message_id: _Id,
        message_type: MessageType | str,
        sender: str,
        recipient: str,
        received_at: dt.datetime,
        accepted: bool,
        problems: Iterable[str] = (),
        concern_id: _Id | None = None,
        supersedes: _Id | None = None,
        in_reply_to: _Id | None = None,
        withdraws: _Id | None = None,
    ) -> Arrival:
        """Record that a message whose signature and sender were verified arrived at ``recipient``.

        ``accepted`` is False where its content was refused, with the
        ``problems`` codes. Record nothing for a message that failed
        cryptographically or came from an unknown sender.
        """
        arrival = Arrival(
            message_id=message_id,
            message_type=message_type,
            sender=sender,
            recipient=recipient,
            received_at=received_at,
            accepted=accepted,
            problems=tuple(problems),
            concern_id=concern_id,
            supersedes=supersedes,
            in_reply_to=in_reply_to,
            withdraws=withdraws,
        )
        self.store.add_arrival(arrival)
        return arrival

    def record_acknowledgement(
        self,
        *,
        answer_id: _Id,
        message_id: _Id,
        by: str,
        at: dt.datetime,
        rejected: bool = False,
        problems: Iterable[str] = (),
    ) -> Answer:
        """Record ``by``'s acknowledgement of ``message_id``: accepted, or ``rejected`` with ``problems`` codes.

        ``answer_id`` is the acknowledgement's own message id. It closes the
        deliveries of the message to ``by`` (see
        :func:`~concernshare.stores.facts.satisfies`).
        """
        return self._answered(
            Answer(
                answer_id=answer_id,
                kind=AnswerKind.ACKNOWLEDGEMENT,
                by=by,
                at=at,
                message_id=message_id,
                rejected=rejected,
                problems=tuple(problems),
            )
        )

    def record_decision(
        self,
        *,
        answer_id: _Id,
        concern_id: _Id,
        by: str,
        at: dt.datetime,
        outcome: DecisionOutcome | str,
        message_id: _Id | None = None,
    ) -> Answer:
        """Record ``by``'s decision on ``concern_id`` (``message_id``: the message it replies to, if any)."""
        return self._answered(
            Answer(
                answer_id=answer_id,
                kind=AnswerKind.DECISION,
                by=by,
                at=at,
                message_id=message_id,
                concern_id=concern_id,
                decision=outcome,
            )
        )

    def record_response(
        self,
        *,
        answer_id: _Id,
        message_id: _Id,
        by: str,
        at: dt.datetime,
        kind: AnswerKind | str = AnswerKind.RESPONSE,
    ) -> Answer:
        """Record ``by``'s reply to ``message_id``: an information response, or another ``response``."""
        return self._answered(Answer(answer_id=answer_id, kind=kind, by=by, at=at, message_id=message_id))

    def record_non_delivery(
        self,
        *,
        report_id: _Id,
        message_id: _Id,
        recipient: str,
        at: dt.datetime,
        reasons: Iterable[str],
    ) -> Answer:
        """Record that the transport could not deliver ``message_id`` to ``recipient``: the delivery has failed.

        ``report_id`` identifies the transport's report (recording it again
        changes nothing); ``reasons`` are the transport's codes, never text
        from a message.
        """
        return self._answered(
            Answer(
                answer_id=report_id,
                kind=AnswerKind.NON_DELIVERY,
                by=recipient,
                at=at,
                message_id=message_id,
                problems=tuple(reasons),
            )
        )

    def record_withdrawal(
        self,
        message_id: _Id,
        by_agency: str,
        at: dt.datetime,
        reason_code: WithdrawalReason | str,
    ) -> Withdrawal:
        """Record that ``by_agency`` withdrew ``message_id``; return the withdrawal in force (the first recorded).

        Who may withdraw is :meth:`check_history`'s concern, on receipt.
        """
        withdrawal = Withdrawal(message_id=message_id, by=by_agency, at=at, reason=reason_code)
        self.store.add_withdrawal(withdrawal)
        return self.store.withdrawal(withdrawal.message_id) or withdrawal

    def _answered(self, answer: Answer) -> Answer:
        """Store ``answer`` and return it: the one way each kind of answer is recorded."""
        self.store.add_answer(answer)
        return answer

    def is_withdrawn(self, message_id: _Id) -> bool:
        """Whether the message has been withdrawn."""
        return self.store.withdrawal(as_message_id(message_id)) is not None

    def origin(self, message_id: _Id) -> AgencyId | None:
        """The agency that sent the message, as first recorded here; None if there is no record of it."""
        return self.store.origin(as_message_id(message_id))

    def check_history(
        self,
        message_id: _Id,
        sender: str,
        supersedes: _Id | None,
        *,
        withdraws: _Id | None = None,
    ) -> tuple[Problem, ...]:
        """The history rules a message from ``sender`` breaks; see the module for the codes.

        Call it before recording the message's arrival. A problem of severity
        ``error`` refuses the content (answer with a ``rejected``
        acknowledgement naming the codes); a ``warning`` is kept.
        """
        problems: list[Problem] = []
        if self.is_withdrawn(message_id):
            problems.append(problem("/id", "CS205"))
        if supersedes is not None:
            origin = self.origin(supersedes)
            if origin is None:
                problems.append(problem("/thread/supersedes", "CS203"))
            elif origin != sender:
                problems.append(problem("/thread/supersedes", "CS201"))
            if self.is_withdrawn(supersedes):
                problems.append(problem("/thread/supersedes", "CS202"))
        if withdraws is not None:
            origin = self.origin(withdraws)
            if origin is not None and origin != sender:
                problems.append(problem("/body/message_id", "CS204"))
        return tuple(problems)

    def recipients(self, message_id: _Id) -> tuple[AgencyId, ...]:
        """Every agency that received the message, here or onward, sorted.

        That is the recipients of its deliveries and of its arrivals here,
        and, transitively, the recipients of every message that passed it on:
        a withdrawal sent to all of them reaches everyone who has it.
        """
        todo, done, found = [as_message_id(message_id)], set[str](), set[AgencyId]()
        while todo:
            current = todo.pop()
            if current in done:
                continue
            done.add(current)
            found.update(delivery.recipient for delivery, _ in self.store.deliveries(current))
            found.update(arrival.recipient for arrival in self.store.arrivals(current))
            todo.extend(self.store.passed_on(current))
        return tuple(sorted(found))

    def holders(self, message_ids: Iterable[_Id]) -> tuple[AgencyId, ...]:
        """Every agency holding a copy of any of ``message_ids`` (the messages of one child's case), sorted.

        That is each message's sending agency, as recorded here, and everyone
        who received it, here or onward (:meth:`recipients`): the agencies a
        change of the child's plan status must reach.
        """
        found: set[AgencyId] = set()
        for message_id in message_ids:
            found.update(self.recipients(message_id))
            origin = self.origin(message_id)
            if origin is not None:
                found.add(origin)
        return tuple(sorted(found))

    def overdue(self, at: dt.datetime) -> tuple[Delivery, ...]:
        """Every delivery due before ``at`` and not answered by then, by due time; each says whom to escalate to."""
        return self.store.overdue(as_time(at))

    def record_non_share(
        self,
        *,
        withheld_from: str,
        decided_by_agency: str,
        decided_by_role: str,
        decided_at: dt.datetime,
        reason: NonShareReason | str,
        message_id: _Id | None = None,
        child_ref: str | None = None,
        note: str | None = None,
        non_share_id: _Id | None = None,
    ) -> NonShare:
        """Record a decision not to share a message (or what is known about ``child_ref``) with an agency.

        ``decided_by_role`` is a job role, never a name; ``note`` (at most 200
        characters) must contain no personal data. ``non_share_id`` defaults
        to a new random UUID; pass one to make a retry idempotent.
        """
        non_share = NonShare(
            id=non_share_id or uuid.uuid4(),
            withheld_from=withheld_from,
            decided_by_agency=decided_by_agency,
            decided_by_role=decided_by_role,
            decided_at=decided_at,
            reason=reason,
            message_id=message_id,
            child_ref=child_ref,
            note=note,
        )
        self.store.add_non_share(non_share)
        return non_share

    def non_shares(self, *, message_id: _Id | None = None, child_ref: str | None = None) -> tuple[NonShare, ...]:
        """Decisions not to share about a message or a child reference (both: about both; neither: all)."""
        return self.store.non_shares(
            message_id=None if message_id is None else as_message_id(message_id),
            child_ref=child_ref,
        )

    def status(self, message_id: _Id, *, at: dt.datetime) -> MessageStatus:
        """What is known about a message at ``at``: its deliveries and their states, arrivals, answers, withdrawal."""
        key, moment = as_message_id(message_id), as_time(at)
        return MessageStatus(
            message_id=key,
            origin=self.store.origin(key),
            withdrawal=self.store.withdrawal(key),
            deliveries=tuple(_state(delivery, answer, moment) for delivery, answer in self.store.deliveries(key)),
            arrivals=self.store.arrivals(key),
            answers=self.store.answers(key),
            non_shares=self.store.non_shares(message_id=key),
        )
