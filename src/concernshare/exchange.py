"""Send and receive: routing, views, sealing and the tracker, put together.

:func:`send` routes a message, builds each recipient's view (an agency gets
exactly one), sets each view's ``recipients``, seals each view to its
recipients and records every delivery with its due time. Whoever must store
the sealed views before the deliveries are recorded (so that a crash never
leaves a delivery recorded that was never written) calls :func:`seal_views`,
stores them, then :func:`record_sent`. :func:`receive`
opens a sealed message, checks the rules that need history against the
tracker, and records what arrived; acknowledgements, decisions, responses and
withdrawals update the record. All it records, the message seen included, is
one transaction; :func:`receiving` lets the caller handle the message before
that transaction commits, so that a message is never lost between the two.
Content refused from a verified sender is answered, once, with a sealed
``rejected`` acknowledgement naming the problem codes, and only after every
trust check that needs no content passed (see :mod:`concernshare.sealing`);
cryptographic failures, unknown or impersonating senders, revoked or retired
keys, messages not addressed to the receiver, stale messages, refused
statuses, replays and messages without a readable id get no reply at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Final

import attrs

from concernshare import deadlines
from concernshare._format import FORMAT_VERSION
from concernshare.crypto.keys import Decrypter, Signer
from concernshare.directory import Directory
from concernshare.errors import ContentRefused, Problem, Severity, UsageError
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
from concernshare.records.types import require_aware
from concernshare.routing.plan import Plan, route
from concernshare.routing.rules import RuleSet
from concernshare.routing.views import Sensitivity, redact
from concernshare.sealing import OpenPolicy, open_sealed, seal
from concernshare.stores.interface import ReplayStore
from concernshare.tracker import Tracker

__all__ = ["Received", "Sent", "receive", "receiving", "record_sent", "seal_views", "send"]

#: The code of the problem that stands for those a rejection has no room for (see the tracker's codes).
_MORE_PROBLEMS: Final = "CS206"
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
    """What :func:`receive` did: the message if accepted, and the sealed rejection (and its id) if one is owed."""

    message: Message | None
    sender: AgencyId
    problems: tuple[Problem, ...] = ()
    rejection: bytes | None = attrs.field(default=None, repr=False)
    rejection_id: uuid.UUID | None = None


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
    that route to them (a plan-status notification). The same as :func:`seal_views` then
    :func:`record_sent`. Raises :class:`~concernshare.routing.plan.RoutingError` if it cannot be
    routed, and what :func:`~concernshare.sealing.seal` raises.
    """
    sent = seal_views(
        message, signer, rules=rules, directory=directory, at=at, calendar=calendar, schools=schools, holders=holders
    )
    record_sent(tracker, message, sent, passes_on=passes_on)
    return sent


def seal_views(
    message: Message,
    signer: Signer,
    *,
    rules: RuleSet,
    directory: Directory,
    at: dt.datetime,
    calendar: deadlines.WorkingCalendar | None = None,
    schools: Mapping[str, deadlines.SchoolCalendar] | None = None,
    holders: Sequence[str] | None = None,
) -> Sent:
    """Route, redact and seal a message, recording nothing: store the views, then call :func:`record_sent`.

    ``holders`` are as for :func:`send`.

    Raises :class:`~concernshare.routing.plan.RoutingError` if it cannot be
    routed, and what :func:`~concernshare.sealing.seal` raises.
    """
    require_aware(at, "at")
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
        views.append(
            SealedView(view=view, recipients=tuple(recipients), sealed=seal(copy, signer, directory=directory, now=at))
        )
    return Sent(plan=plan, views=tuple(views))


def record_sent(
    tracker: Tracker,
    message: Message,
    sent: Sent,
    *,
    passes_on: uuid.UUID | None = None,
    recipients: Collection[str] | None = None,
) -> None:
    """Record every delivery of ``sent`` (what :func:`seal_views` made of ``message``) with its due time.

    ``recipients``, if given, records only the deliveries to them (a transport
    that records each delivery once its own upload is done). Each delivery is
    recorded once: a delivery already recorded stays as it
    was, so a send retried after a crash records what was missing. Raises
    :class:`~concernshare.errors.UsageError` if ``sent`` is not of
    ``message``, and :class:`~concernshare.errors.StoreError` if the
    tracker fails.
    """
    if sent.plan.message_id != str(message.id):
        raise UsageError("record_sent: the sealed views are of another message")
    for delivery in sent.plan.deliveries:
        if recipients is not None and delivery.recipient not in recipients:
            continue
        tracker.record_delivery(
            message_id=message.id,
            message_type=message.type,
            sender=message.sender.agency,
            recipient=delivery.recipient,
            sent_at=sent.plan.at,
            view=delivery.view,
            due=delivery.due,
            expects=delivery.expects,
            escalate_to=delivery.escalate_to,
            rules=delivery.rules,
            concern_id=_concern_id(message),
            passed_on_by=message.sender.agency if passes_on else None,
            passed_on_from=passes_on,
        )


