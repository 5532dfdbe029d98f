"""Send and receive one realistic concern to three recipients, with concernshare, the floor and the peer stacks.

    .venv/bin/python -m benchmarks [--suite ES256+P-256] [--repeat 20] [--bulk 100000] [--clock wall] [--profile]

Send starts from the typed record: validate, encode, sign, encrypt (concernshare:
``sealing.seal``). Receive: decrypt, verify, parse, validate, build the typed
records, refuse a replay (concernshare: ``sealing.open_sealed`` with an in-memory
store; the SQLite store on its own line). Every row receives distinct messages, from
a pool of 1,500 sealed beforehand, as a receiver does. Each figure is the best of many short
``timeit`` loops, the rows taking turns, in microseconds per message (CPU time by
default), with its ratio to the floor (see floor.py). Peak memory is the Python
heap's peak (tracemalloc) over 50 sends and receives, which libraries' native
allocations do not show. Then bulk validation (see bulk.py). The last two lines
give concernshare's ratios to the floor and to the tight floor.

Before timing, every row is checked to round-trip the message, and concernshare
to open what the bare JOSE row seals. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import platform
import pstats
import sys
import tempfile
import time
import timeit
import tracemalloc
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any, Final

from benchmarks import bulk, peers, scenario
from benchmarks.floor import BareJose, Floor, TightFloor
from benchmarks.scenario import RECEIVED, RECIPIENTS, SENDER, SENT, Pool
from concernshare import codec, sealing
from concernshare.stores import MemoryStore, SQLiteStore
from concernshare.testing.world import World

Operation = Callable[[], object]
CLOCKS: Final = {"cpu": time.process_time, "wall": time.perf_counter}
AIMS: Final = {"send": 1.15, "receive": 1.3, "bulk": 4.0}  # against the tight floor; bulk against its own baseline
AHEAD: Final = 1.4  # receive: the best peer stack takes at least this many times concernshare's time
TIGHT: Final = "tight floor (JOSE + jsonschema-rs)"
POOL: Final = 1500  # distinct sealed messages per row, opened in turn, as a receiver opens them


class Concernshare:
    """``sealing.seal`` and ``sealing.open_sealed``; a replay store that is reset when the pool comes round."""

    def __init__(self, world: World, store: str, folder: Path) -> None:
        self.world, self.folder, self.kind = world, folder, store
        self.signer = world[SENDER].signer
        self.decrypters = world[RECIPIENTS[0]].decrypters
        self.message = scenario.concern()
        self.store: Any = None
        self.reset()

    def reset(self) -> None:
        """A fresh store."""
        if self.kind == "memory":
            self.store = MemoryStore()
            return
        if self.store is not None:
            self.store.close()
        for leftover in self.folder.glob("replay.db*"):
            leftover.unlink()
        self.store = SQLiteStore(self.folder / "replay.db")

    def send(self, message: Any = None) -> bytes:
        return sealing.seal(message or self.message, self.signer, directory=self.world.directory, now=SENT)

    def receive(self, sealed: bytes) -> Any:
        return sealing.open_sealed(
            sealed, self.decrypters, me=RECIPIENTS[0], directory=self.world.directory, store=self.store, now=RECEIVED
        )


def rows(world: World, folder: Path) -> dict[str, tuple[Operation | None, Operation]]:
    """Every row's (send, receive) operation; receive opens a document sealed beforehand.

    Checks first that each row round-trips the message; raises SystemExit if one does not.
    """
    document = scenario.document_with_id(scenario.concern_document(), 0)
    floor = Floor(world)
    bare = BareJose(floor, world)
    tight = TightFloor(bare)
    memory = Concernshare(world, "memory", folder)
    durable = Concernshare(world, "sqlite", folder)
    sealed_floor, sealed_bare = floor.send(document), bare.send(document)
    if floor.receive(sealed_floor) != document or bare.receive(sealed_bare) != document:
        raise SystemExit("the floor does not round-trip the message")
    if tight.receive(tight.send(document)) != document:
        raise SystemExit("the tight floor does not round-trip the message")
    opened = memory.receive(bare.send({**document, "sent": "2026-11-25T09:00:00Z"}))
    if opened.message.subject != memory.message.subject:
        raise SystemExit("concernshare does not open what the bare JOSE row seals")
    memory.reset()
    sealed = [memory.send(m) for m in scenario.distinct(memory.message, POOL)]
    memory_pool, durable_pool = Pool(sealed, memory.reset), Pool(sealed, durable.reset)
    documents = [scenario.document_with_id(document, number) for number in range(POOL)]
    floor_pool = Pool([floor.send(d) for d in documents], lambda: None)
    bare_pool = Pool([bare.send(d) for d in documents], lambda: None)
    tight_pool = Pool([tight.send(d) for d in documents], lambda: None)
    result: dict[str, tuple[Operation | None, Operation]] = {
        "floor (cryptography + json)": (lambda: floor.send(document), lambda: floor.receive(floor_pool.take())),
        "floor + JOSE format (stdlib)": (lambda: bare.send(document), lambda: bare.receive(bare_pool.take())),
        TIGHT: (lambda: tight.send(document), lambda: tight.receive(tight_pool.take())),
        "concernshare": (memory.send, lambda: memory.receive(memory_pool.take())),
        "concernshare, SQLite store": (None, lambda: durable.receive(durable_pool.take())),
    }
    for stack in peers.peer_stacks(world, memory.message):
        built = stack.receive(stack.send())
        if str(getattr(built, "id", "")) != str(memory.message.id):
            raise SystemExit(f"{stack.name} does not round-trip the message")
        pool = Pool([stack.send(r) for r in stack.distinct(POOL)], stack.seen.clear)
        result[stack.name] = (stack.send, lambda stack=stack, pool=pool: stack.receive(pool.take()))
    return result


def best_us(operations: dict[tuple[str, str], Operation], repeat: int, clock: Callable[[], float]) -> dict[Any, float]:
    """Microseconds per call: the best of ``repeat`` timeit loops of about 25 ms each, the operations taking turns.

    Taking turns spreads a burst of load on the machine over every row alike;
    short loops, many of them, give the best a chance to fall in a quiet moment.
    """
    timers = {name: timeit.Timer(operation, timer=clock) for name, operation in operations.items()}
    numbers = {name: max(1, timer.autorange()[0] // 8) for name, timer in timers.items()}
    best = dict.fromkeys(operations, float("inf"))
    for _ in range(repeat):
        for name, timer in timers.items():
            best[name] = min(best[name], timer.timeit(numbers[name]) / numbers[name] * 1e6)
    return best


def peak_kib(send: Operation | None, receive: Operation, count: int = 50) -> float:
    """The Python heap's peak over ``count`` sends and receives, in KiB above where it started."""
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    for _ in range(count):
        if send is not None:
            send()
        receive()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - start) / 1024


