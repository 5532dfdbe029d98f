"""The shape of each record class, read once from its declaration: one description for every reader.

The codec, its compiled fast path, the semantic checks' traversal, the schema
generator and the hypothesis strategies all walk the record classes. Each
asks the same questions of a field: is it on the wire, may it be absent, is
it an array (of what), is it the envelope's tagged union of bodies, what
schema facts does it declare. :func:`shape_of` answers them once per class,
from the type hints and the ``attrs`` metadata, so that no reader works them
out again in its own way.

A field is on the wire unless its metadata says ``wire: False`` (a value the
reader keeps for itself, such as the members kept from a newer minor version).
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Mapping
from typing import Any, Final

import attrs

from concernshare.records._fields import META

__all__ = ["EVENT_FIELDS", "FieldShape", "optional_inner", "record_union", "shape_of", "wire_names"]

#: The fields that date a past event (a birth, an incident, a decision): the semantic checks hold them to
#: the time the message was written (CS104).
EVENT_FIELDS: Final = frozenset(
    {
        "birth_date",
        "observed",
        "date",
        "event_date",
        "recorded_date",
        "incident_at",
        "assessed_on",
        "decided_at",
        "referral_at",
        "received_at",
        "accessed_at",
        "held_at",
        "completed_on",
        "notified_at",
        "moved_on",
        "closed_on",
        "started_on",
        "ended_on",
    }
)


def record_union(type_: Any) -> tuple[type, ...]:
    """The classes of a union of two or more record classes (the envelope's body), or ()."""
    args = typing.get_args(type_)
    is_union = typing.get_origin(type_) in (typing.Union, types.UnionType)
    return args if is_union and len(args) > 1 and all(attrs.has(a) for a in args) else ()


def optional_inner(type_: Any) -> Any:
    """The inner type of ``X | None``, or None if ``type_`` is not optional."""
    args = typing.get_args(type_)
    if type(None) in args and len(args) == 2:
        return next(a for a in args if a is not type(None))
    return None


@attrs.frozen(kw_only=True)
class FieldShape:
    """One field of a record class as the wire sees it."""

    #: The attribute's name, which is also its JSON member's name.
    name: str
    #: The declared type, as written.
    declared: Any
    #: The type of a present value: ``X`` of ``X | None``, else the declared type.
    value: Any
    #: True if the declared type admits None (the member may be left out).
    optional: bool
    #: The item type if the value is a tuple (a JSON array), else None.
    item: Any
    #: The record classes of a tagged union (the envelope's body), else ().
    union: tuple[type, ...]
    #: The attrs default (``attrs.NOTHING`` for a required member; may be an ``attrs.Factory``).
    default: Any
    #: The schema facts the field declares (description, pattern, lengths, withholdable ...).
    facts: Mapping[str, Any]

    @property
    def required(self) -> bool:
        """True if the member must be present: it has no default."""
        return self.default is attrs.NOTHING

    @property
    def withholdable(self) -> bool:
        """True if the schema leaves the field optional only because a view may withhold it."""
        return bool(self.facts.get("withholdable"))

    @property
    def event(self) -> bool:
        """True if the field dates a past event."""
        return self.name in EVENT_FIELDS


@functools.cache
def shape_of(cls: type) -> tuple[FieldShape, ...]:
    """The wire fields of a record class, in declaration order (the order of the canonical JSON).

    Raises :class:`TypeError` if ``cls`` is not an attrs class.
    """
    if not attrs.has(cls):
        raise TypeError(f"{cls!r} is not a record class")
    hints = typing.get_type_hints(cls)
    shapes = []
    for attribute in attrs.fields(cls):
        if not attribute.metadata.get("wire", True):
            continue
        declared = hints[attribute.name]
        union = record_union(declared)
        inner = None if union else optional_inner(declared)
        value = declared if inner is None else inner
        shapes.append(
            FieldShape(
                name=attribute.name,
                declared=declared,
                value=value,
                optional=inner is not None,
                item=typing.get_args(value)[0] if typing.get_origin(value) is tuple else None,
                union=union,
                default=attribute.default,
                facts=types.MappingProxyType(dict(attribute.metadata.get(META, {}))),
            )
        )
    return tuple(shapes)


@functools.cache
def wire_names(cls: type) -> frozenset[str]:
    """The names of the wire fields of a record class."""
    return frozenset(f.name for f in shape_of(cls))
