"""``concernshare route``, ``send``, ``receive`` and ``track``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import IO, Any

import attrs

from concernshare import codec
from concernshare._files import leftovers, output_folder, write_file
from concernshare.cli._inputs import (
    EXIT_INVALID,
    EXIT_OK,
    add_directory_arguments,
    add_receiving_arguments,
    add_send_arguments,
    add_status_argument,
    add_tracker_argument,
    agency_of,
    hand_out,
    load_directory,
    now,
    open_policy,
    parse_time,
    read_bytes,
    read_private,
    tracker_store,
)
from concernshare.crypto import keys
from concernshare.errors import InvalidDocument, UsageError
from concernshare.exchange import Received, receiving, record_sent, seal_views
from concernshare.records.types import utc_text
from concernshare.routing.plan import route
from concernshare.routing.rules import RuleSet, load_rules
from concernshare.stores.facts import NonShareReason
from concernshare.tracker import Tracker
from concernshare.validation import validate

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the route, send, receive and track commands."""
    router = commands.add_parser(
        "route",
        help="show who would receive a message, in which view, by when, and why",
        description="Route a message and print the plan as JSON: "
        '{"deliveries": [{"recipient", "view", "due", "rules", "reason"}]}.',
    )
    router.add_argument("message", metavar="MESSAGE")
    router.add_argument("--rules", required=True, metavar="RULES")
    add_directory_arguments(router)
    router.add_argument("--at", metavar="RFC3339", help="route as at this time (default: now)")
    router.set_defaults(run=_route)

    sender = commands.add_parser(
        "send",
        help="route, redact, seal and record a message",
        description="Route the message, build each recipient's view, seal each view to its recipients, write one "
        "sealed file per view into --out and record the deliveries in the tracker.",
    )
    add_send_arguments(sender)
    sender.add_argument("--out", required=True, metavar="DIR")
    sender.add_argument("--passes-on", metavar="MESSAGE_ID", help="the id of a message this one passes on")
    sender.set_defaults(run=_send)

    receiver = commands.add_parser(
        "receive",
        help="open, check and record a sealed message; print it",
        description="Open the sealed message, check it against the tracker's history, record it and print it. "
        "Content refused from a verified sender is answered: the sealed rejection is written beside the input "
        "(or to --reply).",
    )
    receiver.add_argument("sealed", metavar="SEALED")
    add_receiving_arguments(receiver)
    receiver.add_argument("--reply", metavar="FILE", help="where to write a rejected acknowledgement")
    add_status_argument(receiver)
    receiver.set_defaults(run=_receive)

    track = commands.add_parser("track", help="the closed loop: what is overdue, the state of a message, who has it")
    actions = track.add_subparsers(dest="action", metavar="ACTION", parser_class=type(track))
    actions.required = True
    overdue = actions.add_parser("overdue", help="every delivery past its due time without an answer")
    add_tracker_argument(overdue)
    overdue.add_argument("--at", metavar="RFC3339", help="as at this time (default: now)")
    overdue.set_defaults(run=_overdue)
    status = actions.add_parser("status", help="a message's deliveries and answers")
    status.add_argument("message_id", metavar="MESSAGE_ID")
    add_tracker_argument(status)
    status.add_argument("--at", metavar="RFC3339")
    status.set_defaults(run=_status)
    recipients = actions.add_parser("recipients", help="everyone who received a message, including pass-ons")
    recipients.add_argument("message_id", metavar="MESSAGE_ID")
    add_tracker_argument(recipients)
    recipients.set_defaults(run=_recipients)
    non_share = actions.add_parser("not-shared", help="record a decision not to share, with who, when and why")
    add_tracker_argument(non_share)
    non_share.add_argument("--withheld-from", required=True, metavar="AGENCY")
    non_share.add_argument("--by-agency", required=True, metavar="AGENCY")
    non_share.add_argument("--by-role", required=True, metavar="ROLE", help="a job role, never a name")
    non_share.add_argument("--reason", required=True, choices=[r.value for r in NonShareReason])
    non_share.add_argument("--message-id", metavar="MESSAGE_ID")
    non_share.add_argument("--child-ref", metavar="REF", help="a case reference, never an identifier")
    non_share.add_argument("--note", help="at most 200 characters, no personal data")
    non_share.set_defaults(run=_not_shared)


def _at(text: str | None) -> dt.datetime:
    return now() if text is None else parse_time(text, "concernshare: --at")


def _rules(path: str) -> RuleSet:
    try:
        return load_rules(read_bytes(path, "rules"))
    except InvalidDocument as error:
        lines = "; ".join(str(p) for p in error.problems[:10])
        raise UsageError(f"concernshare: the rules in {path} are refused: {lines}") from None


def _tracker(text: str) -> Tracker:
    return Tracker(tracker_store(text))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return utc_text(value)
    return str(value)


def _json(value: Any, out: IO[str]) -> None:
    out.write(json.dumps(value, indent=2, ensure_ascii=False, default=_plain) + "\n")


