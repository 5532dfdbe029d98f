"""``concernshare seal``, ``open``, ``sign`` and ``verify``."""

from __future__ import annotations

import argparse
from typing import IO, Any

from concernshare.cli._inputs import (
    EXIT_OK,
    add_directory_arguments,
    add_signing_arguments,
    add_status_argument,
    agency_of,
    hand_out,
    load_directory,
    now,
    open_policy,
    open_store,
    print_message,
    read_bytes,
    read_private,
    slug,
    state_store,
    write_output,
)
from concernshare.crypto import keys
from concernshare.sealing import open_sealed, seal, sign_message, verify_message
from concernshare.validation import validate

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the seal, open, sign and verify commands."""
    seal_parser = commands.add_parser(
        "seal",
        help="sign a message and encrypt it to its recipients",
        description="Set sent, sign the message's exact bytes, and encrypt them to every current "
        "encryption key of every agency in its recipients.",
    )
    add_signing_arguments(seal_parser)
    seal_parser.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")
    seal_parser.set_defaults(run=_seal)

    sign = commands.add_parser("sign", help="sign a message without encrypting it")
    add_signing_arguments(sign)
    sign.add_argument("-o", "--output", metavar="OUT")
    sign.set_defaults(run=_sign)

    opener = commands.add_parser(
        "open",
        help="decrypt, verify and check a sealed message; print it",
        description="Decrypt with your key, verify the signature and the sender, check that you are a "
        "recipient, that the message is fresh and not seen before; print the message JSON.",
    )
    opener.add_argument("sealed", metavar="SEALED")
    opener.add_argument("--key", required=True, metavar="PRIVATE_JWKS", help="your agency's private keys")
    add_directory_arguments(opener)
    opener.add_argument(
        "--replay-store",
        metavar="PATH",
        help="the SQLite replay and receipt store (default: one per agency in the state folder)",
    )
    opener.add_argument("--archive", action="store_true", help="read an archived message: no freshness or replay check")
    add_status_argument(opener)
    opener.set_defaults(run=_open)

    verify = commands.add_parser("verify", help="verify a signed message; print it")
    verify.add_argument("signed", metavar="SIGNED")
    add_directory_arguments(verify)
    add_status_argument(verify)
    verify.set_defaults(run=_verify)


def _message(path: str) -> Any:
    return validate(read_bytes(path, "message"))


def _seal(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    message = _message(args.message)
    signer = keys.signer_from(read_private(args.key))
    sealed = seal(message, signer, directory=load_directory(args), now=now())
    write_output(sealed, args.output, out)
    return EXIT_OK


def _sign(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    message = _message(args.message)
    signer = keys.signer_from(read_private(args.key))
    write_output(sign_message(message, signer, directory=load_directory(args), now=now()), args.output, out)
    return EXIT_OK


def _open(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    private = read_private(args.key)
    sealed = read_bytes(args.sealed, "sealed message")
    directory = load_directory(args)
    me = agency_of(directory, private)
    store = open_store(args.replay_store) if args.replay_store else state_store(f"replay-{slug(me)}")
    try:
        directory = load_directory(args, store)
        # Seen is committed only once the message is out: a failure to print it loses nothing.
        with store.atomic():
            opened = open_sealed(
                sealed,
                keys.decrypters_from(private),
                me=me,
                directory=directory,
                store=store,
                now=now(),
                archive=args.archive,
                policy=open_policy(args.accept_status),
            )
            hand_out(opened.payload, out, "open", "it was not recorded as seen, so open it again")
    finally:
        store.close()
    return EXIT_OK


def _verify(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    signed = read_bytes(args.signed, "signed message")
    opened = verify_message(signed, directory=load_directory(args), now=now(), policy=open_policy(args.accept_status))
    print_message(opened.payload, out)
    return EXIT_OK
