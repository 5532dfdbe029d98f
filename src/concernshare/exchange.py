"""Send and receive: routing, views, sealing and the tracker, put together.

:func:`send` routes a message, builds each recipient's view (an agency gets
exactly one), sets each view's ``recipients``, seals each view to its
recipients and records every delivery with its due time. :func:`receive`
opens a sealed message, checks the rules that need history against the
tracker, and records what arrived; acknowledgements, decisions, responses and
withdrawals update the record. Content refused from a verified sender is
answered with a sealed ``rejected`` acknowledgement naming the problem codes;
cryptographic failures, unknown senders and replays get no reply at all.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Final

import attrs

from concernshare import FORMAT_VERSION
from concernshare.crypto.keys import Decrypter, Signer
from concernshare.directory import Directory
from concernshare.errors import ContentRefused, Problem, Severity
from concernshare.records import (
    AcknowledgementBody,
    AcknowledgementOutcome,
    AgencyId,
    CaseClosureBody,
    Child,
    ConfidentialityBasis,
    ConsentNotSoughtReason,
    ConsentStatus,
    DecisionBody,
    InformationResponseBody,
    LawfulBasis,
    LawfulCondition,
    Message,
    Practitioner,
    ReportedProblem,
    Sender,
    SharingDecision,
    Status,
    StrategyDiscussionBody,
    Thread,
    UpdateBody,
    WithdrawalBody,
)
from concernshare.records.process import PROCESS_TYPES
from concernshare.routing import deadlines
from concernshare.routing.route import Plan, route
from concernshare.routing.rules import RuleSet
from concernshare.routing.views import Sensitivity, redact
from concernshare.sealing import OpenPolicy, open_sealed, seal
from concernshare.stores.interface import ReplayStore
from concernshare.tracker import Tracker

__all__ = ["Received", "Sent", "receive", "send"]

#: Who signs a rejection: the receiving system itself, not a person.
_RECEIVING_SYSTEM: Final = Practitioner(name="concernshare receiving system", role="Receiving system (automated)")


@attrs.frozen(kw_only=True)
class SealedView:
    """One view of a message, sealed to the agencies that receive it."""

    view: str
    recipients: tuple[AgencyId, ...]
    sealed: bytes = attrs.field(repr=False)


@attrs.frozen(kw_only=True)
class Sent:
    """What :func:`send` did: the plan (the recorded reason for sharing) and each sealed view."""

    plan: Plan
    views: tuple[SealedView, ...]


@attrs.frozen(kw_only=True)
class Received:
    """What :func:`receive` did: the message if accepted, and the sealed rejection if one is owed."""

    message: Message | None
    sender: AgencyId
    problems: tuple[Problem, ...] = ()
    rejection: bytes | None = attrs.field(default=None, repr=False)


def _concern_id(message: Message) -> uuid.UUID | None:
    if isinstance(message.body, UpdateBody | DecisionBody | StrategyDiscussionBody | CaseClosureBody):
        return message.body.concern_id
    return message.id if message.type == "concern" else None


def send(
    message: Message,
    signer: Signer,
    *,
    rules: RuleSet,
    directory: Directory,
    tracker: Tracker,
    at: dt.datetime,
    calendar: deadlines.WorkingCalendar | None = None,
    schools: Mapping[str, deadlines.SchoolCalendar] | None = None,
    passes_on: uuid.UUID | None = None,
    holders: Sequence[str] | None = None,
) -> Sent:
    """Route, redact, seal and record a message; ``passes_on`` names a message this one passes on.

    ``holders`` are the agencies holding the child's case (:meth:`Tracker.holders`), for rules
    that route to them (a plan-status notification).

    Raises :class:`~concernshare.routing.route.RoutingError` if it cannot be
    routed, and what :func:`~concernshare.sealing.seal` raises.
    """
    plan = route(message, rules, directory, at, calendar=calendar, schools=schools, holders=holders)
    groups: dict[tuple[str, tuple[str, ...]], list[AgencyId]] = {}
    for delivery in plan.deliveries:
        groups.setdefault((delivery.view, delivery.withheld_categories), []).append(delivery.recipient)
    views = []
    for (view, categories), recipients in groups.items():
        if view == "full" and not categories:
            copy = attrs.evolve(message, recipients=tuple(recipients))
        else:
            denied = frozenset(Sensitivity(c) for c in categories)
            copy = redact(message, view=view, denied=denied, recipients=recipients)
        views.append(SealedView(view=view, recipients=tuple(recipients),
                                sealed=seal(copy, signer, directory=directory, now=at)))
    for delivery in plan.deliveries:
        tracker.record_delivery(
            message_id=message.id, message_type=message.type, sender=message.sender.agency,
            recipient=delivery.recipient, sent_at=at, view=delivery.view, due=delivery.due,
            expects=delivery.expects, escalate_to=delivery.escalate_to, rules=delivery.rules,
            concern_id=_concern_id(message), passed_on_by=message.sender.agency if passes_on else None,
            passed_on_from=passes_on,
        )
    return Sent(plan=plan, views=tuple(views))


def _rejection(me: AgencyId, sender: AgencyId, message_id: str | None, problems: Sequence[Problem], *,
               at: dt.datetime, status: Status) -> Message:
    """A rejected acknowledgement: pointers and codes only, about a message that may not be readable."""
    refused = uuid.UUID(message_id) if message_id else uuid.UUID(int=0)
    return Message(
        format_version=FORMAT_VERSION, id=uuid.uuid4(), created=at, status=status,
        sender=Sender(agency=me, practitioner=_RECEIVING_SYSTEM), recipients=(sender,), subject=Child(),
        lawful_basis=LawfulBasis(
            conditions=(LawfulCondition.UK_GDPR_6_1_E_PUBLIC_TASK,),
            confidentiality=ConfidentialityBasis.NOT_CONFIDENTIAL, consent=ConsentStatus.NOT_SOUGHT,
            consent_not_sought_reason=ConsentNotSoughtReason.NOT_REQUIRED,
        ),
        sharing_decision=SharingDecision(
            decided_by=_RECEIVING_SYSTEM, decided_at=at,
            necessary_and_proportionate="The sender must know that its message was not accepted, so that nothing "
            "is lost silently; the rejection carries only pointers and problem codes.",
        ),
        thread=Thread(in_reply_to=refused if message_id else None),
        body=AcknowledgementBody(
            message_id=refused, received_at=at, received_by=_RECEIVING_SYSTEM,
            outcome=AcknowledgementOutcome.REJECTED,
            problems=tuple(ReportedProblem(pointer=p.pointer, code=p.code) for p in problems),
        ),
    )


def _record_answer(tracker: Tracker, message: Message, sender: AgencyId, at: dt.datetime) -> None:
    body = message.body
    if isinstance(body, AcknowledgementBody):
        tracker.record_acknowledgement(
            answer_id=message.id, message_id=body.message_id, by=sender, at=at,
            rejected=body.outcome is AcknowledgementOutcome.REJECTED, problems=[p.code for p in body.problems],
        )
    elif isinstance(body, DecisionBody):
        tracker.record_decision(answer_id=message.id, concern_id=body.concern_id, by=sender, at=at,
                                outcome=body.outcome, message_id=message.thread.in_reply_to)
    elif isinstance(body, InformationResponseBody):
        tracker.record_response(answer_id=message.id, message_id=body.request_id, by=sender, at=at)
    elif isinstance(body, WithdrawalBody):
        tracker.record_withdrawal(body.message_id, sender, at, body.reason)
    elif message.type in PROCESS_TYPES and message.thread.in_reply_to is not None:
        # the conference that answers a strategy discussion, the next review that answers a conference
        tracker.record_response(answer_id=message.id, message_id=message.thread.in_reply_to, by=sender, at=at)


def receive(
    sealed: bytes,
    decrypters: Decrypter | Sequence[Decrypter],
    signer: Signer,
    *,
    me: AgencyId,
    directory: Directory,
    store: ReplayStore,
    tracker: Tracker,
    at: dt.datetime,
    policy: OpenPolicy = OpenPolicy(),  # noqa: B008  (immutable)
) -> Received:
    """Open, check against history, and record a sealed message addressed to ``me``.

    Returns the accepted message, or the problems and a sealed ``rejected``
    acknowledgement (signed by ``signer``) when the signature and the sender
    were verified but the content is refused. Raises
    :class:`~concernshare.errors.SealError` (and records nothing, answers
    nothing) for cryptographic failures, unknown or impersonating senders,
    replays, stale messages and refused statuses.
    """
    try:
        opened = open_sealed(sealed, decrypters, me=me, directory=directory, store=store, now=at, policy=policy)
    except ContentRefused as refused:
        return _reject(AgencyId(refused.sender), refused.message_id, refused.message_type, refused.problems,
                       signer, me=me, directory=directory, tracker=tracker, at=at,
                       status=Status(refused.status or "actual"))
    message, sender = opened.message, opened.sender
    withdraws = message.body.message_id if isinstance(message.body, WithdrawalBody) else None
    history = tracker.check_history(message.id, sender, message.thread.supersedes, withdraws=withdraws)
    if any(p.severity is Severity.ERROR for p in history):
        return _reject(sender, str(message.id), message.type, history, signer, me=me, directory=directory,
                       tracker=tracker, at=at, status=message.status)
    tracker.record_received(
        message_id=message.id, message_type=message.type, sender=sender, recipient=me, received_at=at,
        accepted=True, concern_id=_concern_id(message), supersedes=message.thread.supersedes,
        in_reply_to=message.thread.in_reply_to, withdraws=withdraws,
    )
    _record_answer(tracker, message, sender, at)
    return Received(message=message, sender=sender, problems=history)


def _reject(
    sender: AgencyId, message_id: str | None, message_type: str | None, problems: Sequence[Problem], signer: Signer,
    *, me: AgencyId, directory: Directory, tracker: Tracker, at: dt.datetime, status: Status,
) -> Received:
    rejection = _rejection(me, sender, message_id, problems, at=at, status=status)
    sealed = seal(rejection, signer, directory=directory, now=at)
    if message_id is not None and message_type is not None:
        tracker.record_received(
            message_id=message_id, message_type=message_type, sender=sender, recipient=me, received_at=at,
            accepted=False, problems=[p.code for p in problems],
        )
    tracker.record_delivery(message_id=rejection.id, message_type=rejection.type, sender=me, recipient=sender,
                            sent_at=at)
    return Received(message=None, sender=sender, problems=tuple(problems), rejection=sealed)
