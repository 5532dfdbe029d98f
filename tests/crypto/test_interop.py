"""Interoperability with jwcrypto and joserfc, both ways: made here and opened there, and back.

These libraries are test-only dependencies. joserfc warns that EdDSA is
deprecated (RFC 9864); that one warning is filtered by its message and class
where EdDSA is used on purpose, never globally.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from crypto_helpers import MESSAGE, SEALED, load_data
from joserfc import jwe as rfc_jwe
from joserfc import jws as rfc_jws
from joserfc.errors import DecodeError
from joserfc.jwk import KeySet, import_key
from jwcrypto import jwe as jc_jwe
from jwcrypto import jwk as jc_jwk
from jwcrypto import jws as jc_jws
from jwcrypto.common import json_encode

from concernshare import crypto
from concernshare.crypto.keys import FileDecrypter, FileSigner, PrivateJwk

ENCRYPTION_ALGS = ["ECDH-ES+A256KW", "A256GCM"]
EDDSA_WARNING = "ignore:EdDSA is deprecated:joserfc.errors.SecurityWarning"


def _without(jwk: dict[str, str], *names: str) -> dict[str, str]:
    return {k: v for k, v in jwk.items() if k not in names}


# -- made here, opened there ---------------------------------------------------------------


@pytest.mark.parametrize("signing", ["ed25519_key", "es256_key"])
def test_jwcrypto_opens_what_we_seal(
    signing: str, x25519_key: PrivateJwk, p256_key: PrivateJwk, request: pytest.FixtureRequest
) -> None:
    """jwcrypto decrypts our multi-recipient JWE with each recipient's key and verifies the JWS inside."""
    signer: PrivateJwk = request.getfixturevalue(signing)
    signed = crypto.sign(b'{"id":1}', FileSigner.from_jwk(signer), **MESSAGE)
    sealed = crypto.encrypt(signed, [x25519_key.public, p256_key.public], **SEALED)
    for key in (x25519_key, p256_key):
        outer = jc_jwe.JWE()
        outer.deserialize(sealed.decode(), key=jc_jwk.JWK(**key.to_dict()))
        assert outer.payload == signed
        assert json.loads(outer.objects["protected"])["typ"] == crypto.SEALED_TYP
        inner = jc_jws.JWS()
        inner.deserialize(outer.payload.decode())
        inner.verify(jc_jwk.JWK(**signer.public.to_dict()))
        assert inner.payload == b'{"id":1}'
        [header] = inner.jose_header  # one signature, general JSON
        assert header["typ"] == crypto.MESSAGE_TYP


def test_jwcrypto_agrees_on_thumbprints(
    ed25519_key: PrivateJwk, es256_key: PrivateJwk, x25519_key: PrivateJwk, p256_key: PrivateJwk
) -> None:
    """jwcrypto computes the same RFC 7638 thumbprint for every kind of key we generate."""
    for key in (ed25519_key, es256_key, x25519_key, p256_key):
        assert jc_jwk.JWK(**key.public.to_dict()).thumbprint() == key.kid


@pytest.mark.parametrize(("signing", "alg"), [("ed25519_key", "Ed25519"), ("es256_key", "ES256")])
@pytest.mark.parametrize("encryption", ["x25519_key", "p256_key"])
def test_joserfc_opens_what_we_seal(signing: str, alg: str, encryption: str, request: pytest.FixtureRequest) -> None:
    """joserfc decrypts our JWE and verifies the JWS inside, on each curve and algorithm."""
    signer: PrivateJwk = request.getfixturevalue(signing)
    key: PrivateJwk = request.getfixturevalue(encryption)
    signed = crypto.sign(b'{"id":2}', FileSigner.from_jwk(signer), **MESSAGE)
    sealed = crypto.encrypt(signed, [key.public], **SEALED)
    opened = rfc_jwe.decrypt_json(json.loads(sealed), import_key(key.to_dict()), algorithms=ENCRYPTION_ALGS)
    assert opened.plaintext == signed
    verified = rfc_jws.deserialize_json(json.loads(signed), import_key(signer.public.to_dict()), algorithms=[alg])
    assert verified.payload == b'{"id":2}'


