"""The attack suite: each refusal of the profile, and proof that it comes before any cryptography.

Structural refusals raise JoseError without the key resolver or the decrypter
ever being called; cryptographic failures all raise the one CryptoError with
the one message.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import pytest
from crypto_helpers import DIRECTORY, MESSAGE, SEALED, Spy, dumps, header_b64

from concernshare import crypto
from concernshare.crypto._b64 import b64decode, b64encode
from concernshare.crypto.keys import FileDecrypter, FileSigner, PrivateJwk, PublicJwk
from concernshare.errors import CryptoError

Mutation = Callable[[dict[str, Any]], None]
Resolver = Callable[[str], PublicJwk | None]
THUMBPRINT_LIKE = "A" * 43


def _protected(document: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(b64decode(document["protected"])))


def _set_protected(**changes: Any) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        header = _protected(document) | changes
        document["protected"] = header_b64({k: v for k, v in header.items() if v is not None})

    return mutate


def _set_ours(**changes: Any) -> Mutation:
    """Change our (first) recipient's per-recipient header."""

    def mutate(document: dict[str, Any]) -> None:
        header = document["recipients"][0]["header"] | changes
        document["recipients"][0]["header"] = {k: v for k, v in header.items() if v is not None}

    return mutate


def _set(**changes: Any) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        document.update(changes)

    return mutate


def _both(*mutations: Mutation) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(document)

    return mutate


def _drop(name: str) -> Mutation:
    return lambda document: document.pop(name) and None


def _duplicate_recipient(document: dict[str, Any]) -> None:
    document["recipients"].append(copy.deepcopy(document["recipients"][0]))


def _many_recipients(document: dict[str, Any]) -> None:
    document["recipients"] *= crypto.MAX_RECIPIENTS


def _shared_header(**parameters: Any) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        for name in parameters:
            document["recipients"][0]["header"].pop(name, None)
        document["unprotected"] = parameters

    return mutate


def _epk_in_protected_with_two_recipients(document: dict[str, Any]) -> None:
    epk = document["recipients"][0]["header"].pop("epk")
    _set_protected(epk=epk)(document)


