"""Throughput over MESH against the same work over the file transport, as ratios on one machine.

Issue 14, item 6. The same concern (the example health visitor's referral, a new id each time)
is sent to its three recipients and received by one of them (the MASH), N times:

- **file**: ``exchange.send`` writes each sealed view to a folder; the MASH reads each of its
  files and ``exchange.receive`` opens and records it.
- **MESH**: ``transport.mesh.send`` uploads each view to its recipient's mailbox of NHS England's
  mesh-sandbox on loopback (full MESH authentication, file store); the MASH's
  ``transport.mesh.poll`` lists, downloads, opens, records and acknowledges.

Both sides use SQLite trackers (WAL, ``synchronous=FULL``), so the difference is the transport.
Wall-clock time, messages per second, and MESH's rate as a fraction of the file transport's.

    .venv/bin/python benchmarks/bench_transport_mesh.py [--messages 200]

This is a measurement, not a test: it checks that every message arrived once and that the
inbox is empty at the end, never a time. Needs the test group (mesh-client, mesh-sandbox).
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import tempfile
import time
import uuid
from importlib.metadata import version
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "transport"))

from mesh_world import HV, MAILBOXES, MASH, POLICY, directory, private, settings, signed_directory  # noqa: E402

from concernshare import codec  # noqa: E402
from concernshare.crypto import keys  # noqa: E402
from concernshare.exchange import receive, send  # noqa: E402
from concernshare.records import Message  # noqa: E402
from concernshare.routing.rules import load_rules  # noqa: E402
from concernshare.stores import SQLiteStore  # noqa: E402
from concernshare.tracker import Tracker  # noqa: E402
from concernshare.transport import mesh  # noqa: E402
from concernshare.transport.mesh_sandbox import running_sandbox  # noqa: E402

EXAMPLES: Final = ROOT / "examples"


def _messages(count: int) -> list[Message]:
    raw = (EXAMPLES / "messages" / "01-concern-health-visitor-neglect.json").read_bytes()
    original = str(codec.loads(raw).id).encode()
    return [codec.loads(raw.replace(original, str(uuid.uuid4()).encode())) for _ in range(count)]


def _file(messages: list[Message], work: Path, signed: bytes) -> tuple[float, float]:
    now = dt.datetime.now(dt.UTC)
    trust, rules = directory(signed, now), load_rules((EXAMPLES / "routing" / "mash-front-door.json").read_bytes())
    outbox, sender, mash_keys = work / "outbox", Tracker(SQLiteStore(work / "hv.sqlite")), private(MASH)
    outbox.mkdir()
    started = time.perf_counter()
    for message in messages:
        sent = send(message, keys.signer_from(private(HV)), rules=rules, directory=trust, tracker=sender, at=now)
        for number, view in enumerate(sent.views):
            (
                outbox / f"{message.id}.{number}.{'-'.join(view.recipients).replace(':', '_').replace('/', '_')}"
            ).write_bytes(view.sealed)
    sending = time.perf_counter() - started
    store = SQLiteStore(work / "mash.sqlite")
    started = time.perf_counter()
    received = 0
    for path in sorted(outbox.glob("*la_E06000032_mash*")):
        result = receive(
            path.read_bytes(),
            keys.decrypters_from(mash_keys),
            keys.signer_from(mash_keys),
            me=MASH,
            directory=trust,
            store=store,
            tracker=Tracker(store),
            at=dt.datetime.now(dt.UTC),
            policy=POLICY,
        )
        received += result.message is not None
    receiving = time.perf_counter() - started
    if received != len(messages):
        raise SystemExit(f"the file transport delivered {received} of {len(messages)} messages")
    sender.store.close()
    store.close()
    return sending, receiving


def _mesh(messages: list[Message], work: Path, signed: bytes) -> tuple[float, float]:
    now = dt.datetime.now(dt.UTC)
    trust, rules = directory(signed, now), load_rules((EXAMPLES / "routing" / "mash-front-door.json").read_bytes())
    sender, mash_keys = Tracker(SQLiteStore(work / "hv-mesh.sqlite")), private(MASH)
    store = SQLiteStore(work / "mash-mesh.sqlite")
    with running_sandbox(MAILBOXES.values(), data=work / "sandbox") as sandbox:
        with mesh.connect(settings(sandbox, HV)) as client:
            started = time.perf_counter()
            for message in messages:
                mesh.send(
                    message,
                    keys.signer_from(private(HV)),
                    client=client,
                    rules=rules,
                    directory=trust,
                    tracker=sender,
                    at=now,
                )
            sending = time.perf_counter() - started
        with mesh.connect(settings(sandbox, MASH)) as client:
            started = time.perf_counter()
            polled = mesh.poll(
                client,
                keys.decrypters_from(mash_keys),
                keys.signer_from(mash_keys),
                me=MASH,
                directory=trust,
                store=store,
                tracker=Tracker(store),
                clock=lambda: dt.datetime.now(dt.UTC),
                policy=POLICY,
            )
            receiving = time.perf_counter() - started
            if [p.outcome for p in polled] != [mesh.Outcome.ACCEPTED] * len(messages) or client.list_messages():
                raise SystemExit("MESH did not deliver every message exactly once, or left the inbox not empty")
    sender.store.close()
    store.close()
    return sending, receiving


def main(argv: list[str] | None = None) -> int:
    """Run both, print messages per second and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200, help="how many concerns (default 200)")
    args = parser.parse_args(argv)
    messages = _messages(args.messages)
    signed = signed_directory(dt.datetime.now(dt.UTC))
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "file").mkdir()
        (work / "mesh").mkdir()
        file_send, file_receive = _file(messages, work / "file", signed)
        mesh_send, mesh_receive = _mesh(
            [codec.loads(codec.dumps(m)) for m in _messages(args.messages)], work / "mesh", signed
        )
    count = len(messages)
    print(
        f"{count} concerns, each sent to 3 agencies and received by 1; wall-clock time; Python "
        f"{platform.python_version()}, mesh-client {version('mesh-client')}, mesh-sandbox {version('mesh-sandbox')}"
    )
    print(f"{'':28}{'file msg/s':>12}{'MESH msg/s':>12}{'MESH / file':>13}")
    for name, on_file, on_mesh in (
        ("send (3 views each)", file_send, mesh_send),
        ("receive (one agency)", file_receive, mesh_receive),
    ):
        print(f"{name:28}{count / on_file:12.1f}{count / on_mesh:12.1f}{on_file / on_mesh:12.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
