"""The strict codec: JSON bytes to records and back, through one cattrs converter.

:func:`make_converter` lists every hook in one place. :func:`loads` refuses
what the format refuses (see :mod:`concernshare.strictjson` for the JSON
layer): unknown members (except under ``extensions``, and except in a newer
minor version, where they are kept and reported), ``null`` members, values
of the wrong type, naive datetimes. :func:`dumps` writes the canonical form:
UTF-8, no whitespace, members in declaration order, absent values omitted,
times in UTC with ``Z``.

The converter is the reference. For speed, ``concernshare._compiled``
writes out a function per record class that takes the happy path (a value of
the declared type, nothing to report) and hands everything else to the
converter, so the results and the problems are the converter's. :func:`dumps`
also keeps, once, the plain JSON and the record of the bytes it last wrote
when they read back as exactly that record, for ``recall``: validating
what was just written (as sealing does) then needs no second parse.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import functools
import json
import re
import typing
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_structure_fn, override

from concernshare import FORMAT_VERSION, _compiled
from concernshare.catalogue import problem, say
from concernshare.errors import InvalidRecord, NaiveTime, Problem
from concernshare.records.bodies import BODIES, Body
from concernshare.records.codes import MessageType
from concernshare.records.envelope import EXTENSION_KEY, Message, UnknownMember
from concernshare.records.types import (
    DATE,
    DATE_TIME,
    NAIVE_DATE_TIME,
    UUID,
    AgencyId,
    PartialDate,
    utc_text,
)
from concernshare.strictjson import MAX_BYTES, MAX_DEPTH, escape_pointer, parse

__all__ = [
    "MAJOR",
    "MINOR",
    "Refusal",
    "dumps",
    "loads",
    "make_converter",
    "structure",
    "unknown_member_problems",
    "unstructure",
    "version_of",
]

T = TypeVar("T")
_DATE_TIME_RE: Final = re.compile(DATE_TIME)
_DATE_RE: Final = re.compile(DATE)
_UUID_RE: Final = re.compile(UUID)
_EXTENSION_RE: Final = re.compile(EXTENSION_KEY)
_NAIVE_RE: Final = re.compile(NAIVE_DATE_TIME)
_TYPES: Final = frozenset(MessageType)
_EARLIEST: Final = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
_LATEST: Final = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)
MAJOR, MINOR = (int(p) for p in FORMAT_VERSION.split("."))


class Refusal(ValueError):
    """A value the codec refuses, with the problem's code and message (the catalogue's message ``key``)."""

    def __init__(self, code: str, key: str = "default", /, **values: Any) -> None:
        self.code = code
        self.message = say(code, key, **values)
        super().__init__(self.message)


def _expect(value: Any, kind: type | tuple[type, ...], what: str) -> None:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise Refusal("CS012", "expected", what=what)


def _datetime(value: Any, _: type) -> dt.datetime:
    _expect(value, str, "a date-time string such as 2026-11-25T09:30:00Z")
    return _datetime_text(value)


def _datetime_text(value: str) -> dt.datetime:
    if _DATE_TIME_RE.fullmatch(value) is None or len(value) > 32:
        if _NAIVE_RE.fullmatch(value):
            raise Refusal("CS009")
        raise Refusal("CS018", "date_time")
    try:
        moment = dt.datetime.fromisoformat(value)
        in_range = _EARLIEST <= moment.astimezone(dt.UTC) <= _LATEST
    except (ValueError, OverflowError):
        raise Refusal("CS018", "not_a_date_time") from None
    if not in_range:
        raise Refusal("CS018", "time_range")
    return moment


def _date(value: Any, _: type) -> dt.date:
    _expect(value, str, "a date string such as 2026-11-25")
    return _date_text(value)


def _date_text(value: str) -> dt.date:
    if _DATE_RE.fullmatch(value) is None:
        raise Refusal("CS018", "date")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Refusal("CS018", "not_a_date") from None


def _partial_date(value: Any, _: type) -> PartialDate:
    _expect(value, str, "a date string: YYYY, YYYY-MM or YYYY-MM-DD")
    return _partial_date_text(value)


def _partial_date_text(value: str) -> PartialDate:
    if len(value) == 10 and value.isascii() and value[4] == "-" == value[7]:  # YYYY-MM-DD, read without the regex
        digits = value[:4] + value[5:7] + value[8:]
        if digits.isdigit() and 1 <= int(digits[4:6]) <= 12 and 1 <= int(digits[6:]) <= 31:
            with contextlib.suppress(ValueError):  # not in the calendar: PartialDate.parse says how
                return PartialDate(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    try:
        return PartialDate.parse(value)
    except ValueError as error:
        raise Refusal("CS018", "reason", reason=error) from None


def _uuid(value: Any, _: type) -> uuid.UUID:
    _expect(value, str, "a UUID string")
    return _uuid_text(value)


def _uuid_text(value: str) -> uuid.UUID:
    if _UUID_RE.fullmatch(value) is None:
        raise Refusal("CS018", "uuid")
    return uuid.UUID(value)


def _agency(value: Any, _: type) -> AgencyId:
    _expect(value, str, "an agency id string")
    return _agency_text(value)


@functools.lru_cache(maxsize=1024)  # the agencies are few and come back; an id is immutable and not personal
def _agency_text(value: str) -> AgencyId:
    try:
        return AgencyId(value)
    except ValueError as error:
        raise Refusal("CS018", "reason", reason=error) from None


def _str(value: Any, type_: type) -> Any:
    """Strings, and every code list: a StrEnum reaches this hook through its str base."""
    if type_ is not str and issubclass(type_, enum.Enum):
        return _enum_hook(type_)(value, type_)
    _expect(value, str, "a string")
    return value


def _bool(value: Any, _: type) -> bool:
    _expect(value, bool, "true or false")
    return typing.cast(bool, value)


def _int(value: Any, _: type) -> int:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    _expect(value, int, "an integer")
    return typing.cast(int, value)


def _extensions(value: Any, _: type) -> dict[str, Any]:
    _expect(value, dict, "an object")
    for key in value:
        if len(key) > 128 or _EXTENSION_RE.fullmatch(key) is None:
            raise Refusal("CS018", "extension_key")
    return dict(value)


def _fields_of(cls: type) -> dict[str, Any]:
    return {f.name: f.type for f in attrs.fields(cls) if f.metadata.get("wire", True)}


def _is_tuple(type_: Any) -> bool:
    return typing.get_origin(type_) is tuple


def _is_optional(type_: Any) -> bool:
    args = typing.get_args(type_)
    return type(None) in args and len(args) == 2 and type_ is not Body


@functools.cache
def _enum_hook(cls: type[enum.Enum]) -> Callable[[Any, type], enum.Enum]:
    values = ", ".join(str(m.value) for m in cls)

    def hook(value: Any, _: type) -> enum.Enum:
        try:
            return cls(value) if isinstance(value, str) else cls(object())
        except ValueError:
            raise Refusal("CS017", values=values) from None

    return hook


def _tuple_factory(converter: cattrs.Converter, type_: Any) -> Callable[[Any, type], tuple[Any, ...]]:
    (item,) = typing.get_args(type_)[:1]
    base = converter.get_structure_hook(list[item])  # type: ignore[valid-type]

    def hook(value: Any, _: type) -> tuple[Any, ...]:
        _expect(value, list, "an array")
        return tuple(base(value, list[item]))  # type: ignore[valid-type]

    return hook


def _optional_factory(converter: cattrs.Converter, type_: Any) -> Callable[[Any, type], Any]:
    inner = next(a for a in typing.get_args(type_) if a is not type(None))
    base = converter.get_structure_hook(inner)

    def hook(value: Any, _: type) -> Any:
        if value is None:
            raise Refusal("CS013")
        return base(value, inner)

    return hook


def _unstructure_attrs(converter: cattrs.Converter, cls: type) -> Callable[[Any], dict[str, Any]]:
    """Members in declaration order; absent (None) values are left out."""
    names = [f.name for f in attrs.fields(cls) if f.metadata.get("wire", True)]
    unstructure_value = converter.unstructure

    def hook(record: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in names:
            value = getattr(record, name)
            if value is not None:
                out[name] = unstructure_value(value)
        return out

    return hook


def _strict_attrs(cls: type, base: Callable[[Any, type], Any]) -> Callable[[Any, type], Any]:
    """Wrap a generated structure function: require an object, report unknown members with the rest."""
    known = frozenset(_fields_of(cls))

    def hook(value: Any, _: type) -> Any:
        _expect(value, dict, "a JSON object")
        extra = {key for key in value if key not in known}
        try:
            record = base(value, cls)
        except ClassValidationError as error:
            if extra:
                unknown = ForbiddenExtraKeysError("", cls, extra)
                raise ClassValidationError(error.message, [*error.exceptions, unknown], cls) from None
            raise
        if extra:
            raise ForbiddenExtraKeysError("", cls, extra)
        return record

    return hook


def _register_message(converter: cattrs.Converter) -> None:
    """The envelope: ``type`` selects the body's class, and is written back from it."""
    message_fields = _strict_attrs(
        Message,
        make_dict_structure_fn(
            Message,
            converter,
            body=override(struct_hook=lambda value, _: value),
        ),
    )

    def structure_message(value: Any, _: type) -> Message:
        _expect(value, dict, "a JSON object")
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
            except _ERRORS as error:
                problems.extend(_problems(error, "/body"))
        try:
            message = typing.cast(Message, message_fields(rest, Message))
        except _ERRORS as error:
            problems[:0] = (p for p in _problems(error, "") if not p.pointer.startswith("/body/"))
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
    for cls, structure_hook in (
        (dt.datetime, _datetime),
        (dt.date, _date),
        (PartialDate, _partial_date),
        (uuid.UUID, _uuid),
        (AgencyId, _agency),
        (str, _str),
        (bool, _bool),
        (int, _int),
    ):
        converter.register_structure_hook(cls, structure_hook)
    converter.register_structure_hook_func(lambda t: t == Mapping[str, Any], _extensions)
    converter.register_structure_hook_factory(_is_tuple, functools.partial(_tuple_factory, converter))
    converter.register_structure_hook_factory(_is_optional, functools.partial(_optional_factory, converter))
    converter.register_structure_hook_factory(
        attrs.has,
        lambda cls: _strict_attrs(cls, make_dict_structure_fn(cls, converter)),
    )
    converter.register_unstructure_hook(dt.datetime, utc_text)
    converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    for text_type in (PartialDate, uuid.UUID, AgencyId):
        converter.register_unstructure_hook(text_type, str)
    converter.register_unstructure_hook_factory(attrs.has, functools.partial(_unstructure_attrs, converter))
    _register_message(converter)
    return converter


