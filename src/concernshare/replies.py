"""Replies built from the message they answer: an acknowledgement, a decision on a concern, a withdrawal.

A reply carries over what belongs to the conversation, so that an
integrating system does not copy it by hand and get it subtly wrong:

- the thread: ``in_reply_to`` is the message answered, and its case
  reference is kept;
- who the child is (``subject``: names, birth or expected delivery date,
  sex, the mother of an unborn child, identifiers), never more: a reply goes
  to agencies that may have been sent a view withholding the rest (an
  address kept confidential, the adults around the child, their health or
  offending), and it needs only to say which child it is about;
- the handling and the status (an exercise is answered with an exercise);
- the lawful basis, unless the replying agency gives its own (its basis
  for sharing may differ, and the law asks each sharer to have one).

What only the replying agency can say is asked for: who sends, when, and the
record of its own decision to share. A reply that makes no sense (answering
an acknowledgement, deciding on what is not a concern, withdrawing another
agency's message) is refused with :class:`~concernshare.errors.ReplyRefused`,
whose pointer is into the message answered. The reply is not validated here:
:func:`concernshare.validation.validate` or sealing does that, as for any message.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from concernshare._format import FORMAT_VERSION
from concernshare.errors import ReplyRefused
from concernshare.records import (
    AcknowledgementBody,
    AcknowledgementOutcome,
    AgencyId,
    Body,
    Child,
    ContactOrReferral,
    DecisionBody,
    DecisionOutcome,
    LawfulBasis,
    Message,
    MessageType,
    Practitioner,
    ReportedProblem,
    Sender,
    SharingDecision,
    Thread,
    WithdrawalBody,
    WithdrawalReason,
)
from concernshare.records.types import require_aware

__all__ = ["acknowledge", "decide", "withdraw"]


def _reply(
    message: Message,
    body: Body,
    *,
    sender: Sender,
    at: dt.datetime,
    sharing_decision: SharingDecision,
    recipients: tuple[AgencyId, ...],
    lawful_basis: LawfulBasis | None,
    id: uuid.UUID | None,
) -> Message:
    """The envelope of a reply to ``message``: thread, the child's identity, handling, status and basis carried over."""
    require_aware(at, "at")
    if at < message.created:
        raise ReplyRefused("/created", "a reply cannot be written before the message it answers")
    return Message(
        format_version=FORMAT_VERSION,
        id=uuid.uuid4() if id is None else id,
        created=at,
        status=message.status,
        sender=sender,
        recipients=recipients,
        subject=_identity(message.subject),
        handling=message.handling,
        lawful_basis=message.lawful_basis if lawful_basis is None else lawful_basis,
        sharing_decision=sharing_decision,
        thread=Thread(in_reply_to=message.id, case_reference=message.thread.case_reference),
        body=body,
    )


def _identity(child: Child) -> Child:
    """Who ``child`` is, and nothing a recipient's view might have withheld."""
    return Child(
        name=child.name,
        known_as=child.known_as,
        birth_date=child.birth_date,
        unborn=child.unborn,
        expected_delivery_date=child.expected_delivery_date,
        mother=child.mother,
        sex=child.sex,
        identifiers=child.identifiers,
    )


def _recipient_of(message: Message, sender: Sender) -> None:
    if sender.agency not in message.recipients:
        raise ReplyRefused("/recipients", "only an agency the message was sent to can answer it this way")


