"""The fast paths give exactly the verdicts of the reference paths they stand in for.

Each layer keeps its reference, all in :mod:`concernshare._reference`: the full strict parser,
``jsonschema`` explaining every problem, the cattrs converter, the checks that look everywhere
written as a walk over every value, and no knowledge of what the codec wrote. The whole of
validation is run both ways (``validation._run`` with each set of layers) and must give the
same problems (pointer, code, message, severity), the same layer and an equal message, over
the examples, the invalid examples, the conformance suite, hypothesis-generated messages and
mutated documents. The JOSE fast paths are held to the general paths the same way.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from concernshare import _reference, checks, codec, schema, strictjson, validation
from concernshare.checks import walk
from concernshare.crypto import _jose, _jwe, _jws, keys
from concernshare.errors import InvalidRecord, SealError
from concernshare.records import AgencyId, Message
from concernshare.testing import strategies

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "examples" / "messages").glob("*.json"))
INVALID = sorted(p for p in (REPO / "examples" / "invalid").glob("*.json") if not p.name.endswith(".expected.json"))
CONFORMANCE = sorted((REPO / "conformance" / "messages").glob("*/*.json"))
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
MUTATED = settings(
    max_examples=max(25, settings.default.max_examples), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


REFERENCE = _reference.LAYERS
reference_checks = _reference.check_problems


def assert_same_verdict(document: bytes | str, now: dt.datetime | None = None) -> None:
    """Validation by the fast paths and by the references gives the same problems, layer and message."""
    fast = validation._run(document, now=now, max_bytes=strictjson.MAX_BYTES)
    reference = validation._run(document, now=now, max_bytes=strictjson.MAX_BYTES, layers=REFERENCE)
    assert fast == reference


def _outcome(function: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "value", function()
    except InvalidRecord as error:
        return "problems", error.problems


# -- the corpora ----------------------------------------------------------------------------


def _conformance_document(path: Path) -> tuple[bytes, dt.datetime | None]:
    case = json.loads(path.read_text(encoding="utf-8"))
    now = dt.datetime.fromisoformat(case["now"]) if case.get("now") else None
    if "document_base64" in case:
        return base64.b64decode(case["document_base64"]), now
    return json.dumps(case["document"], ensure_ascii=False).encode(), now


@pytest.mark.parametrize("path", EXAMPLES + INVALID, ids=lambda p: p.name)
def test_examples(path: Path) -> None:
    """Every example and invalid example gets the same verdict both ways, parsed the same way."""
    data = path.read_bytes()
    assert _outcome(lambda: strictjson.parse(data)) == _outcome(lambda: _reference.parse(data))
    assert_same_verdict(data, NOW)


@pytest.mark.parametrize("path", CONFORMANCE, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_conformance(path: Path) -> None:
    """Every message case of the conformance suite gets the same verdict both ways."""
    document, now = _conformance_document(path)
    assert_same_verdict(document, now)


def _parsed_corpus() -> list[Any]:
    documents = [json.loads(p.read_bytes()) for p in EXAMPLES]
    for path in CONFORMANCE:
        with contextlib.suppress(InvalidRecord):
            documents.append(strictjson.parse(_conformance_document(path)[0]))
    return documents


@pytest.mark.parametrize("document", _parsed_corpus())
def test_schema_decision(document: Any) -> None:
    """jsonschema-rs says valid exactly when jsonschema finds no problem."""
    decide = schema._decider("message")
    if decide is None:
        pytest.skip("jsonschema-rs is not installed")
    assert decide(document) == (not list(schema._explain(document, "message")))


def _other_kinds() -> list[Any]:
    documents: list[Any] = [
        ("routing", json.loads(p.read_bytes()))
        for p in sorted((REPO / "conformance" / "routing" / "rules").glob("*.json"))
    ]
    documents += [
        ("routing", json.loads(p.read_bytes())["rules"])
        for p in sorted((REPO / "conformance" / "routing" / "invalid").glob("*.json"))
    ]
    examples = sorted((REPO / "examples" / "routing").glob("*.json"))
    documents += [("routing", json.loads(p.read_bytes())) for p in examples]
    return documents


@pytest.mark.parametrize(("kind", "document"), _other_kinds())
def test_schema_decision_other_kinds(kind: str, document: Any) -> None:
    """For the routing rules too, jsonschema-rs says valid exactly when jsonschema finds no problem."""
    decide = schema._decider(kind)
    if decide is None:
        pytest.skip("jsonschema-rs is not installed")
    assert decide(document) == (not list(schema._explain(document, kind)))


def test_jsonschema_rs_reads_patterns_as_ecma_262() -> None:
    """A trailing newline breaks a pattern ending in $ for jsonschema-rs, as for jsonschema here and for Ajv."""
    decide = schema._decider("message")
    if decide is None:
        pytest.skip("jsonschema-rs is not installed")
    document = json.loads(EXAMPLES[0].read_bytes())
    assert decide(document)
    for pointer, value in (("format_version", "1.0\n"), ("id", document["id"] + "\n")):
        assert not decide({**document, pointer: value})
        assert list(schema._explain({**document, pointer: value}, "message"))


# -- generated messages ---------------------------------------------------------------------


_reference_dumps = _reference.dumps


@MUTATED
@given(strategies.messages())
def test_generated_messages(message: Message) -> None:
    """Generated messages: the same bytes, records, problems and verdicts, from the bytes and as written."""
    written = codec.write(message)
    payload = written.payload
    assert payload == _reference_dumps(message)
    assert codec.unstructure(message) == _reference.unstructure(message)
    assert_same_verdict(payload, NOW)  # the full fast path
    fast = validation._run(written, now=NOW, max_bytes=strictjson.MAX_BYTES)  # what write() knew
    assert fast == validation._run(written, now=NOW, max_bytes=strictjson.MAX_BYTES, layers=REFERENCE)
    assert list(checks.iter_problems(message, now=NOW)) == reference_checks(message, NOW)
    data = json.loads(payload)
    assert codec.structure(data, Message) == _reference.structure(data)


@MUTATED
@given(strategies.messages(), st.data())
def test_withheld_pointers(message: Message, data: st.DataObject) -> None:
    """Whether a pointer names a field the message carries is answered as a walk over the message answers it."""
    walked = [p for p, _, _ in walk(message)]
    present = {p for p, v, _ in walk(message) if v not in (None, ())}
    pointer = data.draw(
        st.sampled_from(walked)
        | st.sampled_from(walked).map(
            lambda p: p + data.draw(st.sampled_from(["/0", "/01", "/x", "", "/", "/extensions", "/year", "~1"]))
        )
        | st.text(max_size=12)
    )
    assert checks._present(message, pointer) == (pointer in present)


# -- mutated documents ----------------------------------------------------------------------

_ODD_VALUES = [
    None,
    0,
    -1,
    1.5,
    2**53,
    True,
    False,
    "",
    " ",
    "x" * 300,
    [],
    {},
    ["x"],
    {"a": 1},
    "\u00ff",
    "2026-02-30",
    "2026-13-01",
    "2026-11-25T09:00:00",
    "2026-11-25T09:00:00Z\n",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00+01:00",
    "1.0\n",
    "1.1",
    "2.0",
    "la:E06000032\n",
    "la:E99999999",
    "ods:",
    "6F1C1A4E-3B9D-4C55-9A77-0D2F3E4B5C6D",
    "9990000017",
    "0000",
    "2013",
    "2013-05",
    "\n",
]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _base_documents() -> list[dict[str, Any]]:
    documents = [json.loads(p.read_bytes()) for p in EXAMPLES]
    for path in sorted((REPO / "conformance" / "messages" / "valid").glob("*.json")):
        documents.append(json.loads(path.read_text(encoding="utf-8"))["document"])
    return documents


BASES = _base_documents()


@st.composite
def mutated_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid document with one to three members deleted, nulled, retyped, lengthened or given odd values."""
    document = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from([p for p in _paths(document) if p]))
        parent = document
        for token in path[:-1]:
            parent = parent[token]
        key, kind = path[-1], draw(st.sampled_from(["delete", "odd", "text", "newline", "member", "duplicate"]))
        if kind == "delete":
            del parent[key]
        elif kind == "odd":
            parent[key] = draw(st.sampled_from(_ODD_VALUES))
        elif kind == "text":
            parent[key] = draw(st.text(max_size=12))
        elif kind == "newline" and isinstance(parent[key], str):
            parent[key] += "\n"
        elif kind == "member" and isinstance(parent[key], dict):
            parent[key][draw(st.sampled_from(["unknown", "uk.gov.example:x", "type", "id"]))] = draw(
                st.sampled_from(_ODD_VALUES)
            )
        elif kind == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    return document