_ERRORS: Final = (ClassValidationError, ForbiddenExtraKeysError, Refusal)
_CONVERTER: Final = make_converter()
#: The codec's hooks for the value types written as strings, after the type check the compiled functions make.
_TEXT_LEAVES: Final[dict[type, Callable[[str], Any]]] = {
    dt.datetime: _datetime_text,
    dt.date: _date_text,
    PartialDate: _partial_date_text,
    uuid.UUID: _uuid_text,
    AgencyId: _agency_text,
}
_BODY_KINDS: Final = {kind.value: cls for kind, cls in BODIES.items()}
_VERSION_RE: Final = re.compile(r"[1-9][0-9]{0,3}\.(0|[1-9][0-9]{0,3})")
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


@functools.cache
def _structure_of(cls: Any) -> Callable[[Any], Any] | None:
    return _compiled.structure_function(cls, _TEXT_LEAVES, _extensions, _BODY_KINDS)


def version_of(data: Any) -> tuple[int, int] | None:
    """The (major, minor) format version of parsed JSON, or None if it has none readable."""
    version = data.get("format_version") if isinstance(data, dict) else None
    if not isinstance(version, str) or _VERSION_RE.fullmatch(version) is None:
        return None
    major, minor = version.split(".")
    return int(major), int(minor)