JWE_STRUCTURAL: dict[str, Mutation] = {
    "alg none": _set_ours(alg="none"),
    "alg dir": _set_ours(alg="dir"),
    "alg RSA1_5": _set_ours(alg="RSA1_5"),
    "alg RSA-OAEP-256": _set_ours(alg="RSA-OAEP-256"),
    "alg HMAC": _set_ours(alg="HS256"),
    "PBES2 with a huge p2c": _set_ours(alg="PBES2-HS512+A256KW", p2c=10**9, p2s="AAAAAAAAAAA"),
    "alg A256KW": _set_ours(alg="A256KW"),
    "alg ECDH-ES direct": _set_ours(alg="ECDH-ES"),
    "alg ECDH-ES+A128KW": _set_ours(alg="ECDH-ES+A128KW"),
    "alg missing": _set_ours(alg=None),
    "enc A128GCM": _set_protected(enc="A128GCM"),
    "enc A256CBC-HS512": _set_protected(enc="A256CBC-HS512"),
    "enc per recipient": _both(_set_protected(enc=None), _set_ours(enc="A256GCM")),
    "enc missing": _set_protected(enc=None),
    "zip": _set_protected(zip="DEF"),
    "jku": _set_ours(jku="https://attacker.example/keys"),
    "x5u": _set_ours(x5u="https://attacker.example/cert"),
    "jwk": _set_ours(jwk={"kty": "OKP", "crv": "X25519", "x": THUMBPRINT_LIKE}),
    "x5c": _set_ours(x5c=["MIIB"]),
    "jwk protected": _set_protected(jwk={"kty": "OKP"}),
    "crit unknown": _set_protected(crit=["exp"], exp=1),
    "crit empty": _set_protected(crit=[]),
    "crit misplaced": _set_ours(crit=["exp"]),
    "crit naming a registered parameter": _set_protected(crit=["alg"]),
    "unknown parameter": _set_ours(note="personal data"),
    "apu outside the allow-list": _set_ours(apu="QWxpY2U"),
    "aad": _set(aad="UGVyc29uYWwgZGF0YQ"),
    "undefined top-level member": _set(note="x"),
    "undefined recipient member": lambda d: d["recipients"][0].update(note="x"),
    "mixed general and flattened": _set(encrypted_key="AAAA"),
    "mixed header and recipients": _set(header={"alg": "ECDH-ES+A256KW"}),
    "alg in two headers": _set_protected(alg="ECDH-ES+A256KW"),
    "kid in two headers": _set(unprotected={"kid": THUMBPRINT_LIKE}),
    "epk protected with two recipients": _epk_in_protected_with_two_recipients,
    "kid shared with two recipients": _shared_header(kid=THUMBPRINT_LIKE),
    "typ missing": _set_protected(typ=None),
    "typ of a signed message": _set_protected(typ=crypto.MESSAGE_TYP),
    "typ with application prefix": _set_protected(typ="application/" + crypto.SEALED_TYP),
    "cty of a directory": _set_protected(cty=crypto.DIRECTORY_CTY),
    "typ per recipient": _both(_set_protected(typ=None), _set_ours(typ=crypto.SEALED_TYP)),
    "kid not a thumbprint": _set_ours(kid="Bob"),
    "kid too long": _set_ours(kid=THUMBPRINT_LIKE + "A"),
    "kid padded": _set_ours(kid="A" * 42 + "="),
    "kid not a string": _set_ours(kid=7),
    "kid missing": _set_ours(kid=None),
    "epk with private d": lambda d: d["recipients"][0]["header"]["epk"].update(d=THUMBPRINT_LIKE),
    "epk Ed25519": lambda d: d["recipients"][0]["header"]["epk"].update(crv="Ed25519"),
    "epk P-384": _set_ours(epk={"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"}),
    "epk RSA": _set_ours(epk={"kty": "RSA", "n": "AQAB", "e": "AQAB"}),
    "epk OKP with a y": lambda d: d["recipients"][0]["header"]["epk"].update(y=THUMBPRINT_LIKE),
    "epk OKP with a null y": lambda d: d["recipients"][0]["header"]["epk"].update(y=None),
    "epk short x": lambda d: d["recipients"][0]["header"]["epk"].update(x="AAAA"),
    "epk not an object": _set_ours(epk="key"),
    "epk missing": _set_ours(epk=None),
    "two entries for one key": _duplicate_recipient,
    "no recipients": _set(recipients=[]),
    "too many recipients": _many_recipients,
    "recipients not a list": _set(recipients={}),
    "iv too short": _set(iv=b64encode(bytes(8))),
    "iv padded": lambda d: d.update(iv=d["iv"] + "="),
    "iv missing": _drop("iv"),
    "tag missing": _drop("tag"),
    "ciphertext missing": _drop("ciphertext"),
    "ciphertext not a string": _set(ciphertext=5),
    "encrypted_key missing": lambda d: d["recipients"][0].pop("encrypted_key") and None,
    "protected missing": _drop("protected"),
    "protected not an object": _set(protected=b64encode(b"[]")),
    "protected not UTF-8": _set(protected=b64encode(b'{"enc":"\xff"}')),
    "protected with a duplicate member": _set(
        protected=b64encode(b'{"enc":"A256GCM","enc":"A256GCM","typ":"x","cty":"y"}')
    ),
    "protected too large": _set_protected(typ="x" * crypto.MAX_HEADER_BYTES),
    "protected NaN": _set(protected=b64encode(b'{"enc":NaN}')),
}


