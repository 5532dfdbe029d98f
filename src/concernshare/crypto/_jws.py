"""JWS (RFC 7515): one signature, ``Ed25519`` (RFC 9864; ``EdDSA`` accepted on input) or ``ES256`` (raw r||s).

Output is the general JSON serialization; input may be general or flattened
JSON. A JWS written byte for byte as concernshare writes it is read from its
bytes by :func:`_jws_written`, without a JSON parse; one written as concernshare
writes it but formatted otherwise (the four header parameters it writes, each
member once, nothing else) is read by :func:`_jws_fast`. Both check what the
general path would check; any other document, and every refusal, goes through
:func:`_jws_general`, which gives each refusal its own reason. The shape is
refused before the key is resolved, and the key before the signature is verified.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from concernshare.crypto._b64 import b64decode, b64decode_ascii
from concernshare.crypto._documents import (
    MAX_HEADER_BYTES,
    MAX_INPUT_BYTES,
    as_bytes,
    as_object,
    as_string,
    b64e,
    dumps,
    only_members,
    parse_json,
    read_document,
    read_protected,
    required,
)
from concernshare.crypto._headers import (
    JWS_KINDS,
    JWS_PLACES,
    KID,
    PROTECTED,
    SIG_CURVE,
    SIGNATURE_ALGS,
    UNPROTECTED,
    check_alg,
    check_kid,
    check_kind,
    check_params,
    merge,
)
from concernshare.crypto._points import jwk_point
from concernshare.crypto._primitives import JoseError, public_key, verify_signature
from concernshare.errors import CryptoError, UntrustedSender

if TYPE_CHECKING:
    from concernshare.crypto.keys import PublicJwk, Signer

__all__ = ["sign", "verify", "verify_with"]


def verify_with(alg: str, key: PublicJwk, data: bytes, signature: bytes) -> None:
    if key.use != "sig" or key.alg != alg or key.crv != SIG_CURVE[alg] or len(signature) != 64:
        raise CryptoError()
    verify_signature(public_key(key.crv, jwk_point(key)), data, signature)


@functools.lru_cache(maxsize=64)
def _jws_protected(alg: str, kid: str, typ: str, cty: str) -> bytes:
    return b64e(dumps({"alg": alg, "kid": kid, "typ": typ, "cty": cty}))


def sign(payload: bytes, signer: Signer, *, typ: str, cty: str) -> bytes:
    """Sign ``payload`` as a JWS in the general JSON serialization (compact JSON bytes).

    ``typ`` and ``cty`` name the document kind and go in the protected header,
    with ``alg`` and ``kid``. Raises :class:`JoseError` if the kind is not a
    JWS kind, the signer's ``alg`` is outside the suite, its ``kid`` is not a
    thumbprint, or it returns a signature of the wrong length.
    """
    check_kind(typ, cty, JWS_KINDS)
    if signer.alg not in SIG_CURVE:
        raise JoseError("the signer's algorithm is outside the concernshare suite")
    protected = _jws_protected(signer.alg, check_kid(signer.kid), typ, cty)
    body = b64e(payload)
    signature = signer.sign(protected + b"." + body)
    if len(signature) != 64:
        raise JoseError("the signer returned a signature of the wrong length")
    return b'{"payload":"%b","signatures":[{"protected":"%b","signature":"%b"}]}' % (
        body,
        protected,
        b64e(signature),
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
    if alg.__class__ is not str or alg not in SIGNATURE_ALGS or kid.__class__ is not str or not KID.fullmatch(kid):
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


# The bytes :func:`sign` writes after the payload: the one signature entry, whose protected
# header is read by _jws_header, and a signature of 64 bytes (86 characters, 4 stray bits).
_PAYLOAD_OPEN: Final = b'{"payload":"'
_WRITTEN_TAIL: Final = re.compile(
    rb'","signatures":\[\{"protected":"([A-Za-z0-9_-]*)","signature":"([A-Za-z0-9_-]{85}[AQgw])"\}\]\}'
)


def _jws_written(data: bytes, typ: str, cty: str) -> tuple[bytes, bytes, bytes, str, str] | None:
    """What :func:`verify` reads from a JWS exactly as :func:`sign` writes it, read from its bytes; None for any other.

    The document must be the compact JSON that :func:`sign` writes, member for
    member and byte for byte, every value base64url (so it holds no escape and
    parses to the one object :func:`_jws_fast` reads); the reading is then
    the one :func:`_jws_fast` gives.
    """
    if data.__class__ is not bytes or len(data) > MAX_INPUT_BYTES or not data.startswith(_PAYLOAD_OPEN):
        return None
    end = data.find(b'"', len(_PAYLOAD_OPEN))  # the payload holds no quote: the first one closes it
    tail = _WRITTEN_TAIL.fullmatch(data, end) if end > 0 else None
    if tail is None:
        return None
    protected, signature = tail.groups()
    header = _jws_header(protected.decode("ascii"), typ, cty)
    if header is None:
        return None
    body = data[len(_PAYLOAD_OPEN) : end]
    try:
        payload = b64decode_ascii(body)
    except ValueError:  # a byte outside the url alphabet (an escape, say), or not strict
        return None
    return payload, protected + b"." + body, b64decode_ascii(signature), *header


def verify(jws: bytes, resolve_key: Callable[[str], PublicJwk | None], *, typ: str, cty: str) -> tuple[bytes, str, str]:
    """Verify a JWS (general or flattened JSON) and return ``(payload, kid, alg)``.

    ``resolve_key`` maps the signer's ``kid`` to its public key, or ``None``;
    ``alg`` is returned as ``Ed25519`` or ``ES256``. Raises :class:`JoseError`
    if the document's shape, headers or type are refused (before any
    cryptography), :class:`~concernshare.errors.UntrustedSender` if the key is
    unknown, :class:`~concernshare.errors.CryptoError` if the signature does not
    verify with that key.
    """
    check_kind(typ, cty, JWS_KINDS)
    reading = _jws_written(jws, typ, cty)
    if reading is None:
        document = read_document(jws, "signed document")
        reading = _jws_fast(document, typ, cty) or _jws_general(document, typ, cty)
    payload, signing_input, signature, alg, kid = reading
    key = resolve_key(kid)
    if key is None:
        raise UntrustedSender("the signing key is not known")
    verify_with(alg, key, signing_input, signature)
    return payload, kid, alg


def _jws_general(document: dict[str, object], typ: str, cty: str) -> tuple[bytes, bytes, bytes, str, str]:
    """Check any JWS in JSON form; each refusal with its reason."""
    if "signatures" in document:
        only_members(document, frozenset({"payload", "signatures"}), "signed document")
        signatures = document["signatures"]
        if not isinstance(signatures, list) or not signatures:
            raise JoseError("the signed document has no signature")
        if len(signatures) > 1:
            raise JoseError("the signed document has more than one signature")
        entry = as_object(signatures[0], "signature entry")
        only_members(entry, frozenset({"protected", "header", "signature"}), "signature entry")
    else:
        allowed = frozenset({"payload", "protected", "header", "signature"})
        only_members(document, allowed, "signed document")
        entry = document
    body = as_string(required(document, "payload", "signed document"), "payload")
    payload = as_bytes(body, "payload")
    protected_text, protected = read_protected(required(entry, "protected", "signature entry"))
    unprotected = as_object(entry.get("header", {}), "unprotected header")
    signature = as_bytes(required(entry, "signature", "signature entry"), "signature")
    params = merge((PROTECTED, protected), (UNPROTECTED, unprotected))
    header = check_params(params, JWS_PLACES, typ=typ, cty=cty)
    alg = check_alg(header["alg"], SIGNATURE_ALGS, "signature")
    kid = check_kid(header["kid"])
    return payload, f"{protected_text}.{body}".encode("ascii"), signature, alg, kid
