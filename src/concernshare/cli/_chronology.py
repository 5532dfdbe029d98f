"""``concernshare chronology``: multi-agency chronologies from message files, folders and sealed messages.

With ``--child`` or ``--unborn``, the chronology of that one child. Without
them, one chronology per child the messages are about (identities are never
guessed or merged): one child gives one chronology document, as before;
several give a JSON array of chronology documents (each valid against
``schemas/chronology.schema.json``), one CSV whose first column says whose
each row is, or one HTML page with an article per child and one per household
(the children recorded as living together, side by side). With ``--household``,
the household chronologies alone: JSON valid against
``schemas/household.schema.json`` (an array for several), a CSV with a
"Household" column, or an HTML page.

Every input that cannot be read, opened or validated is named with its
problem on stderr and in the chronology (in each, when there are several),
and the exit code is 1; so is a message that joins no child's chronology.
Nothing is dropped silently.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Final

import attrs

from concernshare._files import write_file
from concernshare.chronology import Chronology, Unreadable, build_chronology
from concernshare.chronology.build import build_chronologies
from concernshare.chronology.export import (
    household_csv,
    household_json,
    to_csv_many,
    to_household_html,
    to_html_many,
    to_json,
    to_json_many,
)
from concernshare.chronology.history import Household, build_households
from concernshare.cli._inputs import (
    EXIT_INVALID,
    EXIT_OK,
    load_directory,
    now,
    open_store,
    read_private,
    slug,
    state_store,
)
from concernshare.crypto import MAX_INPUT_BYTES, keys
from concernshare.directory import Directory
from concernshare.errors import ConcernshareError, ContentRefused, InvalidDocument, SealError, UsageError
from concernshare.records import Message, Status
from concernshare.records.identifiers import nhs_number_ok
from concernshare.sealing import OpenPolicy, open_sealed, verify_message
from concernshare.stores import SQLiteStore
from concernshare.validation import validate

__all__ = ["register"]

#: Progress goes to stderr every this many inputs (on a terminal, or when there are more than this many).
PROGRESS_EVERY: Final = 1000
_LIMIT: Final = MAX_INPUT_BYTES  # the largest sealed document the JOSE layer reads
_EVERY_STATUS: Final = OpenPolicy(accept_status=frozenset(Status))
_SUFFIXES: Final = {".html": "html", ".htm": "html", ".csv": "csv"}


def register(commands: Any) -> None:
    """Add the chronology command."""
    parser = commands.add_parser(
        "chronology",
        help="build each child's multi-agency chronology: JSON, CSV or an HTML report",
        description="Merge every agency's messages about a child into one ordered chronology with its patterns "
        "flagged. Reads message files, folders (every *.json in them, recursively) and sealed messages (opened as "
        "archives with --key, --directory and --authority). Without --child or --unborn, every child the messages "
        "are about has a chronology of their own (nothing is merged between children): with several, the JSON "
        "output is an array of chronology documents, each valid against the chronology schema; the CSV has a "
        "Child column; the HTML report is one page with a section per child and one per household (the children "
        "recorded as living together, side by side). With --household, the household chronologies alone. An "
        "input that cannot be read, or a message that joins no child's chronology, is named on stderr and in the "
        "output, and the exit code is 1.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="a message, a sealed message, or a folder")
    parser.add_argument(
        "--child",
        metavar="NHS_NUMBER",
        help="only this child (default: every child the messages are about, each on their own)",
    )
    parser.add_argument(
        "--unborn",
        metavar="MOTHER_NHS_NUMBER",
        help="for a child not yet born (or born since), the mother's NHS number",
    )
    parser.add_argument(
        "--format",
        choices=("json", "csv", "html"),
        help="the output (default: html for an -o ending .html, csv for .csv, else json)",
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")
    parser.add_argument(
        "--household",
        action="store_true",
        help="the household chronology instead: the chronologies of the children recorded as living together, "
        "side by side, every entry once (with --child, that child's household; else every household of two "
        "children or more)",
    )
    parser.add_argument(
        "--as-of",
        metavar="RFC3339",
        help="judge patterns (overdue responses, missed timescales) as at this time (default: the "
        "latest message's time, never today's date for a historic record)",
    )
    keys_group = parser.add_argument_group("sealed and signed inputs")
    keys_group.add_argument("--key", metavar="PRIVATE_JWKS", help="your agency's private keys, to open sealed inputs")
    keys_group.add_argument("--directory", metavar="DIRECTORY", help="the signed trust directory")
    keys_group.add_argument("--authority", metavar="PUBLIC_JWKS", help="the pinned authority public key(s)")
    keys_group.add_argument(
        "--receipts",
        metavar="STORE",
        help="your SQLite replay and receipt store (default: your agency's in the state folder)",
    )
    parser.set_defaults(run=_chronology)


@attrs.frozen
class _Opener:
    """What opening sealed inputs as archives needs: our keys, our agency, the directory, our receipt log."""

    decrypters: tuple[keys.Decrypter, ...]
    me: str | None
    directory: Directory
    store: SQLiteStore | None

    def open(self, data: bytes) -> Message:
        if self.me is None or self.store is None:
            raise UsageError("concernshare: a sealed input needs --key to open it")
        return open_sealed(
            data,
            self.decrypters,
            me=self.me,
            directory=self.directory,
            store=self.store,
            now=now(),
            archive=True,
            policy=_EVERY_STATUS,
        ).message

    def verify(self, data: bytes) -> Message:
        return verify_message(
            data, directory=self.directory, now=now(), store=self.store, archive=True, policy=_EVERY_STATUS
        ).message


def _check_arguments(args: argparse.Namespace) -> None:
    for name, number in (("--child", args.child), ("--unborn", args.unborn)):
        if number is not None and not nhs_number_ok(number):
            raise UsageError(f"concernshare: {name} takes a valid ten-digit NHS number")
    if (args.directory is None) != (args.authority is None) or (args.key and args.directory is None):
        raise UsageError("concernshare: give --directory and --authority together (and --key with both)")
    if args.receipts and not args.key:
        raise UsageError("concernshare: --receipts goes with --key")
    if args.household and args.unborn is not None:
        raise UsageError(
            "concernshare: --household goes with --child or with neither: a child known only before birth has "
            "no NHS number of their own to join a household by"
        )


def _opener(args: argparse.Namespace) -> _Opener | None:
    if args.directory is None:
        return None
    if args.key is None:
        return _Opener(decrypters=(), me=None, directory=load_directory(args), store=None)
    private = read_private(args.key)
    directory = load_directory(args)
    me = next((found[0].id for key in private if (found := directory.key(key.kid)) is not None), None)
    if me is None:
        raise UsageError("concernshare: none of the keys in --key belongs to an agency in the directory")
    store = open_store(args.receipts) if args.receipts else state_store(f"replay-{slug(me)}")
    try:
        directory = load_directory(args, store)
    except BaseException:
        store.close()
        raise
    return _Opener(decrypters=tuple(keys.decrypters_from(private)), me=me, directory=directory, store=store)


def _inputs(paths: Sequence[str]) -> Iterator[Path | Unreadable]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.json") if p.is_file())
        elif path.is_file():
            yield path
        else:
            yield Unreadable(source=raw, problem="no such file or folder")


def _kind(data: bytes) -> str:
    """``sealed``, ``signed`` or ``plain``: the JOSE JSON serialization is told by its members."""
    if b'"ciphertext"' not in data and b'"signatures"' not in data:
        return "plain"
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        return "plain"
    if isinstance(document, dict) and {"protected", "ciphertext"} <= document.keys():
        return "sealed"
    return "signed" if isinstance(document, dict) and {"payload", "signatures"} <= document.keys() else "plain"


def _problem(error: ConcernshareError) -> str:
    """Words for why an input was refused: the library's own, which never quote a personal value."""
    if isinstance(error, ContentRefused) and error.problems:
        return f"could not be opened: {error}: " + "; ".join(str(p) for p in error.problems[:5])
    if isinstance(error, SealError):
        return f"could not be opened: {error}"
    return f"is not a valid message: {error}"