@pytest.mark.parametrize("mutation", JWE_STRUCTURAL.values(), ids=JWE_STRUCTURAL.keys())
def test_jwe_refused_before_cryptography(mutation: Mutation, sealed: dict[str, Any], x25519_key: PrivateJwk) -> None:
    """Each structural attack on a sealed document is refused without reaching the decrypter."""
    document = copy.deepcopy(sealed)
    mutation(document)
    spy = Spy(FileDecrypter.from_jwk(x25519_key))
    with pytest.raises(crypto.JoseError):
        crypto.decrypt(dumps(document), spy, **SEALED)
    assert spy.calls == 0


def _raw_jwe_cases(sealed: dict[str, Any]) -> dict[str, bytes]:
    text = dumps(sealed)
    parts = [sealed["protected"], "", sealed["iv"], sealed["ciphertext"], sealed["tag"]]
    return {
        "compact serialization": ".".join(parts).encode(),
        "duplicate outer member": text[:-1] + b',"iv":' + json.dumps(sealed["iv"]).encode() + b"}",
        "oversized": text + b" " * crypto.MAX_INPUT_BYTES,  # valid JSON, only too long
        "deeply nested": b'{"x":' + b"[" * 10_000 + b"]" * 10_000 + b"}",
        "too many parts": b'{"x":[' + b",".join([b'""'] * 5000) + b"]}",
        "not JSON": b"{not json",
        "NaN": b'{"iv":NaN}',
        "a JSON array": b"[]",
        "a JWS": crypto.sign(b"x", FileSigner.from_jwk(crypto.generate_signing_key()), **MESSAGE),
    }


@pytest.mark.parametrize(
    "case",
    [
        "compact serialization",
        "duplicate outer member",
        "oversized",
        "deeply nested",
        "too many parts",
        "not JSON",
        "NaN",
        "a JSON array",
        "a JWS",
    ],
)
def test_jwe_raw_input_refused_before_cryptography(case: str, sealed: dict[str, Any], x25519_key: PrivateJwk) -> None:
    """Malformed bytes, limits and other serializations are refused before any parsing or cryptography."""
    spy = Spy(FileDecrypter.from_jwk(x25519_key))
    with pytest.raises(crypto.JoseError):
        crypto.decrypt(_raw_jwe_cases(sealed)[case], spy, **SEALED)
    assert spy.calls == 0


def test_jwe_refuses_text_input(sealed: dict[str, Any], x25519_key: PrivateJwk) -> None:
    """Input must be bytes: a str is refused rather than guessed at."""
    with pytest.raises(crypto.JoseError):
        crypto.decrypt(dumps(sealed).decode(), FileDecrypter.from_jwk(x25519_key), **SEALED)  # type: ignore[arg-type]


def _flip_first_byte(text: str) -> str:
    raw = bytearray(b64decode(text))
    raw[0] ^= 1
    return b64encode(bytes(raw))


def _swap_wrapped_keys(document: dict[str, Any]) -> None:
    first, second = document["recipients"]
    first["encrypted_key"], second["encrypted_key"] = second["encrypted_key"], first["encrypted_key"]


def _rewrite_protected_with_spaces(document: dict[str, Any]) -> None:
    document["protected"] = b64encode(json.dumps(_protected(document), indent=1).encode())


