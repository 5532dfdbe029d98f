"""The generic strict converter: the cattrs hooks that hold plain JSON to declared types, strictly.

:func:`configure_converter` lists, in one block, every hook that does not
depend on the message envelope: strings, booleans and integers of exactly
their JSON type, code lists (``StrEnum``) by their wire values, times with an
offset and inside the format's range, dates, partial dates, lower-case
UUIDs, agency ids, namespaced extension keys, arrays as tuples, ``null``
refused where a member may only be left out, unknown members refused, and
records written with their members in declaration order and absent values
left out. :func:`problems_of` turns what cattrs raises into problems with
JSON pointers. :mod:`concernshare.codec` adds the envelope (the tagged union
of bodies on ``type``, format versions) and makes the one converter.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
import typing
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_structure_fn

from concernshare.catalogue import problem, say
from concernshare.errors import Problem, Refusal
from concernshare.records.envelope import EXTENSION_KEY
from concernshare.records.types import (
    DATE,
    DATE_TIME,
    EARLIEST,
    LATEST,
    NAIVE_DATE_TIME,
    UUID,
    AgencyId,
    PartialDate,
    utc_text,
)
from concernshare.shape import optional_inner, shape_of, wire_names
from concernshare.strictjson import escape_pointer

__all__ = [
    "ERRORS",
    "TEXT_READERS",
    "Refusal",
    "configure_converter",
    "expect",
    "problems_of",
    "read_extensions",
    "strict_attrs",
]

_DATE_TIME_RE: Final = re.compile(DATE_TIME)
_DATE_RE: Final = re.compile(DATE)
_UUID_RE: Final = re.compile(UUID)
_EXTENSION_RE: Final = re.compile(EXTENSION_KEY)
_NAIVE_RE: Final = re.compile(NAIVE_DATE_TIME)


def _refusal(code: str, key: str = "default", /, **values: Any) -> Refusal:
    """A refusal of ``code`` with the catalogue's message ``key``."""
    return Refusal(code, say(code, key, **values))


def expect(value: Any, kind: type | tuple[type, ...], what: str) -> None:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise _refusal("CS012", "expected", what=what)


def _datetime_text(value: str) -> dt.datetime:
    if _DATE_TIME_RE.fullmatch(value) is None or len(value) > 32:
        if _NAIVE_RE.fullmatch(value):
            raise _refusal("CS009")
        raise _refusal("CS018", "date_time")
    try:
        moment = dt.datetime.fromisoformat(value)
        in_range = EARLIEST <= moment.astimezone(dt.UTC) <= LATEST
    except (ValueError, OverflowError):
        raise _refusal("CS018", "not_a_date_time") from None
    if not in_range:
        raise _refusal("CS018", "time_range")
    return moment


def _date_text(value: str) -> dt.date:
    if _DATE_RE.fullmatch(value) is None:
        raise _refusal("CS018", "date")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _refusal("CS018", "not_a_date") from None


def _partial_date_text(value: str) -> PartialDate:
    if len(value) == 10 and value[4] == "-" == value[7] and value.isascii() and value.replace("-", "").isdigit():
        try:  # YYYY-MM-DD, read without the regex; the calendar is date's to judge
            return PartialDate.of(dt.date.fromisoformat(value))
        except ValueError:
            pass  # not in the calendar: PartialDate.parse says how
    try:
        return PartialDate.parse(value)
    except ValueError as error:
        raise _refusal("CS018", "reason", reason=error) from None


_SET_INT, _SET_SAFE = (uuid.UUID.__dict__[name].__set__ for name in ("int", "is_safe"))


def _uuid_text(value: str) -> uuid.UUID:
    if _UUID_RE.fullmatch(value) is None:
        raise _refusal("CS018", "uuid")
    made = object.__new__(uuid.UUID)  # what UUID(value) makes of a canonical UUID, without parsing it again
    _SET_INT(made, int(value.replace("-", ""), 16))
    _SET_SAFE(made, uuid.SafeUUID.unknown)
    return made


@functools.lru_cache(maxsize=1024)  # the agencies are few and come back; an id is immutable and not personal
def _agency_text(value: str) -> AgencyId:
    try:
        return AgencyId(value)
    except ValueError as error:
        raise _refusal("CS018", "reason", reason=error) from None


def _text_hook(read: Callable[[str], Any], what: str) -> Callable[[Any, type], Any]:
    """The structure hook of a value type written as a string: ``read`` it once it is a string."""

    def hook(value: Any, _: type) -> Any:
        expect(value, str, what)
        return read(value)

    return hook


#: The value types written as strings: how the string is read, and what it must be.
_TEXT_TYPES: Final[dict[type, tuple[Callable[[str], Any], str]]] = {
    dt.datetime: (_datetime_text, "a date-time string such as 2026-11-25T09:30:00Z"),
    dt.date: (_date_text, "a date string such as 2026-11-25"),
    PartialDate: (_partial_date_text, "a date string: YYYY, YYYY-MM or YYYY-MM-DD"),
    uuid.UUID: (_uuid_text, "a UUID string"),
    AgencyId: (_agency_text, "an agency id string"),
}


