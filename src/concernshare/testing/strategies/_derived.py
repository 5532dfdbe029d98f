"""Strategies for records derived from their fields' shapes and schema facts."""

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
from hypothesis import strategies as st

from concernshare.errors import UsageError
from concernshare.records import (
    Body,
    PartialDate,
    UnknownMember,
)
from concernshare.records.types import AgencyId
from concernshare.shape import FieldShape, shape_of
from concernshare.strictjson import MAX_SAFE_INTEGER
from concernshare.testing.strategies._values import (
    _BY_NAME,
    _CHARACTERS,
    _ITEMS,
    _LATEST,
    _TEXT,
    _UUIDS,
    Strategy,
    T,
    agency_ids,
    dates,
    datetimes,
    extensions,
    partial_dates,
)

#: The strategies of the records that have rules tying their fields together (and of the envelope's body and
#: the message), by class: filled in by the package when every area is imported. :func:`records` looks here first.
_SPECIAL: Final[dict[Any, Callable[..., Strategy[Any]]]] = {}


# -- records, derived from the field metadata ---------------------------------------------


def _when(at: dt.datetime | None) -> dt.datetime:
    return _LATEST if at is None else at


def _day(at: dt.datetime) -> dt.date:
    return at.astimezone(dt.UTC).date()


@functools.cache
def _shapes(cls: type) -> dict[str, FieldShape]:
    return {field.name: field for field in shape_of(cls)}


_REPEAT: Final = re.compile(r"\{([0-9]+)(,([0-9]*))?\}")


def _small(pattern: str) -> str:
    """The pattern with each repetition capped at three more than its minimum.

    It matches some of the strings the pattern matches: the short ones, which
    are quicker to generate.
    """
    out: list[str] = []
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        token = pattern[index : index + 2] if char == "\\" else char
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "*+":
            token = "{0,3}" if char == "*" else "{1,3}"
        elif char == "{" and (repeat := _REPEAT.match(pattern, index)):
            low = int(repeat[1])
            high = low if repeat[2] is None else min(int(repeat[3] or low + 3), low + 3)
            token, index = f"{{{low},{high}}}", repeat.end() - 1
        out.append(token)
        index += len(token) if char == "\\" else 1
    return "".join(out)


@functools.cache
def _strings(pattern: str | None, low: int, high: int | None) -> Strategy[str]:
    if pattern is None:
        size = max(low, min(high or _TEXT, _TEXT))
        return st.text(_CHARACTERS, min_size=low, max_size=size)
    return st.from_regex(_small(pattern), fullmatch=True, alphabet=_CHARACTERS).filter(
        lambda text: low <= len(text) <= (high or len(text)),
    )


def _of_type(hint: Any, facts: Mapping[str, Any], at: dt.datetime) -> Strategy[Any]:
    """A strategy for values of a type, within the schema facts of the field that holds them."""
    if hint is Body:
        return _SPECIAL[Body](at=at)
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        low = facts.get("minItems", 0)
        high = min(facts.get("maxItems", _ITEMS), max(low, _ITEMS))
        unique = item is AgencyId or (isinstance(item, type) and issubclass(item, enum.Enum))
        # As in the schema: the length and pattern facts of an array field are its items'.
        each = {k: v for k, v in facts.items() if k in {"pattern", "minLength", "maxLength"}}
        items = st.lists(_of_type(item, each, at), min_size=low, max_size=high, unique=unique)
        return items.map(tuple)
    if hint == Mapping[str, Any]:
        return extensions(max_size=min(facts.get("maxItems", _ITEMS), _ITEMS))
    values: dict[Any, Callable[[], Strategy[Any]]] = {
        dt.datetime: lambda: datetimes(max_value=at),
        dt.date: lambda: dates(max_value=_day(at)),
        PartialDate: lambda: partial_dates(max_value=_day(at)),
        uuid.UUID: lambda: _UUIDS,
        AgencyId: agency_ids,
        bool: st.booleans,
        int: lambda: st.integers(
            facts.get("minimum", -MAX_SAFE_INTEGER),
            facts.get("maximum", MAX_SAFE_INTEGER),
        ),
        str: lambda: _strings(facts.get("pattern"), facts.get("minLength", 0), facts.get("maxLength")),
    }
    if hint in values:
        return values[hint]()
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(hint)
    if attrs.has(hint):
        return records(hint, at=at)
    raise TypeError(f"no strategy for values of {hint!r}")


@functools.cache
def _timeless(hint: Any) -> bool:
    """True if no value of the type holds a date or a time, so that its strategy never depends on ``at``."""
    if hint in (dt.datetime, dt.date, PartialDate) or hint is Body:
        return False
    if attrs.has(hint):
        return all(_timeless(f.declared) for f in shape_of(hint))
    return all(_timeless(arg) for arg in typing.get_args(hint))


def _field(cls: type, name: str, at: dt.datetime, *, present: bool = False) -> Strategy[Any]:
    """A strategy for one field of a record; absent values too if optional, unless ``present``.

    Strategies that do not depend on ``at`` are built once: hypothesis then
    validates them once, which is most of the cost of a fresh strategy.
    """
    if _timeless(_shapes(cls)[name].declared):
        return _timeless_field(cls, name, present=present)
    return _new_field(cls, name, at, present=present)


@functools.cache
def _timeless_field(cls: type, name: str, *, present: bool) -> Strategy[Any]:
    return _new_field(cls, name, _LATEST, present=present)


def _new_field(cls: type, name: str, at: dt.datetime, *, present: bool) -> Strategy[Any]:
    shape = _shapes(cls)[name]
    facts = shape.facts
    if "const" in facts:
        return st.just(facts["const"])
    named = _BY_NAME.get(name)
    strategy = named() if named else _of_type(shape.value, facts, at)
    if shape.optional and not present and not shape.withholdable:
        return st.none() | strategy
    return strategy


def _derive(cls: type[T], at: dt.datetime, **fixed: Strategy[Any]) -> Strategy[T]:
    """Records of ``cls`` with ``fixed`` strategies for some fields and derived ones for the rest."""
    kind: type = cls
    if not fixed and _timeless(kind):
        return typing.cast(Strategy[T], _timeless_record(kind))
    return _new_record(cls, at, fixed)


@functools.cache
def _timeless_record(cls: type) -> Strategy[Any]:
    return _new_record(cls, _LATEST, {})


def _new_record(cls: type[T], at: dt.datetime, fixed: dict[str, Strategy[Any]]) -> Strategy[T]:
    kind: type = cls
    fields = {f.name: fixed.pop(f.name) if f.name in fixed else _field(cls, f.name, at) for f in shape_of(kind)}
    if fixed:
        raise UsageError(f"{cls.__name__} has no field {', '.join(fixed)}")
    return st.fixed_dictionaries(fields).map(lambda values: cls(**values))


def records(cls: type[T], *, at: dt.datetime | None = None) -> Strategy[T]:
    """Records of any class of the format, valid by the schema and the semantic checks.

    Uses the class's own strategy where it has rules that tie fields together,
    and derives one from the field metadata otherwise. Raises
    :class:`~concernshare.errors.UsageError` for a class that is not a record.
    """
    if cls in _SPECIAL:
        return typing.cast(Strategy[T], _SPECIAL[cls](at=at))
    if cls is UnknownMember or not attrs.has(typing.cast(type, cls)):
        raise UsageError(f"{cls.__name__} is not a record of the format")
    return _derive(cls, _when(at))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