JWE_CRYPTOGRAPHIC: dict[str, tuple[Mutation, str]] = {
    "tag flipped": (lambda d: d.update(tag=_flip_first_byte(d["tag"])), "x25519"),
    "tag truncated": (lambda d: d.update(tag=b64encode(b64decode(d["tag"])[:12])), "x25519"),
    "ciphertext flipped": (lambda d: d.update(ciphertext=_flip_first_byte(d["ciphertext"])), "x25519"),
    "iv flipped": (lambda d: d.update(iv=_flip_first_byte(d["iv"])), "x25519"),
    "same header, other bytes": (_rewrite_protected_with_spaces, "x25519"),
    "wrapped keys swapped": (_swap_wrapped_keys, "x25519"),
    "wrapped key truncated": (
        lambda d: d["recipients"][0].update(encrypted_key=b64encode(bytes(32))),
        "x25519",
    ),
    "wrapped key empty": (lambda d: d["recipients"][0].update(encrypted_key=""), "x25519"),
    "all-zero X25519 epk": (
        lambda d: d["recipients"][0]["header"]["epk"].update(x=b64encode(bytes(32))),
        "x25519",
    ),
    "low-order X25519 epk": (
        lambda d: d["recipients"][0]["header"]["epk"].update(x=b64encode((1).to_bytes(32, "little"))),
        "x25519",
    ),
    "another X25519 epk": (
        lambda d: d["recipients"][0]["header"]["epk"].update(x=crypto.generate_encryption_key().public.x),
        "x25519",
    ),
    "P-256 epk off the curve": (
        lambda d: d["recipients"][1]["header"]["epk"].update(y=b64encode((1).to_bytes(32, "big"))),
        "p256",
    ),
    "P-256 epk at (0, 0)": (
        lambda d: d["recipients"][1]["header"]["epk"].update(x=b64encode(bytes(32)), y=b64encode(bytes(32))),
        "p256",
    ),
    "X25519 epk for a P-256 key": (
        lambda d: d["recipients"][1]["header"].update(epk=d["recipients"][0]["header"]["epk"]),
        "p256",
    ),
}


@pytest.mark.parametrize("case", JWE_CRYPTOGRAPHIC.values(), ids=JWE_CRYPTOGRAPHIC.keys())
def test_jwe_cryptographic_failures_are_uniform(
    case: tuple[Mutation, str], sealed: dict[str, Any], x25519_key: PrivateJwk, p256_key: PrivateJwk
) -> None:
    """Bad tags, bad unwraps, invalid and all-zero points all raise the one CryptoError."""
    mutation, which = case
    document = copy.deepcopy(sealed)
    mutation(document)
    key = x25519_key if which == "x25519" else p256_key
    with pytest.raises(CryptoError) as raised:
        crypto.decrypt(dumps(document), FileDecrypter.from_jwk(key), **SEALED)
    assert type(raised.value) is CryptoError
    assert str(raised.value) == str(CryptoError())
    assert raised.value.__cause__ is None  # nothing chained that a log could show
    assert raised.value.__context__ is None or raised.value.__suppress_context__


# -- JWS ---------------------------------------------------------------------------------------

JWS_STRUCTURAL_HEADERS: dict[str, dict[str, Any]] = {
    "alg none": {"alg": "none"},
    "alg HS256": {"alg": "HS256"},
    "alg RS256": {"alg": "RS256"},
    "alg PS256": {"alg": "PS256"},
    "alg ES384": {"alg": "ES384"},
    "alg ES256K": {"alg": "ES256K"},
    "alg Ed448": {"alg": "Ed448"},
    "alg lower case": {"alg": "es256"},
    "alg not a string": {"alg": ["ES256"]},
    "alg missing": {"alg": None},
    "jku": {"jku": "https://attacker.example/keys"},
    "x5u": {"x5u": "https://attacker.example/cert"},
    "jwk": {"jwk": {"kty": "OKP", "crv": "Ed25519", "x": THUMBPRINT_LIKE}},
    "x5c": {"x5c": ["MIIB"]},
    "zip": {"zip": "DEF"},
    "crit unknown": {"crit": ["exp"], "exp": 1},
    "crit empty": {"crit": []},
    "crit naming a registered parameter": {"crit": ["alg"]},
    "b64 false": {"b64": False, "crit": None},
    "unknown parameter": {"note": "personal data"},
    "typ missing": {"typ": None},
    "typ of a directory": {"typ": crypto.DIRECTORY_TYP},
    "cty of a directory": {"cty": crypto.DIRECTORY_CTY},
    "typ upper case": {"typ": crypto.MESSAGE_TYP.upper()},
    "kid not a thumbprint": {"kid": "Bob"},
    "kid empty": {"kid": ""},
    "kid missing": {"kid": None},
    "kid not a string": {"kid": 43},
}


