"""JWS and JWE in the concernshare profile: what comes out, and what goes back in."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from crypto_helpers import DIRECTORY, MESSAGE, SEALED, dumps, header_b64
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from concernshare import crypto
from concernshare.crypto import _jose, _primitives
from concernshare.crypto._b64 import b64decode, b64encode
from concernshare.crypto.keys import FileDecrypter, FileSigner, PrivateJwk, PublicJwk
from concernshare.errors import CryptoError, NotForUs, UntrustedSender

Resolver = Callable[[str], PublicJwk | None]
ALLOWED_JWE_PARAMETERS = {"enc", "typ", "cty", "alg", "kid", "epk"}


@pytest.mark.parametrize("kind", [MESSAGE, DIRECTORY], ids=["message", "directory"])
@pytest.mark.parametrize("key_name", ["ed25519_key", "es256_key"])
def test_sign_then_verify(
    key_name: str, kind: dict[str, str], request: pytest.FixtureRequest, resolver: Resolver
) -> None:
    """A signed payload verifies to the same bytes, the signer's kid and the suite's alg name."""
    key: PrivateJwk = request.getfixturevalue(key_name)
    signed = crypto.sign(b'{"id":"1"}', FileSigner.from_jwk(key), **kind)
    assert crypto.verify(signed, resolver, **kind) == (b'{"id":"1"}', key.kid, key.public.alg)


def test_signed_output_is_general_json(ed25519_key: PrivateJwk) -> None:
    """Output is compact general JSON with one signature and alg, kid, typ, cty protected."""
    signed = crypto.sign(b"payload", FileSigner.from_jwk(ed25519_key), **MESSAGE)
    document = json.loads(signed)
    assert signed == dumps(document)
    assert list(document) == ["payload", "signatures"]
    assert b64decode(document["payload"]) == b"payload"
    [entry] = document["signatures"]
    assert list(entry) == ["protected", "signature"]
    header = json.loads(b64decode(entry["protected"]))
    assert header == {"alg": "Ed25519", "kid": ed25519_key.kid, **MESSAGE}


def test_ed25519_signatures_are_deterministic(ed25519_key: PrivateJwk) -> None:
    """Ed25519 signs the same bytes the same way, so a signed document is reproducible."""
    signer = FileSigner.from_jwk(ed25519_key)
    assert crypto.sign(b"x", signer, **MESSAGE) == crypto.sign(b"x", signer, **MESSAGE)


def test_verify_accepts_flattened_json(
    forge_jws: Callable[..., dict[str, Any]], resolver: Resolver, ed25519_key: PrivateJwk
) -> None:
    """The flattened JSON serialization of a valid JWS verifies."""
    general = forge_jws()
    flattened = {"payload": general["payload"], **general["signatures"][0]}
    assert crypto.verify(dumps(flattened), resolver, **MESSAGE) == (b"{}", ed25519_key.kid, "Ed25519")


def test_verify_accepts_kid_in_the_unprotected_header(
    forge_jws: Callable[..., dict[str, Any]], resolver: Resolver, es256_key: PrivateJwk
) -> None:
    """RFC 7515 lets kid stand in the unprotected header; it is accepted there."""
    protected = {"alg": "ES256", **MESSAGE}
    document = forge_jws(protected, header={"kid": es256_key.kid}, key=es256_key)
    assert crypto.verify(dumps(document), resolver, **MESSAGE)[1] == es256_key.kid


def test_unknown_signing_key(ed25519_key: PrivateJwk) -> None:
    """A signature by a key the resolver does not know raises UntrustedSender."""
    signed = crypto.sign(b"x", FileSigner.from_jwk(ed25519_key), **MESSAGE)
    with pytest.raises(UntrustedSender):
        crypto.verify(signed, lambda kid: None, **MESSAGE)


def test_key_of_another_signer_fails_cryptographically(ed25519_key: PrivateJwk, es256_key: PrivateJwk) -> None:
    """If the resolver gives another key for the kid, the signature does not verify."""
    other = crypto.generate_signing_key()
    signed = crypto.sign(b"x", FileSigner.from_jwk(ed25519_key), **MESSAGE)
    for wrong in (other.public, es256_key.public):
        with pytest.raises(CryptoError):
            crypto.verify(signed, lambda kid, wrong=wrong: wrong, **MESSAGE)


def test_an_encryption_key_cannot_verify(ed25519_key: PrivateJwk, x25519_key: PrivateJwk) -> None:
    """A key whose use is enc never verifies a signature."""
    signed = crypto.sign(b"x", FileSigner.from_jwk(ed25519_key), **MESSAGE)
    with pytest.raises(CryptoError):
        crypto.verify(signed, lambda kid: x25519_key.public, **MESSAGE)


def test_document_kinds_are_checked_on_the_way_out(ed25519_key: PrivateJwk, x25519_key: PrivateJwk) -> None:
    """Signing as a JWE kind, encrypting as a JWS kind or an unknown kind is refused."""
    signer = FileSigner.from_jwk(ed25519_key)
    with pytest.raises(crypto.JoseError):
        crypto.sign(b"x", signer, **SEALED)
    with pytest.raises(crypto.JoseError):
        crypto.sign(b"x", signer, typ="JWT", cty="json")
    with pytest.raises(crypto.JoseError):
        crypto.encrypt(b"x", [x25519_key.public], **MESSAGE)


class BrokenSigner:
    """A key service that returns a DER signature instead of raw r||s."""

    def __init__(self, key: PrivateJwk) -> None:
        self.kid, self.alg = key.kid, key.public.alg

    def sign(self, data: bytes) -> bytes:
        return bytes(70)


def test_a_signer_returning_the_wrong_length_is_refused(es256_key: PrivateJwk) -> None:
    """A signer that returns anything but 64 bytes is refused rather than published."""
    with pytest.raises(crypto.JoseError):
        crypto.sign(b"x", BrokenSigner(es256_key), **MESSAGE)


def test_encrypt_then_decrypt_for_every_recipient(x25519_key: PrivateJwk, p256_key: PrivateJwk) -> None:
    """Every recipient, on either curve, decrypts the one JWE to the same plaintext."""
    sealed = crypto.encrypt(b"signed bytes", [x25519_key.public, p256_key.public], **SEALED)
    for key in (x25519_key, p256_key):
        assert crypto.decrypt(sealed, FileDecrypter.from_jwk(key), **SEALED) == b"signed bytes"


def test_outsiders_are_not_recipients(x25519_key: PrivateJwk, other_x25519_key: PrivateJwk) -> None:
    """An agency whose key is not among the recipients gets NotForUs."""
    sealed = crypto.encrypt(b"x", [x25519_key.public], **SEALED)
    with pytest.raises(NotForUs):
        crypto.decrypt(sealed, FileDecrypter.from_jwk(other_x25519_key), **SEALED)


def test_decrypt_with_any_of_several_keys(x25519_key: PrivateJwk, other_x25519_key: PrivateJwk) -> None:
    """An agency that keeps an old key beside its new one opens with whichever was used."""
    sealed = crypto.encrypt(b"x", [x25519_key.public], **SEALED)
    keys = [FileDecrypter.from_jwk(other_x25519_key), FileDecrypter.from_jwk(x25519_key)]
    assert crypto.decrypt(sealed, keys, **SEALED) == b"x"


def test_sealed_output_is_general_json(sealed: dict[str, Any], x25519_key: PrivateJwk, p256_key: PrivateJwk) -> None:
    """Output is general JSON: enc, typ and cty protected; alg, kid and epk per recipient."""
    assert list(sealed) == ["protected", "recipients", "iv", "ciphertext", "tag"]
    assert json.loads(b64decode(sealed["protected"])) == {"enc": "A256GCM", **SEALED}
    assert [entry["header"]["kid"] for entry in sealed["recipients"]] == [x25519_key.kid, p256_key.kid]
    for entry in sealed["recipients"]:
        assert list(entry) == ["header", "encrypted_key"]
        assert entry["header"]["alg"] == "ECDH-ES+A256KW"
        assert len(b64decode(entry["encrypted_key"])) == 40
    assert sealed["recipients"][0]["header"]["epk"].keys() == {"kty", "crv", "x"}
    assert sealed["recipients"][1]["header"]["epk"].keys() == {"kty", "crv", "x", "y"}
    assert (len(b64decode(sealed["iv"])), len(b64decode(sealed["tag"]))) == (12, 16)


def test_no_header_carries_anything_but_the_allow_list(sealed: dict[str, Any]) -> None:
    """Every decoded header of a sealed document holds only allow-listed parameters."""
    headers = [json.loads(b64decode(sealed["protected"]))]
    headers += [entry["header"] for entry in sealed["recipients"]]
    for header in headers:
        assert header.keys() <= ALLOWED_JWE_PARAMETERS
    for entry in sealed["recipients"]:
        assert entry["header"]["epk"].keys() <= {"kty", "crv", "x", "y"}


def test_fresh_keys_for_every_recipient_and_every_message(x25519_key: PrivateJwk) -> None:
    """Each recipient gets its own ephemeral key, and each message a fresh key, iv and epk."""
    first = json.loads(crypto.encrypt(b"x", [x25519_key.public, crypto.generate_encryption_key().public], **SEALED))
    second = json.loads(crypto.encrypt(b"x", [x25519_key.public], **SEALED))
    epks = {entry["header"]["epk"]["x"] for doc in (first, second) for entry in doc["recipients"]}
    assert len(epks) == 3
    assert first["iv"] != second["iv"]
    assert first["recipients"][0]["encrypted_key"] != second["recipients"][0]["encrypted_key"]


def test_recipient_keys_must_be_distinct_encryption_keys(x25519_key: PrivateJwk, ed25519_key: PrivateJwk) -> None:
    """No recipients, a key given twice, or a signing key as recipient are refused."""
    for recipients in ([], [x25519_key.public, x25519_key.public], [ed25519_key.public]):
        with pytest.raises(crypto.JoseError):
            crypto.encrypt(b"x", recipients, **SEALED)


def _hand_made_jwe(
    key: PrivateJwk, protected: dict[str, Any], own: list[str] | None, cek: bytes = bytes(range(32))
) -> dict[str, Any]:
    """A JWE built from the primitives, with its parameters placed wherever the test asks."""
    ephemeral = _jose.generate_private(key.public.crv)
    kek = _primitives.kek(ephemeral.derive(_jose.decode_point(key.public.crv, key.public.x, key.public.y)))
    epk = _jose.point_members(key.public.crv, ephemeral.public_point)
    iv = bytes(12)
    placed = {"alg": "ECDH-ES+A256KW", "kid": key.kid, "epk": epk}
    protected = protected | {name: placed[name] for name in protected.pop("_move", [])}
    protected_b64 = header_b64(protected)
    sealed = AESGCM(cek).encrypt(iv, b"hand made", protected_b64.encode())
    document = {
        "protected": protected_b64,
        "encrypted_key": b64encode(_jose.wrap_key(kek, cek)),
        "iv": b64encode(iv),
        "ciphertext": b64encode(sealed[:-16]),
        "tag": b64encode(sealed[-16:]),
    }
    if own is not None:
        document["header"] = {name: placed[name] for name in own}
    return document


@pytest.mark.parametrize(
    ("in_protected", "in_header"),
    [
        (["alg", "kid", "epk"], None),  # what single-recipient encoders such as npm jose write
        (["alg"], ["kid", "epk"]),
        ([], ["alg", "kid", "epk"]),
    ],
)
def test_decrypt_accepts_flattened_json_with_parameters_anywhere_allowed(
    p256_key: PrivateJwk, in_protected: list[str], in_header: list[str] | None
) -> None:
    """With one recipient, alg, kid and epk may be protected or per recipient."""
    protected = {"enc": "A256GCM", **SEALED, "_move": in_protected}
    document = _hand_made_jwe(p256_key, protected, in_header)
    assert crypto.decrypt(dumps(document), FileDecrypter.from_jwk(p256_key), **SEALED) == b"hand made"


@pytest.mark.parametrize("size", [16, 24])
def test_a_content_key_of_another_size_is_refused(x25519_key: PrivateJwk, size: int) -> None:
    """A sender that wraps a 128- or 192-bit key under an A256GCM label is refused."""
    protected = {"enc": "A256GCM", **SEALED}
    document = _hand_made_jwe(x25519_key, protected, ["alg", "kid", "epk"], cek=bytes(range(size)))
    with pytest.raises(CryptoError):
        crypto.decrypt(dumps(document), FileDecrypter.from_jwk(x25519_key), **SEALED)


def test_decrypt_accepts_the_shared_unprotected_header(x25519_key: PrivateJwk) -> None:
    """The shared unprotected header may carry alg, and with one recipient kid and epk."""
    document = _hand_made_jwe(x25519_key, {"enc": "A256GCM", **SEALED}, ["alg", "kid", "epk"])
    document["unprotected"] = document.pop("header")
    assert crypto.decrypt(dumps(document), FileDecrypter.from_jwk(x25519_key), **SEALED) == b"hand made"


def test_decrypter_on_another_curve_fails_cryptographically(p256_key: PrivateJwk) -> None:
    """A decrypter whose curve is not the epk's fails with CryptoError, as any bad key would."""
    sealed = crypto.encrypt(b"x", [p256_key.public], **SEALED)

    class Mislabelled:
        kid, crv = p256_key.kid, "X25519"

        def derive(self, peer: bytes) -> bytes:
            raise AssertionError("never reached")

    with pytest.raises(CryptoError):
        crypto.decrypt(sealed, Mislabelled(), **SEALED)


