"""The JOSE subset concernshare speaks, on ``cryptography``'s primitives.

JWS (RFC 7515) signed with ``Ed25519`` (RFC 9864; ``EdDSA`` accepted on input
with an Ed25519 key) or ``ES256`` (raw r||s), exactly one signature; JWE (RFC
7516) with ``ECDH-ES+A256KW`` over X25519 or P-256 and ``A256GCM``, one content
key wrapped for each recipient. Output is the general JSON serialization; input
may be general or flattened JSON; the compact serialization is refused.

This is the only module that imports ``cryptography.hazmat``. Checks come in
two kinds: everything about the shape of a document (sizes, members, header
parameters, base64url, key ids) is checked first and refused with a
:class:`JoseError` before any cryptography runs; every failure of the
cryptography itself (bad tag, bad key unwrap, bad signature, invalid curve
point, all-zero shared secret) raises the one :class:`~concernshare.errors.CryptoError`.
No message quotes a value taken from a header.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Final, NoReturn

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, keywrap
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, x25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash

from concernshare.crypto._b64 import b64decode, b64encode
from concernshare.errors import CryptoError, NotForUs, SealError, UntrustedSender

if TYPE_CHECKING:
    from concernshare.crypto.keys import Decrypter, PublicJwk, Signer

__all__ = [
    "DIRECTORY_CTY",
    "DIRECTORY_TYP",
    "MAX_HEADER_BYTES",
    "MAX_INPUT_BYTES",
    "MAX_RECIPIENTS",
    "MESSAGE_CTY",
    "MESSAGE_TYP",
    "SEALED_CTY",
    "SEALED_TYP",
    "JoseError",
    "decrypt",
    "encrypt",
    "sign",
    "verify",
]

MESSAGE_TYP: Final = "concernshare-message+jws"
MESSAGE_CTY: Final = "concernshare+json"
SEALED_TYP: Final = "concernshare-sealed+jwe"
SEALED_CTY: Final = "concernshare-message+jws"
DIRECTORY_TYP: Final = "concernshare-directory+jws"
DIRECTORY_CTY: Final = "concernshare-directory+json"
_JWS_KINDS: Final = frozenset({(MESSAGE_TYP, MESSAGE_CTY), (DIRECTORY_TYP, DIRECTORY_CTY)})
_JWE_KINDS: Final = frozenset({(SEALED_TYP, SEALED_CTY)})

MAX_INPUT_BYTES: Final = 16 * 1024 * 1024  # a whole signed or sealed document
MAX_HEADER_BYTES: Final = 4096  # one protected header, base64url-encoded
MAX_RECIPIENTS: Final = 64

KEY_ALG: Final = "ECDH-ES+A256KW"
CONTENT_ENC: Final = "A256GCM"
SIGNATURE_ALGS: Final = {"Ed25519": "Ed25519", "EdDSA": "Ed25519", "ES256": "ES256"}
_SIG_CURVE: Final = {"Ed25519": "Ed25519", "ES256": "P-256"}
KTY: Final = {"Ed25519": "OKP", "X25519": "OKP", "P-256": "EC"}


class JoseError(SealError):
    """The document's shape is refused; raised before any cryptography runs."""


# -- strict JSON ---------------------------------------------------------------------------

# Counted before parsing, in C: every bracket opens or closes a container, so
# this bounds nesting depth and size alike (base64url never contains one).
_MAX_CONTAINERS: Final = 512  # a JWE to 64 keys has under 200
_MAX_STRINGS: Final = 4096  # ... and under 1100 strings


def _unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for name, value in pairs:
        if name in result:
            raise JoseError("a JSON object has the same member twice")
        result[name] = value
    return result


def _not_finite(_: str) -> NoReturn:
    raise JoseError("a JSON number is not finite")


def parse_json(data: bytes, what: str) -> object:
    """Parse I-JSON strictly: UTF-8, no duplicate members, no NaN, bounded nesting and size.

    Containers and strings are counted before parsing. Raises :class:`JoseError`.
    """
    if data.count(b"{") + data.count(b"[") > _MAX_CONTAINERS or data.count(b'"') > 2 * _MAX_STRINGS:
        raise JoseError(f"the {what} nests too deeply or has too many parts")
    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=_unique, parse_constant=_not_finite)
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise JoseError(f"the {what} is not strict JSON") from None