@pytest.mark.parametrize("changes", JWS_STRUCTURAL_HEADERS.values(), ids=JWS_STRUCTURAL_HEADERS.keys())
def test_jws_header_refused_before_cryptography(
    changes: dict[str, Any], forge_jws: Callable[..., dict[str, Any]], ed25519_key: PrivateJwk
) -> None:
    """A validly signed JWS with a refused protected header never reaches key resolution."""
    header = {"alg": "Ed25519", "kid": ed25519_key.kid, **MESSAGE} | changes
    document = forge_jws({k: v for k, v in header.items() if v is not None})
    spy = Spy()
    with pytest.raises(crypto.JoseError):
        crypto.verify(dumps(document), spy.resolve, **MESSAGE)
    assert spy.calls == 0


JWS_UNPROTECTED: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "alg unprotected": ({"kid": "x", **MESSAGE}, {"alg": "Ed25519"}),
    "typ unprotected": ({"alg": "Ed25519", "cty": crypto.MESSAGE_CTY}, {"typ": crypto.MESSAGE_TYP}),
    "jwk unprotected": ({"alg": "Ed25519", **MESSAGE}, {"jwk": {"kty": "OKP"}}),
    "crit unprotected": ({"alg": "Ed25519", **MESSAGE}, {"crit": ["exp"]}),
    "kid twice": ({"alg": "Ed25519", **MESSAGE}, {"kid": THUMBPRINT_LIKE}),
}


@pytest.mark.parametrize(("protected", "unprotected"), JWS_UNPROTECTED.values(), ids=JWS_UNPROTECTED.keys())
def test_jws_misplaced_parameters_refused(
    protected: dict[str, Any],
    unprotected: dict[str, Any],
    forge_jws: Callable[..., dict[str, Any]],
    ed25519_key: PrivateJwk,
) -> None:
    """alg, typ, cty and crit only count protected; a parameter given twice is refused."""
    document = forge_jws({"kid": ed25519_key.kid, **protected}, header=unprotected)
    spy = Spy()
    with pytest.raises(crypto.JoseError):
        crypto.verify(dumps(document), spy.resolve, **MESSAGE)
    assert spy.calls == 0


def _second_signature(document: dict[str, Any]) -> None:
    document["signatures"].append(copy.deepcopy(document["signatures"][0]))


JWS_STRUCTURAL: dict[str, Mutation] = {
    "two signatures": _second_signature,
    "no signature": _set(signatures=[]),
    "signatures not a list": _set(signatures={}),
    "signature missing": lambda d: d["signatures"][0].pop("signature") and None,
    "signature padded": lambda d: d["signatures"][0].update(signature=d["signatures"][0]["signature"] + "=="),
    "protected missing": lambda d: d["signatures"][0].pop("protected") and None,
    "payload missing (detached)": _drop("payload"),
    "payload padded": lambda d: d.update(payload=d["payload"] + "="),
    "payload not a string": _set(payload=["x"]),
    "undefined top-level member": _set(note="x"),
    "undefined signature member": lambda d: d["signatures"][0].update(note="x"),
    "mixed general and flattened": lambda d: d.update(d["signatures"][0]),
    "unprotected header not an object": lambda d: d["signatures"][0].update(header=["kid"]),
}


@pytest.mark.parametrize("mutation", JWS_STRUCTURAL.values(), ids=JWS_STRUCTURAL.keys())
def test_jws_shape_refused_before_cryptography(mutation: Mutation, forge_jws: Callable[..., dict[str, Any]]) -> None:
    """Extra or missing signatures and members outside the serialization are refused."""
    document = forge_jws()
    mutation(document)
    spy = Spy()
    with pytest.raises(crypto.JoseError):
        crypto.verify(dumps(document), spy.resolve, **MESSAGE)
    assert spy.calls == 0