@MUTATED
@given(mutated_documents())
def test_mutated_documents(document: dict[str, Any]) -> None:
    """Mutated documents get the same problems both ways, and jsonschema-rs agrees with jsonschema."""
    assert_same_verdict(json.dumps(document, ensure_ascii=False).encode(), NOW)
    decide = schema._decider("message")
    if decide is not None:
        assert decide(document) == (not list(schema._explain(document, "message")))


_RAW = [
    b'{"format_version":"1.0","format_version":"1.0"}',
    b'{"a":{"b":1,"b":2}}',
    b'{"a":NaN}',
    b'{"a":-Infinity}',
    b'{"a":1e400}',
    b'{"a":9007199254740992}',
    b'{"a":-9007199254740991}',
    b'{"a":' + b"9" * 5000 + b"}",
    b'{"a":"\\ud800"}',
    b'{"a":"\\ud83d\\ude00"}',
    b'{"\\udc00":1}',
    b"\xef\xbb\xbf{}",
    b"\xff{}",
    b"{}\n",
    b" {} ",
    b"[" * 40 + b"]" * 40,
    b'{"a":' + b"[" * 31 + b"]" * 31 + b"}",
    b'{"a":' + b"[" * 32 + b"]" * 32 + b"}",
    b'{"a":"\\u0041"}',
    b'{"a":1.0}',
    b"",
    b"{",
    b"null",
    b"[]",
    b'"x"',
]


