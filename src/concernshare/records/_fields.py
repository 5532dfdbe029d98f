"""One helper to declare a record field together with what the schema says about it.

The JSON Schema in ``schemas/`` is generated from these declarations, so the
schema and the Python types cannot drift apart.

Every field declared with :func:`field` is shown by ``repr`` through
:func:`redacted`, so no record's ``repr`` shows a personal value (a name, an
NHS number, an address, a birth date, free text): reprs end up in logs and
tracebacks. Only values that are never personal are shown: codes (enum
members), UUIDs, agency ids, booleans and times; every string, number, date
and partial date is shown as ``<withheld>``, and a nested record is shown the
same way, field by field, however its own class was declared.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any, Final

import attrs

from concernshare.records.types import AgencyId

__all__ = ["META", "WITHHELD", "field", "redacted"]

#: What ``repr`` shows in place of a value that may be personal.
WITHHELD: Final = "<withheld>"

#: The key under which a field's schema facts live in ``attrs`` metadata.
META: Final = "concernshare"

_NOTHING: Final[Any] = attrs.NOTHING


def field(
    description: str,
    *,
    default: Any = _NOTHING,
    pattern: str | None = None,
    max_length: int | None = None,
    min_length: int | None = None,
    min_items: int | None = None,
    max_items: int | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
    const: Any = _NOTHING,
    examples: tuple[Any, ...] = (),
    withholdable: bool = False,
) -> Any:
    """Declare a record field with its description and schema constraints.

    ``withholdable`` marks a field that the schema leaves
    optional because a view may withhold it, while a semantic check requires
    it unless ``view.withheld`` names it.
    """
    facts: dict[str, Any] = {"description": description}
    for key, value in (
        ("pattern", pattern),
        ("maxLength", max_length),
        ("minLength", min_length),
        ("minItems", min_items),
        ("maxItems", max_items),
        ("minimum", minimum),
        ("maximum", maximum),
    ):
        if value is not None:
            facts[key] = value
    if const is not _NOTHING:
        facts["const"] = const
    if examples:
        facts["examples"] = list(examples)
    if withholdable:
        facts["withholdable"] = True
    return attrs.field(default=default, metadata={META: facts}, repr=redacted)


def redacted(value: object) -> str:
    """The ``repr`` of a field's value with every possibly personal value withheld.

    Codes, UUIDs, agency ids, booleans, times and ``None`` are shown; tuples
    item by item; a record (any attrs instance) as its class and its fields,
    each shown by this same rule; anything else (strings, numbers, dates,
    partial dates, bytes, mappings) as ``<withheld>``.
    """
    if value is None or isinstance(value, bool | enum.Enum | uuid.UUID | AgencyId | dt.datetime):
        return repr(str(value)) if isinstance(value, AgencyId) else repr(value)
    if isinstance(value, tuple):
        items = ", ".join(redacted(item) for item in value)
        return f"({items},)" if len(value) == 1 else f"({items})"
    if attrs.has(type(value)):
        fields: tuple[attrs.Attribute[Any], ...] = attrs.fields(type(value))  # type: ignore[arg-type]
        shown = ", ".join(f"{a.name}={redacted(getattr(value, a.name))}" for a in fields if a.repr is not False)
        return f"{type(value).__qualname__}({shown})"
    return WITHHELD