def test_jws_raw_input_refused(forge_jws: Callable[..., dict[str, Any]], x25519_key: PrivateJwk) -> None:
    """Compact, duplicated, oversized, nested or non-JSON input is refused before key resolution."""
    document = forge_jws()
    entry = document["signatures"][0]
    text = dumps(document)
    cases = [
        f"{entry['protected']}.{document['payload']}.{entry['signature']}".encode(),
        b" \n" + f"{entry['protected']}.{document['payload']}.{entry['signature']}".encode(),
        text[:-1] + b',"payload":"e30"}',
        text[:-1] + b',"x":"' + b"A" * crypto.MAX_INPUT_BYTES + b'"}',
        b"[" * 100_000,
        b'{"payload":Infinity}',
        crypto.encrypt(b"x", [x25519_key.public], **SEALED),
    ]
    spy = Spy()
    for case in cases:
        with pytest.raises(crypto.JoseError):
            crypto.verify(case, spy.resolve, **MESSAGE)
    assert spy.calls == 0


def test_jws_duplicate_member_inside_the_protected_header(
    forge_jws: Callable[..., dict[str, Any]], ed25519_key: PrivateJwk
) -> None:
    """A protected header naming alg twice (the second to fool a lenient parser) is refused."""
    raw = json.dumps({"alg": "Ed25519", "kid": ed25519_key.kid, **MESSAGE})[:-1] + ',"alg":"none"}'
    document = forge_jws()
    document["signatures"][0]["protected"] = b64encode(raw.encode())
    spy = Spy()
    with pytest.raises(crypto.JoseError, match="twice"):
        crypto.verify(dumps(document), spy.resolve, **MESSAGE)
    assert spy.calls == 0


def test_hmac_with_the_public_key_as_secret_is_refused(ed25519_key: PrivateJwk, resolver: Resolver) -> None:
    """The classic key confusion, HS256 keyed with the public key, is refused as an algorithm."""
    protected = header_b64({"alg": "HS256", "kid": ed25519_key.kid, **MESSAGE})
    payload = b64encode(b"{}")
    secret = b64decode(ed25519_key.public.x)
    tag = hmac.new(secret, f"{protected}.{payload}".encode(), hashlib.sha256).digest()
    document = {"payload": payload, "protected": protected, "signature": b64encode(tag)}
    with pytest.raises(crypto.JoseError, match="outside the concernshare suite"):
        crypto.verify(dumps(document), resolver, **MESSAGE)


def test_alg_none_is_named(forge_jws: Callable[..., dict[str, Any]], ed25519_key: PrivateJwk) -> None:
    """An unsecured JWS is refused with a message that says so."""
    document = forge_jws({"alg": "none", "kid": ed25519_key.kid, **MESSAGE})
    document["signatures"][0]["signature"] = ""
    with pytest.raises(crypto.JoseError, match="alg none"):
        crypto.verify(dumps(document), lambda kid: ed25519_key.public, **MESSAGE)


@pytest.mark.parametrize(
    ("claimed", "key_name"),
    [("ES256", "ed25519_key"), ("EdDSA", "es256_key"), ("Ed25519", "es256_key")],
)
def test_algorithm_and_key_must_agree(
    claimed: str,
    key_name: str,
    forge_jws: Callable[..., dict[str, Any]],
    request: pytest.FixtureRequest,
) -> None:
    """A signature claiming one algorithm over a key of another fails as a bad signature."""
    key: PrivateJwk = request.getfixturevalue(key_name)
    document = forge_jws({"alg": claimed, "kid": key.kid, **MESSAGE}, key=key)
    with pytest.raises(CryptoError):
        crypto.verify(dumps(document), lambda kid: key.public, **MESSAGE)


@pytest.mark.parametrize("signature", ["", b64encode(bytes(64)), b64encode(bytes(63)), b64encode(bytes(72))])
def test_empty_or_stripped_signature(
    signature: str, forge_jws: Callable[..., dict[str, Any]], resolver: Resolver
) -> None:
    """An empty, zero or wrong-length signature fails as a bad signature."""
    document = forge_jws()
    document["signatures"][0]["signature"] = signature
    with pytest.raises(CryptoError):
        crypto.verify(dumps(document), resolver, **MESSAGE)