#: What a rejection can carry: the format's own limits on ``body.problems`` and on each pointer.
MAX_PROBLEMS: Final = 500
MAX_POINTER: Final = 256


def _pointer(pointer: str) -> str:
    """The pointer, or its deepest ancestor that fits the format's limit: it is cut between whole tokens."""
    if len(pointer) <= MAX_POINTER:
        return pointer
    cut = pointer[: MAX_POINTER + 1]
    return cut[: cut.rindex("/")] if "/" in cut else ""


def _reportable(problems: Sequence[Problem]) -> tuple[ReportedProblem, ...]:
    """The problems as a rejection reports them, within the format's limits; none is dropped silently.

    Each pointer longer than the format allows is cut to its deepest ancestor
    that fits; beyond 500 problems, the first 499 are kept and a last one,
    ``CS206`` at the whole message, stands for the rest.
    """
    reported = [ReportedProblem(pointer=_pointer(p.pointer), code=p.code) for p in problems]
    if len(reported) > MAX_PROBLEMS:
        reported[MAX_PROBLEMS - 1 :] = [ReportedProblem(pointer="", code=_MORE_PROBLEMS)]
    return tuple(reported)


def _rejection(
    me: AgencyId, sender: AgencyId, message_id: str, problems: Sequence[Problem], *, at: dt.datetime, status: Status
) -> Message:
    """A rejected acknowledgement: pointers and codes only, about a message whose id could be read."""
    return _system_acknowledgement(
        me,
        sender,
        uuid.UUID(message_id),
        AcknowledgementOutcome.REJECTED,
        at=at,
        status=status,
        necessary="The sender must know that its message was not accepted, so that nothing is lost silently; the "
        "rejection carries only pointers and problem codes.",
        problems=_reportable(problems),
    )


def _system_acknowledgement(
    me: AgencyId,
    to: AgencyId,
    message_id: uuid.UUID,
    outcome: AcknowledgementOutcome,
    *,
    at: dt.datetime,
    status: Status,
    necessary: str,
    problems: tuple[ReportedProblem, ...] = (),
) -> Message:
    """An acknowledgement of ``message_id`` from ``me``'s receiving system to ``to``: ids, times and codes only.

    ``necessary`` says why sharing it is necessary and proportionate. The
    receiving system signs it, and shares it without seeking consent: it
    carries nothing about the child.
    """
    return Message(
        format_version=FORMAT_VERSION,
        id=uuid.uuid4(),
        created=at,
        status=status,
        sender=Sender(agency=me, practitioner=_RECEIVING_SYSTEM),
        recipients=(to,),
        subject=Child(),
        lawful_basis=LawfulBasis(
            conditions=(LawfulCondition.UK_GDPR_6_1_E_PUBLIC_TASK,),
            confidentiality=ConfidentialityBasis.NOT_CONFIDENTIAL,
            consent=ConsentStatus.NOT_SOUGHT,
            consent_not_sought_reason=ConsentNotSoughtReason.NOT_REQUIRED,
            shared_without_consent_by=_RECEIVING_SYSTEM,
        ),
        sharing_decision=SharingDecision(
            decided_by=_RECEIVING_SYSTEM, decided_at=at, necessary_and_proportionate=necessary
        ),
        thread=Thread(in_reply_to=message_id),
        body=AcknowledgementBody(
            message_id=message_id, received_at=at, received_by=_RECEIVING_SYSTEM, outcome=outcome, problems=problems
        ),
    )


