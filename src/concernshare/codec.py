"""The strict codec: JSON bytes to messages and back, through one cattrs converter.

:func:`make_converter` makes it: the strict converter's hooks
(:mod:`concernshare.converter`) and the message envelope's (the body chosen
by ``type``, the format version read first). :func:`loads` refuses
what the format refuses (see :mod:`concernshare.strictjson` for the JSON
layer): unknown members (except under ``extensions``, and except in a newer
minor version, where they are kept and reported), ``null`` members, values
of the wrong type, naive datetimes. :func:`dumps` writes the canonical form:
UTF-8, no whitespace, members in declaration order, absent values omitted,
times in UTC with ``Z``.

The converter is the reference. For speed, ``concernshare._compiled``
writes out a function per record class that takes the happy path (a value of
the declared type, nothing to report) and hands everything else to the
converter, so the results and the problems are the converter's. :func:`write`
returns, with the bytes, the plain JSON they parse to when they read back as
exactly the record written: validating what was just written (as sealing
does) then needs no second parse.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import re
import typing
from collections.abc import Callable
from typing import Any, Final, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override

from concernshare import _compiled
from concernshare._format import FORMAT_VERSION
from concernshare.catalogue import problem
from concernshare.converter import (
    ERRORS,
    TEXT_READERS,
    Refusal,
    configure_converter,
    expect,
    problems_of,
    read_extensions,
    strict_attrs,
)
from concernshare.errors import InvalidRecord, NaiveTime, Problem
from concernshare.records.bodies import BODIES
from concernshare.records.codes import MessageType
from concernshare.records.envelope import Message, UnknownMember
from concernshare.shape import optional_inner, shape_of
from concernshare.strictjson import MAX_BYTES, MAX_DEPTH, escape_pointer, parse

__all__ = [
    "MAJOR",
    "MINOR",
    "Refusal",
    "Written",
    "dumps",
    "loads",
    "make_converter",
    "structure",
    "unknown_member_problems",
    "unstructure",
    "version_of",
    "write",
]

T = TypeVar("T")
_TYPES: Final = frozenset(MessageType)
MAJOR, MINOR = (int(p) for p in FORMAT_VERSION.split("."))


#: The codes of the codec and schema layers, with what each means.


def _register_message(converter: cattrs.Converter) -> None:
    """The envelope: ``type`` selects the body's class, and is written back from it."""
    message_fields = strict_attrs(
        Message,
        make_dict_structure_fn(
            Message,
            converter,
            body=override(struct_hook=lambda value, _: value),
        ),
    )

    def structure_message(value: Any, _: type) -> Message:
        expect(value, dict, "a JSON object")
        rest = dict(value)
        kind = rest.pop("type", None)
        body_class = BODIES.get(MessageType(kind)) if isinstance(kind, str) and kind in _TYPES else None
        if body_class is None:
            raise InvalidRecord(
                [
                    problem(
                        "" if kind is None else "/type",
                        "CS014",
                        "missing" if kind is None else "unknown",
                        types=", ".join(MessageType),
                    )
                ]
            )
        problems: list[Problem] = []
        if "body" in rest:
            try:
                rest["body"] = converter.structure(rest["body"], body_class)
            except ERRORS as error:
                problems.extend(problems_of(error, "/body"))
        try:
            message = typing.cast(Message, message_fields(rest, Message))
        except ERRORS as error:
            problems[:0] = (p for p in problems_of(error, "") if not p.pointer.startswith("/body/"))
        if problems:
            raise InvalidRecord(sorted(problems, key=lambda p: p.pointer))
        return message

    converter.register_structure_hook(Message, structure_message)
    message_unstructure = converter.get_unstructure_hook(Message)

    def unstructure_message(message: Message) -> dict[str, Any]:
        fields = message_unstructure(message)
        out = {"format_version": fields.pop("format_version"), "id": fields.pop("id"), "type": str(message.type)}
        out.update(fields)
        if not out.get("extensions"):
            out.pop("extensions", None)
        return out

    converter.register_unstructure_hook(Message, unstructure_message)


