"""The fast paths give exactly the verdicts of the reference paths they stand in for.

Each layer keeps its reference: the full strict parser (``strictjson._parse(fast=False)``),
``jsonschema`` explaining every problem (``schema._explain``), the cattrs converter
(``codec._structure(fast=False)``, ``codec._unstructure_reference``), the checks as they
were written over :func:`~concernshare.checks.walk` (below), and no memo of what the codec
wrote. The whole of validation is run both ways (``validation._run`` with each set of
layers) and must give the same problems (pointer, code, message, severity), the same layer
and an equal message, over the examples, the invalid examples, the conformance suite,
hypothesis-generated messages and mutated documents. The JOSE fast paths are held to the
general paths the same way.
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

from concernshare import checks, codec, schema, strictjson, validation
from concernshare.checks import walk
from concernshare.crypto import _jose, _jwe, _jws, keys
from concernshare.errors import InvalidRecord, Problem, SealError
from concernshare.records import AgencyId, Message, PartialDate
from concernshare.records._fields import META
from concernshare.records.identifiers import councils, nhs_number_ok
from concernshare.testing import strategies

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "examples" / "messages").glob("*.json"))
INVALID = sorted(p for p in (REPO / "examples" / "invalid").glob("*.json") if not p.name.endswith(".expected.json"))
CONFORMANCE = sorted((REPO / "conformance" / "messages").glob("*/*.json"))
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
MUTATED = settings(
    max_examples=max(25, settings.default.max_examples), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


# -- the reference checks: the four that walked every value, as they were written ----------


def _error(pointer: str, code: str, message: str) -> Problem:
    return Problem(pointer=pointer, code=code, message=message)


def _nhs_numbers(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    for pointer, value, _attribute in walk(message):
        if pointer.endswith("/nhs_number") and isinstance(value, str) and not nhs_number_ok(value):
            yield _error(
                pointer,
                "CS101",
                "the NHS number fails its modulus-11 check; check it "
                "against the source record (a typing slip is the usual cause)",
            )


def _local_authorities(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    listing = councils()
    for pointer, value, _attribute in walk(message):
        if isinstance(value, AgencyId) and value.scheme == "la":
            if value.code in listing.current:
                continue
            former = listing.former.get(value.code)
            if former and former.ceased and message.created.date().isoformat() < former.ceased:
                continue
            detail = (
                f"the council ceased on {former.ceased}; use its successor"
                if former
                else "it is not a council with children's services"
            )
            yield _error(
                pointer,
                "CS103",
                f"the local-authority code is not current in the council list of {listing.version}: {detail}",
            )


_EVENT_FIELDS = frozenset(
    {
        "birth_date",
        "observed",
        "date",
        "event_date",
        "recorded_date",
        "incident_at",
        "assessed_on",
        "decided_at",
        "referral_at",
        "received_at",
        "accessed_at",
    }
)


def _latest(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, PartialDate):
        value = value.earliest
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time.min, tzinfo=dt.UTC)
    return None


def _future_dates(message: Message, now: dt.datetime | None) -> Iterator[Problem]:
    limit = message.created + dt.timedelta(days=1)
    for pointer, value, attribute in walk(message):
        if attribute is None or attribute.name not in _EVENT_FIELDS:
            continue
        moment = _latest(value)
        if moment is not None and moment > limit:
            yield _error(pointer, "CS104", "this event is dated after the message was written; check the date")
    if now is not None and message.created > now + dt.timedelta(minutes=5):
        yield _error("/created", "CS104", "the message is dated in the future; check the sending system's clock")


def _withholdable(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    withheld = {w.pointer for w in message.view.withheld} if message.view else set()
    # A related person nobody has named (identity unknown or not disclosed) is owed no name (format 1.1).
    unnamed = {
        f"/subject/related_people/{i}/name"
        for i, person in enumerate(message.subject.related_people)
        if person.identity in {"unknown", "not_disclosed"}
    }
    for pointer, value, attribute in walk(message):
        if (
            value is None
            and attribute is not None
            and attribute.metadata.get(META, {}).get("withholdable")
            and pointer not in unnamed
            and not any(pointer == w or pointer.startswith(w + "/") for w in withheld)
        ):
            yield _error(
                pointer,
                "CS106",
                "this member is required unless a view withholds it (and lists it in view.withheld); add it",
            )


def _view(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    if message.view is None or not message.view.withheld:
        return
    present = {p for p, v, _attribute in walk(message) if v not in (None, ())}
    for index, item in enumerate(message.view.withheld):
        if item.pointer in present:
            yield _error(
                f"/view/withheld/{index}/pointer",
                "CS114",
                "the view says this field is withheld but the message carries it; remove the field or the entry",
            )


_WALKING = {f.__name__: f for f in (_nhs_numbers, _local_authorities, _future_dates, _withholdable, _view)}


def reference_checks(message: Message, now: dt.datetime | None) -> list[Problem]:
    """Every check in order, the four walking ones as they were written."""
    return [p for check in checks.CHECKS for p in _WALKING.get(check.__name__, check)(message, now)]


REFERENCE = validation._Layers(
    parse=lambda document, limit: strictjson._parse(
        document, max_bytes=limit, max_depth=strictjson.MAX_DEPTH, fast=False
    ),
    schema=lambda data: schema._explain(data, "message"),
    structure=lambda data: codec._structure(data, Message, fast=False),
    checks=reference_checks,
    recall=lambda _: None,
)


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
    assert _outcome(lambda: strictjson.parse(data)) == _outcome(
        lambda: strictjson._parse(data, max_bytes=strictjson.MAX_BYTES, max_depth=strictjson.MAX_DEPTH, fast=False)
    )
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


def _reference_dumps(record: Message) -> bytes:
    return json.dumps(
        codec._unstructure_reference(record), ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


@MUTATED
@given(strategies.messages())
def test_generated_messages(message: Message) -> None:
    """Generated messages: the same bytes, records, problems and verdicts, with and without the memo."""
    payload = codec.dumps(message)
    assert payload == _reference_dumps(message)
    assert codec.unstructure(message) == codec._unstructure_reference(message)
    assert_same_verdict(payload, NOW)  # the memo, where dumps kept one
    codec.recall(payload)
    assert_same_verdict(payload, NOW)  # the full fast path
    assert list(checks.iter_problems(message, now=NOW)) == reference_checks(message, NOW)
    data = json.loads(payload)
    assert codec.structure(data, Message) == codec._structure(data, Message, fast=False)


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
    reference = _outcome(
        lambda: strictjson._parse(data, max_bytes=strictjson.MAX_BYTES, max_depth=strictjson.MAX_DEPTH, fast=False)
    )
    assert _outcome(lambda: strictjson.parse(data)) == reference
    assert_same_verdict(data, NOW)


@pytest.mark.parametrize("text", ['{"a":"\ud800"}', '{"\udfff":1}', "\ufeff{}", '{"a":"\u00e9"}', '{"a":"\\ud800"}'])
def test_text_documents(text: str) -> None:
    """A str given to parse (lone surrogates may stand in it as they are) is read the same both ways."""
    reference = _outcome(
        lambda: strictjson._parse(text, max_bytes=strictjson.MAX_BYTES, max_depth=strictjson.MAX_DEPTH, fast=False)
    )
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
    payload = codec.dumps(record)
    assert payload == reference_bytes, change
    fast = validation._run(payload, now=NOW, max_bytes=strictjson.MAX_BYTES)
    reference = validation._run(payload, now=NOW, max_bytes=strictjson.MAX_BYTES, layers=REFERENCE)
    assert fast == reference, change


def test_the_memo_is_taken_once() -> None:
    """dumps() keeps what it wrote for one recall of exactly those bytes, then forgets it."""
    payload = codec.dumps(_sample())
    assert codec.recall(payload + b" ") is None
    assert codec.recall(bytes(payload)) is not None
    assert codec.recall(payload) is None


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
