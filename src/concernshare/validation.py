"""Validation of one message: strict parse, then the JSON Schema, then the semantic checks.

Three verbs in the style of jsonschema: :func:`iter_problems` yields every
problem, :func:`is_valid` answers yes or no, :func:`validate` returns the
typed message or raises. The layers run in order; every problem of a layer is
reported, and a later layer runs only on what the earlier ones accepted.

Each layer has a fast path that gives the reference's verdicts (see
:mod:`concernshare.strictjson`, :mod:`concernshare.schema`,
:mod:`concernshare.codec`; the references are in :mod:`concernshare._reference`).
What :func:`concernshare.codec.write` has just written from a record is not
parsed and structured again when the codec says what it reads back as: only
the schema and the semantic checks run (as when sealing validates what it
signs).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final

import attrs

from concernshare import checks, codec, schema, strictjson
from concernshare._format import FORMAT_VERSION
from concernshare.catalogue import problem
from concernshare.errors import InvalidRecord, Problem, SchemaViolation, Severity
from concernshare.records import Message
from concernshare.records.types import require_aware

__all__ = ["Document", "is_valid", "iter_problems", "validate"]

#: A message as JSON bytes, JSON text, already parsed (strictly) into a dict, a record (validated as the
#: canonical bytes :func:`~concernshare.codec.dumps` writes of it), or what :func:`~concernshare.codec.write`
#: wrote (validated as its bytes).
Document = bytes | str | dict[str, Any] | Message | codec.Written


class _Layer(enum.Enum):
    PARSE = "parse"
    SCHEMA = "schema"
    RECORD = "record"


@attrs.frozen
class _Layers:
    """What each layer does: the fast paths, or (for the differential tests) the references."""

    parse: Callable[[bytes | str, int], Any]
    schema: Callable[[Any], Iterable[Problem]]
    structure: Callable[[Any], Message]
    checks: Callable[[Message, dt.datetime | None], Iterable[Problem]]
    written: Callable[[codec.Written], dict[str, Any] | None]


_FAST: Final = _Layers(
    parse=lambda document, limit: strictjson.parse(document, max_bytes=limit),
    schema=schema.iter_problems,
    structure=lambda data: codec.structure(data, Message),
    checks=lambda message, now: checks.iter_problems(message, now=now),
    written=lambda written: written.data,
)


def _run(
    document: Document,
    *,
    now: dt.datetime | None,
    max_bytes: int,
    layers: _Layers = _FAST,
) -> tuple[list[Problem], Message | None, _Layer]:
    """Run the layers; return the problems, the message if it could be built, and the last layer."""
    if now is not None:
        require_aware(now, "now")
    if isinstance(document, Message):
        try:
            document = codec.write(document)
        except InvalidRecord as error:
            return list(error.problems), None, _Layer.RECORD
    written: codec.Written | None = None
    known: dict[str, Any] | None = None  # what the written bytes read back as, when the codec knows it
    if isinstance(document, codec.Written):
        known = layers.written(document) if len(document.payload) <= max_bytes else None
        written, document = document, document.payload
    if known is not None:
        data: Any = known
    elif isinstance(document, dict):
        data = document
    else:
        try:
            data = layers.parse(document, max_bytes)
        except InvalidRecord as error:
            return list(error.problems), None, _Layer.PARSE
    if not isinstance(data, dict):
        return [problem("", "CS012", "object")], None, _Layer.SCHEMA
    version = codec.version_of(data)
    if version is not None and version[0] != codec.MAJOR:
        return [problem("/format_version", "CS015", major=version[0], version=FORMAT_VERSION)], None, _Layer.SCHEMA
    newer_minor = version is not None and version[0] == codec.MAJOR and version[1] > codec.MINOR
    problems = [p for p in layers.schema(data) if not (newer_minor and p.code == "CS011")]
    if problems:
        return problems, None, _Layer.SCHEMA
    if written is not None and known is not None:
        message = written.record
    else:
        try:
            message = layers.structure(data)
        except InvalidRecord as error:
            return list(error.problems), None, _Layer.RECORD
    problems = codec.unknown_member_problems(message.unknown_members)
    problems.extend(layers.checks(message, now))
    return problems, message, _Layer.RECORD


def _blocking(problems: list[Problem], strict: bool) -> list[Problem]:
    return [p for p in problems if strict or p.severity is Severity.ERROR]


def iter_problems(
    document: Document,
    *,
    now: dt.datetime | None = None,
    max_bytes: int = strictjson.MAX_BYTES,
) -> Iterator[Problem]:
    """Yield every problem of a message, errors and warnings alike.

    ``now`` turns on the checks that need a clock (a message dated in the future).
    """
    problems, _, _ = _run(document, now=now, max_bytes=max_bytes)
    yield from problems


def is_valid(
    document: Document,
    *,
    strict: bool = False,
    now: dt.datetime | None = None,
) -> bool:
    """True if the message has no errors (and, with ``strict``, no warnings either)."""
    problems, message, _ = _run(document, now=now, max_bytes=strictjson.MAX_BYTES)
    return message is not None and not _blocking(problems, strict)


def validate(
    document: Document,
    *,
    strict: bool = False,
    now: dt.datetime | None = None,
    max_bytes: int = strictjson.MAX_BYTES,
) -> Message:
    """Return the typed message, or raise if it has errors (with ``strict``, warnings too).

    Raises :class:`~concernshare.errors.SchemaViolation` when the JSON Schema
    refused the message and :class:`~concernshare.errors.InvalidRecord` when
    the parser, the codec or a semantic check did; both carry every problem;
    :class:`~concernshare.errors.NaiveTime` if ``now`` is naive. A
    :class:`~concernshare.records.Message` is validated as its canonical bytes.
    """
    problems, message, layer = _run(document, now=now, max_bytes=max_bytes)
    blocking = _blocking(problems, strict)
    if message is None or blocking:
        if layer is _Layer.SCHEMA:
            raise SchemaViolation(blocking)
        raise InvalidRecord(blocking)
    return message
