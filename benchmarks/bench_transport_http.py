"""Throughput of delivery: sealed concerns sent and received over HTTP and NATS, against the file transport.

Issue 14, item 6. One realistic concern (``scenario.py``) to one recipient, the MASH,
``--messages`` times, each with its own id, one after another (a sender that waits for
each answer). Each row does the whole of one delivery and is timed end to end (wall time,
as a server on a thread and a broker are part of it), in messages per second:

1. **file**: ``sealing.seal`` by the sender; the sealed bytes written to a file in a folder
   and read back; ``exchange.receive`` into the MASH's SQLite tracker (what ``send`` and
   ``receive`` do on the command line, with no acknowledgement).
2. **file + acknowledgement**: the same, with the CloudEvents mapping in-process:
   ``to_event`` / ``from_event``, ``deliver`` at the MASH (which opens the message to check
   the event's attributes before ``receive``, and seals the accepted acknowledgement), and
   ``deliver`` of that acknowledgement into the sender's tracker. The protocol's work,
   with no transport.
3. **HTTP**: row 2 through a real front door: the event POSTed (httpx2) to the MASH's door
   (Starlette on uvicorn, on a loopback port, on a thread of this process, its SQLite
   tracker on its worker thread); the acknowledgement comes back in the answer.
4. **NATS JetStream**: row 2 through the broker on 127.0.0.1:4222 (``.ci/broker``): the
   event published, fetched by the MASH's durable consumer, delivered, the acknowledgement
   published back and fetched by the sender's consumer; each acknowledged after it was
   recorded. Skipped, and said so, when no broker answers.

Every row ends with the MASH's tracker holding one arrival per message (checked). The
ratios are each row's throughput over the file row's, on the same machine in one run.

    .venv/bin/python benchmarks/bench_transport_http.py [--messages 100] [--rounds 5]

The rows take turns, ``--rounds`` times, and each keeps its best round: the machine's other
work (and the disk's flushes: every row's tracker is SQLite with ``synchronous=FULL``)
disturbs single runs.

A measurement, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import scenario
from benchmarks.scenario import RECEIVED, RECIPIENTS, SENDER, SENT
from concernshare.exchange import receive
from concernshare.records import Message
from concernshare.sealing import seal
from concernshare.serve.app import FrontDoor, create_app
from concernshare.serve.run import running
from concernshare.stores import MemoryStore, SQLiteStore
from concernshare.testing.world import World
from concernshare.tracker import Tracker
from concernshare.transport.cloudevents import Receiver, deliver, from_event, to_event
from concernshare.transport.cloudevents_http import client, send_over_http

MASH = RECIPIENTS[0]


def _receiver(world: World, agency: str, tracker: Tracker) -> Receiver:
    keys = world[agency]
    return Receiver(
        me=keys.id, decrypters=keys.decrypters, signer=keys.signer, directory=world.directory, tracker=tracker
    )


def _messages(count: int) -> list[Message]:
    one = attrs.evolve(scenario.concern(), recipients=(MASH,))
    return [attrs.evolve(one, id=uuid.uuid4()) for _ in range(count)]


def _timed(run: Callable[[], int], count: int) -> float:
    start = time.perf_counter()
    arrived = run()
    elapsed = time.perf_counter() - start
    if arrived != count:
        raise SystemExit(f"only {arrived} of {count} messages arrived")
    return count / elapsed


def file_row(world: World, messages: list[Message], folder: Path) -> int:
    store = SQLiteStore(folder / "file-mash.db")
    tracker = Tracker(store)
    mash = world[MASH]
    for message in messages:
        path = folder / f"{message.id}.sealed.json"
        path.write_bytes(seal(message, world[SENDER].signer, directory=world.directory, now=SENT))
        receive(
            path.read_bytes(),
            mash.decrypters,
            mash.signer,
            me=mash.id,
            directory=world.directory,
            store=store,
            tracker=tracker,
            at=RECEIVED,
        )
    arrived = len(store.received(MASH, "concern"))
    store.close()
    return arrived


def in_process_row(world: World, messages: list[Message], folder: Path) -> int:
    store = SQLiteStore(folder / "ack-mash.db")
    mash, hv = _receiver(world, MASH, Tracker(store)), _receiver(world, SENDER, Tracker(MemoryStore()))
    for message in messages:
        sealed = seal(message, world[SENDER].signer, directory=world.directory, now=SENT)
        event = to_event(sealed, source=SENDER, subject=message.type, id=message.id, time=SENT)
        outcome = deliver(from_event(event), mash, at=RECEIVED)
        assert outcome.reply is not None  # noqa: S101  (the MASH owes an acknowledgement)
        deliver(from_event(outcome.reply), hv, at=RECEIVED)
    arrived = len(store.received(MASH, "concern"))
    store.close()
    return arrived


def http_row(world: World, messages: list[Message], folder: Path) -> int:
    path = folder / "http-mash.db"
    hv = _receiver(world, SENDER, Tracker(MemoryStore()))
    app = create_app(
        FrontDoor(open_receiver=lambda: _receiver(world, MASH, Tracker(SQLiteStore(path))), clock=lambda: RECEIVED)
    )
    with running(app) as url, client() as http:
        for message in messages:
            sealed = seal(message, world[SENDER].signer, directory=world.directory, now=SENT)
            send_over_http([((MASH,), sealed)], message, {MASH: f"{url}/events"}, sender=hv, at=RECEIVED, http=http)
    store = SQLiteStore(path)
    arrived = len(store.received(MASH, "concern"))
    store.close()
    return arrived


def nats_row(world: World, messages: list[Message], folder: Path) -> int:
    import nats  # noqa: PLC0415  (the nats extra)

    from concernshare.transport.cloudevents_nats import Stream, consume, ensure_stream, publish_views  # noqa: PLC0415

    store = SQLiteStore(folder / "nats-mash.db")
    mash, hv = _receiver(world, MASH, Tracker(store)), _receiver(world, SENDER, Tracker(MemoryStore()))

    async def run() -> None:
        connection = await asyncio.wait_for(nats.connect("nats://127.0.0.1:4222", allow_reconnect=False), 5)
        tag = uuid.uuid4().hex[:10]
        stream = Stream(name=f"CSBENCH_{tag}", prefix=f"csbench{tag}")
        js = connection.jetstream()
        await ensure_stream(js, stream)
        try:
            for message in messages:
                sealed = seal(message, world[SENDER].signer, directory=world.directory, now=SENT)
                await publish_views(js, [((MASH,), sealed)], message, at=SENT, stream=stream)
                await consume(js, mash, clock=lambda: RECEIVED, batch=1, stream=stream)
                await consume(js, hv, clock=lambda: RECEIVED, batch=1, stream=stream)
        finally:
            await js.delete_stream(stream.name)
            await connection.close()

    asyncio.run(run())
    arrived = len(store.received(MASH, "concern"))
    store.close()
    return arrived


def main(argv: list[str] | None = None) -> int:
    """Run every row once, in turn; print messages per second and each row's ratio to the file row."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100, help="messages per row and round (default 100)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds, the rows taking turns; the best is kept")
    args = parser.parse_args(argv)
    world = scenario.world("Ed25519+X25519")
    rows: dict[str, Callable[[World, list[Message], Path], int]] = {
        "file": file_row,
        "file + acknowledgement": in_process_row,
        "HTTP (front door)": http_row,
        "NATS JetStream": nats_row,
    }
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}; concernshare "
        f"{version('concernshare')}; uvicorn {version('uvicorn')}, starlette {version('starlette')}, "
        f"httpx2 {version('httpx2')}, nats-py {version('nats-py')}; {args.messages} messages a row, "
        f"best of {args.rounds} rounds, wall time"
    )
    results: dict[str, float] = {}
    skipped: set[str] = set()
    with tempfile.TemporaryDirectory() as temporary:
        for round_ in range(args.rounds):
            for name, row in rows.items():
                if name in skipped:
                    continue
                folder = Path(temporary) / f"{round_}-{list(rows).index(name)}"
                folder.mkdir()
                try:
                    rate = _timed(
                        lambda row=row, folder=folder: row(world, _messages(args.messages), folder), args.messages
                    )
                except (OSError, TimeoutError) as error:
                    print(f"{name}: skipped ({type(error).__name__}: is the broker running? .ci/broker starts it)")
                    skipped.add(name)
                    continue
                results[name] = max(rate, results.get(name, 0.0))
    base = results["file"]
    print(f"\n{'row':<26}{'messages/s':>12}{'ratio to file':>16}")
    for name, rate in results.items():
        print(f"{name:<26}{rate:>12.0f}{rate / base:>15.2f}x")
    short = {
        "file": "file",
        "file + acknowledgement": "in-process",
        "HTTP (front door)": "http",
        "NATS JetStream": "nats",
    }
    print(" ".join(f"{short[name]} {rate / base:.2f}x" for name, rate in results.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
