"""Tests for the bundled JSON Schema: it matches the records, is portable and explains itself."""

from __future__ import annotations

import copy
import enum
import json
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest

from _samples import MINIMAL
from concernshare import _schemagen, schema
from concernshare.errors import SchemaViolation, UsageError
from concernshare.records import BODIES, Message, PartialDate

ROOT = Path(__file__).parent.parent
DATA = ROOT / "tests" / "data"


def _nodes(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _nodes(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _nodes(value, f"{path}/{index}")


@pytest.mark.parametrize("name", sorted(_schemagen.SCHEMAS))
def test_committed_schema_is_what_the_records_generate(name: str) -> None:
    """Each committed schema equals the one generated from the records (run _schemagen if not)."""
    committed = (ROOT / "src" / "concernshare" / "schemas" / name).read_text(encoding="utf-8")
    assert committed == _schemagen.render(_schemagen.SCHEMAS[name]())


@pytest.mark.parametrize("kind", sorted(schema.KINDS))
def test_schema_is_valid_2020_12(kind: str) -> None:
    """Each bundled schema is itself a valid JSON Schema 2020-12 document."""
    jsonschema.Draft202012Validator.check_schema(schema.load(kind))


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema.load()["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node


def _compare(cls: type, node: dict[str, Any], where: str) -> Iterator[str]:
    """Compare one record class with its schema object, independently of the generator."""
    node = _resolve(node)
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in attrs.fields(cls) if f.metadata.get("wire", True)}
    properties = dict(node["properties"])
    if cls is Message:
        properties.pop("type")
    if set(fields) != set(properties):
        yield f"{where}: fields {sorted(fields)} != properties {sorted(properties)}"
        return
    required = {n for n, f in fields.items() if f.default is attrs.NOTHING}
    if cls is Message:
        assert "type" in node["required"]
    if required != set(node.get("required", [])) - {"type"}:
        yield f"{where}: required {sorted(required)} != {sorted(node.get('required', []))}"
    if node.get("additionalProperties") is not False:
        yield f"{where}: additional properties allowed"
    for name, attribute in fields.items():
        if cls is Message and name == "body":
            continue
        yield from _compare_type(hints[name], properties[name], f"{where}/{name}")
        del attribute


def _compare_type(type_: Any, node: dict[str, Any], where: str) -> Iterator[str]:
    args = typing.get_args(type_)
    if type(None) in args and len(args) == 2:
        type_ = next(a for a in args if a is not type(None))
        args = typing.get_args(type_)
    resolved = _resolve(node)
    if typing.get_origin(type_) is tuple:
        if resolved.get("type") != "array":
            yield f"{where}: a tuple is not an array"
        else:
            yield from _compare_type(args[0], resolved["items"], f"{where}/items")
    elif isinstance(type_, type) and issubclass(type_, enum.Enum):
        if resolved.get("enum") != [m.value for m in type_]:
            yield f"{where}: enum values differ from {type_.__name__}"
    elif type_ is PartialDate:
        if resolved.get("type") != "string":
            yield f"{where}: a partial date is not a string"
    elif attrs.has(type_):
        yield from _compare(type_, node, where)
    elif type_ is bool and resolved.get("type") != "boolean":
        yield f"{where}: bool is not boolean"
    elif type_ is int and resolved.get("type") != "integer":
        yield f"{where}: int is not integer"
    elif type_ is str and resolved.get("type") != "string":
        yield f"{where}: str is not string"


def test_schema_and_records_agree_on_every_field() -> None:
    """Fields, required-ness and enum values agree between the records and the schema."""
    document = schema.load()
    differences = list(_compare(Message, document, "message"))
    by_type = [b for b in document["allOf"] if "type" in b["if"]["properties"]]
    for branch in by_type:
        kind = branch["if"]["properties"]["type"]["const"]
        body = branch["then"]["properties"]["body"]
        differences += _compare(BODIES[kind], body, f"body[{kind}]")
    assert differences == []
    assert [b["if"]["properties"]["type"]["const"] for b in by_type] == list(BODIES)


def test_a_1_0_message_is_judged_by_the_frozen_1_0_schema() -> None:
    """A member the 1.0 schema does not know is refused in a 1.0 message, with the version named."""
    document = json.loads((DATA / "v1_0" / "01-concern-health-visitor-neglect.json").read_text())
    assert list(schema.iter_problems(document)) == []
    document["lawful_basis"]["consent_sought_from"] = ["parent_with_parental_responsibility"]
    problems = list(schema.iter_problems(document))
    assert [(p.pointer, p.code) for p in problems] == [("/lawful_basis/consent_sought_from", "CS011")]
    assert "later minor version" in problems[0].message
    document["format_version"] = "1.1"
    assert [p.code for p in schema.iter_problems(document)] == []


@pytest.mark.parametrize("kind", sorted(schema.KINDS))
def test_patterns_are_portable(kind: str) -> None:
    """Every pattern uses ECMA-262-safe classes and sits beside a maxLength."""
    for path, node in _nodes(schema.load(kind)):
        pattern = node.get("pattern")
        if isinstance(pattern, str):
            assert "\\d" not in pattern, path
            assert "\\w" not in pattern, path
            if pattern.endswith("$"):
                assert "maxLength" in node, path
            re.compile(pattern)


@pytest.mark.parametrize("kind", sorted(schema.KINDS))
def test_every_property_is_described(kind: str) -> None:
    """Every property and every definition has a description for the docs site."""
    document = schema.load(kind)
    for path, node in _nodes(document):
        if "/allOf/" in path:
            continue  # the if/then branches only select the body by type
        for name, prop in node.get("properties", {}).items():
            assert prop.get("description"), f"{path}/properties/{name}"
    for name, definition in document["$defs"].items():
        assert definition.get("description"), name


def test_schema_messages_never_quote_the_value() -> None:
    """Problems from the schema layer name the pointer and the rule, not the value."""
    document = copy.deepcopy(MINIMAL)
    document["subject"]["identifiers"]["nhs_number"] = "SecretName"
    document["body"]["risk_level"] = "SecretName"
    problems = list(schema.iter_problems(document))
    assert {(p.pointer, p.code) for p in problems} == {
        ("/subject/identifiers/nhs_number", "CS018"),
        ("/body/risk_level", "CS017"),
    }
    assert all("SecretName" not in p.message for p in problems)


def test_check_raises_schema_violation_with_every_problem() -> None:
    """check() raises SchemaViolation listing every problem, best first in str()."""
    with pytest.raises(SchemaViolation) as caught:
        schema.check({"format_version": "1.0"})
    assert {p.code for p in caught.value.problems} == {"CS010"}
    assert "/body" in {p.pointer for p in caught.value.problems}
    assert str(caught.value).startswith("/")


def test_unknown_kind_is_a_usage_error() -> None:
    """Asking for a schema that does not exist is a usage error."""
    with pytest.raises(UsageError):
        schema.load("nope")


@pytest.mark.parametrize(
    ("path", "value"),
    [(("format_version",), "1.0\n"), (("sender", "practitioner", "contact"), {"phone": "01632 960101\n"})],
)
def test_dollar_means_the_very_end_as_in_ecma_262(path: tuple[str, ...], value: object) -> None:
    """A trailing newline fails a pattern here as it does in Ajv and jsonschema-rs (Python's $ alone would pass it)."""
    document = copy.deepcopy(MINIMAL)
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    problems = list(schema.iter_problems(document))
    assert [p.code for p in problems] == ["CS018"]
    assert problems[0].pointer.startswith("/" + path[0])


@pytest.mark.parametrize("name", ["Jane Invented", "note\n", "x" * 300, "\u202eevil", "9990000018"])
@pytest.mark.parametrize("where", ["", "/subject", "/body", "/extensions"])
def test_an_unknown_member_name_is_never_echoed(name: str, where: str) -> None:
    """A hostile unknown member name appears in no problem, at any layer; the pointer names its object."""
    from concernshare import validation  # noqa: PLC0415  (validation imports schema: keep this module's imports light)

    document: dict[str, Any] = copy.deepcopy(MINIMAL)
    target = document
    for token in where.split("/")[1:]:
        target = target.setdefault(token, {})
    target[name] = "Jane Invented lives at 1 Invented Road"
    problems = list(validation.iter_problems(document))
    assert problems
    for problem in problems:
        shown = f"{problem} {problem!r}"
        assert name not in shown
        assert "Invented" not in shown
    assert any(p.pointer == where for p in problems)