@pytest.mark.parametrize("field", ["protected", "payload", "signature"])
def test_tampered_jws_fails(field: str, forge_jws: Callable[..., dict[str, Any]], resolver: Resolver) -> None:
    """A changed payload or signature, or protected header bytes, fail verification."""
    document = forge_jws()
    if field == "payload":
        document["payload"] = b64encode(b'{"x":1}')
    elif field == "signature":
        document["signatures"][0]["signature"] = _flip_first_byte(document["signatures"][0]["signature"])
    else:
        _rewrite_protected_with_spaces(document["signatures"][0])
    with pytest.raises(CryptoError):
        crypto.verify(dumps(document), resolver, **MESSAGE)


def test_type_substitution(ed25519_key: PrivateJwk, resolver: Resolver) -> None:
    """A signed directory cannot pass for a signed message, nor the other way round."""
    signer = FileSigner.from_jwk(ed25519_key)
    directory = crypto.sign(b"{}", signer, **DIRECTORY)
    message = crypto.sign(b"{}", signer, **MESSAGE)
    with pytest.raises(crypto.JoseError, match="expected type"):
        crypto.verify(directory, resolver, **MESSAGE)
    with pytest.raises(crypto.JoseError, match="expected type"):
        crypto.verify(message, resolver, **DIRECTORY)


def test_refusals_quote_no_header_value(
    forge_jws: Callable[..., dict[str, Any]], ed25519_key: PrivateJwk, sealed: dict[str, Any], x25519_key: PrivateJwk
) -> None:
    """A header smuggling a value (here a name) is refused without the value in the message."""
    smuggled = "Jane Doe 943 476 5919"
    document = forge_jws({"alg": "Ed25519", "kid": ed25519_key.kid, **MESSAGE, "name": smuggled})
    with pytest.raises(crypto.JoseError) as raised:
        crypto.verify(dumps(document), lambda kid: None, **MESSAGE)
    assert smuggled not in str(raised.value)
    for mutation in (
        _set_ours(note=smuggled),
        _set_ours(kid=smuggled),
        _set_protected(typ=smuggled),
        _set_ours(alg=smuggled),
    ):
        jwe = copy.deepcopy(sealed)
        mutation(jwe)
        with pytest.raises(crypto.JoseError) as raised:
            crypto.decrypt(dumps(jwe), FileDecrypter.from_jwk(x25519_key), **SEALED)
        assert smuggled not in str(raised.value)


def test_baselines_open(
    sealed: dict[str, Any], x25519_key: PrivateJwk, forge_jws: Callable[..., dict[str, Any]], resolver: Resolver
) -> None:
    """The documents the attacks start from are valid, so each refusal is the mutation's doing."""
    spy = Spy(FileDecrypter.from_jwk(x25519_key))
    assert crypto.decrypt(dumps(sealed), spy, **SEALED) == b"the signed message"
    assert spy.calls == 1
    assert crypto.verify(dumps(forge_jws()), resolver, **MESSAGE)[0] == b"{}"


