"""``concernshare validate`` and ``concernshare schema``.

``validate --jsonl`` streams JSON Lines: one message per line, read a line at
a time (a line longer than the limit is skipped in pieces, never held whole),
so that memory stays flat however long the input; problems are reported as
``FILE:LINE:POINTER: [CODE] message``, and a progress line is kept on stderr
when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any, Final

from concernshare import schema, strictjson
from concernshare.catalogue import problem
from concernshare.cli._parser import EXIT_INVALID, EXIT_OK
from concernshare.errors import Problem, Severity, UsageError
from concernshare.validation import iter_problems

__all__ = ["register"]

_PROGRESS_SECONDS: Final = 0.5  # how often the progress line is redrawn
_CHUNK: Final = 1 << 16  # the piece in which an over-long line is skipped
# The read buffer of a JSON Lines file: a message is some kilobytes, and the default (8 KiB) would make most
# lines cost a read of their own; at 64 KiB reading a line takes a third of the time.
_BUFFER: Final = 1 << 16


def register(commands: Any) -> None:
    """Add the validate and schema commands."""
    validate = commands.add_parser(
        "validate",
        help="validate messages",
        description="Validate messages: strict JSON, the JSON Schema, then the semantic checks. "
        "Prints one line per problem as FILE:POINTER: [CODE] message on stderr "
        "(FILE:LINE:POINTER with --jsonl).",
    )
    validate.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="a message file, a folder (every *.json in it, recursively; *.jsonl with --jsonl), or - for stdin",
    )
    validate.add_argument(
        "--jsonl",
        action="store_true",
        help="read JSON Lines: one message per line, streamed in constant memory (blank lines are skipped); "
        "with --format json, one JSON report per line on stdout",
    )
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    validate.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text lines on stderr (default), or a JSON report on stdout",
    )
    validate.add_argument(
        "--max-bytes",
        type=int,
        default=strictjson.MAX_BYTES,
        metavar="N",
        help=f"refuse documents larger than N bytes (default {strictjson.MAX_BYTES})",
    )
    validate.set_defaults(run=_validate)

    show = commands.add_parser(
        "schema",
        help="print a bundled JSON Schema",
        description="Print a bundled JSON Schema (2020-12) to stdout.",
    )
    show.add_argument(
        "kind", nargs="?", default="message", choices=sorted(schema.KINDS), help="the document kind (default: message)"
    )
    show.set_defaults(run=_schema)


def _documents(paths: Sequence[str], stdin: IO[bytes], limit: int) -> Iterator[tuple[str, bytes]]:
    """Yield (name, bytes) for every document named; read at most limit+1 bytes of each."""
    for raw in paths:
        if raw == "-":
            yield "-", stdin.read(limit + 1)
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.json") if p.is_file())
        elif path.exists():
            files = [path]
        else:
            raise UsageError(f"concernshare: no such file or folder: {raw}")
        for file in files:
            try:
                with file.open("rb") as handle:
                    yield str(file), handle.read(limit + 1)
            except OSError as error:
                yield str(file), f"\0cannot read: {error.strerror}".encode()


def _unreadable(data: bytes) -> Problem | None:
    if data.startswith(b"\0cannot read: "):
        reason = data.removeprefix(b"\0cannot read: ").decode()
        return problem("", "CS000", reason=reason)
    return None


def _validate(args: argparse.Namespace, out: IO[str], err: IO[str], stdin: IO[bytes]) -> int:
    if args.jsonl:
        return _validate_lines(args, out, err, stdin)
    now = dt.datetime.now(dt.UTC)
    report: list[dict[str, Any]] = []
    invalid = 0
    count = 0
    for name, data in _documents(args.paths, stdin, args.max_bytes):
        count += 1
        unreadable = _unreadable(data)
        problems = [unreadable] if unreadable else list(iter_problems(data, now=now, max_bytes=args.max_bytes))
        failed = any(args.strict or p.severity is Severity.ERROR for p in problems)
        invalid += failed
        if args.format == "json":
            report.append(
                {
                    "file": name,
                    "valid": not failed,
                    "problems": [
                        {"pointer": p.pointer, "code": p.code, "severity": str(p.severity), "message": p.message}
                        for p in problems
                    ],
                }
            )
        else:
            for p in problems:
                level = "" if p.severity is Severity.ERROR else "warning: "
                err.write(f"{name}:{p.pointer}: [{p.code}] {level}{p.message}\n")
    if args.format == "json":
        json.dump({"valid": invalid == 0, "files": report}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        err.write(f"{count} checked, {count - invalid} valid, {invalid} invalid\n")
    return EXIT_INVALID if invalid else EXIT_OK


def _files(raw: str) -> list[Path]:
    path = Path(raw)
    if path.is_dir():
        return sorted(p for p in path.rglob("*.jsonl") if p.is_file())
    if path.exists():
        return [path]
    raise UsageError(f"concernshare: no such file or folder: {raw}")


def _lines(handle: IO[bytes], limit: int) -> Iterator[tuple[int, bytes]]:
    """Yield (line number, document) for each line that is not blank, without its newline.

    At most limit+1 bytes of a line are kept: enough to say that it is too long.
    """
    number = 0
    while line := handle.readline(limit + 1):
        number += 1
        if line.endswith(b"\n"):
            line = line[:-1]
        elif len(line) > limit:  # too long: skip the rest of it, a piece at a time
            while (rest := handle.readline(_CHUNK)) and not rest.endswith(b"\n"):
                pass
        if line and not line.isspace():
            yield number, line


def _documents_by_line(
    paths: Sequence[str],
    stdin: IO[bytes],
    limit: int,
) -> Iterator[tuple[str, int, bytes | Problem]]:
    """Yield (file, line number, document) for every line of every input, or a problem for a file not read."""
    for raw in paths:
        if raw == "-":
            for number, line in _lines(stdin, limit):
                yield "-", number, line
            continue
        for file in _files(raw):
            try:
                with file.open("rb", buffering=_BUFFER) as handle:
                    for number, line in _lines(handle, limit):
                        yield str(file), number, line
            except OSError as error:
                yield (
                    str(file),
                    0,
                    problem("", "CS000", reason=error.strerror),
                )


class _Progress:
    """A line on stderr, redrawn in place, when stderr is a terminal; nothing otherwise."""

    def __init__(self, err: IO[str]) -> None:
        self.err = err
        self.on = err.isatty()
        self.shown = False
        self.next = time.monotonic() + _PROGRESS_SECONDS

    def update(self, count: int, invalid: int) -> None:
        if self.on and time.monotonic() >= self.next:
            self.err.write(f"\r{count:,} checked, {invalid:,} invalid")
            self.err.flush()
            self.shown, self.next = True, time.monotonic() + _PROGRESS_SECONDS

    def clear(self) -> None:
        if self.shown:
            self.err.write("\r\x1b[K")
            self.shown = False


def _validate_lines(args: argparse.Namespace, out: IO[str], err: IO[str], stdin: IO[bytes]) -> int:
    now = dt.datetime.now(dt.UTC)
    progress = _Progress(err)
    strict, as_json, limit = args.strict, args.format == "json", args.max_bytes
    count = invalid = 0
    named = quoted = ""  # the file of the last valid line reported as JSON, and its name as a JSON string
    for name, number, document in _documents_by_line(args.paths, stdin, limit):
        problems = (
            [document] if isinstance(document, Problem) else list(iter_problems(document, now=now, max_bytes=limit))
        )
        # a line without problems is valid; with any, it fails when strict, or when one is an error
        failed = bool(problems) and (strict or any(p.severity is Severity.ERROR for p in problems))
        count += 1
        invalid += failed
        if as_json and not problems:  # the usual line, written as json.dumps writes it, without building it
            if name != named:
                named, quoted = name, json.dumps(name, ensure_ascii=False)
            out.write(f'{{"file": {quoted}, "line": {number}, "valid": true, "problems": []}}\n')
        elif as_json:
            out.write(
                json.dumps(
                    {
                        "file": name,
                        "line": number,
                        "valid": not failed,
                        "problems": [
                            {"pointer": p.pointer, "code": p.code, "severity": str(p.severity), "message": p.message}
                            for p in problems
                        ],
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
        elif problems:
            progress.clear()
            for p in problems:
                level = "" if p.severity is Severity.ERROR else "warning: "
                err.write(f"{name}:{number}:{p.pointer}: [{p.code}] {level}{p.message}\n")
        if progress.on:
            progress.update(count, invalid)
    progress.clear()
    if not as_json:
        err.write(f"{count} checked, {count - invalid} valid, {invalid} invalid\n")
    return EXIT_INVALID if invalid else EXIT_OK


def _schema(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    json.dump(schema.load(args.kind), out, ensure_ascii=False, indent=2)
    out.write("\n")
    return EXIT_OK
