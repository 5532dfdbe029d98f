"""The primitives under the JOSE layer, on ``cryptography``: keys, ECDH, the Concat KDF, key wrap, AES-GCM.

This is the only module of concernshare that imports ``cryptography.hazmat``;
:mod:`concernshare.crypto._jose` builds the JOSE documents on it. Every failure
of the cryptography itself (a bad tag, a bad key unwrap, a bad signature, an
invalid curve point, an all-zero shared secret) raises the one
:class:`~concernshare.errors.CryptoError`; a key or curve outside the suite
raises :class:`JoseError`, before any cryptography runs.

What is cached, and why it is safe: the public keys of the directory (signing
keys and recipients' encryption keys) are loaded once per point, in a bounded
cache, since the same few keys sign and receive message after message. An
ephemeral point is loaded once, by :func:`load_public`, and the loaded key is
passed on to :meth:`PrivateKey.agree`: nothing is remembered between calls
but the directory keys, which are immutable and keyed by the exact point bytes.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Final

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, x25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from concernshare.errors import CryptoError, JoseError

__all__ = [
    "KEY_ALG",
    "JoseError",
    "PrivateKey",
    "concat_kdf",
    "gcm_open",
    "gcm_seal",
    "generate_private",
    "kek",
    "load_private",
    "load_public",
    "public_key",
    "unwrap_key",
    "verify_signature",
    "wrap_key",
]

KEY_ALG: Final = "ECDH-ES+A256KW"
_ECDSA: Final = ec.ECDSA(hashes.SHA256())
_P256: Final = ec.SECP256R1()

PublicKey = ed25519.Ed25519PublicKey | x25519.X25519PublicKey | ec.EllipticCurvePublicKey
_Private = ed25519.Ed25519PrivateKey | x25519.X25519PrivateKey | ec.EllipticCurvePrivateKey


# -- public keys ---------------------------------------------------------------------------


def _load_public(crv: str, point: bytes) -> PublicKey:
    try:
        if crv == "Ed25519":
            return ed25519.Ed25519PublicKey.from_public_bytes(point)
        if crv == "X25519":
            return x25519.X25519PublicKey.from_public_bytes(point)
        if crv == "P-256" and len(point) == 65 and point[0] == 4:  # uncompressed, as in JWKs
            return ec.EllipticCurvePublicKey.from_encoded_point(_P256, point)
    except ValueError:
        pass
    raise CryptoError()


@functools.lru_cache(maxsize=512)
def public_key(crv: str, point: bytes) -> PublicKey:
    """The loaded public key of a long-lived key (a directory key); raises :class:`CryptoError`.

    Cached: the same signing and recipient keys come back message after message.
    Not for ephemeral points, which would only churn the cache (see :func:`check_point`).
    """
    return _load_public(crv, point)


def load_public(crv: str, point: bytes) -> PublicKey:
    """The loaded public key of a fresh point (an ephemeral key); raises :class:`CryptoError` if it is invalid.

    Not cached: a sealed message's ephemeral key is new every time. Loading
    checks the point (on the curve, not the identity); the loaded key can then
    go to :meth:`PrivateKey.agree`, so that opening loads the point once.
    """
    return _load_public(crv, point)


# -- private keys --------------------------------------------------------------------------


class PrivateKey:
    """A private key in memory: it signs or agrees keys, and never shows itself."""

    __slots__ = ("_key", "crv")

    def __init__(self, crv: str, key: _Private) -> None:
        self.crv = crv
        self._key = key

    def __repr__(self) -> str:
        return f"<{self.crv} private key>"

    @property
    def public_point(self) -> bytes:
        """The raw public point: 32 bytes (OKP) or ``04 || x || y`` (P-256)."""
        key = self._key
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return key.public_key().public_bytes(
                serialization.Encoding.X962,
                serialization.PublicFormat.UncompressedPoint,
            )
        return key.public_key().public_bytes_raw()

    def private_bytes(self) -> bytes:
        """The raw private key: the JWK ``d`` member. Handle with care."""
        key = self._key
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return key.private_numbers().private_value.to_bytes(32, "big")
        return key.private_bytes_raw()

    def sign(self, data: bytes) -> bytes:
        """Sign ``data`` (Ed25519, or ES256 as raw r||s); raises :class:`JoseError` for X25519."""
        key = self._key
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return key.sign(data)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            r, s = decode_dss_signature(key.sign(data, _ECDSA))
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")
        raise JoseError("an X25519 key cannot sign")

    def derive(self, peer: bytes) -> bytes:
        """ECDH with a raw public point on the key's curve; raises :class:`CryptoError`."""
        if isinstance(self._key, ed25519.Ed25519PrivateKey):
            _load_public(self.crv, peer)  # an invalid point is a CryptoError first, as ever
            raise JoseError("an Ed25519 key cannot agree keys")
        return self.agree(_load_public(self.crv, peer))

    def agree(self, public: PublicKey) -> bytes:
        """ECDH with a loaded public key of the same curve; raises :class:`CryptoError`."""
        key = self._key
        try:
            if isinstance(key, x25519.X25519PrivateKey):
                if isinstance(public, x25519.X25519PublicKey):
                    return key.exchange(public)
            elif isinstance(key, ec.EllipticCurvePrivateKey):
                if isinstance(public, ec.EllipticCurvePublicKey):
                    return key.exchange(ec.ECDH(), public)
            else:
                raise JoseError("an Ed25519 key cannot agree keys")
        except ValueError:  # the all-zero X25519 secret
            raise CryptoError() from None
        raise CryptoError()  # a point of another curve


