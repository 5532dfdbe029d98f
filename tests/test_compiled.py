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
from concernshare.converter import TEXT_READERS
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
    monkeypatch.setattr(codec, "_CONVERTER", Refusing())
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
