"""What the commands share: the parser class, exit codes, the clock, and reading keys and directories."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, Final

from concernshare._files import prepare_database, write_file
from concernshare.cli._parser import EXIT_INVALID, EXIT_OK, EXIT_USAGE, Parser
from concernshare.crypto import keys
from concernshare.directory import Directory, open_directory
from concernshare.errors import NotForUs, SealError, UsageError
from concernshare.records import AgencyId, Status
from concernshare.sealing import OpenPolicy
from concernshare.stores import ReplayStore, SQLiteStore, Store

__all__ = [
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "Parser",
    "add_directory_arguments",
    "add_send_arguments",
    "add_signing_arguments",
    "add_status_argument",
    "agency_of",
    "days",
    "load_directory",
    "now",
    "open_policy",
    "open_store",
    "parse_time",
    "read_bytes",
    "read_private",
    "read_public",
    "slug",
    "state_store",
    "tracker_store",
    "write_output",
]


#: Times given on the command line lie in this range, far from the ends of what date arithmetic can hold.
_EARLIEST: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_LATEST: Final = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)
#: The longest validity an option in days may give (ten years).
MAX_DAYS: Final = 3653


def now() -> dt.datetime:
    """The wall clock, in UTC: the command line is the one place that reads it."""
    return dt.datetime.now(dt.UTC)


def parse_time(text: str, option: str) -> dt.datetime:
    """The RFC 3339 time given as ``option`` (which starts the error line), with its offset, from 1970 to 8999."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} takes an RFC 3339 time, such as 2026-11-25T09:30:00Z") from None
    if moment.tzinfo is None:
        raise UsageError(f"{option} needs an offset, such as Z")
    try:
        inside = _EARLIEST <= moment.astimezone(dt.UTC) < _LATEST
    except OverflowError:
        inside = False
    if not inside:
        raise UsageError(f"{option} takes a time from 1970 to 8999")
    return moment


def days(text: str) -> int:
    """An argparse type: a whole number of days from 1 to :data:`MAX_DAYS`."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"takes a whole number of days from 1 to {MAX_DAYS}")
    return number


def slug(agency: str) -> str:
    """A file-name-safe form of an agency id: ``la:E06000032/mash`` becomes ``la_E06000032_mash``."""
    return re.sub(r"[^A-Za-z0-9-]", "_", agency)


def read_bytes(path: str, what: str) -> bytes:
    """Read a file the user named; raise UsageError if it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise UsageError(f"concernshare: cannot read the {what} {path}: {error.strerror}") from None


def read_private(path: str) -> tuple[keys.PrivateJwk, ...]:
    """Read an agency's private JWK Set."""
    try:
        return keys.loads_private_jwk_set(read_bytes(path, "private key file"))
    except SealError as error:
        raise UsageError(f"concernshare: the private key file {path} is not usable: {error}") from None


def read_public(path: str) -> tuple[keys.PublicJwk, ...]:
    """Read a public JWK Set (the pinned authority keys)."""
    try:
        return keys.loads_public_jwk_set(read_bytes(path, "public key file"))
    except SealError as error:
        raise UsageError(f"concernshare: the public key file {path} is not usable: {error}") from None


def state_store(name: str) -> SQLiteStore:
    """A store in the state folder (``$CONCERNSHARE_STATE_DIR``, else ``~/.local/state/concernshare``)."""
    folder = Path(os.environ.get("CONCERNSHARE_STATE_DIR") or Path.home() / ".local" / "state" / "concernshare")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except (FileExistsError, NotADirectoryError):
        raise UsageError(
            f"concernshare: the state folder {folder} is not a folder: set CONCERNSHARE_STATE_DIR to a folder"
        ) from None
    return open_store(folder / f"{name}.db")


def open_store(path: str | os.PathLike[str]) -> SQLiteStore:
    """Open a SQLite store the command line names: created 0600, never through a symbolic link."""
    prepare_database(path)
    return SQLiteStore(path)


def tracker_store(text: str) -> Store:
    """The store ``--tracker`` names: a PostgreSQL URL (``postgresql://user@host/db``, and ``?schema=NAME``
    for a schema other than ``concernshare``), or else the path of a SQLite file."""
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("postgresql", "postgres"):
        return open_store(text)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    schemas = [value for name, value in query if name == "schema"]
    rest = urllib.parse.urlencode([(name, value) for name, value in query if name != "schema"])
    try:
        from concernshare.stores import PostgresStore  # noqa: PLC0415  (psycopg is optional)
    except ImportError as error:
        raise UsageError(f"concernshare: a PostgreSQL tracker needs psycopg: {error}") from None
    return PostgresStore(parts._replace(query=rest).geturl(), schema=schemas[-1] if schemas else "concernshare")