def test_joserfc_opens_our_multi_recipient_jwe(x25519_key: PrivateJwk, p256_key: PrivateJwk) -> None:
    """joserfc, which resolves every recipient's key, decrypts our JWE to two recipients."""
    sealed = crypto.encrypt(b"both", [x25519_key.public, p256_key.public], **SEALED)
    keys = KeySet([import_key(x25519_key.to_dict()), import_key(p256_key.to_dict())])
    assert rfc_jwe.decrypt_json(json.loads(sealed), keys, algorithms=ENCRYPTION_ALGS).plaintext == b"both"


# -- made there, opened here ---------------------------------------------------------------


def _sealed_header() -> str:
    return json_encode({"enc": "A256GCM", **SEALED})


def test_we_open_jwcrypto_general_json(x25519_key: PrivateJwk, p256_key: PrivateJwk) -> None:
    """A general JSON JWE that jwcrypto makes for two recipients opens here for each."""
    made = jc_jwe.JWE(b"from jwcrypto", protected=_sealed_header())
    for key in (x25519_key, p256_key):
        header = json_encode({"alg": "ECDH-ES+A256KW", "kid": key.kid})
        made.add_recipient(jc_jwk.JWK(**key.public.to_dict()), header=header)
    sealed = made.serialize().encode()
    for key in (x25519_key, p256_key):
        assert crypto.decrypt(sealed, FileDecrypter.from_jwk(key), **SEALED) == b"from jwcrypto"


@pytest.mark.parametrize("encryption", ["x25519_key", "p256_key"])
def test_we_open_jwcrypto_flattened_json(encryption: str, request: pytest.FixtureRequest) -> None:
    """A flattened JWE with everything in the protected header, as one-recipient encoders write it, opens here."""
    key: PrivateJwk = request.getfixturevalue(encryption)
    protected = json_encode({"alg": "ECDH-ES+A256KW", "enc": "A256GCM", "kid": key.kid, **SEALED})
    made = jc_jwe.JWE(b"flattened", protected=protected)
    made.add_recipient(jc_jwk.JWK(**key.public.to_dict()))
    sealed = made.serialize().encode()
    assert "recipients" not in json.loads(sealed)
    assert crypto.decrypt(sealed, FileDecrypter.from_jwk(key), **SEALED) == b"flattened"


@pytest.mark.parametrize(
    ("signing", "alg"), [("ed25519_key", "Ed25519"), ("ed25519_key", "EdDSA"), ("es256_key", "ES256")]
)
def test_we_verify_jwcrypto_signatures(signing: str, alg: str, request: pytest.FixtureRequest) -> None:
    """A JWS that jwcrypto signs with Ed25519 (under either name) or ES256 verifies here."""
    key: PrivateJwk = request.getfixturevalue(signing)
    made = jc_jws.JWS(b'{"from":"jwcrypto"}')
    made.add_signature(jc_jwk.JWK(**key.to_dict()), None, json_encode({"alg": alg, "kid": key.kid, **MESSAGE}))
    signed = made.serialize().encode()
    assert crypto.verify(signed, {key.kid: key.public}.get, **MESSAGE) == (
        b'{"from":"jwcrypto"}',
        key.kid,
        key.public.alg,
    )


def test_we_open_a_jwcrypto_nested_document(ed25519_key: PrivateJwk, x25519_key: PrivateJwk) -> None:
    """jwcrypto signs then encrypts; we decrypt then verify the same payload bytes."""
    inner = jc_jws.JWS(b'{"nested":true}')
    protected = json_encode({"alg": "Ed25519", "kid": ed25519_key.kid, **MESSAGE})
    inner.add_signature(jc_jwk.JWK(**ed25519_key.to_dict()), None, protected)
    outer = jc_jwe.JWE(inner.serialize().encode(), protected=_sealed_header())
    outer.add_recipient(
        jc_jwk.JWK(**x25519_key.public.to_dict()),
        header=json_encode({"alg": "ECDH-ES+A256KW", "kid": x25519_key.kid}),
    )
    opened = crypto.decrypt(outer.serialize().encode(), FileDecrypter.from_jwk(x25519_key), **SEALED)
    payload, _, _ = crypto.verify(opened, {ed25519_key.kid: ed25519_key.public}.get, **MESSAGE)
    assert payload == b'{"nested":true}'


