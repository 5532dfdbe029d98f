"""CloudEvents over NATS JetStream, against the real server on 127.0.0.1:4222 (``.ci/broker`` starts it).

Skipped when no NATS server answers, except under CI (the ``CI`` environment
variable set), where they fail.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

import nats
import pytest
from nats.js import JetStreamContext

from _cloudevents_world import HV, MASH, NOW, concern, event, receiver, sealed, world
from concernshare.testing.world import World
from concernshare.tracker import DeliveryState
from concernshare.transport.cloudevents import Receiver
from concernshare.transport.cloudevents_nats import Stream, consume, ensure_stream, publish, publish_views

URL = os.environ.get("CONCERNSHARE_TEST_NATS", "nats://127.0.0.1:4222")
LATER = NOW + dt.timedelta(minutes=1)
_T = TypeVar("_T")


class Crash(Exception):
    """The receiver dies between recording an event and acknowledging it."""


@asynccontextmanager
async def _broker() -> AsyncIterator[tuple[JetStreamContext, Stream]]:
    async def quiet(_error: Exception) -> None:
        """The test says what went wrong; the client need not print it too."""

    try:
        client = await asyncio.wait_for(
            nats.connect(URL, connect_timeout=2, allow_reconnect=False, max_reconnect_attempts=0, error_cb=quiet), 5
        )
    except (OSError, TimeoutError, nats.errors.Error) as error:
        message = f"no NATS server with JetStream answers on {URL} ({type(error).__name__}): run .ci/broker"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so this is not skipped: {message}")
        pytest.skip(message)
    tag = uuid.uuid4().hex[:12]
    stream = Stream(name=f"CSTEST_{tag}", prefix=f"cstest{tag}")
    js = client.jetstream()
    try:
        await ensure_stream(js, stream)
        yield js, stream
    finally:
        await js.delete_stream(stream.name)
        await client.close()


def _run(test: Callable[[JetStreamContext, Stream], Awaitable[_T]]) -> _T:
    async def main() -> _T:
        async with _broker() as (js, stream):
            return await test(js, stream)

    return asyncio.run(main())


@pytest.fixture(scope="module")
def made() -> World:
    """Keys and a directory for the health visitor, the MASH and the GP."""
    return world()


def _clock() -> dt.datetime:
    return LATER


def test_a_concern_travels_and_its_acknowledgement_comes_back(made: World) -> None:
    """Health visiting publishes; the MASH consumes, records and answers; health visiting records the answer."""
    message = concern()
    mash, hv = receiver(made, MASH), receiver(made, HV)
    hv.tracker.record_delivery(
        message_id=message.id,
        message_type="concern",
        sender=HV,
        recipient=MASH,
        sent_at=NOW,
        due=NOW + dt.timedelta(days=1),
        expects="acknowledgement",
    )

    async def test(js: JetStreamContext, stream: Stream) -> None:
        assert await publish_views(js, [((MASH,), sealed(made, message))], message, at=NOW, stream=stream) == (MASH,)
        received = await consume(js, mash, clock=_clock, stream=stream)
        assert (received.accepted, received.refused) == (1, 0)
        answered = await consume(js, hv, clock=_clock, stream=stream)
        assert answered.accepted == 1
        assert (await consume(js, mash, clock=_clock, stream=stream, timeout=0.3)).accepted == 0

    _run(test)
    assert [a.accepted for a in mash.tracker.store.arrivals(str(message.id))] == [True]
    (state,) = hv.tracker.status(message.id, at=LATER).deliveries
    assert state.state is DeliveryState.ANSWERED


def test_a_resend_within_the_window_is_dropped_by_jetstream(made: World) -> None:
    """The same message to the same recipient twice: JetStream keeps one (Nats-Msg-Id)."""
    message = concern()
    mash = receiver(made, MASH)

    async def test(js: JetStreamContext, stream: Stream) -> int:
        body = event(made, message)
        assert await publish(js, MASH, body, str(message.id), stream)
        assert not await publish(js, MASH, body, str(message.id), stream)
        return (await consume(js, mash, clock=_clock, stream=stream, timeout=0.5)).accepted

    assert _run(test) == 1


def test_a_receiver_killed_before_its_ack_loses_nothing_and_duplicates_nothing(made: World) -> None:
    """Recorded but not acknowledged: redelivered after ack_wait, refused as a replay and acknowledged; one arrival."""
    message = concern()
    mash = receiver(made, MASH)

    def crash() -> None:
        raise Crash

    async def test(js: JetStreamContext, stream: Stream) -> tuple[int, int, int]:
        await publish(js, MASH, event(made, message), str(message.id), stream)
        wait = dt.timedelta(seconds=1)
        with pytest.raises(Crash):
            await consume(js, mash, clock=_clock, stream=stream, ack_wait=wait, after_receive=crash)
        await asyncio.sleep(1.5)
        again = await consume(js, mash, clock=_clock, stream=stream, ack_wait=wait, timeout=3)
        await asyncio.sleep(1.5)
        after = await consume(js, mash, clock=_clock, stream=stream, ack_wait=wait, timeout=0.5)
        return again.replayed, again.accepted, after.replayed + after.accepted

    assert _run(test) == (1, 0, 0)
    assert len(mash.tracker.store.arrivals(str(message.id))) == 1


def _garbled(made: World) -> bytes:
    document = json.loads(event(made, concern()))
    text = document["data"]["ciphertext"]
    document["data"]["ciphertext"] = ("A" if text[0] != "A" else "B") + text[1:]
    return json.dumps(document).encode()


def test_forgeries_mismatches_and_strangers_are_terminated_unanswered(made: World) -> None:
    """A garbled event, one whose outside disagrees, and one that is no event: refused for good, no answer sent."""
    mash: Receiver = receiver(made, MASH)
    hv = receiver(made, HV)
    disagreeing = concern()

    async def test(js: JetStreamContext, stream: Stream) -> tuple[int, int, int]:
        wait = dt.timedelta(seconds=1)
        await publish(js, MASH, _garbled(made), str(uuid.uuid4()), stream)
        await publish(js, MASH, event(made, disagreeing, subject="decision"), str(disagreeing.id), stream)
        await publish(js, MASH, b'{"hello": "Kai"}', str(uuid.uuid4()), stream)
        first = await consume(js, mash, clock=_clock, stream=stream, ack_wait=wait)
        await asyncio.sleep(1.5)
        second = await consume(js, mash, clock=_clock, stream=stream, ack_wait=wait, timeout=0.5)
        answers = await consume(js, hv, clock=_clock, stream=stream, timeout=0.5)
        return first.refused, second.refused + second.accepted, answers.accepted + answers.rejected

    assert _run(test) == (3, 0, 0)
    assert mash.tracker.store.arrivals(str(disagreeing.id)) == ()