def _strip_unknown(data: Any, type_: Any, pointer: str, kept: list[UnknownMember]) -> Any:
    """Remove, and keep aside, the members a reader of this version does not know."""
    if _is_optional(type_):
        type_ = next(a for a in typing.get_args(type_) if a is not type(None))
    if _is_tuple(type_) and isinstance(data, list):
        item = typing.get_args(type_)[0]
        return [_strip_unknown(v, item, f"{pointer}/{i}", kept) for i, v in enumerate(data)]
    if not (attrs.has(type_) and isinstance(data, dict)):
        return data
    fields = typing.get_type_hints(type_)
    known = _fields_of(type_)
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


def _problems(error: BaseException, pointer: str) -> list[Problem]:
    """Turn a cattrs error tree into problems with JSON pointers."""
    if isinstance(error, ClassValidationError | IterableValidationError):
        found: list[Problem] = []
        for inner in error.exceptions:
            child = pointer
            for note in getattr(inner, "__notes__", ()):
                name = getattr(note, "name", None)
                index = getattr(note, "index", None)
                if name is not None:
                    child = f"{pointer}/{escape_pointer(str(name))}"
                elif index is not None:
                    child = f"{pointer}/{index}"
            if isinstance(inner, KeyError):
                found.append(problem(child, "CS010"))
            else:
                found.extend(_problems(inner, child))
        return found
    if isinstance(error, ForbiddenExtraKeysError):
        return [problem(f"{pointer}/{escape_pointer(key)}", "CS011") for key in sorted(error.extra_fields)]
    if isinstance(error, Refusal):
        return [Problem(pointer=pointer, code=error.code, message=error.message)]
    return [problem(pointer, "CS012")]


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
        with contextlib.suppress(Exception):  # off the happy path: the converter decides, and says why
            return typing.cast(T, compiled(data))
    try:
        record = _CONVERTER.structure(data, cls)
    except _ERRORS as error:
        raise InvalidRecord(_problems(error, "")) from None
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
    except Exception:  # off the happy path: the converter writes it, or raises what it raises
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
    data = _CONVERTER.unstructure(record)
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


