"""A small world for the transport and front-door tests: a health visitor, a MASH and a GP, each with a tracker."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import attrs

from concernshare import codec
from concernshare.records import AgencyId, Message, RecipientRole, Status
from concernshare.sealing import OpenPolicy, seal
from concernshare.stores import MemoryStore
from concernshare.testing.world import World, make_world
from concernshare.tracker import Tracker
from concernshare.transport.cloudevents import Receiver, to_event

MESSAGES = Path(__file__).parent.parent / "examples" / "messages"
#: Wednesday 25 November 2026, 10:00 GMT.
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
HV, MASH, GP = AgencyId("ods:Y99HV/health-visiting"), AgencyId("la:E06000032/mash"), AgencyId("ods:Y99GP")
POLICY = OpenPolicy(accept_status=frozenset({Status.ACTUAL, Status.EXERCISE}))
#: Words of the example concern that must never appear outside the ciphertext.
PERSONAL = ("Kai", "Ashdown", "Whitlock", "9990000026", "Example Close", "LU9 9ZZ")


def world(now: dt.datetime = NOW) -> World:
    """Fresh keys for the three agencies and a directory naming them."""
    return make_world(
        {HV: [RecipientRole.HEALTH_VISITING], MASH: [RecipientRole.MASH], GP: [RecipientRole.GP]}, now=now
    )


def receiver(made: World, agency: str, tracker: Tracker | None = None) -> Receiver:
    """The receiving side of ``agency``, with a tracker in memory unless one is given."""
    keys = made[agency]
    return Receiver(
        me=keys.id,
        decrypters=keys.decrypters,
        signer=keys.signer,
        directory=made.directory,
        tracker=tracker or Tracker(MemoryStore()),
        policy=POLICY,
    )


def concern(**changes: Any) -> Message:
    """The example neglect concern, from health visiting to the MASH, as a fresh draft (a new id)."""
    document = json.loads((MESSAGES / "01-concern-health-visitor-neglect.json").read_text(encoding="utf-8"))
    del document["sent"]
    document.update(id=str(uuid.uuid4()), created="2026-11-25T09:55:00Z", recipients=[MASH])
    document.update(changes)
    return codec.loads(json.dumps(document))


def sealed(made: World, message: Message, at: dt.datetime = NOW) -> bytes:
    """``message`` sealed by its sender."""
    return seal(message, made[message.sender.agency].signer, directory=made.directory, now=at)


def event(made: World, message: Message, at: dt.datetime = NOW, **outside: str) -> bytes:
    """``message`` sealed and wrapped as a CloudEvent; ``outside`` overrides source, subject or id."""
    attributes = {"source": message.sender.agency, "subject": message.type, "id": str(message.id)} | outside
    return to_event(sealed(made, message, at), time=at, **attributes)


def with_status(message: Message, status: Status) -> Message:
    """``message`` with another status."""
    return attrs.evolve(message, status=status)


def write_agency(made: World, agency: str, folder: Path, **settings: str | int) -> Path:
    """Write ``agency``'s key, the directory and the authority key into ``folder``, and a config naming them."""
    from concernshare.crypto import keys  # noqa: PLC0415

    folder.mkdir(parents=True, exist_ok=True)
    keys.write_private_jwk_set(folder / "agency.private.jwks", [made[agency].signing, made[agency].encryption])
    (folder / "directory.jws").write_bytes(made.signed_directory)
    (folder / "authority.public.jwks").write_bytes(keys.dumps_public_jwk_set([made.authority.public]))
    lines = [
        "[serve]",
        'key = "agency.private.jwks"',
        'directory = "directory.jws"',
        'authority = "authority.public.jwks"',
        'tracker = "tracker.db"',
    ]
    lines += [f"{name} = {json.dumps(value)}" for name, value in settings.items()]
    config = folder / "serve.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config
