"""The NATS JetStream binding: sealed messages as structured-mode CloudEvents on a durable stream.

Each agency has a subject, ``<prefix>.to.<agency>`` (the agency id in
unpadded base64url, as subjects allow neither ``.`` nor ``:`` safely), on one
stream (``CONCERNSHARE`` by default, kept on disk). :func:`publish_views`
publishes one event per recipient of each sealed view with a ``Nats-Msg-Id``
of the message id and the recipient, so that JetStream drops a resend within
its duplicate window. Each receiving agency reads its subject through a
durable pull consumer (:func:`consume`):

- at-least-once: a message is acknowledged only after
  :func:`concernshare.exchange.receive` returned (through
  :func:`~concernshare.transport.cloudevents.deliver`) and the answer owed
  (the sealed acknowledgement or rejection) was published to the sender's
  subject. A receiver that dies before that leaves it unacknowledged, and
  JetStream delivers it again after ``ack_wait``;
- de-duplicated by the replay store: a message delivered again after it was
  recorded is refused as :class:`~concernshare.errors.Replayed`, and
  acknowledged;
- refused for good (terminated, never redelivered): an event off the mapping,
  a cryptographic failure, an unknown sender, a stale or disagreeing event.
  Nothing is answered for those (no oracle);
- left for later (negatively acknowledged): a tracker that failed.

A NATS server limits a message's size (``max_payload``, 1 MiB by default); a
larger event is refused by the client when published.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Final

import attrs
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from concernshare.errors import Replayed, SealError, StoreError
from concernshare.records import AgencyId, Message
from concernshare.transport.cloudevents import (
    STRUCTURED_CONTENT_TYPE,
    AttributesDisagree,
    EventRefused,
    Receiver,
    deliver,
    events_for,
    from_event,
)

__all__ = ["STREAM", "Consumed", "Stream", "consume", "ensure_stream", "publish", "publish_views", "subject_for"]

LOGGER: Final = logging.getLogger("concernshare.transport.nats")
#: The stream's name by default.
STREAM: Final = "CONCERNSHARE"


@attrs.frozen(kw_only=True)
class Stream:
    """Where events travel: the stream's name, the prefix of its subjects, and how long it remembers message ids."""

    name: str = STREAM
    prefix: str = "concernshare"
    duplicate_window: dt.timedelta = dt.timedelta(minutes=2)


def _token(agency: str) -> str:
    return base64.urlsafe_b64encode(agency.encode()).decode().rstrip("=")


def subject_for(agency: str, stream: Stream = Stream()) -> str:
    """The subject an agency's events are published on."""
    return f"{stream.prefix}.to.{_token(agency)}"


async def ensure_stream(js: JetStreamContext, stream: Stream = Stream()) -> None:
    """Create the stream (on disk, every agency's subject) unless it exists."""
    try:
        await js.stream_info(stream.name)
    except NotFoundError:
        await js.add_stream(
            StreamConfig(
                name=stream.name,
                subjects=[f"{stream.prefix}.to.*"],
                storage=StorageType.FILE,
                duplicate_window=stream.duplicate_window.total_seconds(),
            )
        )


async def publish(
    js: JetStreamContext, recipient: str, event: bytes, message_id: str, stream: Stream = Stream()
) -> bool:
    """Publish one event to ``recipient``; return False if JetStream had it already (a duplicate)."""
    ack = await js.publish(
        subject_for(recipient, stream),
        event,
        stream=stream.name,
        headers={"Nats-Msg-Id": f"{message_id}.{_token(recipient)}", "Content-Type": STRUCTURED_CONTENT_TYPE},
    )
    return not ack.duplicate


async def publish_views(
    js: JetStreamContext,
    views: Sequence[tuple[Sequence[str], bytes]],
    message: Message,
    *,
    at: dt.datetime,
    stream: Stream = Stream(),
) -> tuple[AgencyId, ...]:
    """Publish one event per recipient of each sealed view; return the recipients newly published to."""
    published = []
    for recipient, event in events_for(views, message, at=at):
        if await publish(js, recipient, event, str(message.id), stream):
            published.append(recipient)
    return tuple(published)


@attrs.define
class Consumed:
    """What one :func:`consume` did with the events it fetched."""

    accepted: int = 0
    rejected: int = 0
    replayed: int = 0
    refused: int = 0
    retry: int = 0


def durable_name(agency: str) -> str:
    """The durable consumer an agency reads its subject through."""
    return f"concernshare-{_token(agency)}"


async def consume(
    js: JetStreamContext,
    receiver: Receiver,
    *,
    clock: Callable[[], dt.datetime],
    batch: int = 10,
    timeout: float = 1.0,
    stream: Stream = Stream(),
    ack_wait: dt.timedelta = dt.timedelta(seconds=30),
    after_receive: Callable[[], None] | None = None,
) -> Consumed:
    """Fetch up to ``batch`` events addressed to ``receiver`` (waiting up to ``timeout`` seconds) and handle each.

    See the module for what is acknowledged when. ``after_receive`` is called
    after each event was received and answered, just before it is
    acknowledged (tests use it to stop a receiver there).
    """
    subscription = await js.pull_subscribe(
        subject_for(receiver.me, stream),
        durable=durable_name(receiver.me),
        stream=stream.name,
        config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=ack_wait.total_seconds()),
    )
    done = Consumed()
    try:
        messages = await subscription.fetch(batch, timeout=timeout)
    except TimeoutError:  # nothing to fetch (nats-py raises its own subclass, or asyncio's)
        return done
    for message in messages:
        try:
            event = from_event(message.data)
            outcome = deliver(event, receiver, at=clock())
        except EventRefused as error:
            LOGGER.warning("refused an event off the mapping: %s", error)
            done.refused += 1
            await message.term()
            continue
        except Replayed:
            done.replayed += 1
            await message.ack()
            continue
        except (SealError, AttributesDisagree) as error:
            LOGGER.warning("not accepted: %s", type(error).__name__)
            done.refused += 1
            await message.term()
            continue
        except StoreError:
            LOGGER.exception("the tracker failed; the event will be delivered again")
            done.retry += 1
            await message.nak(delay=5)
            continue
        if outcome.reply is not None:
            reply = from_event(outcome.reply)
            await publish(js, outcome.sender, outcome.reply, reply.id, stream)
        if after_receive is not None:
            after_receive()
        if outcome.accepted:
            done.accepted += 1
        else:
            done.rejected += 1
        await message.ack_sync()
    return done