# What dumps() wrote last: the bytes, their plain JSON and the record, when these read back as
# exactly that record. A tuple is replaced whole, so that threads never see half of one.
_last: tuple[bytes, dict[str, Any], Message] | None = None


def _naive(value: Any, pointer: str) -> str | None:
    """The pointer of the first naive time in a record, if any."""
    if isinstance(value, dt.datetime):
        return pointer if value.utcoffset() is None else None
    if isinstance(value, tuple):
        return next((p for i, item in enumerate(value) if (p := _naive(item, f"{pointer}/{i}")) is not None), None)
    if attrs.has(value.__class__):
        for attribute in attrs.fields(value.__class__):
            found = _naive(getattr(value, attribute.name), f"{pointer}/{escape_pointer(attribute.name)}")
            if found is not None:
                return found
    return None


def dumps(record: Message) -> bytes:
    """Write a message in its canonical JSON form, as UTF-8 bytes.

    Raises :class:`~concernshare.errors.InvalidRecord` (CS009, with the
    pointer) if the record holds a naive time: it would be written in the
    host's own zone, a different moment on another machine.
    """
    global _last  # noqa: PLW0603  (the one-entry memo that recall() reads; see the module)
    plain = _plain(record)
    if plain is None:
        try:
            return _ENCODER.encode(unstructure(record)).encode("utf-8")
        except NaiveTime:
            where = _naive(record, "") or ""
            raise InvalidRecord([problem(where, "CS009", "record")]) from None
    data, bad = plain
    payload = _ENCODER.encode(data).encode("utf-8")
    _last = (payload, data, record) if not bad and isinstance(record, Message) else None
    return payload


def recall(payload: bytes) -> tuple[dict[str, Any], Message] | None:
    """The plain JSON and the record of ``payload``, if :func:`dumps` has just written it; else None.

    Only bytes that parse strictly to that plain JSON, and structure to a
    record equal to that one, are recalled, and each only once: the memo is
    then forgotten, and holds no message longer than the next call.
    """
    global _last  # noqa: PLW0603  (see dumps)
    last = _last
    if last is None or (last[0] is not payload and last[0] != payload):
        return None
    _last = None
    return last[1], last[2]
