"""The reference implementations that the fast paths are held to, in one place.

Every layer of validation has a fast path and a reference: the full strict
parser, ``jsonschema`` explaining every problem, the cattrs converter alone,
and the checks that look everywhere in a message written as a plain walk over
every value (:func:`concernshare.checks.walk`) rather than the one planned
traversal. :data:`LAYERS` runs validation by the references alone, and no
knowledge of what the codec has just written; the differential tests run both
and require the same problems, layer and message.

Nothing here is used outside the tests and the benchmarks: it is slow on
purpose, being the plainest reading of the rules.
"""

from __future__ import annotations

import datetime as dt
import json
import typing
from collections.abc import Iterator
from typing import Any, Final

from concernshare import checks, codec, schema, strictjson, validation
from concernshare.catalogue import problem
from concernshare.checks import walk
from concernshare.errors import Problem
from concernshare.records import AgencyId, IdentityStatus, Message
from concernshare.records._fields import META
from concernshare.records.identifiers import nhs_number_ok
from concernshare.records.types import CLOCK_SKEW
from concernshare.shape import EVENT_FIELDS
from concernshare.strictjson import MAX_BYTES, MAX_DEPTH

__all__ = ["LAYERS", "check_problems", "dumps", "parse", "structure", "unstructure"]


def parse(document: bytes | str, max_bytes: int = MAX_BYTES) -> Any:
    """:func:`concernshare.strictjson.parse` by the full parser alone."""
    return strictjson._parse(document, max_bytes=max_bytes, max_depth=MAX_DEPTH, fast=False)


def structure(data: Any) -> Message:
    """:func:`concernshare.codec.structure` of a message by the converter alone."""
    return codec._structure(data, Message, fast=False)


def unstructure(record: Any) -> Any:
    """:func:`concernshare.codec.unstructure` by the converter alone."""
    return codec._unstructure_reference(record)


def dumps(record: Message) -> bytes:
    """:func:`concernshare.codec.dumps` by the converter alone and the standard library's encoder."""
    return json.dumps(unstructure(record), ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


# -- the checks that look everywhere, as a walk over every value ---------------------------


def _nhs_numbers(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    for pointer, value, _attribute in walk(message):
        if pointer.endswith("/nhs_number") and isinstance(value, str) and not nhs_number_ok(value):
            yield problem(pointer, "CS101")


def _local_authorities(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    for pointer, value, _attribute in walk(message):
        if isinstance(value, AgencyId) and (found := checks._council_problem(message, pointer, value)) is not None:
            yield found


def _future_dates(message: Message, now: dt.datetime | None) -> Iterator[Problem]:
    limit = message.created + dt.timedelta(days=1)
    for pointer, value, attribute in walk(message):
        if attribute is None or attribute.name not in EVENT_FIELDS:
            continue
        moment = checks._latest(value)
        if moment is not None and moment > limit:
            yield problem(pointer, "CS104", "event")
    if now is not None and message.created > now + CLOCK_SKEW:
        yield problem("/created", "CS104", "future")


_NAMELESS: Final = frozenset({IdentityStatus.UNKNOWN, IdentityStatus.NOT_DISCLOSED})


def _withholdable(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    withheld = {w.pointer for w in message.view.withheld} if message.view else set()
    # A related person nobody has named (identity unknown or not disclosed) is owed no name (format 1.1).
    unnamed = {
        f"/subject/related_people/{i}/name"
        for i, person in enumerate(message.subject.related_people)
        if person.identity in _NAMELESS
    }
    for pointer, value, attribute in walk(message):
        if (
            value is None
            and attribute is not None
            and attribute.metadata.get(META, {}).get("withholdable")
            and pointer not in unnamed
            and not any(pointer == w or pointer.startswith(w + "/") for w in withheld)
        ):
            yield problem(pointer, "CS106")


def _view(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    if message.view is None or not message.view.withheld:
        return
    present = {p for p, v, _attribute in walk(message) if v not in (None, ())}
    for index, item in enumerate(message.view.withheld):
        if item.pointer in present:
            yield problem(f"/view/withheld/{index}/pointer", "CS114")


_WALKING: Final = {f.__name__: f for f in (_nhs_numbers, _local_authorities, _future_dates, _withholdable, _view)}


def check_problems(message: Message, now: dt.datetime | None) -> list[Problem]:
    """Every semantic check in order, those that look everywhere as a walk over every value."""
    found: list[Problem] = []
    for check in checks.CHECKS:
        reference = _WALKING.get(getattr(check, "__name__", ""))
        if reference is not None:
            found.extend(reference(message, now))
        elif check in checks._TRAVERSING:
            raise AssertionError(f"the traversing check {check!r} has no reference here")
        else:
            found.extend(typing.cast(checks.Check, check)(message, now))
    return found


#: Validation by the references alone.
LAYERS: Final = validation._Layers(
    parse=parse,
    schema=lambda data: schema._explain(data, "message"),
    structure=structure,
    checks=check_problems,
    written=lambda _: None,
)