def acknowledge(
    message: Message,
    *,
    sender: Sender,
    at: dt.datetime,
    sharing_decision: SharingDecision,
    received_at: dt.datetime | None = None,
    received_by: Practitioner | None = None,
    problems: tuple[ReportedProblem, ...] = (),
    next_steps: str | None = None,
    next_steps_due: dt.datetime | None = None,
    lawful_basis: LawfulBasis | None = None,
    id: uuid.UUID | None = None,
) -> Message:
    """The acknowledgement of ``message`` by one of its recipients, to its sender.

    It is ``accepted``, or ``rejected`` when ``problems`` names what was wrong
    (pointers and codes only). ``received_at`` defaults to ``at`` and
    ``received_by`` to the sending practitioner.

    Raises :class:`~concernshare.errors.ReplyRefused` if ``message`` is an
    acknowledgement (one is never acknowledged), if ``sender`` is not among
    its recipients, or if ``at`` is before it was written;
    :class:`~concernshare.errors.NaiveTime` if ``at`` is naive.
    """
    if message.type == MessageType.ACKNOWLEDGEMENT:
        raise ReplyRefused("/type", "an acknowledgement is never acknowledged")
    _recipient_of(message, sender)
    body = AcknowledgementBody(
        message_id=message.id,
        received_at=at if received_at is None else received_at,
        received_by=sender.practitioner if received_by is None else received_by,
        outcome=AcknowledgementOutcome.REJECTED if problems else AcknowledgementOutcome.ACCEPTED,
        problems=problems,
        next_steps=next_steps,
        next_steps_due=next_steps_due,
    )
    return _reply(
        message,
        body,
        sender=sender,
        at=at,
        sharing_decision=sharing_decision,
        recipients=(message.sender.agency,),
        lawful_basis=lawful_basis,
        id=id,
    )


def decide(
    concern: Message,
    *,
    sender: Sender,
    at: dt.datetime,
    sharing_decision: SharingDecision,
    contact_or_referral: ContactOrReferral,
    outcome: DecisionOutcome,
    reasons: str,
    also_to: tuple[AgencyId, ...] = (),
    lawful_basis: LawfulBasis | None = None,
    id: uuid.UUID | None = None,
    **details: Any,
) -> Message:
    """The front door's decision on ``concern``, sent to the referrer (and to ``also_to``).

    ``details`` are the decision's other fields (``referral_at``,
    ``primary_need``, ``transferred_to``, ``feedback_to_referrer`` ...);
    ``decided_by`` defaults to the sending practitioner and ``decided_at`` to
    ``at``.

    Raises :class:`~concernshare.errors.ReplyRefused` if ``concern`` is not a
    concern, if ``sender`` is not among its recipients, or if ``at`` is
    before it was written; :class:`~concernshare.errors.NaiveTime` if ``at``
    is naive; :class:`TypeError` for a detail the decision does not have.
    """
    if concern.type != MessageType.CONCERN:
        raise ReplyRefused("/type", "a decision is made on a concern")
    _recipient_of(concern, sender)
    body = DecisionBody(
        concern_id=concern.id,
        contact_or_referral=contact_or_referral,
        outcome=outcome,
        reasons=reasons,
        **{"decided_by": sender.practitioner, "decided_at": at, **details},
    )
    recipients = tuple(dict.fromkeys((concern.sender.agency, *also_to)))
    return _reply(
        concern,
        body,
        sender=sender,
        at=at,
        sharing_decision=sharing_decision,
        recipients=recipients,
        lawful_basis=lawful_basis,
        id=id,
    )


def withdraw(
    message: Message,
    *,
    sender: Sender,
    at: dt.datetime,
    sharing_decision: SharingDecision,
    reason: WithdrawalReason,
    explanation: str | None = None,
    id: uuid.UUID | None = None,
) -> Message:
    """The withdrawal of ``message`` by the agency that sent it, to every one of its recipients.

    Raises :class:`~concernshare.errors.ReplyRefused` if ``sender`` is not
    the agency that sent ``message`` (only it may withdraw it, rule CS204),
    if ``message`` is itself a withdrawal (a withdrawal stays), or if ``at``
    is before it was written; :class:`~concernshare.errors.NaiveTime` if
    ``at`` is naive.
    """
    if message.type == MessageType.WITHDRAWAL:
        raise ReplyRefused("/type", "a withdrawal cannot be withdrawn; a withdrawn message stays withdrawn")
    if sender.agency != message.sender.agency:
        raise ReplyRefused("/sender/agency", "only the agency that sent a message may withdraw it")
    body = WithdrawalBody(message_id=message.id, reason=reason, explanation=explanation)
    return _reply(
        message,
        body,
        sender=sender,
        at=at,
        sharing_decision=sharing_decision,
        recipients=message.recipients,
        lawful_basis=None,
        id=id,
    )
