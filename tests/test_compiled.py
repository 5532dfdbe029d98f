"""Every record class has its compiled structure and unstructure functions, and the codec takes them."""

from __future__ import annotations

import json
import linecache
import traceback
from pathlib import Path
from typing import Any

import attrs
import pytest

from concernshare import _compiled, codec
from concernshare.converter import TEXT_READERS, read_extensions
from concernshare.records import Message
from concernshare.shape import shape_of

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples" / "messages").glob("*.json"))


def _record_classes() -> list[type]:
    """Every record class a message can hold, found from the shapes (the value types written as strings aside)."""
    found: list[type] = []
    pending: list[Any] = [Message]
    while pending:
        cls = pending.pop()
        if cls in found or cls in TEXT_READERS or not attrs.has(cls):
            continue
        found.append(cls)
        for field in shape_of(cls):
            pending.extend((field.value, field.item, *field.union))
    return sorted(found, key=lambda c: c.__qualname__)


RECORDS = _record_classes()


def test_the_classes_are_found() -> None:
    """The search reaches the envelope, people and every body."""
    names = {cls.__name__ for cls in RECORDS}
    assert {"Message", "ConcernBody", "DecisionBody", "AcknowledgementBody"} <= names
    assert len(RECORDS) > 20


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__qualname__)
def test_structure_is_compiled(cls: type) -> None:
    """The class has a compiled structure function: none of its field types sends it down the general path."""
    assert codec._structure_of(cls) is not None


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__qualname__)
def test_unstructure_is_compiled(cls: type) -> None:
    """The class has a compiled unstructure function."""
    assert _compiled.unstructure_function(cls) is not None


class _Refused(AssertionError):
    """The converter was asked, where the fast path should have answered."""


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_take_the_fast_path(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each example reads and writes without the converter, and what write() knew needs no second parse."""

    class Refusing:
        def __getattr__(self, name: str) -> Any:
            raise _Refused(name)

    data = json.loads(path.read_bytes())
    monkeypatch.setattr(codec, "_converter", Refusing)
    record = codec.structure(data, Message)
    written = codec.write(record)
    assert written.data == data


def test_generated_source_is_in_linecache() -> None:
    """A traceback through a compiled function shows its source lines."""
    function = codec._structure_of(Message)
    assert function is not None
    filename = function.__code__.co_filename
    assert filename.startswith("<concernshare structure Message")
    assert "def structure(d):" in "".join(linecache.getlines(filename))
    try:
        function([])
    except _compiled.Fallback:
        text = traceback.format_exc()
    assert "raise Fallback" in text


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__qualname__)
def test_records_are_made_by_their_slots(cls: type) -> None:
    """Every record class but the partial date (which checks itself) is made by setting its slots, not by __init__."""
    setters = _compiled._slot_setters(cls)
    assert setters is not None
    assert set(setters) == {f.name for f in attrs.fields(cls)}


@attrs.frozen
class _Checked:
    size: int = attrs.field(validator=attrs.validators.ge(0))


@attrs.frozen
class _Finished:
    size: int

    def __attrs_post_init__(self) -> None:
        raise AssertionError("made")


@attrs.frozen(cache_hash=True)
class _Hashed:
    size: int


@attrs.define
class _Mutable:
    size: int = attrs.field(converter=int)


@pytest.mark.parametrize("cls", [_Checked, _Finished, _Hashed, _Mutable])
def test_a_class_whose_init_does_more_is_made_by_init(cls: type) -> None:
    """A validator, a post-init hook, a cached hash or a converter keeps __init__ in the structure function."""
    assert _compiled._slot_setters(cls) is None
    lines = _compiled._construction(_compiled.Writer(), cls, {"size": "a0"})
    assert lines[-1].strip().startswith("return cls_")
    assert "(size=a0)" in lines[-1]


def test_made_by_slots_equals_made_by_init() -> None:
    """A record the compiled function makes by its slots equals, and hashes as, the one __init__ makes."""
    data = json.loads(EXAMPLES[0].read_bytes())
    fast = codec.structure(data, Message)
    assert _compiled._slot_setters(Message) is not None
    rebuilt = attrs.evolve(fast)  # evolve goes through __init__
    assert rebuilt == fast
    assert hash(rebuilt.subject) == hash(fast.subject)


def _bodies() -> Any:
    return _compiled._Bodies(codec._BODY_KINDS, _compiled._Leaves(TEXT_READERS, read_extensions, codec._BODY_KINDS))


def test_a_body_type_is_compiled_when_first_read_and_an_unknown_type_is_not() -> None:
    """The envelope's body functions are written on first sight of a type; an unknown type gets the default."""
    bodies = _bodies()
    assert bodies.get("no such type") is None
    assert "concern" not in dict(bodies)
    function = bodies.get("concern")
    assert function is not None
    assert function is not _compiled._general
    assert dict(bodies)["concern"] is function


def test_a_fault_while_compiling_a_body_is_not_taken_for_an_unknown_type(monkeypatch: pytest.MonkeyPatch) -> None:
    """A KeyError raised while writing a body's function surfaces; it does not send every message the slow way."""

    def broken(*_: Any) -> Any:
        raise KeyError("a fault")

    monkeypatch.setattr(_compiled, "_structure_function", broken)
    with pytest.raises(KeyError, match="a fault"):
        _bodies().get("concern")