def make_converter() -> cattrs.Converter:
    """Return a new converter with every hook of the format; the codec's policy in one place."""
    converter = cattrs.Converter(detailed_validation=True)
    configure_converter(converter)
    _register_message(converter)
    return converter


#: The converter, made when first needed: the compiled functions read and write every valid message, so a
#: command that validates one file never builds it (see docs/performance.md, start-up).
_converter: Final = functools.cache(make_converter)
_BODY_KINDS: Final = {kind.value: cls for kind, cls in BODIES.items()}
_VERSION_RE: Final = re.compile(r"[1-9][0-9]{0,3}\.(0|[1-9][0-9]{0,3})")
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


@functools.cache
def _structure_of(cls: Any) -> Callable[[Any], Any] | None:
    return _compiled.structure_function(cls, TEXT_READERS, read_extensions, _BODY_KINDS)


def version_of(data: Any) -> tuple[int, int] | None:
    """The (major, minor) format version of parsed JSON, or None if it has none readable."""
    version = data.get("format_version") if isinstance(data, dict) else None
    if not isinstance(version, str) or _VERSION_RE.fullmatch(version) is None:
        return None
    major, minor = version.split(".")
    return int(major), int(minor)


def _strip_unknown(data: Any, type_: Any, pointer: str, kept: list[UnknownMember]) -> Any:
    """Remove, and keep aside, the members a reader of this version does not know."""
    type_ = optional_inner(type_) or type_
    if typing.get_origin(type_) is tuple and isinstance(data, list):
        item = typing.get_args(type_)[0]
        return [_strip_unknown(v, item, f"{pointer}/{i}", kept) for i, v in enumerate(data)]
    if not (attrs.has(type_) and isinstance(data, dict)):
        return data
    fields = {f.name: f.declared for f in shape_of(type_)}
    known = fields.keys()
    out: dict[str, Any] = {}
    for key, value in data.items():
        child = f"{pointer}/{escape_pointer(key)}"
        if type_ is Message and key == "type":
            out[key] = value
        elif type_ is Message and key == "body":
            kind = data.get("type")
            body = BODIES.get(MessageType(kind)) if isinstance(kind, str) and kind in _TYPES else None
            out[key] = _strip_unknown(value, body, child, kept) if body else value
        elif key == "extensions" or key not in known:
            if key not in known:
                kept.append(UnknownMember(pointer=child, value=value))
            else:
                out[key] = value
        else:
            out[key] = _strip_unknown(value, fields[key], child, kept)
    return out


def unknown_member_problems(kept: tuple[UnknownMember, ...]) -> list[Problem]:
    """Warnings for members kept from a newer minor version."""
    return [problem(member.pointer, "CS016", version=FORMAT_VERSION) for member in kept]


def structure(data: Any, cls: type[T]) -> T:
    """Build a record of ``cls`` from parsed JSON.

    Raises :class:`~concernshare.errors.InvalidRecord` with a pointer for each problem.
    """
    return _structure(data, cls, fast=True)


def _structure(data: Any, cls: type[T], *, fast: bool) -> T:
    """:func:`structure`; with ``fast`` false, the converter alone (the reference)."""
    kept: list[UnknownMember] = []
    if cls is Message:
        version = version_of(data)
        if version is not None and version[0] != MAJOR:
            raise InvalidRecord([problem("/format_version", "CS015", major=version[0], version=FORMAT_VERSION)])
        if version is not None and version[1] > MINOR:
            data = _strip_unknown(data, Message, "", kept)
    compiled = _structure_of(typing.cast(Any, cls)) if fast else None  # (mypy takes type[T] for unhashable)
    if compiled is not None and not kept:
        with contextlib.suppress(_compiled.Fallback, Refusal):  # off the happy path: the converter says why
            return typing.cast(T, compiled(data))
    try:
        record = _converter().structure(data, cls)
    except ERRORS as error:
        raise InvalidRecord(problems_of(error, "")) from None
    if kept:
        record = attrs.evolve(record, unknown_members=tuple(kept))  # type: ignore[misc]
    return record


