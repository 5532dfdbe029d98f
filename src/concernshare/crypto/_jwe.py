"""JWE (RFC 7516): ``ECDH-ES+A256KW`` over X25519 or P-256 and ``A256GCM``, one content key wrapped for each recipient.

Output is the general JSON serialization; input may be general or flattened
JSON. A JWE written byte for byte as concernshare writes it is read from its
bytes by :func:`_jwe_written`, without a JSON parse; one written as concernshare
writes it but formatted otherwise is read by :func:`_jwe_fast`. Both check
every recipient entry as the general path does; any other document, and every
refusal, goes through :func:`_jwe_general`, which gives each refusal its own
reason. Every entry is checked before any cryptography, and the ephemeral
point is checked on its curve before it meets our key.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Final

from concernshare.crypto._b64 import b64decode, b64decode_ascii, b64encode
from concernshare.crypto._documents import (
    MAX_INPUT_BYTES,
    as_bytes,
    as_object,
    b64e,
    dumps,
    only_members,
    read_document,
    read_protected,
    required,
)
from concernshare.crypto._headers import (
    CONTENT_ENC,
    EC_MEMBERS,
    JWE_KINDS,
    JWE_PLACES,
    KID,
    OKP_MEMBERS,
    PER_RECIPIENT,
    PROTECTED,
    UNPROTECTED,
    check_alg,
    check_kid,
    check_kind,
    check_params,
    merge,
)
from concernshare.crypto._points import decode_fresh_point, epk_json, jwk_point
from concernshare.crypto._primitives import (
    KEY_ALG,
    JoseError,
    gcm_open,
    gcm_seal,
    generate_private,
    load_private,
    load_public,
    public_key,
    unwrap_key,
    wrap_key,
)
from concernshare.crypto._primitives import (
    kek as derive_kek,
)
from concernshare.errors import CryptoError, NotForUs

if TYPE_CHECKING:
    from concernshare.crypto.keys import Decrypter, PublicJwk

__all__ = ["MAX_RECIPIENTS", "decrypt", "encrypt"]

MAX_RECIPIENTS: Final = 64


@functools.lru_cache(maxsize=8)
def _jwe_protected(typ: str, cty: str) -> str:
    return b64encode(dumps({"enc": CONTENT_ENC, "typ": typ, "cty": cty}))


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
    check_kind(typ, cty, JWE_KINDS)
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
        point = jwk_point(key)
        ephemeral = generate_private(crv) if _ephemeral is None else load_private(crv, _ephemeral[index])
        kek = derive_kek(ephemeral.agree(public_key(crv, point)))
        epk = epk_json(crv, ephemeral.public_point)
        kid = check_kid(key.kid).encode("ascii")
        entries.append(
            b'{"header":{"alg":"ECDH-ES+A256KW","kid":"%b","epk":%b},"encrypted_key":"%b"}'
            % (kid, epk, b64e(wrap_key(kek, cek)))
        )
    aad = protected.encode("ascii")
    sealed = memoryview(gcm_seal(cek, iv, plaintext, aad))
    return b'{"protected":"%b","recipients":[%b],"iv":"%b","ciphertext":"%b","tag":"%b"}' % (
        aad,
        b",".join(entries),
        b64e(iv),
        b64e(sealed[:-16]),
        b64e(sealed[-16:]),
    )


def _epk(value: object) -> tuple[str, bytes]:
    epk = as_object(value, "epk")
    for kty, crv, members in (("OKP", "X25519", OKP_MEMBERS), ("EC", "P-256", EC_MEMBERS)):
        if epk.get("kty") == kty and epk.get("crv") == crv:
            only_members(epk, members, "epk")
            return crv, decode_fresh_point(crv, epk.get("x"), epk.get("y"))
    raise JoseError("the epk is not an X25519 or P-256 public key")


# What decrypt reads from a sealed document: the protected header's text, iv,
# ciphertext, tag, and our entry (our key, the epk's curve and point, the wrapped key).
_Sealed = tuple[str, bytes, bytes, bytes, tuple["Decrypter", str, bytes, bytes]]
_GENERAL_JWE: Final = frozenset({"protected", "recipients", "iv", "ciphertext", "tag"})
_JWE_ENTRY: Final = frozenset({"header", "encrypted_key"})
_JWE_HEADER: Final = frozenset({"alg", "kid", "epk"})


# Exactly the texts that strict base64url decodes to 32 bytes (an X25519 key, a P-256
# coordinate) and to 40 bytes (a wrapped 256-bit key): see concernshare.crypto._b64.
_B64_32: Final = KID
_B64_40: Final = re.compile(r"[A-Za-z0-9_-]{53}[AQgw]")


def _fast_entry(entry: object, seen: set[str]) -> tuple[str, str, str, str | None, str] | None:
    """``(kid, crv, x, y, encrypted_key)`` of a recipient entry as concernshare writes it; else None."""
    if entry.__class__ is not dict or entry.keys() != _JWE_ENTRY:
        return None
    header, wrapped = entry["header"], entry["encrypted_key"]
    if header.__class__ is not dict or header.keys() != _JWE_HEADER or header["alg"] != KEY_ALG:
        return None
    kid, epk = header["kid"], header["epk"]
    if kid.__class__ is not str or not KID.fullmatch(kid) or kid in seen or epk.__class__ is not dict:
        return None
    members = epk.keys()
    if members == OKP_MEMBERS and epk["kty"] == "OKP" and epk["crv"] == "X25519":
        crv, x, y = "X25519", epk["x"], None
    elif members == EC_MEMBERS and epk["kty"] == "EC" and epk["crv"] == "P-256":
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
            mine = (ours[kid], crv, decode_fresh_point(crv, x, y), b64decode(wrapped))
    try:
        iv, ciphertext, tag = (b64decode(document[name]) for name in ("iv", "ciphertext", "tag"))  # type: ignore[arg-type]
    except ValueError:  # base64url refused, or not a string
        return None
    if mine is None or len(iv) != 12:
        return None
    return document["protected"], iv, ciphertext, tag, mine


@functools.lru_cache(maxsize=8)
def _written_opening(typ: str, cty: str) -> bytes:
    return b'{"protected":"%b","recipients":[' % _jwe_protected(typ, cty).encode("ascii")


# The bytes encrypt writes: one recipient entry (with the "," or "]" after it), then the iv
# (12 bytes, 16 characters), the ciphertext, and the tag (16 bytes, 22 characters, 4 stray bits).
_K32: Final = KID.pattern.encode("ascii")
_WRITTEN_ENTRY: Final = re.compile(
    rb'\{"header":\{"alg":"ECDH-ES\+A256KW","kid":"(%b)","epk":'
    rb'(?:\{"kty":"OKP","crv":"X25519","x":"(%b)"\}|\{"kty":"EC","crv":"P-256","x":"(%b)","y":"(%b)"\})'
    rb'\},"encrypted_key":"(%b)"\}([,\]])' % (_K32, _K32, _K32, _K32, _B64_40.pattern.encode("ascii"))
)
_WRITTEN_IV: Final = re.compile(rb',"iv":"([A-Za-z0-9_-]{16})","ciphertext":"')
_WRITTEN_TAG: Final = re.compile(rb'","tag":"([A-Za-z0-9_-]{21}[AQgw])"\}')
_TAG_BYTES: Final = len(b'","tag":""}') + 22


def _jwe_written(data: bytes, ours: Mapping[str, Decrypter], typ: str, cty: str) -> _Sealed | None:
    """What :func:`decrypt` reads from a JWE exactly as :func:`encrypt` writes it, from its bytes; None for any other.

    The document must be the compact JSON that :func:`encrypt` writes, member
    for member and byte for byte, every value base64url or a fixed name (so it
    holds no escape and parses to the one object :func:`_jwe_fast` reads);
    every entry is checked as :func:`_jwe_fast` checks it, and the reading is
    the one it gives.
    """
    opening = _written_opening(typ, cty)
    if data.__class__ is not bytes or len(data) > MAX_INPUT_BYTES or not data.startswith(opening):
        return None
    position, mine = len(opening), None
    seen: set[bytes] = set()
    while True:
        entry = _WRITTEN_ENTRY.match(data, position)
        if entry is None or entry[1] in seen or len(seen) == MAX_RECIPIENTS:
            return None
        kid, okp_x, ec_x, ec_y, wrapped, after = entry.groups()
        seen.add(kid)
        if mine is None and (key := ours.get(kid.decode("ascii"))) is not None:
            if okp_x is not None:
                mine = (key, "X25519", b64decode_ascii(okp_x), b64decode_ascii(wrapped))
            else:
                point = b"\x04" + b64decode_ascii(ec_x) + b64decode_ascii(ec_y)
                mine = (key, "P-256", point, b64decode_ascii(wrapped))
        position = entry.end()
        if after == b"]":
            break
    iv = _WRITTEN_IV.match(data, position)
    end = len(data) - _TAG_BYTES
    tag = _WRITTEN_TAG.fullmatch(data, end) if iv is not None and iv.end() <= end else None
    if mine is None or iv is None or tag is None:
        return None
    try:
        ciphertext = b64decode_ascii(data[iv.end() : end])
    except ValueError:  # a byte outside the url alphabet (an escape, say), or not strict
        return None
    return _jwe_protected(typ, cty), b64decode_ascii(iv[1]), ciphertext, b64decode_ascii(tag[1]), mine


def decrypt(jwe: bytes, decrypter: Decrypter | Sequence[Decrypter], *, typ: str, cty: str) -> bytes:
    """Decrypt a JWE (general or flattened JSON) with one of our keys and return the plaintext.

    ``decrypter`` is one key or several (an agency keeps its old encryption
    keys while rotating); the one whose ``kid`` a recipient entry names is
    used. Every recipient entry is checked before any cryptography. Raises
    :class:`JoseError` if the shape, headers or type are refused,
    :class:`~concernshare.errors.NotForUs` if no recipient entry names one of
    our keys, :class:`~concernshare.errors.CryptoError` if decryption fails.
    """
    check_kind(typ, cty, JWE_KINDS)
    ours = {d.kid: d for d in (decrypter if isinstance(decrypter, Sequence) else [decrypter])}
    reading = _jwe_written(jwe, ours, typ, cty)
    if reading is None:
        document = read_document(jwe, "sealed document")
        reading = _jwe_fast(document, ours, typ, cty) or _jwe_general(document, ours, typ, cty)
    protected_text, iv, ciphertext, tag, (key, crv, point, wrapped) = reading
    if crv != key.crv:
        raise CryptoError()
    peer = load_public(crv, point)  # an invalid point is refused before it meets our key
    agree = getattr(key, "_agree_loaded", None)  # a FileDecrypter takes the loaded point; any other the raw one
    cek = unwrap_key(derive_kek(agree(peer) if agree is not None else key.derive(point)), wrapped)
    if len(cek) != 32:
        raise CryptoError()
    return gcm_open(cek, iv, ciphertext, tag, protected_text.encode("ascii"))


def _jwe_general(document: dict[str, object], ours: Mapping[str, Decrypter], typ: str, cty: str) -> _Sealed:
    """Check any JWE in JSON form; each refusal with its reason."""
    if "aad" in document:
        raise JoseError("additional authenticated data (aad) is refused")
    content = frozenset({"protected", "unprotected", "iv", "ciphertext", "tag"})
    if "recipients" in document:
        only_members(document, content | {"recipients"}, "sealed document")
        recipients = document["recipients"]
        if not isinstance(recipients, list) or not 0 < len(recipients) <= MAX_RECIPIENTS:
            raise JoseError("the sealed document needs between one and the limit of recipients")
    else:
        only_members(document, content | {"header", "encrypted_key"}, "sealed document")
        recipients = [{k: document[k] for k in ("header", "encrypted_key") if k in document}]
    protected_text, protected = read_protected(required(document, "protected", "sealed document"))
    unprotected = as_object(document.get("unprotected", {}), "unprotected header")
    iv = as_bytes(required(document, "iv", "sealed document"), "iv")
    ciphertext = as_bytes(required(document, "ciphertext", "sealed document"), "ciphertext")
    tag = as_bytes(required(document, "tag", "sealed document"), "tag")
    if len(iv) != 12:
        raise JoseError("the iv is not 96 bits long")
    places = JWE_PLACES[len(recipients) == 1]
    mine: list[tuple[Decrypter, str, bytes, bytes]] = []
    seen: set[str] = set()
    for item in recipients:
        entry = as_object(item, "recipient entry")
        only_members(entry, frozenset({"header", "encrypted_key"}), "recipient entry")
        own = as_object(entry.get("header", {}), "per-recipient header")
        params = merge((PROTECTED, protected), (UNPROTECTED, unprotected), (PER_RECIPIENT, own))
        header = check_params(params, places, typ=typ, cty=cty)
        check_alg(header["enc"], {CONTENT_ENC: CONTENT_ENC}, "content encryption")
        check_alg(header["alg"], {KEY_ALG: KEY_ALG}, "key management")
        kid = check_kid(header["kid"])
        crv, point = _epk(header["epk"])
        wrapped = as_bytes(required(entry, "encrypted_key", "recipient entry"), "encrypted_key")
        if kid in seen:
            raise JoseError("two recipient entries name the same key")
        seen.add(kid)
        if kid in ours:
            mine.append((ours[kid], crv, point, wrapped))
    if not mine:
        raise NotForUs("the sealed document is not encrypted to any of these keys")
    return protected_text, iv, ciphertext, tag, mine[0]