@pytest.mark.parametrize("data", _RAW)
def test_raw_documents(data: bytes) -> None:
    """What only the bytes can say (duplicates, NaN, big numbers, surrogates, nesting) is said the same way."""
    reference = _outcome(lambda: _reference.parse(data))
    assert _outcome(lambda: strictjson.parse(data)) == reference
    assert_same_verdict(data, NOW)


@pytest.mark.parametrize("text", ['{"a":"\ud800"}', '{"\udfff":1}', "\ufeff{}", '{"a":"\u00e9"}', '{"a":"\\ud800"}'])
def test_text_documents(text: str) -> None:
    """A str given to parse (lone surrogates may stand in it as they are) is read the same both ways."""
    reference = _outcome(lambda: _reference.parse(text))
    assert _outcome(lambda: strictjson.parse(text)) == reference
    assert_same_verdict(text, NOW)


# -- records the sender holds: the memo must stand aside where it could differ --------------


def _sample() -> Message:
    return codec.loads(EXAMPLES[0].read_bytes())


_RECORD_CHANGES: list[tuple[str, Callable[[Message], Message]]] = [
    ("as it is", lambda m: m),
    (
        "created in another offset",
        lambda m: attrs.evolve(m, created=m.created.astimezone(dt.timezone(dt.timedelta(hours=13)))),
    ),
    (
        "created near midnight elsewhere",
        lambda m: attrs.evolve(m, created=dt.datetime(2013, 9, 16, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))),
    ),
    (
        "created at the end of the calendar",
        lambda m: attrs.evolve(m, created=dt.datetime(9999, 12, 31, 12, 0, tzinfo=dt.UTC)),
    ),
    ("a big integer in extensions", lambda m: attrs.evolve(m, extensions={"uk.gov.example:n": 2**60})),
    ("deep extensions", lambda m: attrs.evolve(m, extensions={"uk.gov.example:n": json.loads("[" * 40 + "]" * 40)})),
    ("a tuple in extensions", lambda m: attrs.evolve(m, extensions={"uk.gov.example:n": (1, 2)})),
    ("an integer key in extensions", lambda m: attrs.evolve(m, extensions={1: "x", "1": "y"})),
    (
        "an agency id where a string goes",
        lambda m: attrs.evolve(
            m, sharing_decision=attrs.evolve(m.sharing_decision, necessary_and_proportionate=AgencyId("la:E06000032"))
        ),
    ),
    ("a newer minor version", lambda m: attrs.evolve(m, format_version="1.7")),
    ("another major version", lambda m: attrs.evolve(m, format_version="2.0")),
    ("a string that breaks a pattern", lambda m: attrs.evolve(m, format_version="1.0\n")),
]


@pytest.mark.parametrize(("change", "alter"), _RECORD_CHANGES, ids=[c for c, _ in _RECORD_CHANGES])
def test_sender_records(change: str, alter: Callable[[Message], Message]) -> None:
    """What sealing validates (the bytes dumps just wrote) gets the reference's verdict, whatever the record."""
    record = alter(_sample())
    try:
        reference_bytes = _reference_dumps(record)
    except (TypeError, ValueError) as error:
        with pytest.raises(type(error)):
            codec.dumps(record)
        return
    written = codec.write(record)
    assert written.payload == reference_bytes, change
    fast = validation._run(written, now=NOW, max_bytes=strictjson.MAX_BYTES)
    reference = validation._run(written, now=NOW, max_bytes=strictjson.MAX_BYTES, layers=REFERENCE)
    assert fast == reference, change