def _read(path: Path, opener: _Opener | None) -> Message | Unreadable:
    try:
        with path.open("rb") as handle:
            data = handle.read(_LIMIT + 1)
    except OSError as error:
        return Unreadable(source=str(path), problem=f"cannot be read ({error.strerror})")
    if len(data) > _LIMIT:
        return Unreadable(source=str(path), problem=f"is larger than {_LIMIT} bytes")
    kind = _kind(data)
    if kind != "plain" and (opener is None or (kind == "sealed" and opener.me is None)):
        needs = "--key, --directory and --authority" if kind == "sealed" else "--directory and --authority"
        return Unreadable(source=str(path), problem=f"is a {kind} message: give {needs} to open it as an archive")
    try:
        if opener is not None and kind == "sealed":
            return opener.open(data)
        if opener is not None and kind == "signed":
            return opener.verify(data)
        return validate(data)
    except (InvalidDocument, SealError) as error:
        return Unreadable(source=str(path), problem=_problem(error)[:2000])


def _gather(args: argparse.Namespace, opener: _Opener | None, err: IO[str]) -> tuple[list[Message], list[Unreadable]]:
    inputs = list(_inputs(args.paths))
    progress = err.isatty() or len(inputs) > PROGRESS_EVERY
    messages: list[Message] = []
    unreadable: list[Unreadable] = []
    for count, item in enumerate(inputs, start=1):
        result = _read(item, opener) if isinstance(item, Path) else item
        if isinstance(result, Unreadable):
            unreadable.append(result)
            err.write(f"{result.source}: unreadable: {result.problem}\n")
        else:
            messages.append(result)
        if progress and count % PROGRESS_EVERY == 0:
            err.write(f"concernshare: read {count} of {len(inputs)} inputs\n")
    return messages, unreadable


