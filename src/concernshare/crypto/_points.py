"""Public points as JWK members: decoding, encoding and checking the keys of the suite.

Directory keys (a recipient's, a signer's) come back message after message:
their points and members are kept in bounded caches keyed by the exact text or
bytes. Ephemeral keys, new in every message, go the uncached way
(:func:`decode_fresh_point`).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Final

from concernshare.crypto._b64 import b64encode
from concernshare.crypto._documents import as_bytes, b64e
from concernshare.crypto._headers import KTY
from concernshare.crypto._primitives import JoseError, public_key

if TYPE_CHECKING:
    from concernshare.crypto.keys import PublicJwk

__all__ = ["check_point", "decode_fresh_point", "decode_point", "epk_json", "jwk_point", "point_members"]


def decode_fresh_point(crv: str, x: object, y: object | None) -> bytes:
    if crv not in KTY:
        raise JoseError("the curve is outside the concernshare suite")
    x_bytes = as_bytes(x, "key's x")
    if KTY[crv] == "OKP":
        if y is not None or len(x_bytes) != 32:
            raise JoseError("the key's coordinates have the wrong length")
        return x_bytes
    y_bytes = as_bytes(y, "key's y")
    if len(x_bytes) != 32 or len(y_bytes) != 32:
        raise JoseError("the key's coordinates have the wrong length")
    return b"\x04" + x_bytes + y_bytes


# Directory keys (a recipient's, a signer's) come back message after message: their
# points, members and validity are kept in bounded caches, keyed by the exact text or
# bytes. Ephemeral keys, new in every message, go the uncached way.
_cached_point: Final = functools.lru_cache(maxsize=512)(decode_fresh_point)


def decode_point(crv: str, x: object, y: object | None) -> bytes:
    """Raw public point from JWK members: 32 bytes (OKP) or ``04 || x || y`` (P-256).

    Checks encoding and lengths only; raises :class:`JoseError`.
    """
    if x.__class__ is str and (y is None or y.__class__ is str):
        return _cached_point(crv, x, y)
    return decode_fresh_point(crv, x, y)


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


def epk_json(crv: str, point: bytes) -> bytes:
    """:func:`point_members` written as compact JSON."""
    if KTY[crv] == "OKP":
        return b'{"kty":"OKP","crv":"' + crv.encode("ascii") + b'","x":"' + b64e(point) + b'"}'
    return (
        b'{"kty":"EC","crv":"'
        + crv.encode("ascii")
        + b'","x":"'
        + b64e(point[1:33])
        + b'","y":"'
        + b64e(point[33:])
        + b'"}'
    )


def jwk_point(key: PublicJwk) -> bytes:
    return decode_point(key.crv, key.x, key.y)
