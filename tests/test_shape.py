"""The one description of each record class's shape says what the declarations say."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import pytest

from concernshare import codec
from concernshare.records import Child, ConcernBody, Message
from concernshare.records.bodies import BODIES
from concernshare.shape import EVENT_FIELDS, optional_inner, record_union, shape_of, wire_names

EXAMPLE = sorted((Path(__file__).resolve().parent.parent / "examples" / "messages").glob("*.json"))[0]


def test_wire_fields_in_declaration_order() -> None:
    """The envelope's wire fields are its attributes in order, without what the reader keeps for itself."""
    names = [f.name for f in shape_of(Message)]
    assert names == [a.name for a in attrs.fields(Message) if a.metadata.get("wire", True)]
    assert "unknown_members" not in names
    assert wire_names(Message) == frozenset(names)


def test_canonical_order_follows_the_shape() -> None:
    """The members of a written message come in the order of the shape (the type written after the id)."""
    written = json.loads(codec.dumps(codec.loads(EXAMPLE.read_bytes())))
    order = [f.name for f in shape_of(Message) if f.name in written]
    assert [k for k in written if k != "type"] == order


def test_body_is_the_tagged_union() -> None:
    """The envelope's body is a union of every body class, neither optional nor an array."""
    (body,) = (f for f in shape_of(Message) if f.name == "body")
    assert set(body.union) == set(BODIES.values())
    assert not body.optional
    assert body.item is None
    assert all(not f.union for f in shape_of(ConcernBody))


def test_optional_and_array_fields() -> None:
    """An optional field names its inner type; an array field its item type; a required one has no default."""
    fields = {f.name: f for f in shape_of(Child)}
    birth = fields["birth_date"]
    assert birth.optional
    assert optional_inner(birth.declared) is birth.value
    assert birth.event
    assert any(f.item is not None for f in fields.values())
    assert all(f.required == (f.default is attrs.NOTHING) for f in fields.values())
    assert all(f.facts.get("description") for f in fields.values())


def test_helpers_on_plain_types() -> None:
    """Plain types are neither optional nor unions."""
    assert optional_inner(str) is None
    assert optional_inner(int | str) is None
    assert record_union(str | None) == ()
    assert "created" not in EVENT_FIELDS


def test_not_a_record() -> None:
    """Asking the shape of something that is not a record class is an error, not a guess."""
    with pytest.raises(TypeError, match="not a record class"):
        shape_of(dt.datetime)