def _str(value: Any, type_: type) -> Any:
    """Strings, and every code list: a StrEnum reaches this hook through its str base."""
    if type_ is not str and issubclass(type_, enum.Enum):
        return _enum_hook(type_)(value, type_)
    expect(value, str, "a string")
    return value


def _bool(value: Any, _: type) -> bool:
    expect(value, bool, "true or false")
    return typing.cast(bool, value)


def _int(value: Any, _: type) -> int:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    expect(value, int, "an integer")
    return typing.cast(int, value)


def read_extensions(value: Any, _: type) -> dict[str, Any]:
    expect(value, dict, "an object")
    for key in value:
        if len(key) > 128 or _EXTENSION_RE.fullmatch(key) is None:
            raise _refusal("CS018", "extension_key")
    return dict(value)


def _is_tuple(type_: Any) -> bool:
    return typing.get_origin(type_) is tuple


def _is_optional(type_: Any) -> bool:
    return optional_inner(type_) is not None


@functools.cache
def _enum_hook(cls: type[enum.Enum]) -> Callable[[Any, type], enum.Enum]:
    values = ", ".join(str(m.value) for m in cls)

    def hook(value: Any, _: type) -> enum.Enum:
        try:
            return cls(value) if isinstance(value, str) else cls(object())
        except ValueError:
            raise _refusal("CS017", values=values) from None

    return hook


def _tuple_factory(converter: cattrs.Converter, type_: Any) -> Callable[[Any, type], tuple[Any, ...]]:
    (item,) = typing.get_args(type_)[:1]
    base = converter.get_structure_hook(list[item])  # type: ignore[valid-type]

    def hook(value: Any, _: type) -> tuple[Any, ...]:
        expect(value, list, "an array")
        return tuple(base(value, list[item]))  # type: ignore[valid-type]

    return hook


def _optional_factory(converter: cattrs.Converter, type_: Any) -> Callable[[Any, type], Any]:
    inner = optional_inner(type_)
    base = converter.get_structure_hook(inner)

    def hook(value: Any, _: type) -> Any:
        if value is None:
            raise _refusal("CS013")
        return base(value, inner)

    return hook


def _unstructure_attrs(converter: cattrs.Converter, cls: type) -> Callable[[Any], dict[str, Any]]:
    """Members in declaration order; absent (None) values are left out."""
    names = [f.name for f in shape_of(cls)]
    unstructure_value = converter.unstructure

    def hook(record: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in names:
            value = getattr(record, name)
            if value is not None:
                out[name] = unstructure_value(value)
        return out

    return hook


def strict_attrs(cls: type, base: Callable[[Any, type], Any]) -> Callable[[Any, type], Any]:
    """Wrap a generated structure function: require an object, report unknown members with the rest."""
    known = wire_names(cls)

    def hook(value: Any, _: type) -> Any:
        expect(value, dict, "a JSON object")
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


def configure_converter(converter: cattrs.Converter) -> None:
    """Register on ``converter`` every hook of the strict converter (all but the envelope's)."""
    for cls, (read, what) in _TEXT_TYPES.items():
        converter.register_structure_hook(cls, _text_hook(read, what))
    for cls, structure_hook in ((str, _str), (bool, _bool), (int, _int)):
        converter.register_structure_hook(cls, structure_hook)
    converter.register_structure_hook_func(lambda t: t == Mapping[str, Any], read_extensions)
    converter.register_structure_hook_factory(_is_tuple, functools.partial(_tuple_factory, converter))
    converter.register_structure_hook_factory(_is_optional, functools.partial(_optional_factory, converter))
    converter.register_structure_hook_factory(
        attrs.has,
        lambda cls: strict_attrs(cls, make_dict_structure_fn(cls, converter)),
    )
    converter.register_unstructure_hook(dt.datetime, utc_text)
    converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    for text_type in (PartialDate, uuid.UUID, AgencyId):
        converter.register_unstructure_hook(text_type, str)
    converter.register_unstructure_hook_factory(attrs.has, functools.partial(_unstructure_attrs, converter))


#: What the strict converter raises for a value it refuses; :func:`problems_of` reads each.
ERRORS: Final = (ClassValidationError, ForbiddenExtraKeysError, Refusal)
#: The reader of each value type written as a string, given a string (the compiled functions' leaves).
TEXT_READERS: Final[dict[type, Callable[[str], Any]]] = {cls: read for cls, (read, _) in _TEXT_TYPES.items()}


def problems_of(error: BaseException, pointer: str) -> list[Problem]:
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
                found.extend(problems_of(inner, child))
        return found
    if isinstance(error, ForbiddenExtraKeysError):
        return [problem(f"{pointer}/{escape_pointer(key)}", "CS011") for key in sorted(error.extra_fields)]
    if isinstance(error, Refusal):
        return [Problem(pointer=pointer, code=error.code, message=error.message)]
    return [problem(pointer, "CS012")]
