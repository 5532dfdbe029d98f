"""The demo over HTTP: a front door for every agency of the story, served by uvicorn on loopback.

:func:`front_doors` mounts one front door per agency (``/<agency>/events``)
in one application, serves it on a free loopback port for as long as the demo
runs, and gives the demo a ``carry`` function in place of a direct call to
``receive``: it POSTs the sealed view as a CloudEvent to the recipient's door,
and records the door's sealed answer in the sender's tracker. Nothing leaves
the machine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from starlette.applications import Starlette
from starlette.routing import Mount

from concernshare.demo import Carry
from concernshare.errors import Problem
from concernshare.exchange import Received
from concernshare.records import AcknowledgementBody, AcknowledgementOutcome, AgencyId, Message
from concernshare.sealing import OpenPolicy
from concernshare.serve.app import FrontDoor, close, create_app
from concernshare.serve.run import running
from concernshare.testing.world import World
from concernshare.tracker import Tracker
from concernshare.transport.cloudevents import Receiver, deliver, from_event, to_event
from concernshare.transport.cloudevents_http import client, post

__all__ = ["front_doors"]


def _path(agency: str) -> str:
    return "".join(c if c.isalnum() or c == "-" else "_" for c in agency)


@contextmanager
def front_doors(
    world: World, trackers: Mapping[str, Tracker], policy: OpenPolicy, say: Callable[[str], None]
) -> Iterator[Carry]:
    """Serve a front door for every agency of ``world``, each recording in its own tracker; yield ``carry``."""
    now: list[dt.datetime] = [world.now]
    opened: dict[tuple[str, str], Message] = {}

    def receiver(agency: str) -> Receiver:
        keys = world[agency]
        return Receiver(
            me=keys.id,
            decrypters=keys.decrypters,
            signer=keys.signer,
            directory=world.directory,
            tracker=trackers[agency],
            policy=policy,
        )

    def keep(agency: str) -> Callable[[Message], None]:
        return lambda message: opened.__setitem__((agency, str(message.id)), message)

    def opener(agency: str) -> Callable[[], Receiver]:
        return lambda: receiver(agency)

    apps = {
        agency: create_app(FrontDoor(open_receiver=opener(agency), clock=lambda: now[0], on_accepted=keep(agency)))
        for agency in world.agencies
    }
    root = Starlette(routes=[Mount(f"/{_path(agency)}", app=app) for agency, app in apps.items()])
    try:
        with running(root) as url, client() as http:
            say(f"Front doors for every agency on {url}/<agency>/events (CloudEvents over HTTP, loopback only)")

            def carry(sealed: bytes, message: Message, recipient: str, at: dt.datetime) -> Received:
                now[0] = at
                event = to_event(sealed, source=message.sender.agency, subject=message.type, id=message.id, time=at)
                answer = post(f"{url}/{_path(recipient)}/events", event, http=http)
                if answer is not None:
                    outcome = deliver(from_event(answer), receiver(message.sender.agency), at=at)
                    body = outcome.message.body if outcome.message else None
                    if isinstance(body, AcknowledgementBody) and body.outcome is AcknowledgementOutcome.REJECTED:
                        return Received(
                            message=None,
                            sender=AgencyId(recipient),
                            problems=tuple(
                                Problem(pointer=p.pointer, code=p.code, message="refused by the recipient")
                                for p in body.problems
                            ),
                        )
                found = opened.get((recipient, str(message.id)))
                return Received(message=found, sender=message.sender.agency)

            yield carry
    finally:
        for app in apps.values():
            close(app)
