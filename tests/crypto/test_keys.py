"""Agency keys: generation, strict JWK parsing, JWK Set files and the signer/decrypter protocols."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from crypto_helpers import MESSAGE, SEALED

from concernshare import crypto
from concernshare.crypto._b64 import b64encode
from concernshare.crypto.keys import (
    FileDecrypter,
    FileSigner,
    PrivateJwk,
    decrypters_from,
    signer_from,
)
from concernshare.errors import UsageError

P256_P = 2**256 - 2**224 + 2**192 + 2**96 - 1


@pytest.mark.parametrize(
    ("make", "choice", "expected"),
    [
        (crypto.generate_signing_key, "Ed25519", ("OKP", "Ed25519", "sig", "Ed25519")),
        (crypto.generate_signing_key, "ES256", ("EC", "P-256", "sig", "ES256")),
        (crypto.generate_encryption_key, "X25519", ("OKP", "X25519", "enc", "ECDH-ES+A256KW")),
        (crypto.generate_encryption_key, "P-256", ("EC", "P-256", "enc", "ECDH-ES+A256KW")),
    ],
)
def test_generated_keys_name_their_use_alg_and_thumbprint(
    make: Any, choice: str, expected: tuple[str, str, str, str]
) -> None:
    """Each generated key has its kty, crv, use and alg set, and its kid is its thumbprint."""
    key = make(choice)
    public = key.public
    assert (public.kty, public.crv, public.use, public.alg) == expected
    assert public.kid == crypto.thumbprint(public.to_dict())
    assert crypto.parse_public_jwk(public.to_dict()) == public


def test_defaults_are_ed25519_and_x25519() -> None:
    """Without a choice, the signing key is Ed25519 and the encryption key X25519."""
    assert crypto.generate_signing_key().public.crv == "Ed25519"
    assert crypto.generate_encryption_key().public.crv == "X25519"


def test_generated_keys_differ() -> None:
    """Two generated keys are different keys."""
    assert crypto.generate_signing_key().kid != crypto.generate_signing_key().kid


@pytest.mark.parametrize("alg", ["EdDSA", "RS256", "HS256", "ES384", ""])
def test_refuses_other_signing_algorithms(alg: str) -> None:
    """Only Ed25519 and ES256 signing keys can be generated."""
    with pytest.raises(UsageError):
        crypto.generate_signing_key(alg)


@pytest.mark.parametrize("crv", ["X448", "P-384", "Ed25519", "secp256k1"])
def test_refuses_other_encryption_curves(crv: str) -> None:
    """Only X25519 and P-256 encryption keys can be generated."""
    with pytest.raises(UsageError):
        crypto.generate_encryption_key(crv)


@pytest.mark.parametrize("which", ["Ed25519", "ES256", "X25519", "P-256"])
def test_private_material_never_shown(which: str) -> None:
    """No repr or str of a private key, signer or decrypter contains the private value."""
    if which in crypto.SIGNING_ALGS:
        key = crypto.generate_signing_key(which)
        holder: object = FileSigner.from_jwk(key)
    else:
        key = crypto.generate_encryption_key(which)
        holder = FileDecrypter.from_jwk(key)
    for shown in (repr(key), str(key), repr(holder), str(holder)):
        for secret in (b64encode(key.d), key.d.hex(), repr(key.d)):
            assert secret not in shown
    assert b64encode(key.d) in json.dumps(key.to_dict())  # the file form does carry it


@pytest.mark.parametrize("umask", [0, 0o022, 0o277, 0o777])
def test_private_jwk_set_file_is_created_0600(
    tmp_path: Path,
    ed25519_key: PrivateJwk,
    x25519_key: PrivateJwk,
    umask: int,
) -> None:
    """The private JWK Set file has mode 0600 whatever the umask (permissive or strict), and reads back."""
    path = tmp_path / "agency.private.jwks"
    previous = os.umask(umask)
    try:
        crypto.write_private_jwk_set(path, [ed25519_key, x25519_key])
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert crypto.read_private_jwk_set(path) == (ed25519_key, x25519_key)


def test_private_jwk_set_never_overwrites(tmp_path: Path, ed25519_key: PrivateJwk) -> None:
    """Writing over an existing file is refused and leaves it untouched."""
    path = tmp_path / "agency.private.jwks"
    path.write_bytes(b"existing")
    with pytest.raises(FileExistsError):
        crypto.write_private_jwk_set(path, [ed25519_key])
    assert path.read_bytes() == b"existing"


def test_private_jwk_set_never_follows_a_symlink(tmp_path: Path, ed25519_key: PrivateJwk) -> None:
    """A symbolic link at the path is not followed, even to a file that does not exist yet."""
    target = tmp_path / "elsewhere"
    link = tmp_path / "agency.private.jwks"
    link.symlink_to(target)
    with pytest.raises(FileExistsError):
        crypto.write_private_jwk_set(link, [ed25519_key])
    assert not target.exists()


def test_public_jwk_set_round_trip(ed25519_key: PrivateJwk, p256_key: PrivateJwk) -> None:
    """A public JWK Set holds no private member and reads back to the same keys."""
    data = crypto.dumps_public_jwk_set([ed25519_key.public, p256_key.public])
    assert b'"d"' not in data
    assert crypto.loads_public_jwk_set(data) == (ed25519_key.public, p256_key.public)


def test_public_jwk_set_refuses_private_keys(ed25519_key: PrivateJwk) -> None:
    """A private key in a public JWK Set is refused, not silently accepted."""
    data = crypto.dumps_private_jwk_set([ed25519_key])
    with pytest.raises(crypto.JoseError, match="private material"):
        crypto.loads_public_jwk_set(data)


@pytest.mark.parametrize(
    "data",
    [
        b'{"keys":{}}',
        b'{"keys":[],"other":1}',
        b'{"keys":[],"keys":[]}',
        b"[]",
        b"not json",
    ],
)
def test_jwk_set_shape_is_strict(data: bytes) -> None:
    """A JWK Set is an object with only a list of keys, in strict JSON."""
    with pytest.raises(crypto.JoseError):
        crypto.loads_public_jwk_set(data)


ED, X, P = (
    crypto.generate_signing_key(),
    crypto.generate_encryption_key(),
    crypto.generate_encryption_key("P-256"),
)


def _public(key: PrivateJwk, **changes: Any) -> dict[str, Any]:
    return {**key.public.to_dict(), **changes}


def _rekeyed(key: PrivateJwk, **changes: Any) -> dict[str, Any]:
    """A key with changed members and the kid that matches them, so only the change is wrong."""
    jwk = _public(key, **changes)
    return jwk | {"kid": crypto.thumbprint(jwk)}


def _without(key: PrivateJwk, member: str) -> dict[str, Any]:
    return {k: v for k, v in key.public.to_dict().items() if k != member}


REFUSED_KEYS = {
    "no kid": _without(ED, "kid"),
    "kid not a thumbprint": _public(ED, kid="none"),
    "kid of another key": _public(ED, kid=X.kid),
    "no use": _without(ED, "use"),
    "no alg": _without(ED, "alg"),
    "EdDSA key alg": _public(ED, alg="EdDSA"),
    "signing use on X25519": _public(X, use="sig"),
    "encryption on Ed25519": _public(ED, use="enc", alg="ECDH-ES+A256KW"),
    "direct ECDH-ES": _public(X, alg="ECDH-ES"),
    "RSA": {"kty": "RSA", "n": "AQAB", "e": "AQAB", "use": "sig", "alg": "RS256", "kid": "x"},
    "oct": {"kty": "oct", "k": "AAAA", "use": "sig", "alg": "HS256", "kid": "x"},
    "Ed448": _public(ED, crv="Ed448"),
    "P-384": _public(P, crv="P-384"),
    "EC without y": _without(P, "y"),
    "OKP with y": _public(X, y=X.public.x),
    "short x": _rekeyed(X, x=b64encode(bytes(31))),
    "padded x": _public(X, x=X.public.x + "="),
    "x not a string": _public(X, x=5),
    "extra member": _public(ED, key_ops=["verify"]),
    "x5c member": _public(ED, x5c=[]),
    "private d": _public(ED, d=b64encode(ED.d)),
    "point off the curve": _rekeyed(P, y=b64encode((1).to_bytes(32, "big"))),
    "coordinate beyond the field": _rekeyed(P, x=b64encode(P256_P.to_bytes(32, "big"))),
    "point at (0, 0)": _rekeyed(P, x=b64encode(bytes(32)), y=b64encode(bytes(32))),
    "kty a list": _public(ED, kty=["OKP"]),
}


@pytest.mark.parametrize("jwk", REFUSED_KEYS.values(), ids=REFUSED_KEYS.keys())
def test_parse_public_jwk_refuses(jwk: dict[str, Any]) -> None:
    """Every key outside the suite, malformed, or with a wrong kid is refused."""
    with pytest.raises(crypto.JoseError):
        crypto.parse_public_jwk(jwk)


def test_parse_public_jwk_refuses_non_object() -> None:
    """A key that is not a JSON object is refused."""
    with pytest.raises(crypto.JoseError):
        crypto.parse_public_jwk(["kty"])  # type: ignore[arg-type]


def test_parse_private_jwk_checks_d(x25519_key: PrivateJwk, p256_key: PrivateJwk) -> None:
    """A private key whose d is malformed, out of range or not the public key's is refused."""
    other = crypto.generate_encryption_key("P-256")
    n = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    bad = [
        p256_key.to_dict() | {"d": b64encode(other.d)},
        p256_key.to_dict() | {"d": b64encode(bytes(32))},
        p256_key.to_dict() | {"d": b64encode(n.to_bytes(32, "big"))},
        p256_key.to_dict() | {"d": b64encode(p256_key.d[:31])},
        p256_key.to_dict() | {"d": 7},
        {k: v for k, v in p256_key.to_dict().items() if k != "d"},
        x25519_key.to_dict() | {"d": b64encode(bytes(32))},
    ]
    for jwk in bad:
        with pytest.raises(crypto.JoseError):
            crypto.parse_private_jwk(jwk)
    assert crypto.parse_private_jwk(p256_key.to_dict()) == p256_key