def _render(
    chronologies: Sequence[Chronology], kind: str, statuses: set[Status], households: Sequence[Household] = ()
) -> bytes:
    """One chronology as before; several as one page (their households beside), one CSV table, or a JSON array."""
    if kind == "html":
        return to_html_many(chronologies, statuses=statuses, households=households).encode("utf-8")
    if kind == "csv":
        return to_csv_many(chronologies).encode("utf-8")
    return to_json(chronologies[0]) if len(chronologies) == 1 else to_json_many(chronologies)


def _as_of(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError("concernshare: --as-of takes an RFC 3339 time, such as 2014-01-31T17:00:00Z") from None
    if moment.tzinfo is None:
        raise UsageError("concernshare: --as-of needs an offset, such as Z")
    return moment


def _build(
    args: argparse.Namespace,
    messages: list[Message],
    unreadable: list[Unreadable],
    err: IO[str],
    names: Mapping[str, str] | None = None,
) -> tuple[Chronology, ...]:
    """The chronology asked for, or one per child; messages that join none are named on stderr.

    For ``--household``, one per child even with ``--child``: the household of a child is made of the others'.
    """
    if (args.child is not None and not args.household) or args.unborn is not None:
        return (
            build_chronology(
                messages,
                generated=now(),
                child=args.child,
                unborn_mother=args.unborn,
                unreadable=unreadable,
                as_of=_as_of(args.as_of),
                agency_names=names,
            ),
        )
    chronologies = build_chronologies(
        messages, generated=now(), unreadable=unreadable, as_of=_as_of(args.as_of), agency_names=names
    )
    if not chronologies:
        raise UsageError(
            "no message gives the child's NHS number: name the child with --child, or an unborn "
            "child's mother with --unborn"
        )
    for item in chronologies[0].unreadable[len(unreadable) :]:
        err.write(f"{item.source}: in no chronology: {item.problem}\n")
    return chronologies


def _households(args: argparse.Namespace, chronologies: Sequence[Chronology]) -> tuple[Household, ...]:
    """The household chronologies ``--household`` asks for; a usage error where there is none to show."""
    generated = chronologies[0].generated
    if args.child is not None:
        mine = build_households(chronologies, generated=generated, child=args.child)
        if not mine:
            raise UsageError(f"concernshare: --household: no message here is about the child --child {args.child}")
        return mine
    found = build_households(chronologies, generated=generated)
    if not found:
        raise UsageError(
            "concernshare: --household: no two children here are recorded as living together (by NHS number, "
            "lives_with_child 'yes', or named in a domestic abuse notification); name one child with --child to "
            "see their household of one"
        )
    return found


def _render_households(households: Sequence[Household], kind: str, statuses: set[Status]) -> bytes:
    if kind == "html":
        return to_household_html(households, statuses=statuses).encode("utf-8")
    if kind == "csv":
        return household_csv(households).encode("utf-8")
    return household_json(households[0] if len(households) == 1 else households)


def _write(data: bytes, kind: str, path: str | None, out: IO[str]) -> None:
    if path is None:
        out.write(data.decode("utf-8"))
        return
    # A byte-order mark, so that Excel reads a CSV file as UTF-8; an OSError is reported by main() in one line.
    write_file(path, b"\xef\xbb\xbf" + data if kind == "csv" else data)


def _chronology(args: argparse.Namespace, out: IO[str], err: IO[str], _stdin: IO[bytes]) -> int:
    _check_arguments(args)
    kind = args.format or _SUFFIXES.get(Path(args.output).suffix.lower() if args.output else "", "json")
    opener = _opener(args)
    try:
        messages, unreadable = _gather(args, opener, err)
    finally:
        if opener is not None and opener.store is not None:
            opener.store.close()
    names = {str(a.id): a.name for a in opener.directory.agencies} if opener is not None else None
    chronologies = _build(args, messages, unreadable, err, names)
    statuses = {m.status for m in messages}
    if args.household:
        households = _households(args, chronologies)
        _write(_render_households(households, kind, statuses), kind, args.output, out)
        err.write(
            "".join(
                f"household of {len(h.children)} (NHS numbers "
                f"{', '.join(c.nhs_number or '' for c in h.children)}): {len(h.entries)} entries, "
                f"{sum(1 for e in h.entries if len(e.children) > 1)} in more than one child's chronology\n"
                for h in households
            )
        )
    else:
        many = len(chronologies) > 1 and kind == "html"
        households = build_households(chronologies, generated=chronologies[0].generated) if many else ()
        _write(_render(chronologies, kind, statuses, households), kind, args.output, out)
    children = f"{len(chronologies)} children, each on their own: " if len(chronologies) > 1 else ""
    total = " in all" if len(chronologies) > 1 else ""
    err.write(
        f"{len(messages) + len(unreadable)} inputs: {len(messages)} read, {len(unreadable)} unreadable; "
        f"{children}{sum(len(c.entries) for c in chronologies)} entries, "
        f"{sum(len(c.probable) for c in chronologies)} probable matches, "
        f"{sum(len(c.patterns) for c in chronologies)} patterns{total}\n"
    )
    return EXIT_INVALID if chronologies[0].unreadable else EXIT_OK
