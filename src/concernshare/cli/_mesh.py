"""``concernshare mesh send`` and ``concernshare mesh poll``: delivery over NHS England's MESH."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from concernshare.cli._inputs import (
    EXIT_OK,
    add_receiving_arguments,
    add_send_arguments,
    add_status_argument,
    agency_of,
    load_directory,
    now,
    open_policy,
    read_bytes,
    read_private,
)
from concernshare.crypto import keys
from concernshare.errors import InvalidDocument, UsageError
from concernshare.routing.rules import load_rules
from concernshare.stores import SQLiteStore
from concernshare.tracker import Tracker
from concernshare.validation import validate

if TYPE_CHECKING:
    from types import ModuleType

__all__ = ["register"]

_SETTINGS_HELP = (
    "a TOML file with a [mesh] table (url, mailbox, password, shared_key, client_cert, client_key, "
    "ca_bundle, chunk_size); each may instead come from CONCERNSHARE_MESH_<NAME>"
)


def register(commands: Any) -> None:
    """Add the mesh command and its send and poll actions."""
    parser = commands.add_parser("mesh", help="send to and poll a MESH mailbox")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    sender = actions.add_parser(
        "send",
        help="route, seal and upload each view to its recipient's MESH mailbox; record each delivery",
        description="Route the message, seal each recipient's view and upload it to the MESH mailbox the directory "
        "names for that recipient; each delivery is recorded in the tracker after its upload. Sending again "
        "uploads nothing twice.",
    )
    add_send_arguments(sender)
    sender.add_argument("--settings", metavar="TOML", help=_SETTINGS_HELP)
    sender.set_defaults(run=_send)
    poller = actions.add_parser(
        "poll",
        help="open, record and acknowledge every message in the MESH inbox; print one line per message",
        description="Read the inbox; open each message with every trust check, record it in the tracker, then "
        "acknowledge it in MESH. Rejections owed go back over MESH; non-delivery reports mark deliveries failed.",
    )
    add_receiving_arguments(poller)
    poller.add_argument("--settings", metavar="TOML", help=_SETTINGS_HELP)
    add_status_argument(poller)
    poller.set_defaults(run=_poll)


def _mesh() -> ModuleType:
    try:
        from concernshare.transport import mesh  # noqa: PLC0415  (mesh-client is an optional dependency)
    except ImportError:
        raise UsageError("concernshare mesh: needs the mesh extra: pip install 'concernshare[mesh]'") from None
    return mesh


def _send(args: argparse.Namespace, out: IO[str], err: IO[str], _stdin: IO[bytes]) -> int:
    mesh = _mesh()
    message = validate(read_bytes(args.message, "message"))
    try:
        rules = load_rules(read_bytes(args.rules, "rules"))
    except InvalidDocument as error:
        raise UsageError(f"concernshare: the rules in {args.rules} are refused: {error}") from None
    settings = mesh.load_settings(Path(args.settings) if args.settings else None)
    signer = keys.signer_from(read_private(args.key))
    tracker = Tracker(SQLiteStore(args.tracker))
    try:
        with mesh.connect(settings) as client:
            sent = mesh.send(
                message, signer, client=client, rules=rules, directory=load_directory(args), tracker=tracker, at=now()
            )
    finally:
        tracker.store.close()
    for recipient, mesh_id in sent.uploads.items():
        err.write(f"uploaded for {recipient}: MESH message {mesh_id}\n")
    for recipient in sent.skipped:
        err.write(f"already uploaded for {recipient}: nothing sent again\n")
    out.write(json.dumps(sent.sent.plan.to_json(), indent=2, default=str) + "\n")
    return EXIT_OK


def _poll(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    mesh = _mesh()
    private = read_private(args.key)
    settings = mesh.load_settings(Path(args.settings) if args.settings else None)
    store = SQLiteStore(args.tracker)
    try:
        directory = load_directory(args, store)
        with mesh.connect(settings) as client:
            polled = mesh.poll(
                client,
                keys.decrypters_from(private),
                keys.signer_from(private),
                me=agency_of(directory, private),
                directory=directory,
                store=store,
                tracker=Tracker(store),
                clock=lambda: dt.datetime.now(dt.UTC),
                policy=open_policy(args.accept_status),
            )
    finally:
        store.close()
    for one in polled:
        out.write(
            json.dumps(
                {
                    "mesh_id": one.mesh_id,
                    "outcome": one.outcome.value,
                    "message_id": one.message_id,
                    "agency": one.sender,
                    "detail": one.detail,
                }
            )
            + "\n"
        )
    return EXIT_OK
