"""The header rules of the JOSE subset: document kinds, algorithms, where each parameter may stand, key ids.

Every header parameter a concernshare document may carry is on an allow-list
that says in which header it may stand (protected, unprotected, per-recipient);
every listed parameter is required and no other is allowed, which keeps
personal data out of headers. Key sources (``jku``, ``x5u``, ``jwk``, ``x5c``),
compression and ``crit`` are refused, each with its own reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from concernshare.crypto._b64 import b64decode
from concernshare.crypto._primitives import JoseError

__all__ = [
    "CONTENT_ENC",
    "DIRECTORY_CTY",
    "DIRECTORY_TYP",
    "EC_MEMBERS",
    "JWE_KINDS",
    "JWE_PLACES",
    "JWS_KINDS",
    "JWS_PLACES",
    "KID",
    "KTY",
    "MESSAGE_CTY",
    "MESSAGE_TYP",
    "OKP_MEMBERS",
    "PER_RECIPIENT",
    "PROTECTED",
    "SEALED_CTY",
    "SEALED_TYP",
    "SIGNATURE_ALGS",
    "SIG_CURVE",
    "UNPROTECTED",
    "check_alg",
    "check_kid",
    "check_kind",
    "check_params",
    "merge",
]

MESSAGE_TYP: Final = "concernshare-message+jws"
MESSAGE_CTY: Final = "concernshare+json"
SEALED_TYP: Final = "concernshare-sealed+jwe"
SEALED_CTY: Final = "concernshare-message+jws"
DIRECTORY_TYP: Final = "concernshare-directory+jws"
DIRECTORY_CTY: Final = "concernshare-directory+json"
JWS_KINDS: Final = frozenset({(MESSAGE_TYP, MESSAGE_CTY), (DIRECTORY_TYP, DIRECTORY_CTY)})
JWE_KINDS: Final = frozenset({(SEALED_TYP, SEALED_CTY)})

CONTENT_ENC: Final = "A256GCM"
SIGNATURE_ALGS: Final = {"Ed25519": "Ed25519", "EdDSA": "Ed25519", "ES256": "ES256"}
SIG_CURVE: Final = {"Ed25519": "Ed25519", "ES256": "P-256"}
KTY: Final = {"Ed25519": "OKP", "X25519": "OKP", "P-256": "EC"}

PROTECTED, UNPROTECTED, PER_RECIPIENT = "protected", "unprotected", "per-recipient"
_REFUSED: Final = {
    "jku": "a key set URL (jku) is refused: keys come only from the directory",
    "x5u": "a certificate URL (x5u) is refused: keys come only from the directory",
    "jwk": "an embedded key (jwk) is refused: keys come only from the directory",
    "x5c": "an embedded certificate chain (x5c) is refused: keys come only from the directory",
    "zip": "compression (zip) is refused",
}
# Where each parameter may stand. Every parameter listed is also required, and
# no other is allowed: the allow-list that keeps personal data out of headers.
JWS_PLACES: Final = {"alg": {PROTECTED}, "typ": {PROTECTED}, "cty": {PROTECTED}, "kid": {PROTECTED, UNPROTECTED}}
OKP_MEMBERS: Final = frozenset({"kty", "crv", "x"})
EC_MEMBERS: Final = OKP_MEMBERS | {"y"}
_ANYWHERE: Final = {PROTECTED, UNPROTECTED, PER_RECIPIENT}
_JWE_MANY: Final = {
    "enc": {PROTECTED},
    "typ": {PROTECTED},
    "cty": {PROTECTED},
    "alg": _ANYWHERE,
    "kid": {PER_RECIPIENT},
}
JWE_PLACES: Final = {
    True: {**_JWE_MANY, "kid": _ANYWHERE, "epk": _ANYWHERE},
    False: {**_JWE_MANY, "epk": {PER_RECIPIENT}},
}


def merge(*places: tuple[str, dict[str, object]]) -> dict[str, tuple[str, object]]:
    merged: dict[str, tuple[str, object]] = {}
    for place, header in places:
        for name, value in header.items():
            if name in merged:
                raise JoseError("a header parameter appears in more than one header")
            merged[name] = (place, value)
    return merged


def check_params(
    params: dict[str, tuple[str, object]], places: Mapping[str, set[str]], *, typ: str, cty: str
) -> dict[str, object]:
    for name in params.keys() & _REFUSED.keys():
        raise JoseError(_REFUSED[name])
    if "crit" in params:
        place, value = params["crit"]
        if place != PROTECTED:
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


def check_alg(value: object, allowed: Mapping[str, str], what: str) -> str:
    if value == "none":
        raise JoseError("unsecured documents (alg none) are refused")
    if value == "dir":
        raise JoseError("direct encryption (alg dir) is refused")
    if not isinstance(value, str) or value not in allowed:
        raise JoseError(f"the {what} algorithm is outside the concernshare suite")
    return allowed[value]


# Exactly the 43-character texts that strict base64url decodes: the last of them
# carries 2 stray bits, which must be zero (see concernshare.crypto._b64).
KID: Final = re.compile(r"[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]")


def check_kid(value: object) -> str:
    """Return ``value`` if it is shaped like a SHA-256 JWK thumbprint; raise :class:`JoseError`."""
    if isinstance(value, str) and KID.fullmatch(value):
        return value
    if not isinstance(value, str) or len(value) != 43:
        raise JoseError("the kid is not an RFC 7638 thumbprint")
    try:
        b64decode(value)
    except ValueError:
        raise JoseError("the kid is not an RFC 7638 thumbprint") from None
    return value


def check_kind(typ: str, cty: str, kinds: frozenset[tuple[str, str]]) -> None:
    if (typ, cty) not in kinds:
        raise JoseError("typ and cty do not name a concernshare document kind of this form")
