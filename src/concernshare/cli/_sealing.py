"""``concernshare seal``, ``open``, ``sign`` and ``verify``."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import IO, Any

from concernshare.cli._inputs import (
    EXIT_OK,
    add_directory_arguments,
    load_directory,
    now,
    read_bytes,
    read_private,
    slug,
    state_store,
    write_output,
)
from concernshare.crypto import keys
from concernshare.directory import Directory
from concernshare.errors import NotForUs, UsageError
from concernshare.records import Status
from concernshare.sealing import Opened, OpenPolicy, open_sealed, seal, sign_message, verify_message
from concernshare.stores import SQLiteStore
from concernshare.validation import validate

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the seal, open, sign and verify commands."""
    seal_parser = commands.add_parser(
        "seal", help="sign a message and encrypt it to its recipients",
        description="Set sent, sign the message's exact bytes, and encrypt them to every current "
        "encryption key of every agency in its recipients.",
    )
    seal_parser.add_argument("message", metavar="MESSAGE")
    seal_parser.add_argument("--key", required=True, metavar="PRIVATE_JWKS", help="the sender's private keys")
    add_directory_arguments(seal_parser)
    seal_parser.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")
    seal_parser.set_defaults(run=_seal)

    sign = commands.add_parser("sign", help="sign a message without encrypting it")
    sign.add_argument("message", metavar="MESSAGE")
    sign.add_argument("--key", required=True, metavar="PRIVATE_JWKS")
    add_directory_arguments(sign)
    sign.add_argument("-o", "--output", metavar="OUT")
    sign.set_defaults(run=_sign)

    opener = commands.add_parser(
        "open", help="decrypt, verify and check a sealed message; print it",
        description="Decrypt with your key, verify the signature and the sender, check that you are a "
        "recipient, that the message is fresh and not seen before; print the message JSON.",
    )
    opener.add_argument("sealed", metavar="SEALED")
    opener.add_argument("--key", required=True, metavar="PRIVATE_JWKS", help="your agency's private keys")
    add_directory_arguments(opener)
    opener.add_argument("--replay-store", metavar="PATH",
                        help="the SQLite replay and receipt store (default: one per agency in the state folder)")
    opener.add_argument("--archive", action="store_true",
                        help="read an archived message: no freshness or replay check")
    _status_argument(opener)
    opener.set_defaults(run=_open)

    verify = commands.add_parser("verify", help="verify a signed message; print it")
    verify.add_argument("signed", metavar="SIGNED")
    add_directory_arguments(verify)
    _status_argument(verify)
    verify.set_defaults(run=_verify)


def _status_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--accept-status", default="", metavar="exercise,test",
                        help="also accept exercise and/or test messages")


def _policy(text: str) -> OpenPolicy:
    try:
        extra = {Status(s.strip()) for s in text.split(",") if s.strip()}
    except ValueError:
        raise UsageError("concernshare: --accept-status takes exercise, test or both") from None
    return OpenPolicy(accept_status=frozenset({Status.ACTUAL} | extra))


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


def _me(directory: Directory, private: Sequence[keys.PrivateJwk]) -> str:
    """The agency whose keys these are, found through the directory."""
    for key in private:
        found = directory.key(key.kid)
        if found is not None:
            return found[0].id
    raise NotForUs("none of these keys belongs to an agency in the directory")


def _print(opened: Opened, out: IO[str]) -> None:
    out.write(json.dumps(json.loads(opened.payload), indent=2, ensure_ascii=False) + "\n")


def _open(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    private = read_private(args.key)
    sealed = read_bytes(args.sealed, "sealed message")
    directory = load_directory(args)
    me = _me(directory, private)
    store = SQLiteStore(args.replay_store) if args.replay_store else state_store(f"replay-{slug(me)}")
    try:
        directory = load_directory(args, store)
        opened = open_sealed(sealed, keys.decrypters_from(private), me=me, directory=directory, store=store,
                             now=now(), archive=args.archive, policy=_policy(args.accept_status))
    finally:
        store.close()
    _print(opened, out)
    return EXIT_OK


def _verify(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    signed = read_bytes(args.signed, "signed message")
    opened = verify_message(signed, directory=load_directory(args), now=now(), policy=_policy(args.accept_status))
    _print(opened, out)
    return EXIT_OK
