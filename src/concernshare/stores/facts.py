"""The records the closed loop keeps: ids, agencies, times and states, never message content.

Each record is a fact recorded once: a :class:`Delivery` (a message sent to
one agency), an :class:`Arrival` (a message that reached us), an
:class:`Answer` (an acknowledgement, decision or response that may close
deliveries), a :class:`Withdrawal` and a :class:`NonShare` (a decision not to
share). Constructing a record checks and normalises its fields: ids are
lower-case UUID strings, agency ids are checked, times must be
timezone-aware and are kept in UTC. A bad value raises
:class:`~concernshare.errors.UsageError`.

:func:`satisfies` is the one rule that decides whether an answer closes a
delivery; every store applies it, so that they all agree.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import uuid
from collections.abc import Iterable
from typing import Final, TypeVar

import attrs

from concernshare.errors import UsageError
from concernshare.records.codes import DecisionOutcome, MessageType, WithdrawalReason
from concernshare.records.types import UUID, AgencyId

__all__ = [
    "Answer",
    "AnswerKind",
    "Arrival",
    "Delivery",
    "Expectation",
    "NonShare",
    "NonShareReason",
    "Withdrawal",
    "as_agency",
    "as_message_id",
    "as_time",
    "satisfies",
]

_UUID: Final = re.compile(UUID)
#: Routing rule ids and problem codes: short tokens, never free text.
_TOKEN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,99}")
_VIEW: Final = re.compile(r"[a-z][a-z0-9_]{0,63}")
#: A child reference: a case or record number, never a name.
_REFERENCE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}")
_E = TypeVar("_E", bound=enum.StrEnum)
NOTE_MAX: Final = 200
ROLE_MAX: Final = 100


class Expectation(enum.StrEnum):
    """The answer a delivery waits for; :func:`satisfies` says what closes each."""

    ACKNOWLEDGEMENT = "acknowledgement"
    """Closed by any answer from the recipient: an acknowledgement, decision or response."""
    DECISION = "decision"
    """Closed by a decision on the concern."""
    INFORMATION_RESPONSE = "information_response"
    """Closed by an information response."""
    RESPONSE = "response"
    """Closed by any reply other than an acknowledgement."""


class AnswerKind(enum.StrEnum):
    """What kind of answer closed, or may close, a delivery."""

    ACKNOWLEDGEMENT = "acknowledgement"
    DECISION = "decision"
    INFORMATION_RESPONSE = "information_response"
    RESPONSE = "response"
    NON_DELIVERY = "non_delivery"
    """Not an answer from the agency: the transport reported that the message never reached it."""


class NonShareReason(enum.StrEnum):
    """Why information was not shared with an agency; the codes name no person."""

    NOT_NECESSARY = "not_necessary"
    """The agency does not need it for its role."""
    NOT_PROPORTIONATE = "not_proportionate"
    """Sharing would intrude more than the purpose justifies."""
    WOULD_INCREASE_RISK = "would_increase_risk"
    """Sharing could put the child or another person at greater risk."""
    WOULD_PREJUDICE_INVESTIGATION = "would_prejudice_investigation"
    """Sharing could prejudice a police investigation or a section 47 enquiry."""
    CONSENT_REFUSED = "consent_refused"
    """Consent was refused and there is no basis to override it."""
    NO_LAWFUL_BASIS = "no_lawful_basis"
    """No lawful basis for this agency to receive it was found."""
    RECIPIENT_NOT_VERIFIED = "recipient_not_verified"
    """The agency could not be verified in the trust directory."""


def _refuse(what: str, rule: str) -> UsageError:
    return UsageError(f"{what} {rule}")


def as_message_id(value: uuid.UUID | str) -> str:
    """A message id as the lower-case text of a UUID; raise ``UsageError`` otherwise."""
    text = str(value)
    if not _UUID.fullmatch(text):
        raise _refuse("a message id", "must be a UUID written in lower case")
    return text


def _optional_message_id(value: uuid.UUID | str | None) -> str | None:
    return None if value is None else as_message_id(value)


def as_agency(value: str) -> AgencyId:
    """An agency id; raise ``UsageError`` if ``value`` is not one."""
    try:
        return AgencyId(value)
    except (ValueError, TypeError):
        raise _refuse("an agency id", "must be SCHEME:CODE or SCHEME:CODE/UNIT") from None


def _optional_agency(value: str | None) -> AgencyId | None:
    return None if value is None else as_agency(value)


def _agencies(values: Iterable[str]) -> tuple[AgencyId, ...]:
    if isinstance(values, str):
        raise _refuse("a list of agencies", "must be a sequence of agency ids, not one string")
    return tuple(as_agency(value) for value in values)


def as_time(value: dt.datetime) -> dt.datetime:
    """A timezone-aware time, in UTC; raise ``UsageError`` for a naive one."""
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        raise _refuse("a time", "must be a timezone-aware datetime")
    return value.astimezone(dt.UTC)


def _optional_moment(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else as_time(value)


def _tokens(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        raise _refuse("a list of codes", "must be a sequence of codes, not one string")
    tokens = tuple(values)
    if not all(isinstance(token, str) and _TOKEN.fullmatch(token) for token in tokens):
        raise _refuse("a rule id or problem code", "must be a short code of letters, digits and _.:/-")
    return tokens


def _member(kind: type[_E], value: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        raise _refuse(f"a {kind.__name__}", f"must be one of: {', '.join(kind)}") from None


def _message_type(value: str) -> MessageType:
    return _member(MessageType, value)


def _expectation(value: str | None) -> Expectation | None:
    return None if value is None else _member(Expectation, value)


def _answer_kind(value: str) -> AnswerKind:
    return _member(AnswerKind, value)


def _decision(value: str | None) -> DecisionOutcome | None:
    return None if value is None else _member(DecisionOutcome, value)


def _withdrawal_reason(value: str) -> WithdrawalReason:
    return _member(WithdrawalReason, value)


def _non_share_reason(value: str) -> NonShareReason:
    return _member(NonShareReason, value)


def _view(value: str | None) -> str | None:
    if value is not None and not _VIEW.fullmatch(value):
        raise _refuse("a view name", "must be lower-case letters, digits and _")
    return value


def _reference(value: str | None) -> str | None:
    if value is not None and not _REFERENCE.fullmatch(value):
        raise _refuse("a child reference", "must be a record or case number of letters, digits and _.:/-")
    return value


def _role(value: str) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= ROLE_MAX or not value.isprintable():
        raise _refuse("a role", f"must be printable text of 1 to {ROLE_MAX} characters")
    return value


def _note(value: str | None) -> str | None:
    if value is not None and (not 0 < len(value) <= NOTE_MAX or not value.isprintable()):
        raise _refuse("a note", f"must be printable text of 1 to {NOTE_MAX} characters")
    return value


@attrs.frozen(kw_only=True)
class Delivery:
    """A message (one view of it) sent to one recipient agency, and what is expected back by when.

    ``concern_id`` is the concern the message belongs to (for a concern, its
    own id). ``passed_on_by`` is the agency that passed the message on (the
    MASH forwarding to children's social care); ``passed_on_from`` is the
    message passed on, where the pass-on went out as a message of its own.
    """

    message_id: str = attrs.field(converter=as_message_id)
    message_type: MessageType = attrs.field(converter=_message_type)
    sender: AgencyId = attrs.field(converter=as_agency)
    recipient: AgencyId = attrs.field(converter=as_agency)
    sent_at: dt.datetime = attrs.field(converter=as_time)
    view: str | None = attrs.field(default=None, converter=_view)
    due: dt.datetime | None = attrs.field(default=None, converter=_optional_moment)
    expects: Expectation | None = attrs.field(default=None, converter=_expectation)
    escalate_to: tuple[AgencyId, ...] = attrs.field(default=(), converter=_agencies)
    rules: tuple[str, ...] = attrs.field(default=(), converter=_tokens)
    concern_id: str | None = attrs.field(default=None, converter=_optional_message_id)
    passed_on_by: AgencyId | None = attrs.field(default=None, converter=_optional_agency)
    passed_on_from: str | None = attrs.field(default=None, converter=_optional_message_id)

    def __attrs_post_init__(self) -> None:
        if self.due is not None and self.expects is None:
            raise UsageError("a delivery with a due time must say what answer it expects")
        if self.passed_on_from is not None and self.passed_on_by is None:
            raise UsageError("a delivery passed on from another message must say who passed it on")


@attrs.frozen(kw_only=True)
class Arrival:
    """A message whose signature and sender were verified arrived at ``recipient``; accepted or rejected."""

    message_id: str = attrs.field(converter=as_message_id)
    message_type: MessageType = attrs.field(converter=_message_type)
    sender: AgencyId = attrs.field(converter=as_agency)
    recipient: AgencyId = attrs.field(converter=as_agency)
    received_at: dt.datetime = attrs.field(converter=as_time)
    accepted: bool
    problems: tuple[str, ...] = attrs.field(default=(), converter=_tokens)
    concern_id: str | None = attrs.field(default=None, converter=_optional_message_id)
    supersedes: str | None = attrs.field(default=None, converter=_optional_message_id)
    in_reply_to: str | None = attrs.field(default=None, converter=_optional_message_id)
    withdraws: str | None = attrs.field(default=None, converter=_optional_message_id)


@attrs.frozen(kw_only=True)
class Answer:
    """An answer given by agency ``by``: it may close deliveries to ``by`` (see :func:`satisfies`).

    ``answer_id`` is the id of the answering message. ``message_id`` is the
    message answered; ``concern_id`` the concern decided on. ``rejected`` marks
    an acknowledgement that refused the content, with its ``problems`` codes.
    """

    answer_id: str = attrs.field(converter=as_message_id)
    kind: AnswerKind = attrs.field(converter=_answer_kind)
    by: AgencyId = attrs.field(converter=as_agency)
    at: dt.datetime = attrs.field(converter=as_time)
    message_id: str | None = attrs.field(default=None, converter=_optional_message_id)
    concern_id: str | None = attrs.field(default=None, converter=_optional_message_id)
    rejected: bool = False
    problems: tuple[str, ...] = attrs.field(default=(), converter=_tokens)
    decision: DecisionOutcome | None = attrs.field(default=None, converter=_decision)

    def __attrs_post_init__(self) -> None:
        if self.message_id is None and self.concern_id is None:
            raise UsageError("an answer must name the message or the concern it answers")
        if self.kind is AnswerKind.DECISION and (self.concern_id is None or self.decision is None):
            raise UsageError("a decision must name the concern decided on and the outcome")
        if self.rejected and (self.kind is not AnswerKind.ACKNOWLEDGEMENT or self.message_id is None):
            raise UsageError("only an acknowledgement of a message can reject it")


@attrs.frozen(kw_only=True)
class Withdrawal:
    """A message withdrawn by agency ``by`` at ``at``; withdrawal is permanent."""

    message_id: str = attrs.field(converter=as_message_id)
    by: AgencyId = attrs.field(converter=as_agency)
    at: dt.datetime = attrs.field(converter=as_time)
    reason: WithdrawalReason = attrs.field(converter=_withdrawal_reason)


@attrs.frozen(kw_only=True)
class NonShare:
    """A decision not to share a message, or what is known about a child, with an agency.

    ``child_ref`` is a record or case number, never a name. ``note`` is at most
    200 characters and must not contain personal data: no names, addresses or
    details of the concern; the reason code carries the meaning.
    """

    id: str = attrs.field(converter=as_message_id)
    withheld_from: AgencyId = attrs.field(converter=as_agency)
    decided_by_agency: AgencyId = attrs.field(converter=as_agency)
    decided_by_role: str = attrs.field(converter=_role)
    decided_at: dt.datetime = attrs.field(converter=as_time)
    reason: NonShareReason = attrs.field(converter=_non_share_reason)
    message_id: str | None = attrs.field(default=None, converter=_optional_message_id)
    child_ref: str | None = attrs.field(default=None, converter=_reference)
    note: str | None = attrs.field(default=None, converter=_note)

    def __attrs_post_init__(self) -> None:
        if self.message_id is None and self.child_ref is None:
            raise UsageError("a decision not to share must name the message or the child reference")


def satisfies(answer: Answer, delivery: Delivery) -> bool:
    """Whether ``answer`` closes ``delivery``.

    Only the recipient's own answer counts, and only where the delivery expects
    one. An answer naming the delivered message closes it when its kind fits
    the expectation (any answer fits an acknowledgement; any but an
    acknowledgement fits a response); a rejection closes whatever was
    expected. A decision on the concern closes deliveries of that concern
    (the concern itself or messages belonging to it) sent before the decision.
    Raises nothing.
    """
    if answer.kind is AnswerKind.NON_DELIVERY:  # closes the one delivery it reports, whatever it expected
        return answer.by == delivery.recipient and answer.message_id == delivery.message_id
    if answer.by != delivery.recipient or delivery.expects is None:
        return False
    names_message = answer.message_id == delivery.message_id
    names_concern = answer.concern_id is not None and answer.concern_id in (delivery.message_id, delivery.concern_id)
    if not names_message and not (names_concern and answer.at >= delivery.sent_at):
        return False
    if answer.rejected or delivery.expects is Expectation.ACKNOWLEDGEMENT:
        return True
    if delivery.expects is Expectation.RESPONSE:
        return answer.kind is not AnswerKind.ACKNOWLEDGEMENT
    return answer.kind.value == delivery.expects.value