def generate_private(crv: str) -> PrivateKey:
    """A new private key on ``crv``. Raises :class:`JoseError` for a curve outside the suite."""
    if crv == "Ed25519":
        return PrivateKey(crv, ed25519.Ed25519PrivateKey.generate())
    if crv == "X25519":
        return PrivateKey(crv, x25519.X25519PrivateKey.generate())
    if crv == "P-256":
        return PrivateKey(crv, ec.generate_private_key(_P256))
    raise JoseError("the curve is outside the concernshare suite")


def load_private(crv: str, d: bytes) -> PrivateKey:
    """The private key with raw value ``d`` on ``crv``; raises :class:`JoseError` if invalid."""
    if len(d) != 32:
        raise JoseError("the private key has the wrong length")
    try:
        if crv == "Ed25519":
            return PrivateKey(crv, ed25519.Ed25519PrivateKey.from_private_bytes(d))
        if crv == "X25519":
            return PrivateKey(crv, x25519.X25519PrivateKey.from_private_bytes(d))
        if crv == "P-256":
            scalar = int.from_bytes(d, "big")
            return PrivateKey(crv, ec.derive_private_key(scalar, _P256))
    except ValueError:
        raise JoseError("the private key is not valid on its curve") from None
    raise JoseError("the curve is outside the concernshare suite")


# -- signatures ----------------------------------------------------------------------------


def verify_signature(public: PublicKey, data: bytes, signature: bytes) -> None:
    """Verify an Ed25519 or raw r||s ES256 signature; raises :class:`CryptoError` if it does not verify."""
    try:
        if isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(signature, data)
        elif isinstance(public, ec.EllipticCurvePublicKey):
            r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            public.verify(encode_dss_signature(r, s), data, _ECDSA)
        else:  # never verify "successfully" by falling through
            raise CryptoError()
    except InvalidSignature:
        raise CryptoError() from None


# -- key agreement, key wrap, content encryption --------------------------------------------


def concat_kdf(z: bytes, algorithm: str, apu: bytes, apv: bytes, bits: int) -> bytes:
    """The Concat KDF of RFC 7518 §4.6.2 (NIST SP 800-56A, SHA-256). Raises nothing.

    Computed directly: round ``i`` is SHA-256(i || Z || OtherInfo), 32 bytes a round.
    """

    def prefixed(octets: bytes) -> bytes:
        return len(octets).to_bytes(4, "big") + octets

    other = prefixed(algorithm.encode("ascii")) + prefixed(apu) + prefixed(apv) + bits.to_bytes(4, "big")
    length = bits // 8
    rounds = b"".join(
        hashlib.sha256(counter.to_bytes(4, "big") + z + other).digest() for counter in range(1, -(-length // 32) + 1)
    )
    return rounds[:length]


# OtherInfo of ECDH-ES+A256KW with empty apu and apv and a 256-bit key, after the round counter 1.
_KEK_SUFFIX: Final = len(KEY_ALG).to_bytes(4, "big") + KEY_ALG.encode("ascii") + bytes(8) + (256).to_bytes(4, "big")
_ROUND_ONE: Final = (1).to_bytes(4, "big")


def kek(z: bytes) -> bytes:
    """The key-encryption key of ``ECDH-ES+A256KW`` from a shared secret; :class:`CryptoError` if Z is unusable."""
    if len(z) != 32 or not any(z):
        raise CryptoError()
    return hashlib.sha256(_ROUND_ONE + z + _KEK_SUFFIX).digest()  # concat_kdf(z, KEY_ALG, b"", b"", 256)


def wrap_key(kek: bytes, cek: bytes) -> bytes:
    """AES key wrap (RFC 3394). Raises nothing for valid key sizes."""
    return keywrap.aes_key_wrap(kek, cek)


def unwrap_key(kek: bytes, wrapped: bytes) -> bytes:
    """AES key unwrap (RFC 3394); raises :class:`CryptoError` on any failure."""
    try:
        return keywrap.aes_key_unwrap(kek, wrapped)
    except (keywrap.InvalidUnwrap, ValueError):
        raise CryptoError() from None


def gcm_seal(cek: bytes, iv: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """AES-GCM encryption: the ciphertext followed by the 128-bit tag. Raises nothing for valid sizes."""
    return AESGCM(cek).encrypt(iv, plaintext, aad)


def gcm_open(cek: bytes, iv: bytes, ciphertext: bytes, tag: bytes, aad: bytes) -> bytes:
    """AES-GCM decryption with a 96-bit iv and 128-bit tag; raises :class:`CryptoError`."""
    if len(iv) != 12 or len(tag) != 16:
        raise CryptoError()
    try:
        return AESGCM(cek).decrypt(iv, ciphertext + tag, aad)
    except (InvalidTag, ValueError):
        raise CryptoError() from None