def _plain(record: Any) -> tuple[dict[str, Any], list[str]] | None:
    """The plain JSON of a record by its compiled function, with notes of what would not read back; else None."""
    function = _compiled.unstructure_function(record.__class__) if attrs.has(record.__class__) else None
    if function is None or (isinstance(record, Message) and record.unknown_members):
        return None
    bad: list[str] = []
    try:
        fields = function(record, bad)
        if not isinstance(record, Message):
            return fields, bad
        out = {"format_version": fields.pop("format_version"), "id": fields.pop("id"), "type": str(record.type)}
    except (_compiled.Fallback, NaiveTime):  # off the happy path: the converter writes it, or raises what it raises
        return None
    out.update(fields)
    if not out.get("extensions"):
        out.pop("extensions", None)
    return out, bad


def unstructure(record: Any) -> Any:
    """Turn a record into plain JSON values (dicts, lists, strings, numbers, booleans)."""
    plain = _plain(record)
    return _unstructure_reference(record) if plain is None else plain[0]


def _unstructure_reference(record: Any) -> Any:
    """:func:`unstructure` by the converter alone (the reference the compiled functions are held to)."""
    data = _converter().unstructure(record)
    if isinstance(record, Message) and record.unknown_members:
        for member in record.unknown_members:
            _insert(data, member.pointer, member.value)
    return data


def _insert(data: Any, pointer: str, value: Any) -> None:
    *parents, last = (t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:])
    target = data
    for token in parents:
        target = target[int(token)] if isinstance(target, list) else target[token]
    if isinstance(target, dict):
        target[last] = value


def loads(
    data: bytes | str,
    *,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
) -> Message:
    """Parse strict JSON into a :class:`~concernshare.records.Message`.

    This is the codec alone: it does not run the JSON Schema or the semantic
    checks (use :func:`concernshare.validation.validate` for those).
    Raises :class:`~concernshare.errors.InvalidRecord`.
    """
    return structure(parse(data, max_bytes=max_bytes, max_depth=max_depth), Message)


def _naive(value: Any, pointer: str) -> str | None:
    """The pointer of the first naive time in a record, if any."""
    if isinstance(value, dt.datetime):
        return pointer if value.utcoffset() is None else None
    if isinstance(value, tuple):
        return next((p for i, item in enumerate(value) if (p := _naive(item, f"{pointer}/{i}")) is not None), None)
    if attrs.has(value.__class__):
        for field in shape_of(value.__class__):
            found = _naive(getattr(value, field.name), f"{pointer}/{escape_pointer(field.name)}")
            if found is not None:
                return found
    return None


@attrs.frozen
class Written:
    """A message as :func:`write` wrote it.

    ``data`` is the plain JSON that ``payload`` parses to, given only when
    the payload reads back as exactly ``record`` (else None: the payload must
    be parsed and structured again to learn what it says).
    """

    payload: bytes
    record: Message
    data: dict[str, Any] | None


def dumps(record: Message) -> bytes:
    """Write a message in its canonical JSON form, as UTF-8 bytes.

    Raises :class:`~concernshare.errors.InvalidRecord` (CS009, with the
    pointer) if the record holds a naive time: it would be written in the
    host's own zone, a different moment on another machine.
    """
    return write(record).payload


def write(record: Message) -> Written:
    """:func:`dumps`, returning with the bytes what they read back as when that is known without reading them.

    Raises :class:`~concernshare.errors.InvalidRecord` as :func:`dumps` does.
    """
    plain = _plain(record)
    if plain is None:
        try:
            return Written(payload=_ENCODER.encode(unstructure(record)).encode("utf-8"), record=record, data=None)
        except NaiveTime:
            where = _naive(record, "") or ""
            raise InvalidRecord([problem(where, "CS009", "record")]) from None
    data, bad = plain
    return Written(payload=_ENCODER.encode(data).encode("utf-8"), record=record, data=None if bad else data)
