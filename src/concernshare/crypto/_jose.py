"""The JOSE subset concernshare speaks, on the primitives of :mod:`concernshare.crypto._primitives`.

JWS (RFC 7515) signed with ``Ed25519`` (RFC 9864; ``EdDSA`` accepted on input
with an Ed25519 key) or ``ES256`` (raw r||s), exactly one signature; JWE (RFC
7516) with ``ECDH-ES+A256KW`` over X25519 or P-256 and ``A256GCM``, one content
key wrapped for each recipient. Output is the general JSON serialization; input
may be general or flattened JSON; the compact serialization is refused.

Checks come in two kinds: everything about the shape of a document (sizes,
members, header parameters, base64url, key ids) is checked first and refused
with a :class:`JoseError` before any cryptography runs; every failure of the
cryptography itself (bad tag, bad key unwrap, bad signature, invalid curve
point, all-zero shared secret) raises the one :class:`~concernshare.errors.CryptoError`.
No message quotes a value taken from a header.

Reading has two paths. The documents concernshare writes (the header it
writes, each member once, nothing else) are recognised by a fast path that
checks exactly what the general path would check and nothing is skipped; any
other document, and every refusal, goes through the general path, which
gives each refusal its own reason. Writing formats the JSON directly: every
value written is base64url or a fixed name, so no escaping is ever needed.
"""

from __future__ import annotations

import binascii
import functools
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Final, NoReturn

from concernshare.crypto._b64 import b64decode, b64encode
from concernshare.crypto._primitives import (
    KEY_ALG,
    JoseError,
    PrivateKey,
    concat_kdf,
    gcm_open,
    gcm_seal,
    generate_private,
    load_private,
    public_key,
    unwrap_key,
    verify_signature,
    wrap_key,
)
from concernshare.crypto._primitives import check_point as check_ephemeral
from concernshare.crypto._primitives import kek as _kek
from concernshare.errors import CryptoError, NotForUs, UntrustedSender

if TYPE_CHECKING:
    from concernshare.crypto.keys import Decrypter, PublicJwk, Signer