def _route(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    message = validate(read_bytes(args.message, "message"))
    plan = route(message, _rules(args.rules), load_directory(args), _at(args.at))
    _json(plan.to_json(), out)
    return EXIT_OK


def _send(args: argparse.Namespace, out: IO[str], err: IO[str], _stdin: IO[bytes]) -> int:
    message = validate(read_bytes(args.message, "message"))
    rules = _rules(args.rules)
    signer = keys.signer_from(read_private(args.key))
    passes_on = None
    if args.passes_on:
        try:
            passes_on = uuid.UUID(args.passes_on)
        except ValueError:
            raise UsageError("concernshare send: --passes-on takes a message id (a UUID)") from None
    folder = _out_folder(args.out)
    tracker = _tracker(args.tracker)
    try:
        sent = seal_views(message, signer, rules=rules, directory=load_directory(args), at=now())
        paths = [folder / f"{message.id}.{number}.{view.view}.sealed.json" for number, view in enumerate(sent.views, 1)]
        for path, view in zip(paths, sent.views, strict=True):
            write_file(path, view.sealed)
        record_sent(tracker, message, sent, passes_on=passes_on)  # only once every file is in place
    finally:
        tracker.store.close()
    for path, view in zip(paths, sent.views, strict=True):
        err.write(f"{path}: view {view.view} for {', '.join(view.recipients)}\n")
    for left in leftovers(folder):
        err.write(
            f"{left}: a temporary file left by an interrupted run (or being written by one running now); "
            "it is never read as a sealed message: delete it when no send is running\n"
        )
    _json(sent.plan.to_json(), out)
    return EXIT_OK


def _out_folder(text: str) -> Path:
    """The folder sealed views are written to, made and checked before anything is sent or recorded."""
    folder = output_folder(Path(text))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".concernshare-write-check"
        write_file(probe, b"")
        probe.unlink()
    except OSError as error:
        raise UsageError(f"concernshare send: cannot write into {text}: {error.strerror}") from None
    return folder


def _receive(args: argparse.Namespace, out: IO[str], err: IO[str], _stdin: IO[bytes]) -> int:
    private = read_private(args.key)
    sealed = read_bytes(args.sealed, "sealed message")
    policy = open_policy(args.accept_status)
    tracker = _tracker(args.tracker)
    try:
        directory = load_directory(args, tracker.store)
        # Recorded only once the message (or the rejection) is out: a failure before then loses nothing.
        with receiving(
            sealed,
            keys.decrypters_from(private),
            keys.signer_from(private),
            me=agency_of(directory, private),
            directory=directory,
            store=tracker.store,
            tracker=tracker,
            at=now(),
            policy=policy,
        ) as received:
            return _hand_over(received, args, out, err)
    finally:
        tracker.store.close()


def _hand_over(received: Received, args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    """Print the message, or write the rejection, all the way out; raise if that fails."""
    for problem in received.problems:
        err.write(f"{args.sealed}:{problem.pointer}: [{problem.code}] {problem.message}\n")
    if received.message is None:
        reply = Path(args.reply or f"{args.sealed}.rejected.json")
        try:
            write_file(reply, received.rejection or b"")
        except OSError as error:
            raise UsageError(f"concernshare receive: cannot write the rejection to {reply}: {error.strerror}") from None
        err.write(
            f"concernshare: the content is refused; a rejected acknowledgement for {received.sender} is in {reply}\n"
        )
        return EXIT_INVALID
    hand_out(_canonical(received.message), out, "receive", "it was not recorded, so receive it again")
    return EXIT_OK


def _canonical(message: Any) -> bytes:
    return codec.dumps(message)


def _overdue(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    tracker = _tracker(args.tracker)
    try:
        overdue = tracker.overdue(_at(args.at))
    finally:
        tracker.store.close()
    _json(
        {
            "overdue": [
                {
                    "message_id": d.message_id,
                    "type": d.message_type,
                    "recipient": d.recipient,
                    "expects": d.expects,
                    "due": d.due,
                    "escalate_to": list(d.escalate_to),
                    "rules": list(d.rules),
                }
                for d in overdue
            ]
        },
        out,
    )
    return EXIT_OK


def _status(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    tracker = _tracker(args.tracker)
    try:
        status = tracker.status(args.message_id, at=_at(args.at))
    finally:
        tracker.store.close()
    _json(attrs.asdict(status), out)
    return EXIT_OK


def _recipients(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    tracker = _tracker(args.tracker)
    try:
        found = tracker.recipients(args.message_id)
    finally:
        tracker.store.close()
    _json({"message_id": args.message_id, "recipients": list(found)}, out)
    return EXIT_OK


def _not_shared(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    tracker = _tracker(args.tracker)
    try:
        recorded = tracker.record_non_share(
            withheld_from=args.withheld_from,
            decided_by_agency=args.by_agency,
            decided_by_role=args.by_role,
            decided_at=now(),
            reason=args.reason,
            message_id=args.message_id,
            child_ref=args.child_ref,
            note=args.note,
        )
    finally:
        tracker.store.close()
    out.write(f"recorded {recorded.id}\n")
    return EXIT_OK
