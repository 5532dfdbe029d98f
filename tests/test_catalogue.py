"""Tests of the problem catalogue: every code raised is declared, and every message named exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Final

import pytest

from concernshare.catalogue import CATALOGUE, Layer, entry, problem, say
from concernshare.errors import Severity

SRC: Final = Path(__file__).resolve().parent.parent / "src" / "concernshare"
CODE: Final = re.compile(r"CS[0-9]{3}")
#: The first digit of a code, for each layer.
_HUNDREDS: Final = {
    Layer.STRICT_JSON: "0",
    Layer.STRUCTURE: "0",
    Layer.SEMANTIC: "1",
    Layer.HISTORY: "2",
    Layer.ROUTING: "3",
    Layer.TRANSPORT: "4",
}


#: The functions that take a code and then a message key (``"default"`` if none is written).
_SAYERS: Final = frozenset({"problem", "say", "Refusal", "_refusal", "_problem"})


def _named() -> list[tuple[str, str, str]]:
    """(where, code, message key) for each call in the source that names a code and a message of it."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "catalogue.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in _SAYERS:
                continue
            for index, argument in enumerate(node.args):
                if isinstance(argument, ast.Constant) and CODE.fullmatch(str(argument.value)):
                    following = node.args[index + 1] if index + 1 < len(node.args) else None
                    key = following.value if isinstance(following, ast.Constant) else None
                    found.append((f"{path.name}:{node.lineno}", argument.value, key or "default"))
    return found


def test_every_code_in_the_source_is_declared() -> None:
    """Every string in the source that is a problem code is declared in the catalogue."""
    written = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
                written.add(node.value)
    assert {"CS000", "CS101", "CS203", "CS410"} <= written
    assert written - set(CATALOGUE) == set()


def test_every_message_key_named_in_the_source_exists() -> None:
    """Each raiser that names a code and a message key names a message the catalogue has."""
    named = _named()
    assert len(named) > 120
    missing = [(where, code, key) for where, code, key in named if key not in CATALOGUE[code].messages]
    assert missing == []


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_an_entry_is_whole(code: str) -> None:
    """An entry has a meaning written as a sentence, a layer that fits its number, and plain templates."""
    found = entry(code)
    assert found.code == code
    assert found.meaning[0].isupper() or found.meaning.split()[0] in {
        "sent",
        "specversion",
        "type",
        "datacontenttype",
        "source",
        "subject",
        "id",
        "data",
    }
    assert found.meaning.endswith(".")
    assert code[2] == _HUNDREDS[found.layer]
    for key, template in found.messages.items():
        assert template.text, key
        assert not template.text.endswith("."), key  # messages are clauses, joined after a pointer
        values = dict.fromkeys(template.fields, "X")
        assert "{" not in say(code, key, **values)


def test_problem_takes_the_message_and_severity_from_the_catalogue() -> None:
    """problem() fills in the template and gives the problem the severity of its message."""
    made = problem("/recipients/1", "CS113", "sender")
    assert (made.code, made.severity, made.message) == ("CS113", Severity.WARNING, "the sender is among the recipients")
    assert problem("/recipients/1", "CS113", "twice").severity is Severity.ERROR
    assert problem("", "CS007", limit=10).message.startswith("the document is larger than the limit of 10 bytes")
    assert CATALOGUE["CS113"].severities == {Severity.ERROR, Severity.WARNING}


def test_a_mistake_in_the_library_is_a_key_error() -> None:
    """An unknown code, an unknown message key or a missing value is a KeyError (a bug, never a document's fault)."""
    with pytest.raises(KeyError):
        say("CS999")
    with pytest.raises(KeyError):
        say("CS113", "nonsense")
    with pytest.raises(KeyError):
        say("CS007")


def test_cs015_has_one_message() -> None:
    """The codec and validation say the same thing about a message of another major version."""
    from concernshare import codec, validation  # noqa: PLC0415
    from concernshare.errors import InvalidDocument  # noqa: PLC0415

    document = {"format_version": "2.0"}
    with pytest.raises(InvalidDocument) as structured:
        codec.structure(document, codec.Message)
    checked = list(validation.iter_problems(b'{"format_version": "2.0"}'))
    assert [p.message for p in structured.value.problems] == [p.message for p in checked]
    assert checked[0].code == "CS015"