def test_thumbprint_ignores_optional_members(x25519_key: PrivateJwk) -> None:
    """Only the required members count: use, alg and kid do not change the thumbprint."""
    bare = {k: v for k, v in x25519_key.public.to_dict().items() if k in ("kty", "crv", "x")}
    assert crypto.thumbprint(bare) == crypto.thumbprint(x25519_key.to_dict()) == x25519_key.kid


def test_thumbprint_refuses_unknown_types() -> None:
    """A key type without an RFC 7638 member list, or a missing member, has no thumbprint."""
    for jwk in ({"kty": "oct", "k": "AAAA"}, {"kty": "OKP", "crv": "X25519"}, {}):
        with pytest.raises(crypto.JoseError):
            crypto.thumbprint(jwk)


def test_signer_and_decrypters_from_a_key_set(
    ed25519_key: PrivateJwk, x25519_key: PrivateJwk, p256_key: PrivateJwk
) -> None:
    """An agency's set yields its one signer and a decrypter for every encryption key."""
    keys = [ed25519_key, x25519_key, p256_key]
    signer = signer_from(keys)
    assert (signer.kid, signer.alg) == (ed25519_key.kid, "Ed25519")
    assert [d.kid for d in decrypters_from(keys)] == [x25519_key.kid, p256_key.kid]