__all__ = [
    "CONTENT_ENC",
    "DIRECTORY_CTY",
    "DIRECTORY_TYP",
    "KEY_ALG",
    "MAX_HEADER_BYTES",
    "MAX_INPUT_BYTES",
    "MAX_RECIPIENTS",
    "MESSAGE_CTY",
    "MESSAGE_TYP",
    "SEALED_CTY",
    "SEALED_TYP",
    "JoseError",
    "PrivateKey",
    "check_kid",
    "check_point",
    "concat_kdf",
    "decode_point",
    "decrypt",
    "encrypt",
    "gcm_open",
    "generate_private",
    "load_private",
    "parse_json",
    "point_members",
    "sign",
    "unwrap_key",
    "verify",
    "wrap_key",
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

CONTENT_ENC: Final = "A256GCM"
SIGNATURE_ALGS: Final = {"Ed25519": "Ed25519", "EdDSA": "Ed25519", "ES256": "ES256"}
_SIG_CURVE: Final = {"Ed25519": "Ed25519", "ES256": "P-256"}
KTY: Final = {"Ed25519": "OKP", "X25519": "OKP", "P-256": "EC"}


# -- strict JSON ---------------------------------------------------------------------------

# Counted before parsing, in C: every bracket opens or closes a container, so
# this bounds nesting depth and size alike (base64url never contains one).
_MAX_CONTAINERS: Final = 512  # a JWE to 64 keys has under 200
_MAX_STRINGS: Final = 4096  # ... and under 1100 strings


def _unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise JoseError("a JSON object has the same member twice")
    return result


def _not_finite(_: str) -> NoReturn:
    raise JoseError("a JSON number is not finite")


# Built once: json.loads with hooks builds a new decoder on every call.
_DECODER: Final = json.JSONDecoder(object_pairs_hook=_unique, parse_constant=_not_finite)


def parse_json(data: bytes, what: str) -> object:
    """Parse I-JSON strictly: UTF-8, no duplicate members, no NaN, bounded nesting and size.

    Containers and strings are counted before parsing. Raises :class:`JoseError`.
    """
    size = len(data)  # which bounds either count: a short document needs no counting
    if (size > _MAX_CONTAINERS and data.count(b"{") + data.count(b"[") > _MAX_CONTAINERS) or (
        size > 2 * _MAX_STRINGS and data.count(b'"') > 2 * _MAX_STRINGS
    ):
        raise JoseError(f"the {what} nests too deeply or has too many parts")
    try:  # a byte order mark is refused too: the decoder expects a value where it stands
        return _DECODER.decode(data.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise JoseError(f"the {what} is not strict JSON") from None


def _dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).encode("ascii")


_TO_URL: Final = bytes.maketrans(b"+/", b"-_")


def _b64e(data: bytes | memoryview) -> bytes:
    """base64url without padding, as ASCII bytes (what :func:`b64encode` gives, encoded)."""
    return binascii.b2a_base64(data, newline=False).rstrip(b"=").translate(_TO_URL)


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
_EC_MEMBERS: Final = _OKP_MEMBERS | {"y"}
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


# Exactly the 43-character texts that strict base64url decodes: the last of them
# carries 2 stray bits, which must be zero (see concernshare.crypto._b64).
_KID: Final = re.compile(r"[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]")


def check_kid(value: object) -> str:
    """Return ``value`` if it is shaped like a SHA-256 JWK thumbprint; raise :class:`JoseError`."""
    if isinstance(value, str) and _KID.fullmatch(value):
        return value
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


# -- points --------------------------------------------------------------------------------


def _decode_point(crv: str, x: object, y: object | None) -> bytes:
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


# Directory keys (a recipient's, a signer's) come back message after message: their
# points, members and validity are kept in bounded caches, keyed by the exact text or
# bytes. Ephemeral keys, new in every message, go the uncached way.
_cached_point: Final = functools.lru_cache(maxsize=512)(_decode_point)


def decode_point(crv: str, x: object, y: object | None) -> bytes:
    """Raw public point from JWK members: 32 bytes (OKP) or ``04 || x || y`` (P-256).

    Checks encoding and lengths only; raises :class:`JoseError`.
    """
    if x.__class__ is str and (y is None or y.__class__ is str):
        return _cached_point(crv, x, y)
    return _decode_point(crv, x, y)


@functools.lru_cache(maxsize=512)
def _point_members(crv: str, point: bytes) -> tuple[tuple[str, str], ...]:
    if KTY[crv] == "OKP":
        return ("kty", "OKP"), ("crv", crv), ("x", b64encode(point))
    return ("kty", "EC"), ("crv", crv), ("x", b64encode(point[1:33])), ("y", b64encode(point[33:]))


def point_members(crv: str, point: bytes) -> dict[str, str]:
    """The JWK members ``kty``, ``crv``, ``x`` (and ``y``) of a raw public point. Raises nothing."""
    return dict(_point_members(crv, point))


def check_point(crv: str, point: bytes) -> None:
    """Raise :class:`~concernshare.errors.CryptoError` unless ``point`` is a valid public key on ``crv``."""
    public_key(crv, point)


def _epk_json(crv: str, point: bytes) -> bytes:
    """:func:`point_members` written as compact JSON."""
    if KTY[crv] == "OKP":
        return b'{"kty":"OKP","crv":"' + crv.encode("ascii") + b'","x":"' + _b64e(point) + b'"}'
    return (
        b'{"kty":"EC","crv":"'
        + crv.encode("ascii")
        + b'","x":"'
        + _b64e(point[1:33])
        + b'","y":"'
        + _b64e(point[33:])
        + b'"}'
    )


def _jwk_point(key: PublicJwk) -> bytes:
    return decode_point(key.crv, key.x, key.y)


def _verify_signature(alg: str, key: PublicJwk, data: bytes, signature: bytes) -> None:
    if key.use != "sig" or key.alg != alg or key.crv != _SIG_CURVE[alg] or len(signature) != 64:
        raise CryptoError()
    verify_signature(public_key(key.crv, _jwk_point(key)), data, signature)


# -- JWS -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _jws_protected(alg: str, kid: str, typ: str, cty: str) -> bytes:
    return _b64e(_dumps({"alg": alg, "kid": kid, "typ": typ, "cty": cty}))


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
    protected = _jws_protected(signer.alg, check_kid(signer.kid), typ, cty)
    body = _b64e(payload)
    signature = signer.sign(protected + b"." + body)
    if len(signature) != 64:
        raise JoseError("the signer returned a signature of the wrong length")
    return b'{"payload":"%b","signatures":[{"protected":"%b","signature":"%b"}]}' % (
        body,
        protected,
        _b64e(signature),
    )


_GENERAL_JWS: Final = frozenset({"payload", "signatures"})
_JWS_ENTRY: Final = frozenset({"protected", "signature"})
_JWS_HEADER: Final = frozenset({"alg", "kid", "typ", "cty"})


@functools.lru_cache(maxsize=256)
def _jws_header(text: str, typ: str, cty: str) -> tuple[str, str] | None:
    """``(alg, kid)`` of a protected header that holds exactly alg, kid, typ and cty, all acceptable; else None."""
    if len(text) > MAX_HEADER_BYTES:
        return None
    try:
        header = parse_json(b64decode(text), "protected header")
    except (ValueError, JoseError):
        return None
    if not isinstance(header, dict) or header.keys() != _JWS_HEADER or header["typ"] != typ or header["cty"] != cty:
        return None
    alg, kid = header["alg"], header["kid"]
    if alg.__class__ is not str or alg not in SIGNATURE_ALGS or kid.__class__ is not str or not _KID.fullmatch(kid):
        return None
    return SIGNATURE_ALGS[alg], kid


def _jws_fast(document: dict[str, object], typ: str, cty: str) -> tuple[bytes, bytes, bytes, str, str] | None:
    """What :func:`verify` reads from a general JWS written as concernshare writes it; None for any other."""
    signatures = document["signatures"] if document.keys() == _GENERAL_JWS else None
    if signatures.__class__ is not list or len(signatures) != 1:
        return None
    entry = signatures[0]
    if entry.__class__ is not dict or entry.keys() != _JWS_ENTRY:
        return None
    body, protected, signature = document["payload"], entry["protected"], entry["signature"]
    if body.__class__ is not str or protected.__class__ is not str or signature.__class__ is not str:
        return None
    header = _jws_header(protected, typ, cty)
    if header is None:
        return None
    try:
        payload, raw_signature = b64decode(body), b64decode(signature)
    except ValueError:
        return None
    signing_input = f"{protected}.{body}".encode("ascii")
    return payload, signing_input, raw_signature, *header


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
    fast = _jws_fast(document, typ, cty)
    if fast is None:
        payload, signing_input, signature, alg, kid = _jws_general(document, typ, cty)
    else:
        payload, signing_input, signature, alg, kid = fast
    key = resolve_key(kid)
    if key is None:
        raise UntrustedSender("the signing key is not known")
    _verify_signature(alg, key, signing_input, signature)
    return payload, kid, alg


def _jws_general(document: dict[str, object], typ: str, cty: str) -> tuple[bytes, bytes, bytes, str, str]:
    """Check any JWS in JSON form; each refusal with its reason."""
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
    return payload, f"{protected_text}.{body}".encode("ascii"), signature, alg, kid


# -- JWE -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _jwe_protected(typ: str, cty: str) -> str:
    return b64encode(_dumps({"enc": CONTENT_ENC, "typ": typ, "cty": cty}))


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
    protected = _jwe_protected(typ, cty)
    entries = []
    for index, key in enumerate(recipients):
        crv = key.crv
        if key.use != "enc" or key.alg != KEY_ALG or crv not in ("X25519", "P-256"):
            raise JoseError("a recipient key is not an encryption key of the suite")
        point = _jwk_point(key)
        ephemeral = generate_private(crv) if _ephemeral is None else load_private(crv, _ephemeral[index])
        kek = _kek(ephemeral.agree(public_key(crv, point)))
        epk = _epk_json(crv, ephemeral.public_point)
        kid = check_kid(key.kid).encode("ascii")
        entries.append(
            b'{"header":{"alg":"ECDH-ES+A256KW","kid":"%b","epk":%b},"encrypted_key":"%b"}'
            % (kid, epk, _b64e(wrap_key(kek, cek)))
        )
    aad = protected.encode("ascii")
    sealed = memoryview(gcm_seal(cek, iv, plaintext, aad))
    return b'{"protected":"%b","recipients":[%b],"iv":"%b","ciphertext":"%b","tag":"%b"}' % (
        aad,
        b",".join(entries),
        _b64e(iv),
        _b64e(sealed[:-16]),
        _b64e(sealed[-16:]),
    )


def _epk(value: object) -> tuple[str, bytes]:
    epk = _object(value, "epk")
    for kty, crv, members in (("OKP", "X25519", _OKP_MEMBERS), ("EC", "P-256", _EC_MEMBERS)):
        if epk.get("kty") == kty and epk.get("crv") == crv:
            _members(epk, members, "epk")
            return crv, _decode_point(crv, epk.get("x"), epk.get("y"))
    raise JoseError("the epk is not an X25519 or P-256 public key")


# What decrypt reads from a sealed document: the protected header's text, iv,
# ciphertext, tag, and our entry (our key, the epk's curve and point, the wrapped key).
_Sealed = tuple[str, bytes, bytes, bytes, tuple["Decrypter", str, bytes, bytes]]
_GENERAL_JWE: Final = frozenset({"protected", "recipients", "iv", "ciphertext", "tag"})
_JWE_ENTRY: Final = frozenset({"header", "encrypted_key"})
_JWE_HEADER: Final = frozenset({"alg", "kid", "epk"})


# Exactly the texts that strict base64url decodes to 32 bytes (an X25519 key, a P-256
# coordinate) and to 40 bytes (a wrapped 256-bit key): see concernshare.crypto._b64.
_B64_32: Final = _KID
_B64_40: Final = re.compile(r"[A-Za-z0-9_-]{53}[AQgw]")


def _fast_entry(entry: object, seen: set[str]) -> tuple[str, str, str, str | None, str] | None:
    """``(kid, crv, x, y, encrypted_key)`` of a recipient entry as concernshare writes it; else None."""
    if entry.__class__ is not dict or entry.keys() != _JWE_ENTRY:
        return None
    header, wrapped = entry["header"], entry["encrypted_key"]
    if header.__class__ is not dict or header.keys() != _JWE_HEADER or header["alg"] != KEY_ALG:
        return None
    kid, epk = header["kid"], header["epk"]
    if kid.__class__ is not str or not _KID.fullmatch(kid) or kid in seen or epk.__class__ is not dict:
        return None
    members = epk.keys()
    if members == _OKP_MEMBERS and epk["kty"] == "OKP" and epk["crv"] == "X25519":
        crv, x, y = "X25519", epk["x"], None
    elif members == _EC_MEMBERS and epk["kty"] == "EC" and epk["crv"] == "P-256":
        crv, x, y = "P-256", epk["x"], epk["y"]
    else:
        return None
    for coordinate in (x,) if y is None else (x, y):
        if coordinate.__class__ is not str or not _B64_32.fullmatch(coordinate):
            return None
    if wrapped.__class__ is not str or not _B64_40.fullmatch(wrapped):
        return None
    return kid, crv, x, y, wrapped


def _jwe_fast(document: dict[str, object], ours: Mapping[str, Decrypter], typ: str, cty: str) -> _Sealed | None:
    """What :func:`decrypt` reads from a general JWE written as concernshare writes it; None for any other.

    Every entry is checked as the general path checks it (members, alg, kid,
    epk, encrypted_key, no kid twice); the protected header must be the one
    concernshare writes, which the general path accepts.
    """
    if document.keys() != _GENERAL_JWE or document["protected"] != _jwe_protected(typ, cty):
        return None
    entries = document["recipients"]
    if entries.__class__ is not list or not 0 < len(entries) <= MAX_RECIPIENTS:
        return None
    mine = None
    seen: set[str] = set()
    for item in entries:
        entry = _fast_entry(item, seen)
        if entry is None:
            return None
        kid, crv, x, y, wrapped = entry
        seen.add(kid)
        if mine is None and kid in ours:
            mine = (ours[kid], crv, _decode_point(crv, x, y), b64decode(wrapped))
    try:
        iv, ciphertext, tag = (b64decode(document[name]) for name in ("iv", "ciphertext", "tag"))  # type: ignore[arg-type]
    except ValueError:  # base64url refused, or not a string
        return None
    if mine is None or len(iv) != 12:
        return None
    return document["protected"], iv, ciphertext, tag, mine


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
    protected_text, iv, ciphertext, tag, (key, crv, point, wrapped) = _jwe_fast(
        document, ours, typ, cty
    ) or _jwe_general(document, ours, typ, cty)
    if crv != key.crv:
        raise CryptoError()
    check_ephemeral(crv, point)
    cek = unwrap_key(_kek(key.derive(point)), wrapped)
    if len(cek) != 32:
        raise CryptoError()
    return gcm_open(cek, iv, ciphertext, tag, protected_text.encode("ascii"))


def _jwe_general(document: dict[str, object], ours: Mapping[str, Decrypter], typ: str, cty: str) -> _Sealed:
    """Check any JWE in JSON form; each refusal with its reason."""
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
    return protected_text, iv, ciphertext, tag, mine[0]