REASONS: dict[str, tuple[Mutation, str]] = {
    "jku": (_set_ours(jku="https://attacker.example/keys"), r"jku\b.*directory"),
    "x5u": (_set_ours(x5u="https://attacker.example/cert"), r"x5u\b.*directory"),
    "jwk": (_set_ours(jwk={"kty": "OKP"}), r"embedded key \(jwk\)"),
    "x5c": (_set_ours(x5c=["MIIB"]), r"x5c\b.*directory"),
    "zip": (_set_protected(zip="DEF"), r"compression \(zip\)"),
    "crit unknown": (_set_protected(crit=["exp"], exp=1), "crit names extensions"),
    "crit empty": (_set_protected(crit=[]), "empty crit"),
    "crit misplaced": (_set_ours(crit=["exp"]), "crit outside the protected header"),
    "alg none": (_set_ours(alg="none"), r"alg none"),
    "alg dir": (_set_ours(alg="dir"), r"alg dir"),
    "alg RSA1_5": (_set_ours(alg="RSA1_5"), "key management algorithm is outside"),
    "enc": (_set_protected(enc="A128GCM"), "content encryption algorithm is outside"),
    "enc misplaced": (_both(_set_protected(enc=None), _set_ours(enc="A256GCM")), "enc header parameter is not allowed"),
    "epk misplaced": (_epk_in_protected_with_two_recipients, "epk header parameter is not allowed"),
    "twice": (_set_protected(alg="ECDH-ES+A256KW"), "more than one header"),
    "typ": (_set_protected(typ=crypto.MESSAGE_TYP), "expected type"),
    "kid": (_set_ours(kid="Bob"), "thumbprint"),
    "same key twice": (_duplicate_recipient, "same key"),
    "aad": (_set(aad="AAAA"), r"\(aad\)"),
    "unknown": (_set_ours(note="x"), "allow-list"),
    "undefined member": (_set(note="x"), "does not define"),
    "recipients": (_many_recipients, "recipients"),
}


@pytest.mark.parametrize("case", REASONS.values(), ids=REASONS.keys())
def test_refusals_say_why(case: tuple[Mutation, str], sealed: dict[str, Any], x25519_key: PrivateJwk) -> None:
    """Each refusal names its reason (never a value), so that a log line can be acted on."""
    mutation, reason = case
    document = copy.deepcopy(sealed)
    mutation(document)
    with pytest.raises(crypto.JoseError, match=reason):
        crypto.decrypt(dumps(document), FileDecrypter.from_jwk(x25519_key), **SEALED)


LIMITS: dict[str, tuple[Mutation, str]] = {
    "protected header": (
        lambda d: d.update(protected=header_b64(_protected(d) | {"pad": " " * crypto.MAX_HEADER_BYTES})),
        "larger than the limit",
    ),
    "recipients": (_many_recipients, "limit of recipients"),
}


@pytest.mark.parametrize("case", LIMITS.values(), ids=LIMITS.keys())
def test_limits_are_named(case: tuple[Mutation, str], sealed: dict[str, Any], x25519_key: PrivateJwk) -> None:
    """A header or recipient count over its limit is refused as such, before anything else about it."""
    mutation, reason = case
    document = copy.deepcopy(sealed)
    mutation(document)
    with pytest.raises(crypto.JoseError, match=reason):
        crypto.decrypt(dumps(document), FileDecrypter.from_jwk(x25519_key), **SEALED)


def test_size_limit_comes_before_parsing(sealed: dict[str, Any], x25519_key: PrivateJwk) -> None:
    """A valid sealed document padded past the size limit is refused for its size."""
    with pytest.raises(crypto.JoseError, match="larger than the limit"):
        crypto.decrypt(dumps(sealed) + b" " * crypto.MAX_INPUT_BYTES, FileDecrypter.from_jwk(x25519_key), **SEALED)


def test_compact_serialization_is_named(sealed: dict[str, Any], x25519_key: PrivateJwk) -> None:
    """The compact serialization is refused with a message that says so."""
    compact = ".".join([sealed["protected"], "", sealed["iv"], sealed["ciphertext"], sealed["tag"]])
    with pytest.raises(crypto.JoseError, match="compact serialization is refused"):
        crypto.decrypt(compact.encode(), FileDecrypter.from_jwk(x25519_key), **SEALED)


def test_invalid_points_never_reach_the_decrypter(sealed: dict[str, Any], p256_key: PrivateJwk) -> None:
    """A key service behind the Decrypter protocol is only ever given points on its curve."""
    document = copy.deepcopy(sealed)
    document["recipients"][1]["header"]["epk"]["y"] = b64encode((1).to_bytes(32, "big"))
    spy = Spy(FileDecrypter.from_jwk(p256_key))
    with pytest.raises(CryptoError):
        crypto.decrypt(dumps(document), spy, **SEALED)
    assert spy.calls == 0
