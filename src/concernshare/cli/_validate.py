"""``concernshare validate`` and ``concernshare schema``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from concernshare import schema, strictjson
from concernshare.cli._inputs import EXIT_INVALID, EXIT_OK
from concernshare.errors import Problem, Severity, UsageError
from concernshare.validation import iter_problems

__all__ = ["register"]

def register(commands: Any) -> None:
    """Add the validate and schema commands."""
    validate = commands.add_parser(
        "validate", help="validate messages",
        description="Validate messages: strict JSON, the JSON Schema, then the semantic checks. "
        "Prints one line per problem as FILE:POINTER: [CODE] message on stderr.",
    )
    validate.add_argument(
        "paths", nargs="+", metavar="PATH",
        help="a message file, a folder (every *.json in it, recursively), or - for stdin",
    )
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    validate.add_argument(
        "--format", choices=("text", "json"), default="text",
        help="text lines on stderr (default), or a JSON report on stdout",
    )
    validate.add_argument(
        "--max-bytes", type=int, default=strictjson.MAX_BYTES, metavar="N",
        help=f"refuse documents larger than N bytes (default {strictjson.MAX_BYTES})",
    )
    validate.set_defaults(run=_validate)

    show = commands.add_parser(
        "schema", help="print a bundled JSON Schema",
        description="Print a bundled JSON Schema (2020-12) to stdout.",
    )
    show.add_argument("kind", nargs="?", default="message", choices=sorted(schema.KINDS),
                      help="the document kind (default: message)")
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
        return Problem(pointer="", code="CS000", message=f"the file cannot be read ({reason})")
    return None


def _validate(args: argparse.Namespace, out: IO[str], err: IO[str], stdin: IO[bytes]) -> int:
    now = dt.datetime.now(dt.UTC)
    report: list[dict[str, Any]] = []
    invalid = 0
    count = 0
    for name, data in _documents(args.paths, stdin, args.max_bytes):
        count += 1
        unreadable = _unreadable(data)
        problems = [unreadable] if unreadable else list(
            iter_problems(data, now=now, max_bytes=args.max_bytes)
        )
        failed = any(args.strict or p.severity is Severity.ERROR for p in problems)
        invalid += failed
        if args.format == "json":
            report.append({
                "file": name, "valid": not failed,
                "problems": [
                    {"pointer": p.pointer, "code": p.code, "severity": str(p.severity),
                     "message": p.message}
                    for p in problems
                ],
            })
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


def _schema(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    json.dump(schema.load(args.kind), out, ensure_ascii=False, indent=2)
    out.write("\n")
    return EXIT_OK
