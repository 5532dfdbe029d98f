"""Tests for the strict I-JSON parser."""

from __future__ import annotations

import json

import pytest

from concernshare.errors import InvalidRecord
from concernshare.strictjson import MAX_SAFE_INTEGER, parse


def _refusals(data: bytes | str, **limits: int) -> list[tuple[str, str]]:
    with pytest.raises(InvalidRecord) as caught:
        parse(data, **limits)
    return [(p.pointer, p.code) for p in caught.value.problems]


def test_plain_json_parses() -> None:
    """An ordinary document comes back as plain Python values."""
    assert parse(b'{"a": [1, "x", true, null, 2.5]}') == {"a": [1, "x", True, None, 2.5]}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"a": 1, "a": 2}', [("/a", "CS003")]),
        (b'{"x": {"y": [{"b": 1, "c": 2, "b": 3}]}}', [("/x/y/0/b", "CS003")]),
        (b'{"a": NaN}', [("/a", "CS004")]),
        (b'{"a": [Infinity, -Infinity]}', [("/a/0", "CS004"), ("/a/1", "CS004")]),
        (b'{"a": 1e400}', [("/a", "CS004")]),
        (b'{"a": "\\ud800"}', [("/a", "CS005")]),
        (b'{"\\udc00": 1}', [("", "CS005")]),
        (b'{"n": 9007199254740992}', [("/n", "CS006")]),
        (b'{"n": -9007199254740992}', [("/n", "CS006")]),
        (b'{"a/b": {"c~d": "\\ud800"}}', [("/a~1b/c~0d", "CS005")]),
    ],
)
def test_each_refusal_names_its_pointer(data: bytes, expected: list[tuple[str, str]]) -> None:
    """Every I-JSON refusal is reported with the pointer of the offending member."""
    assert _refusals(data) == expected


def test_all_problems_are_reported() -> None:
    """Several problems in one document are all reported, not only the first."""
    found = _refusals(b'{"a": NaN, "b": 1, "b": 2, "c": "\\udfff"}')
    assert sorted(found) == [("/a", "CS004"), ("/b", "CS003"), ("/c", "CS005")]


def test_largest_safe_integer_is_accepted() -> None:
    """The bound itself, ±(2^53-1), is inside the range."""
    assert parse(f"[{MAX_SAFE_INTEGER}, -{MAX_SAFE_INTEGER}]") == [
        MAX_SAFE_INTEGER,
        -MAX_SAFE_INTEGER,
    ]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"{", "CS001"),
        (b"", "CS001"),
        (b"\xff\xfe{}", "CS002"),
        (b"\xef\xbb\xbf{}", "CS002"),
        (b"[" * 100_000 + b"]" * 100_000, "CS008"),
    ],
)
def test_unparseable_documents_get_one_clear_problem(data: bytes, code: str) -> None:
    """Malformed JSON, bad encodings and runaway nesting each get their own code."""
    assert _refusals(data) == [("", code)]


def test_depth_limit_reports_where() -> None:
    """Nesting past the limit is reported at the first level too deep."""
    assert _refusals(b'{"a": [[[1]]]}', max_depth=2) == [("/a/0", "CS008")]


def test_size_limit_is_checked_before_parsing() -> None:
    """A document over the size limit is refused without being parsed."""
    assert _refusals(b"[" + b"1," * 100 + b"1]", max_bytes=50) == [("", "CS007")]


def test_problem_messages_quote_no_value() -> None:
    """A refusal's message never repeats the document's content."""
    with pytest.raises(InvalidRecord) as caught:
        parse('{"secret name": "Jo\\ud800 Bloggs", "secret name": 1}')
    assert all("Bloggs" not in p.message for p in caught.value.problems)


@pytest.mark.parametrize(
    "name",
    [
        "Jane Invented",
        "x\u0000y",
        "line\nfeed",
        "\u202eevil",
        "a" * 65,
        "",
        "UPPER",
        "9990000018",
        "nhs_9990000018",
    ],
)
def test_a_name_that_is_not_plain_is_never_echoed(name: str) -> None:
    """A duplicated member whose name is not plain is reported at its object: valid RFC 6901, no hostile text."""
    data = json.dumps({"body": {name: 1}}).encode()[:-2] + b", " + json.dumps(name).encode() + b": 2}}"
    assert _refusals(data) == [("/body", "CS003")]


def test_a_plain_name_of_64_characters_is_kept() -> None:
    """A plain name up to 64 characters stays in the pointer, so the pointer resolves to the member."""
    name = "a" * 64
    assert _refusals(f'{{"{name}": 1, "{name}": 2}}'.encode()) == [(f"/{name}", "CS003")]
