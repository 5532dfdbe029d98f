"""The example messages are clean, and each invalid example fails exactly as recorded beside it."""

from __future__ import annotations

import enum
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from concernshare import codec
from concernshare.catalogue import CATALOGUE, Layer
from concernshare.cli import main
from concernshare.errors import Severity
from concernshare.records import codes
from concernshare.validation import is_valid, iter_problems

EXAMPLES = Path(__file__).parent.parent / "examples"
MESSAGES = sorted((EXAMPLES / "messages").glob("*.json"))
INVALID = sorted(p for p in (EXAMPLES / "invalid").glob("*.json") if not p.name.endswith(".expected.json"))

#: Code-list values are vocabulary, not personal data: a problem message may name them.
_VOCABULARY = frozenset(
    str(member.value)
    for name in codes.__all__
    if isinstance(getattr(codes, name), type) and issubclass(getattr(codes, name), enum.Enum)
    for member in getattr(codes, name)
)
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"(\s*:)?')


def _expected(path: Path) -> dict[str, str]:
    result: dict[str, str] = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    return result


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return [value] if isinstance(value, str) else []


def _personal_values(raw: bytes) -> set[str]:
    """Every string value of a (possibly broken) document, and the capitalised words in it."""
    text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    try:
        found = _strings(json.loads(text))
    except ValueError:
        found = [m.group(1) for m in _STRING.finditer(text) if not m.group(2)]
    values = {v for v in found if v not in _VOCABULARY and len(v) >= 3}
    words = {w for v in values for w in re.findall(r"[A-Z][A-Za-z'-]{2,}", v) if w not in _VOCABULARY}
    return values | words


def test_there_is_an_example_of_every_message_type() -> None:
    """examples/messages holds at least one message of each of the twelve types."""
    types = {json.loads(p.read_bytes())["type"] for p in MESSAGES}
    assert types == set(codes.MessageType)


@pytest.mark.parametrize("path", MESSAGES, ids=lambda p: p.name)
def test_example_message_is_clean(path: Path) -> None:
    """Each example message has no problem at all, not even a warning, and round-trips canonically."""
    raw = path.read_bytes()
    assert list(iter_problems(raw)) == []
    message = codec.loads(raw)
    assert json.loads(codec.dumps(message)) == json.loads(raw)


V1_0 = sorted((Path(__file__).parent / "data" / "v1_0").glob("*.json"))


@pytest.mark.parametrize("path", V1_0, ids=lambda p: p.name)
def test_format_1_0_examples_still_validate(path: Path) -> None:
    """The examples as released in format 1.0 still validate with no problem and round-trip unchanged."""
    raw = path.read_bytes()
    assert json.loads(raw)["format_version"] == "1.0"
    assert list(iter_problems(raw)) == []
    assert json.loads(codec.dumps(codec.loads(raw))) == json.loads(raw)


def test_every_example_is_kept_as_released_in_1_0() -> None:
    """Each example released in 1.0 is kept, as released, beside its current form; the current examples are of
    format 1.1 (those added in 1.1 use what 1.0 cannot say, so they have no 1.0 copy)."""
    assert len(V1_0) == 17
    assert {p.name for p in V1_0} <= {p.name for p in MESSAGES}
    assert {json.loads(p.read_bytes())["format_version"] for p in MESSAGES} == {"1.1"}


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_example_fails_as_recorded(path: Path) -> None:
    """Each invalid example gives its recorded pointer and code, and no message quotes its values."""
    raw = path.read_bytes()
    expected = _expected(path)
    problems = list(iter_problems(raw))
    assert (expected["pointer"], expected["code"]) in {(p.pointer, p.code) for p in problems}
    assert not is_valid(raw)
    personal = _personal_values(raw)
    for problem in problems:
        quoted = [v for v in personal if re.search(rf"(?<![A-Za-z]){re.escape(v)}(?![A-Za-z])", problem.message)]
        assert quoted == [], problem


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_example_fails_on_the_command_line(path: Path) -> None:
    """concernshare validate exits 1 for each invalid example and reports the recorded problem in JSON."""
    out, err = io.StringIO(), io.StringIO()
    code = main(["validate", "--format", "json", str(path)], stdout=out, stderr=err)
    assert code == 1
    problems = json.loads(out.getvalue())["files"][0]["problems"]
    expected = _expected(path)
    assert {"pointer": expected["pointer"], "code": expected["code"]} in [
        {"pointer": p["pointer"], "code": p["code"]} for p in problems
    ]


#: Refusals proven by tests other than the invalid examples (a 4 MB file is too big to commit).
_TESTED_ELSEWHERE = {
    "CS000": "test_cli.py",
    "CS007": "test_cli.py and test_strictjson.py",
    # format 1.0's schema refuses a 1.1 type first; the check guards records built by hand
    "CS140": "test_process.py",
}
#: The layers that judge a message document.
_MESSAGE_LAYERS = {Layer.STRICT_JSON, Layer.STRUCTURE, Layer.SEMANTIC}


def test_every_refusal_code_has_an_invalid_example() -> None:
    """Every code that can refuse a message is fed a bad input by an example (or a named test)."""
    covered = {_expected(p)["code"] for p in INVALID} | set(_TESTED_ELSEWHERE)
    refusing = {c for c, e in CATALOGUE.items() if e.layer in _MESSAGE_LAYERS and Severity.ERROR in e.severities}
    assert {"CS001", "CS010", "CS101"} <= refusing
    assert refusing - covered == set()
