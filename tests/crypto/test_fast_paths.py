"""The JOSE fast paths are taken for what concernshare itself writes, in both suites, and read as the general one.

Two fast paths stand in front of the general readers: the readers of the exact bytes
concernshare writes (``_jwe_written``, ``_jws_written``), which parse no JSON, and the
readers of the parsed documents (``_jwe_fast``, ``_jws_fast``). Each is held to the one
behind it: a reading, if it gives one, is the reading behind it, and otherwise it stands aside.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any, NoReturn

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _samples import MINIMAL
from concernshare import codec
from concernshare.crypto import _documents, _jose, _jwe, _jws, keys
from concernshare.directory import open_directory
from concernshare.errors import NotForUs, SealError
from concernshare.sealing import open_sealed, seal
from concernshare.stores import MemoryStore
from concernshare.testing.world import World, make_world

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
HV, MASH, CSC = "ods:RYV01/hv", "la:E06000032/mash", "la:E06000032/csc"
SUITES = [("Ed25519", "X25519"), ("ES256", "P-256")]


@pytest.fixture(scope="module", params=SUITES, ids=["-".join(s) for s in SUITES])
def world(request: pytest.FixtureRequest) -> World:
    """Three agencies and a signed directory, in one suite."""
    sig_alg, enc_curve = request.param
    roles = {HV: ["health_visiting"], MASH: ["mash"], CSC: ["childrens_social_care"]}
    return make_world(roles, now=NOW, sig_alg=sig_alg, enc_curve=enc_curve)


@pytest.fixture
def general_paths_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the general readers fail loudly, so that a test passes only if the fast paths did all the reading."""

    def refuse(*_: Any) -> NoReturn:
        raise AssertionError("the general path was taken")

    monkeypatch.setattr(_jwe, "_jwe_general", refuse)
    monkeypatch.setattr(_jws, "_jws_general", refuse)


@pytest.fixture
def parsing_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the JSON readers of JOSE documents fail loudly: a test passes only if the byte readers read everything."""

    def refuse(*_: Any) -> NoReturn:
        raise AssertionError("the sealed or signed document was parsed as JSON")

    monkeypatch.setattr(_jwe, "read_document", refuse)
    monkeypatch.setattr(_jws, "read_document", refuse)


def _sealed(world: World) -> bytes:
    document: dict[str, Any] = copy.deepcopy(MINIMAL)
    document.update(status="actual", recipients=[MASH, CSC], created="2026-11-25T08:50:00Z")
    return seal(codec.loads(json.dumps(document)), world[HV].signer, directory=world.directory, now=NOW)


@pytest.mark.usefixtures("general_paths_refused")
def test_a_sealed_message_opens_on_the_fast_paths(world: World) -> None:
    """A message sealed by concernshare is decrypted and verified without the general JWE or JWS reader."""
    sealed = _sealed(world)
    opened = open_sealed(
        sealed, world[MASH].decrypters, me=MASH, directory=world.directory, store=MemoryStore(), now=NOW
    )
    assert opened.message.recipients == (MASH, CSC)


@pytest.mark.usefixtures("general_paths_refused")
def test_a_signed_directory_opens_on_the_fast_path(world: World) -> None:
    """The directory concernshare signs is verified without the general JWS reader."""
    authority = [world.authority.public]
    assert open_directory(world.signed_directory, authority, now=NOW) == world.directory


@pytest.mark.usefixtures("general_paths_refused")
def test_the_general_path_is_really_refused(world: World) -> None:
    """The guard bites: a flattened JWS, which only the general reader reads, fails under it."""
    signed = json.loads(_jose.sign(b"{}", world[HV].signer, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY))
    flattened = {"payload": signed["payload"], **signed["signatures"][0]}
    with pytest.raises(AssertionError, match="general path"):
        _jose.verify(json.dumps(flattened).encode(), {}.get, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)


def test_the_fast_readings_equal_the_general_ones(world: World) -> None:
    """For the library's own output each fast reader returns a reading, and it is the general reader's."""
    sealed = _documents.read_document(_sealed(world), "sealed document")
    ours = {d.kid: d for d in world[MASH].decrypters}
    fast = _jwe._jwe_fast(sealed, ours, _jose.SEALED_TYP, _jose.SEALED_CTY)
    assert fast is not None
    assert fast == _jwe._jwe_general(sealed, ours, _jose.SEALED_TYP, _jose.SEALED_CTY)
    plaintext = _jose.decrypt(
        json.dumps(sealed).encode(), world[MASH].decrypters, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY
    )
    signed = _documents.read_document(plaintext, "signed document")
    reading = _jws._jws_fast(signed, _jose.MESSAGE_TYP, _jose.MESSAGE_CTY)
    assert reading is not None
    assert reading == _jws._jws_general(signed, _jose.MESSAGE_TYP, _jose.MESSAGE_CTY)


def test_a_decrypter_with_derive_alone_still_opens(world: World) -> None:
    """A decrypter that offers only derive (a key held elsewhere) is given the raw point and opens the message."""
    mine = next(d for d in world[MASH].decrypters if isinstance(d, keys.FileDecrypter))

    class DeriveOnly:
        kid, crv = mine.kid, mine.crv

        def derive(self, peer: bytes) -> bytes:
            return mine.derive(peer)

    plaintext = _jose.decrypt(_sealed(world), DeriveOnly(), typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)
    assert json.loads(plaintext)["signatures"]


def test_a_file_decrypter_is_handed_the_loaded_point(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening loads the ephemeral point once: a FileDecrypter agrees with the loaded key, never the raw point."""

    def refuse(*_: Any) -> NoReturn:
        raise AssertionError("the raw point was loaded a second time")

    monkeypatch.setattr(keys.FileDecrypter, "derive", refuse)
    plaintext = _jose.decrypt(_sealed(world), world[MASH].decrypters, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)
    assert json.loads(plaintext)["signatures"]