def test_what_write_knows() -> None:
    """write() says what its bytes read back as only when they read back as exactly the record written."""
    record = _sample()
    written = codec.write(record)
    assert written.data == json.loads(written.payload)
    assert written.record is record
    assert codec.structure(written.data, Message) == record
    assert codec.write(attrs.evolve(record, extensions={"uk.gov.example:n": 2**60})).data is None


# -- the JOSE fast paths --------------------------------------------------------------------


@pytest.fixture(scope="module")
def sealed() -> tuple[bytes, bytes, keys.FileDecrypter, keys.PublicJwk]:
    """A message signed and sealed to three keys (the first ours), as concernshare writes it."""
    signing = keys.generate_signing_key()
    recipients = [keys.generate_encryption_key() for _ in range(3)]
    jws = _jose.sign(
        EXAMPLES[0].read_bytes(), keys.FileSigner.from_jwk(signing), typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY
    )
    jwe = _jose.encrypt(jws, [r.public for r in recipients], typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)
    return jws, jwe, keys.FileDecrypter.from_jwk(recipients[0]), signing.public


def _general_or_error(function: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "value", function()
    except SealError as error:
        return type(error).__name__, str(error)


@settings(max_examples=max(60, settings.default.max_examples), deadline=None)
@given(st.data())
def test_jose_documents(sealed: tuple[bytes, bytes, keys.FileDecrypter, keys.PublicJwk], data: st.DataObject) -> None:
    """The fast paths read what the general paths read, or stand aside; never accept what those refuse."""
    jws, jwe, decrypter, _ = sealed
    for raw, typ, cty in ((jwe, _jose.SEALED_TYP, _jose.SEALED_CTY), (jws, _jose.MESSAGE_TYP, _jose.MESSAGE_CTY)):
        document = json.loads(raw)
        if data.draw(st.booleans()):
            path = data.draw(st.sampled_from([p for p in _paths(document) if p]))
            parent = document
            for token in path[:-1]:
                parent = parent[token]
            if data.draw(st.booleans()) and isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent[path[-1]] = data.draw(
                    st.sampled_from(
                        [None, 1, "", "AAAA", "x" * 43, [], {}, "ECDH-ES", "none", "X25519", "P-256", "OKP"]
                    )
                )
        _assert_jose_agrees(document, {decrypter.kid: decrypter}, typ, cty)


def _assert_jose_agrees(document: dict[str, Any], ours: dict[str, Any], typ: str, cty: str) -> None:
    if typ == _jose.SEALED_TYP:
        fast: Any = _jwe._jwe_fast(document, ours, typ, cty)
        general = _general_or_error(lambda: _jwe._jwe_general(document, ours, typ, cty))
    else:
        fast = _jws._jws_fast(document, typ, cty)
        general = _general_or_error(lambda: _jws._jws_general(document, typ, cty))
    assert fast is None or general == ("value", fast)


def test_jose_round_trip(sealed: tuple[bytes, bytes, keys.FileDecrypter, keys.PublicJwk]) -> None:
    """What concernshare writes takes the fast paths, and they read it as the general paths do."""
    jws, jwe, decrypter, public = sealed
    ours = {decrypter.kid: decrypter}
    document = json.loads(jwe)
    assert _jwe._jwe_fast(document, ours, _jose.SEALED_TYP, _jose.SEALED_CTY) == _jwe._jwe_general(
        document, ours, _jose.SEALED_TYP, _jose.SEALED_CTY
    )
    signed = json.loads(jws)
    assert _jws._jws_fast(signed, _jose.MESSAGE_TYP, _jose.MESSAGE_CTY) == _jws._jws_general(
        signed, _jose.MESSAGE_TYP, _jose.MESSAGE_CTY
    )
    assert _jose.decrypt(jwe, decrypter, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY) == jws
    assert (
        _jose.verify(jws, {public.kid: public}.get, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)[0]
        == EXAMPLES[0].read_bytes()
    )
    with pytest.raises(_jose.JoseError):
        _jose.check_kid("A" * 42 + "B")  # stray bits in the last character
