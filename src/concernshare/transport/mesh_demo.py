"""``concernshare demo --transport mesh``: the demo's story, each sealed view carried by a real MESH API.

:func:`mailboxes` starts NHS England's ``mesh-sandbox`` on loopback with a
mailbox for every agency of the story, names each mailbox in the directory,
and gives :func:`concernshare.demo.run` a ``carry`` function in place of a
direct call to ``receive``: the sender uploads the sealed view to the
recipient's mailbox, and the recipient reads its inbox with
:func:`concernshare.transport.mesh.poll`, which records and then
acknowledges. The sandbox is stopped when the demo ends.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from typing import Final

from concernshare.demo import Carry
from concernshare.directory import MeshAddress
from concernshare.exchange import Received
from concernshare.records import Message
from concernshare.sealing import OpenPolicy
from concernshare.testing.world import World
from concernshare.tracker import Tracker
from concernshare.transport import mesh
from concernshare.transport.mesh_sandbox import SANDBOX_PASSWORD, running_sandbox

__all__ = ["mailboxes"]

_WORKFLOW: Final = "CONCERNSHARE_DEMO"


@contextmanager
def mailboxes(
    world: World, trackers: Mapping[str, Tracker], policy: OpenPolicy, say: Callable[[str], None]
) -> Iterator[Carry]:
    """Run a MESH sandbox with a mailbox for every agency of ``world``; yield ``carry``; stop it at the end.

    Raises :class:`~concernshare.transport.mesh_sandbox.SandboxUnavailable` if
    the sandbox cannot start, and :class:`~concernshare.transport.mesh.TransportError` if MESH fails.
    """
    boxes = {agency: f"CSDEMO{number:02d}" for number, agency in enumerate(world.agencies, 1)}
    addresses = {agency: MeshAddress(mailbox=box, workflow=_WORKFLOW) for agency, box in boxes.items()}
    directory = mesh.with_mailboxes(world.directory, addresses)
    with running_sandbox(boxes.values()) as sandbox, ExitStack() as open_clients:
        say(f"A MESH sandbox on {sandbox.url} with a mailbox for each of {len(boxes)} agencies, named in the directory")
        clients = {}
        for agency, box in boxes.items():
            client = mesh.connect(
                mesh.MeshSettings(
                    url=sandbox.url,
                    mailbox=box,
                    password=SANDBOX_PASSWORD,
                    shared_key=sandbox.shared_key,
                    chunk_size=4096,
                )
            )
            open_clients.callback(client.close)
            clients[agency] = client

        def carry(sealed: bytes, message: Message, recipient: str, at: dt.datetime) -> Received:
            sender, agency = message.sender.agency, world[recipient]
            mesh_id = mesh._upload(clients[sender], addresses[recipient], sealed, mesh.local_id(message.id, recipient))
            polled = mesh.poll(
                clients[recipient],
                agency.decrypters,
                agency.signer,
                me=agency.id,
                directory=directory,
                store=trackers[recipient].store,
                tracker=trackers[recipient],
                policy=policy,
                clock=itertools.repeat(at).__next__,
            )
            for each in polled:
                say(
                    f"   {message.type} from {sender} uploaded as MESH {mesh_id} to {boxes[recipient]}; "
                    f"{recipient} polled it: {each.outcome}"
                )
            found = next((each.message for each in polled if each.message is not None), None)
            return Received(message=found, sender=sender)

        yield carry
    say("Every inbox read and acknowledged; the sandbox is stopped.")