# -- the readers of the bytes concernshare writes --------------------------------------------


@pytest.mark.usefixtures("parsing_refused")
def test_a_sealed_message_opens_from_its_bytes(world: World) -> None:
    """A message sealed by concernshare is decrypted and verified without parsing either JOSE document."""
    opened = open_sealed(
        _sealed(world), world[MASH].decrypters, me=MASH, directory=world.directory, store=MemoryStore(), now=NOW
    )
    assert opened.message.recipients == (MASH, CSC)


@pytest.mark.usefixtures("parsing_refused")
def test_a_signed_directory_opens_from_its_bytes(world: World) -> None:
    """The directory concernshare signs is verified without parsing the JWS."""
    assert open_directory(world.signed_directory, [world.authority.public], now=NOW) == world.directory


@pytest.mark.usefixtures("parsing_refused")
def test_the_parsing_is_really_refused(world: World) -> None:
    """The guard bites: a JWE with a space after its opening brace must be parsed, and fails under it."""
    with pytest.raises(AssertionError, match="parsed as JSON"):
        _jose.decrypt(b"{ " + _sealed(world)[1:], world[MASH].decrypters, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)


@pytest.mark.usefixtures("parsing_refused")
@pytest.mark.parametrize("count", [1, 2, _jwe.MAX_RECIPIENTS])
@pytest.mark.parametrize("payload", [b"", b"x", b"xy", b"xyz", b'{"a":1}' * 200])
def test_every_written_shape_is_read_from_its_bytes(world: World, count: int, payload: bytes) -> None:
    """Any number of recipients up to the limit, of both curves, and payloads of every length modulo 3."""
    signed = _jose.sign(payload, world[HV].signer, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)
    mine = world[MASH].decrypters[0]
    others = [keys.generate_encryption_key(("X25519", "P-256")[i % 2]).public for i in range(count - 1)]
    recipients = [*others[: count // 2], _public(world, mine.kid), *others[count // 2 :]]
    sealed = _jose.encrypt(signed, recipients, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)
    assert _jose.decrypt(sealed, world[MASH].decrypters, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY) == signed
    resolve = {world[HV].signer.kid: _public(world, world[HV].signer.kid)}.get
    assert _jose.verify(signed, resolve, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)[0] == payload


def _public(world: World, kid: str) -> keys.PublicJwk:
    """The public key the directory holds for ``kid``."""
    found = world.directory.key(kid)
    assert found is not None
    return found[1].jwk.public()


def _parsed_jwe(data: bytes, ours: dict[str, Any]) -> tuple[str, Any]:
    """What the readers behind the byte reader make of ``data``: a reading, or the refusal."""
    try:
        document = _documents.read_document(data, "sealed document")
        return "value", _jwe._jwe_fast(document, ours, _jose.SEALED_TYP, _jose.SEALED_CTY) or _jwe._jwe_general(
            document, ours, _jose.SEALED_TYP, _jose.SEALED_CTY
        )
    except SealError as error:
        return type(error).__name__, str(error)


def _parsed_jws(data: bytes) -> tuple[str, Any]:
    try:
        document = _documents.read_document(data, "signed document")
        return "value", _jws._jws_fast(document, _jose.MESSAGE_TYP, _jose.MESSAGE_CTY) or _jws._jws_general(
            document, _jose.MESSAGE_TYP, _jose.MESSAGE_CTY
        )
    except SealError as error:
        return type(error).__name__, str(error)


def _written(world: World, payload: bytes = b'{"a":1}') -> tuple[bytes, bytes, dict[str, Any]]:
    """A short JWS and the JWE of it to MASH and CSC (MASH's entry first), and MASH's keys by kid."""
    signed = _jose.sign(payload, world[HV].signer, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)
    recipients = [_public(world, world[agency].decrypters[0].kid) for agency in (MASH, CSC)]
    sealed = _jose.encrypt(signed, recipients, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)
    return signed, sealed, {d.kid: d for d in world[MASH].decrypters}


def test_the_byte_readings_equal_the_parsed_ones(world: World) -> None:
    """For the library's own output each byte reader gives a reading, and it is the parsed documents' reading."""
    signed, sealed, ours = _written(world)
    reading = _jwe._jwe_written(sealed, ours, _jose.SEALED_TYP, _jose.SEALED_CTY)
    assert reading is not None
    assert ("value", reading) == _parsed_jwe(sealed, ours)
    signature = _jws._jws_written(signed, _jose.MESSAGE_TYP, _jose.MESSAGE_CTY)
    assert signature is not None
    assert ("value", signature) == _parsed_jws(signed)


def _escaped(data: bytes, at: int) -> bytes:
    """``data`` with the character at ``at`` written as a JSON escape: the same document, other bytes."""
    return data[:at] + b"\\u%04x" % data[at] + data[at + 1 :]


def _variants(signed: bytes, sealed: bytes) -> dict[str, tuple[bytes, bytes]]:
    """Documents the byte readers must leave to the parsed ones: the same reading written otherwise, or a refusal."""
    ciphertext = sealed.index(b'"ciphertext":"') + len(b'"ciphertext":"')
    kid = sealed.index(b'"kid":"') + len(b'"kid":"')
    entry = sealed[sealed.index(b"[") + 1 : sealed.index(b'},{"header"') + 1]
    return {
        "whitespace": (b"{ " + signed[1:], b"{ " + sealed[1:]),
        "trailing whitespace": (signed + b"\n", sealed + b"\n"),
        "an escaped value": (_escaped(signed, len(b'{"payload":"')), _escaped(sealed, ciphertext)),
        "an escaped kid": (signed, _escaped(sealed, kid)),
        "an escaped name": (_escaped(signed, 2), _escaped(sealed, 2)),
        "a member twice": (signed[:-1] + b',"payload":""}', sealed[:-1] + b',"iv":"AAAAAAAAAAAAAAAA"}'),
        "an entry twice": (signed, sealed.replace(b"[", b"[" + entry + b",", 1)),
        "a tag cut short": (signed, sealed[: -len(b'A"}')] + b'"}'),
        "a quote in the ciphertext": (signed, sealed[:ciphertext] + b'\\"' + sealed[ciphertext + 2 :]),
        "not bytes": (bytearray(signed), bytearray(sealed)),  # type: ignore[dict-item]
    }


@pytest.mark.parametrize(
    "case",
    [
        "whitespace",
        "trailing whitespace",
        "an escaped value",
        "an escaped kid",
        "an escaped name",
        "a member twice",
        "an entry twice",
        "a tag cut short",
        "a quote in the ciphertext",
        "not bytes",
    ],
)
def test_the_byte_readers_stand_aside(world: World, case: str) -> None:
    """Whatever is not byte for byte what concernshare writes goes to the parsed readers, which say what it is."""
    signed, sealed = _variants(*_written(world)[:2])[case]
    ours = _written(world)[2]
    assert _jwe._jwe_written(sealed, ours, _jose.SEALED_TYP, _jose.SEALED_CTY) is None
    if case not in {"an escaped kid", "an entry twice", "a tag cut short", "a quote in the ciphertext"}:
        assert _jws._jws_written(signed, _jose.MESSAGE_TYP, _jose.MESSAGE_CTY) is None


def test_an_escaped_document_still_opens(world: World) -> None:
    """A JSON escape is no refusal: the byte reader stands aside and the parsed reader opens the same document."""
    signed, sealed, ours = _written(world)
    variants = _variants(signed, sealed)
    escaped_signed, escaped_sealed = variants["an escaped value"]
    kind = {"typ": _jose.SEALED_TYP, "cty": _jose.SEALED_CTY}
    assert _jose.decrypt(escaped_sealed, list(ours.values()), **kind) == signed
    assert _jose.decrypt(variants["an escaped kid"][1], list(ours.values()), **kind) == signed
    resolve = {world[HV].signer.kid: _public(world, world[HV].signer.kid)}.get
    assert _jose.verify(escaped_signed, resolve, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)[0] == b'{"a":1}'


_EDITS = st.one_of(
    st.tuples(st.just("replace"), st.integers(min_value=0), st.binary(min_size=1, max_size=1)),
    st.tuples(
        st.just("insert"), st.integers(min_value=0), st.sampled_from([b" ", b"\\", b'"', b",", b"A", b"}", b"]"])
    ),
    st.tuples(st.just("delete"), st.integers(min_value=0), st.just(b"")),
    st.tuples(st.just("escape"), st.integers(min_value=0), st.just(b"")),
)


def _edit(data: bytes, edit: tuple[str, int, bytes]) -> bytes:
    kind, at, value = edit
    at %= len(data)
    if kind == "replace":
        return data[:at] + value + data[at + 1 :]
    if kind == "insert":
        return data[:at] + value + data[at:]
    if kind == "delete":
        return data[:at] + data[at + 1 :]
    return _escaped(data, at)


@settings(max_examples=300, deadline=None)
@given(edits=st.lists(_EDITS, min_size=1, max_size=3))
def test_edited_bytes_are_read_as_the_parsed_readers_read_them(world: World, edits: list[Any]) -> None:
    """After any edits, each byte reader gives the parsed readers' reading, or stands aside; never accepts a refusal."""
    signed, sealed, ours = _written(world, b"{}")
    for edit in edits:
        signed, sealed = _edit(signed, edit), _edit(sealed, edit)
    reading = _jwe._jwe_written(sealed, ours, _jose.SEALED_TYP, _jose.SEALED_CTY)
    assert reading is None or _parsed_jwe(sealed, ours) == ("value", reading)
    signature = _jws._jws_written(signed, _jose.MESSAGE_TYP, _jose.MESSAGE_CTY)
    assert signature is None or _parsed_jws(signed) == ("value", signature)


def test_a_recipient_past_the_limit_is_left_to_the_parsed_readers(world: World) -> None:
    """One entry past the limit, each as concernshare writes it: the byte reader stands aside, and it is refused."""
    signed, _, ours = _written(world)
    mine = _public(world, world[MASH].decrypters[0].kid)
    others = [keys.generate_encryption_key().public for _ in range(_jwe.MAX_RECIPIENTS)]
    kind = {"typ": _jose.SEALED_TYP, "cty": _jose.SEALED_CTY}
    full = _jose.encrypt(signed, [mine, *others[1:]], **kind)
    extra = _jose.encrypt(signed, [others[0]], **kind)
    entry = extra[extra.index(b"[") + 1 : extra.index(b"]")]
    sealed = full.replace(b"[", b"[" + entry + b",", 1)
    assert _jwe._jwe_written(full, ours, **kind) is not None
    assert _jwe._jwe_written(sealed, ours, **kind) is None
    with pytest.raises(_jose.JoseError, match="limit of recipients"):
        _jose.decrypt(sealed, list(ours.values()), **kind)


def test_a_document_for_others_is_left_to_the_parsed_readers(world: World) -> None:
    """No entry of ours: the byte reader stands aside, and the general reader says it is not for us."""
    _, sealed, _ = _written(world)
    kind = {"typ": _jose.SEALED_TYP, "cty": _jose.SEALED_CTY}
    assert _jwe._jwe_written(sealed, {}, **kind) is None
    with pytest.raises(NotForUs):
        _jose.decrypt(sealed, world[HV].decrypters, **kind)