def test_we_open_joserfc_general_json(x25519_key: PrivateJwk, p256_key: PrivateJwk) -> None:
    """A general JSON JWE that joserfc makes for two recipients opens here for each."""
    made = rfc_jwe.GeneralJSONEncryption({"enc": "A256GCM", **SEALED}, b"from joserfc")
    for key in (x25519_key, p256_key):
        made.add_recipient({"alg": "ECDH-ES+A256KW", "kid": key.kid}, import_key(key.public.to_dict()))
    sealed = json.dumps(rfc_jwe.encrypt_json(made, None, algorithms=ENCRYPTION_ALGS)).encode()
    for key in (x25519_key, p256_key):
        assert crypto.decrypt(sealed, FileDecrypter.from_jwk(key), **SEALED) == b"from joserfc"


@pytest.mark.parametrize("encryption", ["x25519_key", "p256_key"])
def test_we_open_joserfc_flattened_json(encryption: str, request: pytest.FixtureRequest) -> None:
    """A flattened JWE that joserfc makes with alg, kid and enc protected opens here."""
    key: PrivateJwk = request.getfixturevalue(encryption)
    protected = {"alg": "ECDH-ES+A256KW", "enc": "A256GCM", "kid": key.kid, **SEALED}
    made = rfc_jwe.FlattenedJSONEncryption(protected, b"flattened")
    made.add_recipient(None, import_key(_without(key.public.to_dict(), "kid")))
    sealed = json.dumps(rfc_jwe.encrypt_json(made, None, algorithms=ENCRYPTION_ALGS)).encode()
    assert crypto.decrypt(sealed, FileDecrypter.from_jwk(key), **SEALED) == b"flattened"


@pytest.mark.parametrize(
    ("signing", "alg"),
    [
        ("ed25519_key", "Ed25519"),
        pytest.param("ed25519_key", "EdDSA", marks=pytest.mark.filterwarnings(EDDSA_WARNING)),
        ("es256_key", "ES256"),
    ],
)
def test_we_verify_joserfc_signatures(signing: str, alg: str, request: pytest.FixtureRequest) -> None:
    """A flattened JWS that joserfc signs with Ed25519 (under either name) or ES256 verifies here."""
    key: PrivateJwk = request.getfixturevalue(signing)
    private: dict[str, Any] = _without(key.to_dict(), "alg") if alg == "EdDSA" else key.to_dict()
    header = {"alg": alg, "kid": key.kid, **MESSAGE}
    made = rfc_jws.serialize_json({"protected": header}, b"from joserfc", import_key(private), algorithms=[alg])
    assert "signatures" not in made
    signed = json.dumps(made).encode()
    assert crypto.verify(signed, {key.kid: key.public}.get, **MESSAGE)[0] == b"from joserfc"


def test_joserfc_and_jwcrypto_refuse_our_documents_when_tampered(x25519_key: PrivateJwk) -> None:
    """A control: both libraries also refuse our JWE once its tag is changed, so the checks above bite."""
    document = json.loads(crypto.encrypt(b"x", [x25519_key.public], **SEALED))
    document["tag"] = "A" * len(document["tag"])
    with pytest.raises(DecodeError):
        rfc_jwe.decrypt_json(document, import_key(x25519_key.to_dict()), algorithms=ENCRYPTION_ALGS)
    with pytest.raises(jc_jwe.InvalidJWEData):
        jc_jwe.JWE().deserialize(json.dumps(document), key=jc_jwk.JWK(**x25519_key.to_dict()))


def test_libraries_open_our_published_vector() -> None:
    """jwcrypto and joserfc both open the project's published sealed vector and verify its signature."""
    vector = load_data("concernshare_sealed_vector.json")
    signing = vector["signing_key"]
    public_signing = _without(signing, "d")
    for jwk in vector["recipient_keys"]:
        outer = jc_jwe.JWE()
        outer.deserialize(vector["sealed"], key=jc_jwk.JWK(**jwk))
        inner = jc_jws.JWS()
        inner.deserialize(outer.payload.decode())
        inner.verify(jc_jwk.JWK(**public_signing))
        assert inner.payload == vector["payload"].encode()
    keys = KeySet([import_key(jwk) for jwk in vector["recipient_keys"]])
    opened = rfc_jwe.decrypt_json(json.loads(vector["sealed"]), keys, algorithms=ENCRYPTION_ALGS)
    verified = rfc_jws.deserialize_json(
        json.loads(opened.plaintext), import_key(public_signing), algorithms=["Ed25519"]
    )
    assert verified.payload == vector["payload"].encode()
