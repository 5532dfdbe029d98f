"""A sealed message as a CloudEvent (structured mode, JSON), and what a receiver does with one.

The mapping (CloudEvents 1.0, built and read with the ``cloudevents`` SDK):

=================== ======================================================
``specversion``     ``1.0``
``type``            :data:`EVENT_TYPE` (``uk.concernshare.sealed.v1``)
``source``          the sending agency's id (``la:E06000032/mash`` is a URI)
``subject``         the message type (``concern``, ``acknowledgement`` ...)
``id``              the message id (a lower-case UUID)
``time``            when the event was made (not the signed ``sent``)
``datacontenttype`` :data:`DATA_CONTENT_TYPE` (``application/jose+json``)
``data``            the sealed message: a JWE in the general JSON serialization
=================== ======================================================

No other attribute is written or accepted: there is nothing outside the
ciphertext but ids, an agency and a type, and ``subject`` never names the
child. ``source``, ``subject`` and ``id`` stand outside the signature, so a
receiver never acts on them: :func:`deliver` opens the message first and
refuses the event, recording nothing, unless all three agree with what the
signed message says. :func:`deliver` then hands the sealed bytes to
:func:`concernshare.exchange.receive` and answers with the format's
acknowledgement: the sealed ``accepted`` acknowledgement it makes, or the
sealed ``rejected`` one ``receive`` returns for refused content.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Sequence
from typing import Any, Final

import attrs
from cloudevents.core.bindings.http import HTTPMessage, from_structured, to_structured
from cloudevents.core.exceptions import BaseCloudEventException
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from concernshare import strictjson
from concernshare.catalogue import problem
from concernshare.crypto.keys import Decrypter, Signer
from concernshare.directory import Directory
from concernshare.errors import AttributesDisagree, ContentRefused, EventRefused, InvalidDocument, Problem, SealError
from concernshare.exchange import Received, _system_acknowledgement, receive
from concernshare.records import (
    AcknowledgementOutcome,
    AgencyId,
    Message,
    MessageType,
)
from concernshare.sealing import OpenPolicy, open_sealed, seal
from concernshare.tracker import Tracker

__all__ = [
    "DATA_CONTENT_TYPE",
    "EVENT_TYPE",
    "MAX_EVENT_BYTES",
    "STRUCTURED_CONTENT_TYPE",
    "AttributesDisagree",
    "EventRefused",
    "Outcome",
    "Receiver",
    "SealedEvent",
    "acknowledgement",
    "deliver",
    "events_for",
    "from_event",
    "to_event",
]

#: The CloudEvents ``type`` of a sealed concernshare message, versioned with the mapping.
EVENT_TYPE: Final = "uk.concernshare.sealed.v1"
#: The media type of ``data``: a JOSE object in JSON serialization (RFC 7515 and RFC 7516).
DATA_CONTENT_TYPE: Final = "application/jose+json"
#: The media type of a structured-mode CloudEvent in JSON.
STRUCTURED_CONTENT_TYPE: Final = "application/cloudevents+json"
#: The largest event accepted by default: a sealed message of the largest plaintext, with room to spare.
MAX_EVENT_BYTES: Final = 8 * 1024 * 1024
_ATTRIBUTES: Final = frozenset({"specversion", "type", "source", "subject", "id", "time", "datacontenttype", "data"})
_UUID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_FORMAT: Final = JSONFormat()


@attrs.frozen(kw_only=True)
class SealedEvent:
    """What an event says on its outside (none of it trusted), and the sealed message inside."""

    source: AgencyId
    subject: MessageType
    id: str
    sealed: bytes = attrs.field(repr=False)


def to_event(sealed: bytes, *, source: str, subject: str, id: uuid.UUID | str, time: dt.datetime) -> bytes:
    """A sealed message as a structured-mode CloudEvent in JSON (the body of an HTTP POST or a NATS message)."""
    attributes: dict[str, Any] = {
        "specversion": "1.0",
        "type": EVENT_TYPE,
        "source": str(source),
        "subject": str(subject),
        "id": str(id),
        "time": time.astimezone(dt.UTC),
        "datacontenttype": DATA_CONTENT_TYPE,
    }
    return to_structured(CloudEvent(attributes, json.loads(sealed)), _FORMAT).body


def _check(document: Any) -> list[Problem]:
    """What a strictly parsed document lacks to be one of our events; never quotes a value."""
    if not isinstance(document, dict):
        return [problem("", "CS401")]
    problems = [problem(f"/{strictjson.escape_pointer(name)}", "CS409") for name in document if name not in _ATTRIBUTES]
    expected = (
        ("specversion", "1.0", "CS402"),
        ("type", EVENT_TYPE, "CS403"),
        ("datacontenttype", DATA_CONTENT_TYPE, "CS404"),
    )
    problems += [
        problem(f"/{name}", code, expected=value) for name, value, code in expected if document.get(name) != value
    ]
    source = document.get("source")
    try:
        AgencyId(source if isinstance(source, str) else "")
    except ValueError:
        problems.append(problem("/source", "CS405"))
    if document.get("subject") not in set(MessageType):
        problems.append(problem("/subject", "CS406"))
    event_id = document.get("id")
    if not (isinstance(event_id, str) and _UUID.fullmatch(event_id)):
        problems.append(problem("/id", "CS407"))
    if not isinstance(document.get("data"), dict):
        problems.append(problem("/data", "CS408"))
    return problems


def from_event(body: bytes, *, max_bytes: int = MAX_EVENT_BYTES) -> SealedEvent:
    """Read a structured-mode CloudEvent in JSON; check its form (not yet its truth).

    Raises :class:`EventRefused` listing every problem (JSON pointers into the
    event, codes ``CS0xx`` for the JSON layer and ``CS4xx`` for the mapping).
    """
    try:
        document = strictjson.parse(body, max_bytes=max_bytes)
    except InvalidDocument as error:
        raise EventRefused(error.problems) from None
    problems = _check(document)
    if problems:
        raise EventRefused(problems)
    try:
        event = from_structured(
            HTTPMessage(headers={"content-type": STRUCTURED_CONTENT_TYPE}, body=body), _FORMAT, CloudEvent
        )
    except (BaseCloudEventException, ValueError, TypeError):
        raise EventRefused([problem("", "CS401", "rules")]) from None
    data = event.get_data()
    return SealedEvent(
        source=AgencyId(event.get_source()),
        subject=MessageType(event.get_subject() or ""),
        id=event.get_id(),
        sealed=json.dumps(data, separators=(",", ":")).encode(),
    )


@attrs.frozen(kw_only=True)
class Receiver:
    """A receiving agency: its id, keys, trust directory, tracker (and replay store) and opening policy."""

    me: AgencyId
    decrypters: tuple[Decrypter, ...]
    signer: Signer
    directory: Directory
    tracker: Tracker
    policy: OpenPolicy = OpenPolicy()


@attrs.frozen(kw_only=True)
class Outcome:
    """What :func:`deliver` did: accepted or not, and the answer owed to the sender as an event (if any)."""

    accepted: bool
    sender: AgencyId
    message: Message | None = attrs.field(default=None, repr=False)
    problems: tuple[Problem, ...] = ()
    reply: bytes | None = attrs.field(default=None, repr=False)


def _agrees(event: SealedEvent, sender: str, message_id: str | None, message_type: str | None) -> bool:
    return (
        event.source == sender
        and (message_id is None or event.id == message_id)
        and (message_type is None or event.subject == message_type)
    )


def _precheck(event: SealedEvent, receiver: Receiver, at: dt.datetime) -> None:
    """Open without recording and compare the outside of the event with the signed message; raise if they differ."""
    try:
        opened = open_sealed(
            event.sealed,
            receiver.decrypters,
            me=receiver.me,
            directory=receiver.directory,
            store=None,
            now=at,
            archive=True,
            policy=receiver.policy,
        )
    except ContentRefused as refused:
        if not _agrees(event, refused.sender, refused.message_id, refused.message_type):
            raise AttributesDisagree("the event's attributes disagree with the signed message") from None
        return
    if not _agrees(event, opened.sender, str(opened.message.id), opened.message.type):
        raise AttributesDisagree("the event's attributes disagree with the signed message")


def acknowledgement(message: Message, receiver: Receiver, *, at: dt.datetime) -> Message:
    """The ``accepted`` acknowledgement of ``message``, from the receiving system to its sender."""
    return _system_acknowledgement(
        receiver.me,
        message.sender.agency,
        message.id,
        AcknowledgementOutcome.ACCEPTED,
        at=at,
        status=message.status,
        necessary="The sender must know that its message arrived and was accepted; the acknowledgement carries only "
        "ids and times.",
    )


def _answer(received: Received, receiver: Receiver, at: dt.datetime) -> bytes | None:
    """The answer owed for what ``receive`` did, as an event: a rejection, an acknowledgement, or nothing."""
    if received.message is None:
        if received.rejection is None or received.rejection_id is None:
            return None
        return to_event(
            received.rejection,
            source=receiver.me,
            subject=MessageType.ACKNOWLEDGEMENT,
            id=received.rejection_id,
            time=at,
        )
    message = received.message
    if message.type == MessageType.ACKNOWLEDGEMENT:
        return None  # an acknowledgement is never acknowledged: no loop
    answer = acknowledgement(message, receiver, at=at)
    try:
        sealed = seal(answer, receiver.signer, directory=receiver.directory, now=at)
    except SealError:
        # The message is recorded already; a sender with no current encryption key gets no answer, and its
        # tracker shows the delivery unanswered until it is chased.
        return None
    receiver.tracker.record_delivery(
        message_id=answer.id, message_type=answer.type, sender=receiver.me, recipient=received.sender, sent_at=at
    )
    return to_event(sealed, source=receiver.me, subject=answer.type, id=answer.id, time=at)


def deliver(event: SealedEvent, receiver: Receiver, *, at: dt.datetime) -> Outcome:
    """Open, check, record and answer one event addressed to ``receiver``.

    Refuses the event, recording nothing, if its ``source``, ``subject`` or
    ``id`` disagrees with the signed message (:class:`AttributesDisagree`).
    Raises what :func:`concernshare.exchange.receive` raises: a
    :class:`~concernshare.errors.SealError` (cryptographic failure, unknown
    sender, replay, stale or refused status), after which nothing is owed to
    anyone; and :class:`~concernshare.errors.StoreError` if the tracker fails.
    """
    _precheck(event, receiver, at)
    received = receive(
        event.sealed,
        receiver.decrypters,
        receiver.signer,
        me=receiver.me,
        directory=receiver.directory,
        store=receiver.tracker.store,
        tracker=receiver.tracker,
        at=at,
        policy=receiver.policy,
    )
    return Outcome(
        accepted=received.message is not None,
        sender=received.sender,
        message=received.message,
        problems=received.problems,
        reply=_answer(received, receiver, at),
    )


def events_for(
    sealed_views: Sequence[tuple[Sequence[str], bytes]], message: Message, *, at: dt.datetime
) -> tuple[tuple[AgencyId, bytes], ...]:
    """One event per recipient of each sealed view of ``message``: (recipient, event)."""
    return tuple(
        (
            AgencyId(recipient),
            to_event(sealed, source=message.sender.agency, subject=message.type, id=message.id, time=at),
        )
        for recipients, sealed in sealed_views
        for recipient in recipients
    )
