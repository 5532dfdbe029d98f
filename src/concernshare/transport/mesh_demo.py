"""``concernshare demo --transport mesh``: the demo's story, each message carried by a real MESH API.

The demo starts NHS England's ``mesh-sandbox`` on loopback with a mailbox for
every agency, names each mailbox in the throwaway directory, and plays the
same steps as :func:`concernshare.demo.run`: each message is sent with
:func:`concernshare.transport.mesh.send` and each recipient reads its inbox
with :func:`concernshare.transport.mesh.poll`, which records and then
acknowledges. The sandbox is stopped at the end.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Final

from concernshare import demo
from concernshare._files import PUBLIC, write_file
from concernshare.chronology import build_chronology
from concernshare.chronology.export import to_html, to_json
from concernshare.crypto import keys
from concernshare.directory import MeshAddress, sign_directory
from concernshare.records import AgencyId, Message
from concernshare.stores import MemoryStore
from concernshare.testing.world import make_world
from concernshare.tracker import Tracker
from concernshare.transport import mesh
from concernshare.transport.mesh_sandbox import SANDBOX_PASSWORD, running_sandbox

__all__ = ["play"]

_WORKFLOW: Final = "CONCERNSHARE_DEMO"


def play(folder: Path, *, now: dt.datetime, say: Callable[[str], None]) -> demo.Played:
    """Play the demo's story over a MESH sandbox started (and stopped) here; report through ``say``.

    Raises :class:`~concernshare.transport.mesh_sandbox.SandboxUnavailable` if
    the sandbox cannot start, and :class:`~concernshare.transport.mesh.TransportError` if MESH fails.
    """
    folder.mkdir(parents=True, exist_ok=True)
    world = make_world(demo._AGENCIES, now=now, directory_id="demo-luton")
    mailboxes = {AgencyId(agency): f"CSDEMO{number:02d}" for number, agency in enumerate(world.agencies, 1)}
    directory = mesh.with_mailboxes(world.directory, {a: MeshAddress(mailbox=m, workflow=_WORKFLOW)
                                                      for a, m in mailboxes.items()})
    write_file(folder / "directory.jws", sign_directory(directory, keys.signer_from([world.authority])), mode=PUBLIC)
    trackers = {agency: Tracker(MemoryStore()) for agency in world.agencies}
    rules, story = demo._rules(), demo._story()
    opened: list[Message] = []
    refused: list[str] = []
    with running_sandbox(mailboxes.values()) as sandbox:
        say(f"A MESH sandbox on {sandbox.url} with a mailbox for each of {len(mailboxes)} agencies, named in the "
            f"signed directory: {folder / 'directory.jws'}")
        clients = {agency: mesh.connect(mesh.MeshSettings(url=sandbox.url, mailbox=mailbox, password=SANDBOX_PASSWORD,
                                                          shared_key=sandbox.shared_key, chunk_size=4096))
                   for agency, mailbox in mailboxes.items()}
        try:
            at = now
            for number, (title, prefixes) in enumerate(demo._STEPS, 1):
                say(f"\n{number}. {title}")
                for prefix in prefixes:
                    at += dt.timedelta(minutes=7)
                    message = demo._pick(story, prefix)
                    sender = world[message.sender.agency]
                    case = [m.id for m in opened
                            if m.subject.identifiers.nhs_number == message.subject.identifiers.nhs_number]
                    sent = mesh.send(message, sender.signer, client=clients[sender.id], rules=rules,
                                     directory=directory, tracker=trackers[sender.id], at=at,
                                     holders=trackers[sender.id].holders(case))
                    for recipient, mesh_id in sent.uploads.items():
                        received_at = at + dt.timedelta(minutes=1)
                        agency = world[recipient]
                        for polled in mesh.poll(clients[recipient], agency.decrypters, agency.signer, me=agency.id,
                                                directory=directory, store=trackers[recipient].store,
                                                tracker=trackers[recipient], policy=demo._POLICY,
                                                clock=itertools.repeat(received_at).__next__):
                            say(f"   {message.type} from {sender.id} uploaded as MESH {mesh_id} to "
                                f"{mailboxes[recipient]}; {recipient} polled it: {polled.outcome}")
                            if polled.message is None:
                                refused.append(f"{message.id} to {recipient}")
                            else:
                                opened.append(polled.message)
        finally:
            for client in clients.values():
                client.close()  # type: ignore[no-untyped-call]
    say(f"\nEvery inbox read and acknowledged; the sandbox is stopped. Health visiting's tracker lists "
        f"{len(trackers[demo.HV].overdue(at + dt.timedelta(days=3)))} overdue responses three days on.")
    chronology = build_chronology(opened, child=demo._KAI, generated=at)
    report = folder / "chronology-report.html"
    write_file(report, to_html(chronology).encode("utf-8"))
    write_file(folder / "chronology.json", to_json(chronology))
    say(f"Kai's chronology: {len(chronology.entries)} entries from {len(chronology.agencies)} agencies.\n"
        f"\nReport: {report}")
    if refused:
        say(f"\n{len(refused)} deliveries were not accepted: the demo did not play as it should")
    return demo.Played(report, tuple(refused))