def add_directory_arguments(parser: argparse.ArgumentParser) -> None:
    """--directory and --authority, which every command that reads a directory takes."""
    parser.add_argument("--directory", required=True, metavar="DIRECTORY", help="the signed trust directory")
    parser.add_argument(
        "--authority",
        required=True,
        metavar="PUBLIC_JWKS",
        help="the pinned authority public key(s) the directory must be signed with",
    )


def add_signing_arguments(parser: argparse.ArgumentParser) -> None:
    """MESSAGE, --key and the directory, which every command that signs a message as its sender takes."""
    parser.add_argument("message", metavar="MESSAGE")
    parser.add_argument("--key", required=True, metavar="PRIVATE_JWKS", help="the sender's private keys")
    add_directory_arguments(parser)


def add_send_arguments(parser: argparse.ArgumentParser) -> None:
    """The signing arguments, --rules and --tracker, which every command that sends a message takes."""
    add_signing_arguments(parser)
    parser.add_argument("--rules", required=True, metavar="RULES", help="the routing rule set")
    add_tracker_argument(parser)


def add_tracker_argument(parser: argparse.ArgumentParser) -> None:
    """--tracker, which every command that records or reads deliveries takes."""
    where = "a SQLite file, or a PostgreSQL URL (postgresql://..., ?schema=NAME)"
    parser.add_argument("--tracker", required=True, metavar="DB", help=f"the tracker: {where}")


def add_receiving_arguments(parser: argparse.ArgumentParser) -> None:
    """--key, the directory and --tracker, which every command that receives a message takes."""
    parser.add_argument("--key", required=True, metavar="PRIVATE_JWKS", help="your agency's private keys")
    add_directory_arguments(parser)
    add_tracker_argument(parser)


def load_directory(args: argparse.Namespace, store: ReplayStore | None = None) -> Directory:
    """Verify and read the directory named on the command line; record its serial."""
    pinned = read_public(args.authority)
    data = read_bytes(args.directory, "directory")
    own = store or state_store("directories")
    try:
        return open_directory(data, pinned, now=now(), store=own)
    finally:
        if store is None:
            own.close()


def write_output(data: bytes, path: str | None, out: Any) -> None:
    """Write a document to ``path`` (0600, atomically), or to stdout when no path is given.

    Raises :class:`OSError` if the file cannot be written: main() reports it in one line.
    """
    if path is None:
        out.write(data.decode("utf-8") + "\n")
        return
    write_file(path, data)


def print_message(payload: bytes, out: IO[str]) -> None:
    """Print a message's JSON to ``out``, indented."""
    out.write(json.dumps(json.loads(payload), indent=2, ensure_ascii=False) + "\n")


def hand_out(payload: bytes, out: IO[str], command: str, unrecorded: str) -> None:
    """Print a message all the way out before it is recorded; if that fails, say so and what to do (``unrecorded``)."""
    try:
        print_message(payload, out)
        out.flush()
    except OSError as error:
        raise UsageError(
            f"concernshare {command}: cannot write the message out: {error.strerror}; {unrecorded}"
        ) from None


def add_status_argument(parser: argparse.ArgumentParser) -> None:
    """--accept-status, which every command that opens a message takes."""
    parser.add_argument(
        "--accept-status", default="", metavar="exercise,test", help="also accept exercise and/or test messages"
    )


def open_policy(text: str) -> OpenPolicy:
    """The opening policy of --accept-status: actual messages, and those it names."""
    try:
        extra = {Status(s.strip()) for s in text.split(",") if s.strip()}
    except ValueError:
        raise UsageError("concernshare: --accept-status takes exercise, test or both") from None
    return OpenPolicy(accept_status=frozenset({Status.ACTUAL} | extra))


def agency_of(directory: Directory, private: Sequence[keys.PrivateJwk]) -> AgencyId:
    """The agency whose keys these are, found through the directory."""
    for key in private:
        found = directory.key(key.kid)
        if found is not None:
            return found[0].id
    raise NotForUs("none of these keys belongs to an agency in the directory")