def _record_answer(tracker: Tracker, message: Message, sender: AgencyId, at: dt.datetime) -> None:
    body = message.body
    if isinstance(body, AcknowledgementBody):
        tracker.record_acknowledgement(
            answer_id=message.id,
            message_id=body.message_id,
            by=sender,
            at=at,
            rejected=body.outcome is AcknowledgementOutcome.REJECTED,
            problems=[p.code for p in body.problems],
        )
    elif isinstance(body, DecisionBody):
        tracker.record_decision(
            answer_id=message.id,
            concern_id=body.concern_id,
            by=sender,
            at=at,
            outcome=body.outcome,
            message_id=message.thread.in_reply_to,
        )
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
    """Open, check against history, record and commit a sealed message addressed to ``me``.

    Returns the accepted message, or the problems and a sealed ``rejected``
    acknowledgement (signed by ``signer``) when the signature and the sender
    were verified but the content is refused. Raises
    :class:`~concernshare.errors.SealError` (and records nothing, answers
    nothing) for cryptographic failures, malformed documents, unknown or
    impersonating senders, revoked or retired keys, messages not addressed to
    ``me``, stale messages, refused statuses and replays, and
    :class:`~concernshare.stores.StoreError` if the store fails. What it records (seen, the
    arrival, any answer, the rejection's delivery) is committed as one
    transaction before it returns; use :func:`receiving` to handle the
    message before that commit.
    """
    require_aware(at, "at")
    with receiving(
        sealed, decrypters, signer, me=me, directory=directory, store=store, tracker=tracker, at=at, policy=policy
    ) as received:
        return received


@contextlib.contextmanager
def receiving(
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
) -> Iterator[Received]:
    """:func:`receive`, committed only when the ``with`` block ends normally: nothing is lost.

    ``with receiving(...) as received:`` opens, checks and records the
    message in one transaction of ``store`` (and of ``tracker.store``, best
    passed the same store), then runs the block: print, write or hand on the
    message (or the rejection) there. If the block raises, or the process
    dies before its end, nothing was recorded, so a retry of the same sealed
    bytes is accepted; once the block has ended, the message is seen and a
    retry is refused as a replay. While the block runs, another receiver of
    the same message waits for this one's outcome. Raises what
    :func:`receive` raises, before the block runs, and
    :class:`~concernshare.stores.StoreError` if the commit fails.
    """
    with contextlib.ExitStack() as transaction:
        transaction.enter_context(store.atomic())
        if tracker.store is not store:
            transaction.enter_context(tracker.store.atomic())
        yield _received(
            sealed, decrypters, signer, me=me, directory=directory, store=store, tracker=tracker, at=at, policy=policy
        )


def _received(
    sealed: bytes,
    decrypters: Decrypter | Sequence[Decrypter],
    signer: Signer,
    *,
    me: AgencyId,
    directory: Directory,
    store: ReplayStore,
    tracker: Tracker,
    at: dt.datetime,
    policy: OpenPolicy,
) -> Received:
    message_type: str | None
    try:
        opened = open_sealed(sealed, decrypters, me=me, directory=directory, store=store, now=at, policy=policy)
    except ContentRefused as refused:
        if refused.message_id is None:  # an answer could not name the message, nor a replay of it be refused
            raise
        sender, message_id, message_type = AgencyId(refused.sender), refused.message_id, refused.message_type
        problems, status = refused.problems, Status(refused.status or "actual")
    else:
        message, sender = opened.message, opened.sender
        withdraws = message.body.message_id if isinstance(message.body, WithdrawalBody) else None
        problems = tracker.check_history(message.id, sender, message.thread.supersedes, withdraws=withdraws)
        if not any(p.severity is Severity.ERROR for p in problems):
            tracker.record_received(
                message_id=message.id,
                message_type=message.type,
                sender=sender,
                recipient=me,
                received_at=at,
                accepted=True,
                concern_id=_concern_id(message),
                supersedes=message.thread.supersedes,
                in_reply_to=message.thread.in_reply_to,
                withdraws=withdraws,
            )
            _record_answer(tracker, message, sender, at)
            return Received(message=message, sender=sender, problems=problems)
        message_id, message_type, status = str(message.id), message.type, message.status
    # Refused, by the opening checks or by the history: the sender is answered with a sealed rejection.
    rejection = _rejection(me, sender, message_id, problems, at=at, status=status)
    answer = seal(rejection, signer, directory=directory, now=at)
    if message_type is not None:
        tracker.record_received(
            message_id=message_id,
            message_type=message_type,
            sender=sender,
            recipient=me,
            received_at=at,
            accepted=False,
            problems=[p.code for p in problems],
        )
    tracker.record_delivery(
        message_id=rejection.id, message_type=rejection.type, sender=me, recipient=sender, sent_at=at
    )
    return Received(message=None, sender=sender, problems=tuple(problems), rejection=answer, rejection_id=rejection.id)