def test_key_sets_without_the_needed_keys_are_refused(
    ed25519_key: PrivateJwk, es256_key: PrivateJwk, x25519_key: PrivateJwk
) -> None:
    """No signing key, two signing keys, or no encryption key is refused."""
    with pytest.raises(crypto.JoseError):
        signer_from([x25519_key])
    with pytest.raises(crypto.JoseError):
        signer_from([ed25519_key, es256_key])
    with pytest.raises(crypto.JoseError):
        decrypters_from([ed25519_key])


def test_file_holders_refuse_the_wrong_use(ed25519_key: PrivateJwk, x25519_key: PrivateJwk) -> None:
    """A signer cannot be made from an encryption key, nor a decrypter from a signing key."""
    with pytest.raises(crypto.JoseError, match="not a signing key"):
        FileSigner.from_jwk(x25519_key)
    with pytest.raises(crypto.JoseError, match="not an encryption key"):
        FileDecrypter.from_jwk(ed25519_key)


class KeyServiceSigner:
    """A stand-in for a hardware module or cloud key service: holds the key elsewhere."""

    def __init__(self, key: PrivateJwk) -> None:
        self._remote = FileSigner.from_jwk(key)
        self.kid = key.kid
        self.alg = key.public.alg
        self.requests = 0

    def sign(self, data: bytes) -> bytes:
        self.requests += 1
        return self._remote.sign(data)


class KeyServiceDecrypter:
    """A stand-in for a key service that performs ECDH and returns the shared secret."""

    def __init__(self, key: PrivateJwk) -> None:
        self._remote = FileDecrypter.from_jwk(key)
        self.kid = key.kid
        self.crv = key.public.crv
        self.requests = 0

    def derive(self, peer: bytes) -> bytes:
        self.requests += 1
        return self._remote.derive(peer)


def test_protocols_admit_other_key_holders(es256_key: PrivateJwk, p256_key: PrivateJwk) -> None:
    """A signer and a decrypter that are not file-backed seal and open through the protocols."""
    signer, decrypter = KeyServiceSigner(es256_key), KeyServiceDecrypter(p256_key)
    signed = crypto.sign(b"{}", signer, **MESSAGE)
    opened = crypto.decrypt(crypto.encrypt(signed, [p256_key.public], **SEALED), decrypter, **SEALED)
    assert crypto.verify(opened, {es256_key.kid: es256_key.public}.get, **MESSAGE)[0] == b"{}"
    assert (signer.requests, decrypter.requests) == (1, 1)