def profile(operations: dict[str, Operation], calls: int = 1000) -> None:
    """A cProfile of ``calls`` runs of each operation, by own time."""
    for name, operation in operations.items():
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(calls):
            operation()
        profiler.disable()
        print(f"\ncProfile of {calls} runs of {name}, by own time:")
        pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats("tottime").print_stats(18)


def _ratio(value: float, floor: float) -> str:
    return f"{value / floor:7.2f}x"


def main(argv: list[str] | None = None) -> int:
    """Run everything and print the table; the last line is ``send N.NNx receive N.NNx of the tight floor``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=list(scenario.SUITES), default="Ed25519+X25519")
    parser.add_argument("--repeat", type=int, default=20, help="timeit loops per row; the best is kept (default 20)")
    parser.add_argument(
        "--bulk",
        type=int,
        default=100_000,
        metavar="N",
        help="messages for bulk validation (default 100000; 0 skips it)",
    )
    parser.add_argument(
        "--clock",
        choices=list(CLOCKS),
        default="cpu",
        help="cpu: process time, which a busy machine disturbs less (default); wall: perf_counter",
    )
    parser.add_argument("--profile", action="store_true", help="also profile concernshare's send and receive")
    args = parser.parse_args(argv)

    world = scenario.world(args.suite)
    with tempfile.TemporaryDirectory(prefix="concernshare-bench-") as temporary:
        folder = Path(temporary)
        compared = rows(world, folder)
        size = len(codec.dumps(scenario.concern()))
        print(
            f"concernshare benchmark: one concern ({size:,} bytes), {args.suite}, sealed to "
            f"{len(RECIPIENTS)} recipients and opened by one"
        )
        print(
            f"Python {platform.python_version()}, {platform.machine()}, cryptography {version('cryptography')}, "
            f"{peers.versions()}"
        )
        print(f"best of {args.repeat} timeit loops a row, {args.clock} time; peak: Python heap (tracemalloc)\n")
        operations = {
            (name, side): operation
            for name, pair in compared.items()
            for side, operation in zip(("send", "receive"), pair, strict=True)
            if operation is not None
        }
        timings = best_us(operations, args.repeat, CLOCKS[args.clock])
        floor = {side: timings["floor (cryptography + json)", side] for side in ("send", "receive")}
        print(f"{'':38} {'send µs':>9} {'x floor':>8} {'receive µs':>11} {'x floor':>8} {'peak KiB':>9}")
        for name, (send, receive) in compared.items():
            sent = (
                f"{timings[name, 'send']:9.1f} {_ratio(timings[name, 'send'], floor['send'])}"
                if send is not None
                else f"{'':9} {'':8}"
            )
            print(
                f"{name:38} {sent} {timings[name, 'receive']:11.1f} "
                f"{_ratio(timings[name, 'receive'], floor['receive'])} {peak_kib(send, receive):9.0f}"
            )
        ratios = {side: timings["concernshare", side] / floor[side] for side in ("send", "receive")}
        tight_ratios = {side: timings["concernshare", side] / timings[TIGHT, side] for side in ("send", "receive")}
        peer_names = [name for name in compared if name.startswith(("jwcrypto", "joserfc"))]
        peer_best = {side: min(timings[name, side] for name in peer_names) for side in ("send", "receive")}
        ahead = {side: peer_best[side] / timings["concernshare", side] for side in ("send", "receive")}
        print()
        for side in ("send", "receive"):
            met = tight_ratios[side] <= AIMS[side]
            print(
                f"aim: {side} <= {AIMS[side]:.2f}x the tight floor: {tight_ratios[side]:.2f}x "
                f"({'met' if met else 'NOT met'}); the best peer stack takes {ahead[side]:.2f}x concernshare's time"
            )
        print(
            f"aim: receive ahead of every peer stack by >= {AHEAD:.1f}x: {ahead['receive']:.2f}x "
            f"({'met' if ahead['receive'] >= AHEAD else 'NOT met'})"
        )
        if args.bulk:
            path = folder / "messages.jsonl"
            file_size = bulk.write_lines(path, args.bulk)
            results = bulk.measure(path)
            print(
                f"\nbulk validation: {args.bulk:,} messages as JSON Lines ({file_size / 1e6:.0f} MB), "
                "each side a child process; CPU time per message, peak resident memory"
            )
            baseline = results["json.loads of each line"][0]
            print(f"{'':38} {'µs/msg':>9} {'x loads':>8} {'msg/s':>11} {'':8} {'peak MiB':>9}")
            for name, (cpu, _wall, peak) in results.items():
                print(
                    f"{name:38} {cpu / args.bulk * 1e6:9.1f} {_ratio(cpu, baseline)} "
                    f"{args.bulk / cpu:11,.0f} {'':8} {peak / 2**20:9.0f}"
                )
            ratio = results["concernshare validate --jsonl"][0] / results[bulk.SCHEMA_BASELINE][0]
            print(
                f"\naim: bulk validation <= {AIMS['bulk']:.0f}x json.loads + jsonschema-rs of the same lines: "
                f"{ratio:.2f}x ({'met' if ratio <= AIMS['bulk'] else 'NOT met'})"
            )
        if args.profile:
            send, receive = compared["concernshare"]
            assert send is not None  # noqa: S101  (concernshare's row sends)
            profile({"concernshare send": send, "concernshare receive": receive})
    print(f"send {ratios['send']:.2f}x receive {ratios['receive']:.2f}x of the floor")
    print(f"send {tight_ratios['send']:.2f}x receive {tight_ratios['receive']:.2f}x of the tight floor")
    return 0