def test_a_decrypter_returning_zeros_is_refused(x25519_key: PrivateJwk) -> None:
    """An all-zero shared secret from any decrypter is refused, even where it would unwrap."""
    protected = header_b64({"enc": "A256GCM", **SEALED})
    kek = _jose.concat_kdf(bytes(32), "ECDH-ES+A256KW", b"", b"", 256)  # what Z = 0 gives
    cek, iv = bytes(range(32)), bytes(12)
    sealed = AESGCM(cek).encrypt(iv, b"forged", protected.encode())
    epk = {"kty": "OKP", "crv": "X25519", "x": b64encode(bytes(32))}
    document = {
        "protected": protected,
        "header": {"alg": "ECDH-ES+A256KW", "kid": x25519_key.kid, "epk": epk},
        "encrypted_key": b64encode(_jose.wrap_key(kek, cek)),
        "iv": b64encode(iv),
        "ciphertext": b64encode(sealed[:-16]),
        "tag": b64encode(sealed[-16:]),
    }

    class Zeros:
        kid, crv = x25519_key.kid, "X25519"

        def derive(self, peer: bytes) -> bytes:
            return bytes(32)

    with pytest.raises(CryptoError):
        crypto.decrypt(dumps(document), Zeros(), **SEALED)


def test_verify_then_decrypt_nested(ed25519_key: PrivateJwk, x25519_key: PrivateJwk, resolver: Resolver) -> None:
    """Sign then encrypt, decrypt then verify: the exact payload bytes come back."""
    payload = b'{"b": 1, "a": 2}'  # not canonical on purpose: the bytes are what is signed
    signed = crypto.sign(payload, FileSigner.from_jwk(ed25519_key), **MESSAGE)
    sealed = crypto.encrypt(signed, [x25519_key.public], **SEALED)
    opened = crypto.decrypt(sealed, FileDecrypter.from_jwk(x25519_key), **SEALED)
    assert crypto.verify(opened, resolver, **MESSAGE)[0] == payload


def test_only_uncompressed_points_on_known_curves_are_loaded(p256_key: PrivateJwk) -> None:
    """A compressed P-256 point or a curve outside the suite is refused, as any invalid point."""
    point = _jose.decode_point("P-256", p256_key.public.x, p256_key.public.y)
    _jose.check_point("P-256", point)
    compressed = bytes([2 + point[-1] % 2]) + point[1:33]
    for crv, candidate in (("P-256", compressed), ("P-384", point), ("P-256", point[:-1])):
        with pytest.raises(CryptoError):
            _jose.check_point(crv, candidate)