def _dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _object(value: object, what: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise JoseError(f"the {what} is not a JSON object")
    return value


def _string(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise JoseError(f"the {what} is not a string")
    return value


def _b64(value: object, what: str) -> bytes:
    try:
        return b64decode(_string(value, what))
    except ValueError:
        raise JoseError(f"the {what} is not strict base64url") from None


def _members(value: dict[str, object], allowed: frozenset[str], what: str) -> None:
    if not value.keys() <= allowed:
        raise JoseError(f"the {what} has a member its serialization does not define")


def _required(value: dict[str, object], name: str, what: str) -> object:
    if name not in value:
        raise JoseError(f"the {what} has no {name} member")
    return value[name]


def _document(data: bytes, what: str) -> dict[str, object]:
    if not isinstance(data, bytes):
        raise JoseError(f"the {what} must be given as bytes")
    if len(data) > MAX_INPUT_BYTES:
        raise JoseError(f"the {what} is larger than the limit")
    if not data.lstrip(b" \t\r\n").startswith(b"{"):
        raise JoseError(f"the {what} is not JSON (the compact serialization is refused)")
    return _object(parse_json(data, what), what)


def _protected(value: object) -> tuple[str, dict[str, object]]:
    text = _string(value, "protected header")
    if len(text) > MAX_HEADER_BYTES:
        raise JoseError("the protected header is larger than the limit")
    return text, _object(parse_json(_b64(text, "protected header"), "protected header"), "header")


# -- header parameters ---------------------------------------------------------------------

_P, _U, _H = "protected", "unprotected", "per-recipient"
_REFUSED: Final = {
    "jku": "a key set URL (jku) is refused: keys come only from the directory",
    "x5u": "a certificate URL (x5u) is refused: keys come only from the directory",
    "jwk": "an embedded key (jwk) is refused: keys come only from the directory",
    "x5c": "an embedded certificate chain (x5c) is refused: keys come only from the directory",
    "zip": "compression (zip) is refused",
}
# Where each parameter may stand. Every parameter listed is also required, and
# no other is allowed: the allow-list that keeps personal data out of headers.
_JWS_PLACES: Final = {"alg": {_P}, "typ": {_P}, "cty": {_P}, "kid": {_P, _U}}
_OKP_MEMBERS: Final = frozenset({"kty", "crv", "x"})
_JWE_MANY: Final = {"enc": {_P}, "typ": {_P}, "cty": {_P}, "alg": {_P, _U, _H}, "kid": {_H}}
_JWE_PLACES: Final = {
    True: {**_JWE_MANY, "kid": {_P, _U, _H}, "epk": {_P, _U, _H}},
    False: {**_JWE_MANY, "epk": {_H}},
}


def _merge(*places: tuple[str, dict[str, object]]) -> dict[str, tuple[str, object]]:
    merged: dict[str, tuple[str, object]] = {}
    for place, header in places:
        for name, value in header.items():
            if name in merged:
                raise JoseError("a header parameter appears in more than one header")
            merged[name] = (place, value)
    return merged


def _check_params(
    params: dict[str, tuple[str, object]], places: Mapping[str, set[str]], *, typ: str, cty: str
) -> dict[str, object]:
    for name in params.keys() & _REFUSED.keys():
        raise JoseError(_REFUSED[name])
    if "crit" in params:
        place, value = params["crit"]
        if place != _P:
            raise JoseError("crit outside the protected header is refused")
        if value == []:
            raise JoseError("an empty crit is refused")
        raise JoseError("crit names extensions this profile does not understand")
    for name, (place, _) in params.items():
        if name not in places:
            raise JoseError("a header carries a parameter outside the allow-list")
        if place not in places[name]:
            raise JoseError(f"the {name} header parameter is not allowed in the {place} header")
    for name in places:
        if name not in params:
            raise JoseError(f"the {name} header parameter is missing")
    if params["typ"][1] != typ or params["cty"][1] != cty:
        raise JoseError("the document is not of the expected type (typ or cty differs)")
    return {name: value for name, (_, value) in params.items()}


def _check_alg(value: object, allowed: Mapping[str, str], what: str) -> str:
    if value == "none":
        raise JoseError("unsecured documents (alg none) are refused")
    if value == "dir":
        raise JoseError("direct encryption (alg dir) is refused")
    if not isinstance(value, str) or value not in allowed:
        raise JoseError(f"the {what} algorithm is outside the concernshare suite")
    return allowed[value]


def check_kid(value: object) -> str:
    """Return ``value`` if it is shaped like a SHA-256 JWK thumbprint; raise :class:`JoseError`."""
    if not isinstance(value, str) or len(value) != 43:
        raise JoseError("the kid is not an RFC 7638 thumbprint")
    try:
        b64decode(value)
    except ValueError:
        raise JoseError("the kid is not an RFC 7638 thumbprint") from None
    return value


def _check_kind(typ: str, cty: str, kinds: frozenset[tuple[str, str]]) -> None:
    if (typ, cty) not in kinds:
        raise JoseError("typ and cty do not name a concernshare document kind of this form")


# -- keys and primitives -------------------------------------------------------------------

_PublicKey = ed25519.Ed25519PublicKey | x25519.X25519PublicKey | ec.EllipticCurvePublicKey
_Private = ed25519.Ed25519PrivateKey | x25519.X25519PrivateKey | ec.EllipticCurvePrivateKey


def decode_point(crv: str, x: object, y: object | None) -> bytes:
    """Raw public point from JWK members: 32 bytes (OKP) or ``04 || x || y`` (P-256).

    Checks encoding and lengths only; raises :class:`JoseError`.
    """
    if crv not in KTY:
        raise JoseError("the curve is outside the concernshare suite")
    x_bytes = _b64(x, "key's x")
    if KTY[crv] == "OKP":
        if y is not None or len(x_bytes) != 32:
            raise JoseError("the key's coordinates have the wrong length")
        return x_bytes
    y_bytes = _b64(y, "key's y")
    if len(x_bytes) != 32 or len(y_bytes) != 32:
        raise JoseError("the key's coordinates have the wrong length")
    return b"\x04" + x_bytes + y_bytes


def point_members(crv: str, point: bytes) -> dict[str, str]:
    """The JWK members ``kty``, ``crv``, ``x`` (and ``y``) of a raw public point. Raises nothing."""
    if KTY[crv] == "OKP":
        return {"kty": "OKP", "crv": crv, "x": b64encode(point)}
    return {"kty": "EC", "crv": crv, "x": b64encode(point[1:33]), "y": b64encode(point[33:])}


def _load_public(crv: str, point: bytes) -> _PublicKey:
    try:
        if crv == "Ed25519":
            return ed25519.Ed25519PublicKey.from_public_bytes(point)
        if crv == "X25519":
            return x25519.X25519PublicKey.from_public_bytes(point)
        if crv == "P-256" and len(point) == 65 and point[0] == 4:  # uncompressed, as in JWKs
            return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        pass
    raise CryptoError()


def check_point(crv: str, point: bytes) -> None:
    """Raise :class:`CryptoError` unless ``point`` is a valid public key on ``crv``."""
    _load_public(crv, point)


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
        """The raw public point (see :func:`decode_point`)."""
        key = self._key
        if isinstance(key, ec.EllipticCurvePrivateKey):
            numbers = key.public_key().public_numbers()
            return b"\x04" + numbers.x.to_bytes(32, "big") + numbers.y.to_bytes(32, "big")
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
            r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")
        raise JoseError("an X25519 key cannot sign")

    def derive(self, peer: bytes) -> bytes:
        """ECDH with a raw public point on the key's curve; raises :class:`CryptoError`."""
        key, public = self._key, _load_public(self.crv, peer)
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
        raise CryptoError()  # pragma: no cover - _load_public gives the key's own curve


def generate_private(crv: str) -> PrivateKey:
    """A new private key on ``crv``. Raises :class:`JoseError` for a curve outside the suite."""
    if crv == "Ed25519":
        return PrivateKey(crv, ed25519.Ed25519PrivateKey.generate())
    if crv == "X25519":
        return PrivateKey(crv, x25519.X25519PrivateKey.generate())
    if crv == "P-256":
        return PrivateKey(crv, ec.generate_private_key(ec.SECP256R1()))
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
            return PrivateKey(crv, ec.derive_private_key(scalar, ec.SECP256R1()))
    except ValueError:
        raise JoseError("the private key is not valid on its curve") from None
    raise JoseError("the curve is outside the concernshare suite")


def _verify_signature(alg: str, key: PublicJwk, data: bytes, signature: bytes) -> None:
    if key.use != "sig" or key.alg != alg or key.crv != _SIG_CURVE[alg] or len(signature) != 64:
        raise CryptoError()
    public = _load_public(key.crv, decode_point(key.crv, key.x, key.y))
    try:
        if isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(signature, data)
        elif isinstance(public, ec.EllipticCurvePublicKey):
            r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            public.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
        else:  # never verify "successfully" by falling through
            raise CryptoError()
    except InvalidSignature:
        raise CryptoError() from None


def concat_kdf(z: bytes, algorithm: str, apu: bytes, apv: bytes, bits: int) -> bytes:
    """The Concat KDF of RFC 7518 §4.6.2 (NIST SP 800-56A, SHA-256). Raises nothing."""

    def prefixed(octets: bytes) -> bytes:
        return len(octets).to_bytes(4, "big") + octets

    other = prefixed(algorithm.encode("ascii")) + prefixed(apu) + prefixed(apv)
    return ConcatKDFHash(hashes.SHA256(), bits // 8, other + bits.to_bytes(4, "big")).derive(z)


def _kek(z: bytes) -> bytes:
    if len(z) != 32 or not any(z):
        raise CryptoError()
    return concat_kdf(z, KEY_ALG, b"", b"", 256)


def wrap_key(kek: bytes, cek: bytes) -> bytes:
    """AES key wrap (RFC 3394). Raises nothing for valid key sizes."""
    return keywrap.aes_key_wrap(kek, cek)


def unwrap_key(kek: bytes, wrapped: bytes) -> bytes:
    """AES key unwrap (RFC 3394); raises :class:`CryptoError` on any failure."""
    try:
        return keywrap.aes_key_unwrap(kek, wrapped)
    except (keywrap.InvalidUnwrap, ValueError):
        raise CryptoError() from None


def gcm_open(cek: bytes, iv: bytes, ciphertext: bytes, tag: bytes, aad: bytes) -> bytes:
    """AES-GCM decryption with a 96-bit iv and 128-bit tag; raises :class:`CryptoError`."""
    if len(iv) != 12 or len(tag) != 16:
        raise CryptoError()
    try:
        return AESGCM(cek).decrypt(iv, ciphertext + tag, aad)
    except (InvalidTag, ValueError):
        raise CryptoError() from None


# -- JWS -----------------------------------------------------------------------------------


def sign(payload: bytes, signer: Signer, *, typ: str, cty: str) -> bytes:
    """Sign ``payload`` as a JWS in the general JSON serialization (compact JSON bytes).

    ``typ`` and ``cty`` name the document kind and go in the protected header,
    with ``alg`` and ``kid``. Raises :class:`JoseError` if the kind is not a
    JWS kind, the signer's ``alg`` is outside the suite, its ``kid`` is not a
    thumbprint, or it returns a signature of the wrong length.
    """
    _check_kind(typ, cty, _JWS_KINDS)
    if signer.alg not in _SIG_CURVE:
        raise JoseError("the signer's algorithm is outside the concernshare suite")
    header = {"alg": signer.alg, "kid": check_kid(signer.kid), "typ": typ, "cty": cty}
    protected, body = b64encode(_dumps(header)), b64encode(payload)
    signature = signer.sign(f"{protected}.{body}".encode("ascii"))
    if len(signature) != 64:
        raise JoseError("the signer returned a signature of the wrong length")
    entry = {"protected": protected, "signature": b64encode(signature)}
    return _dumps({"payload": body, "signatures": [entry]})


def verify(jws: bytes, resolve_key: Callable[[str], PublicJwk | None], *, typ: str, cty: str) -> tuple[bytes, str, str]:
    """Verify a JWS (general or flattened JSON) and return ``(payload, kid, alg)``.

    ``resolve_key`` maps the signer's ``kid`` to its public key, or ``None``;
    ``alg`` is returned as ``Ed25519`` or ``ES256``. Raises :class:`JoseError`
    if the document's shape, headers or type are refused (before any
    cryptography), :class:`~concernshare.errors.UntrustedSender` if the key is
    unknown, :class:`~concernshare.errors.CryptoError` if the signature does not
    verify with that key.
    """
    _check_kind(typ, cty, _JWS_KINDS)
    document = _document(jws, "signed document")
    if "signatures" in document:
        _members(document, frozenset({"payload", "signatures"}), "signed document")
        signatures = document["signatures"]
        if not isinstance(signatures, list) or not signatures:
            raise JoseError("the signed document has no signature")
        if len(signatures) > 1:
            raise JoseError("the signed document has more than one signature")
        entry = _object(signatures[0], "signature entry")
        _members(entry, frozenset({"protected", "header", "signature"}), "signature entry")
    else:
        allowed = frozenset({"payload", "protected", "header", "signature"})
        _members(document, allowed, "signed document")
        entry = document
    body = _string(_required(document, "payload", "signed document"), "payload")
    payload = _b64(body, "payload")
    protected_text, protected = _protected(_required(entry, "protected", "signature entry"))
    unprotected = _object(entry.get("header", {}), "unprotected header")
    signature = _b64(_required(entry, "signature", "signature entry"), "signature")
    params = _merge((_P, protected), (_U, unprotected))
    header = _check_params(params, _JWS_PLACES, typ=typ, cty=cty)
    alg = _check_alg(header["alg"], SIGNATURE_ALGS, "signature")
    kid = check_kid(header["kid"])
    key = resolve_key(kid)
    if key is None:
        raise UntrustedSender("the signing key is not known")
    _verify_signature(alg, key, f"{protected_text}.{body}".encode("ascii"), signature)
    return payload, kid, alg


# -- JWE -----------------------------------------------------------------------------------


def encrypt(
    plaintext: bytes,
    recipients: Sequence[PublicJwk],
    *,
    typ: str,
    cty: str,
    _ephemeral: Sequence[bytes] | None = None,
    _cek: bytes | None = None,
    _iv: bytes | None = None,
) -> bytes:
    """Encrypt ``plaintext`` to every key in ``recipients`` as one JWE (general JSON bytes).

    One content key, wrapped with ``ECDH-ES+A256KW`` for each recipient key
    (each with its own ephemeral key); content ``A256GCM``. The private
    ``_ephemeral`` (raw private keys, one per recipient), ``_cek`` and ``_iv``
    exist for known-answer tests only. Raises :class:`JoseError` if the kind is
    not a JWE kind, there are no or too many recipients, a key is given twice
    or is not an encryption key of the suite; :class:`~concernshare.errors.CryptoError`
    if a recipient key yields no usable shared secret.
    """
    _check_kind(typ, cty, _JWE_KINDS)
    if not 0 < len(recipients) <= MAX_RECIPIENTS:
        raise JoseError("a sealed document needs between one and the limit of recipients")
    if len({key.kid for key in recipients}) != len(recipients):
        raise JoseError("a recipient key is given twice")
    cek = os.urandom(32) if _cek is None else _cek
    iv = os.urandom(12) if _iv is None else _iv
    protected = b64encode(_dumps({"enc": CONTENT_ENC, "typ": typ, "cty": cty}))
    entries = []
    for index, key in enumerate(recipients):
        if key.use != "enc" or key.alg != KEY_ALG or key.crv not in ("X25519", "P-256"):
            raise JoseError("a recipient key is not an encryption key of the suite")
        point = decode_point(key.crv, key.x, key.y)
        ephemeral = generate_private(key.crv) if _ephemeral is None else load_private(key.crv, _ephemeral[index])
        kek = _kek(ephemeral.derive(point))
        epk = point_members(key.crv, ephemeral.public_point)
        entries.append(
            {
                "header": {"alg": KEY_ALG, "kid": check_kid(key.kid), "epk": epk},
                "encrypted_key": b64encode(wrap_key(kek, cek)),
            }
        )
    sealed = AESGCM(cek).encrypt(iv, plaintext, protected.encode("ascii"))
    return _dumps(
        {
            "protected": protected,
            "recipients": entries,
            "iv": b64encode(iv),
            "ciphertext": b64encode(sealed[:-16]),
            "tag": b64encode(sealed[-16:]),
        }
    )


def _epk(value: object) -> tuple[str, bytes]:
    epk = _object(value, "epk")
    for kty, crv, members in (("OKP", "X25519", _OKP_MEMBERS), ("EC", "P-256", _OKP_MEMBERS | {"y"})):
        if epk.get("kty") == kty and epk.get("crv") == crv:
            _members(epk, members, "epk")
            return crv, decode_point(crv, epk.get("x"), epk.get("y"))
    raise JoseError("the epk is not an X25519 or P-256 public key")


def decrypt(jwe: bytes, decrypter: Decrypter | Sequence[Decrypter], *, typ: str, cty: str) -> bytes:
    """Decrypt a JWE (general or flattened JSON) with one of our keys and return the plaintext.

    ``decrypter`` is one key or several (an agency keeps its old encryption
    keys while rotating); the one whose ``kid`` a recipient entry names is
    used. Every recipient entry is checked before any cryptography. Raises
    :class:`JoseError` if the shape, headers or type are refused,
    :class:`~concernshare.errors.NotForUs` if no recipient entry names one of
    our keys, :class:`~concernshare.errors.CryptoError` if decryption fails.
    """
    _check_kind(typ, cty, _JWE_KINDS)
    ours = {d.kid: d for d in (decrypter if isinstance(decrypter, Sequence) else [decrypter])}
    document = _document(jwe, "sealed document")
    if "aad" in document:
        raise JoseError("additional authenticated data (aad) is refused")
    content = frozenset({"protected", "unprotected", "iv", "ciphertext", "tag"})
    if "recipients" in document:
        _members(document, content | {"recipients"}, "sealed document")
        recipients = document["recipients"]
        if not isinstance(recipients, list) or not 0 < len(recipients) <= MAX_RECIPIENTS:
            raise JoseError("the sealed document needs between one and the limit of recipients")
    else:
        _members(document, content | {"header", "encrypted_key"}, "sealed document")
        recipients = [{k: document[k] for k in ("header", "encrypted_key") if k in document}]
    protected_text, protected = _protected(_required(document, "protected", "sealed document"))
    unprotected = _object(document.get("unprotected", {}), "unprotected header")
    iv = _b64(_required(document, "iv", "sealed document"), "iv")
    ciphertext = _b64(_required(document, "ciphertext", "sealed document"), "ciphertext")
    tag = _b64(_required(document, "tag", "sealed document"), "tag")
    if len(iv) != 12:
        raise JoseError("the iv is not 96 bits long")
    places = _JWE_PLACES[len(recipients) == 1]
    mine: list[tuple[Decrypter, str, bytes, bytes]] = []
    seen: set[str] = set()
    for item in recipients:
        entry = _object(item, "recipient entry")
        _members(entry, frozenset({"header", "encrypted_key"}), "recipient entry")
        own = _object(entry.get("header", {}), "per-recipient header")
        params = _merge((_P, protected), (_U, unprotected), (_H, own))
        header = _check_params(params, places, typ=typ, cty=cty)
        _check_alg(header["enc"], {CONTENT_ENC: CONTENT_ENC}, "content encryption")
        _check_alg(header["alg"], {KEY_ALG: KEY_ALG}, "key management")
        kid = check_kid(header["kid"])
        crv, point = _epk(header["epk"])
        wrapped = _b64(_required(entry, "encrypted_key", "recipient entry"), "encrypted_key")
        if kid in seen:
            raise JoseError("two recipient entries name the same key")
        seen.add(kid)
        if kid in ours:
            mine.append((ours[kid], crv, point, wrapped))
    if not mine:
        raise NotForUs("the sealed document is not encrypted to any of these keys")
    key, crv, point, wrapped = mine[0]
    if crv != key.crv:
        raise CryptoError()
    check_point(crv, point)
    cek = unwrap_key(_kek(key.derive(point)), wrapped)
    if len(cek) != 32:
        raise CryptoError()
    return gcm_open(cek, iv, ciphertext, tag, protected_text.encode("ascii"))
