"""Strict base64url (RFC 4648 §5) without padding, as JOSE uses it (RFC 7515 §2).

Decoding refuses anything a strict encoder would not have written: padding,
characters outside the url alphabet (``+``, ``/``, whitespace, ``=``), a length
that no byte string encodes to (4n+1), and non-zero "stray" bits in the last
character. Every accepted text therefore has exactly one decoding, and every
byte string exactly one encoding, so that no two distinct texts carry the same
bytes.
"""

from __future__ import annotations

import base64
import binascii

__all__ = ["b64decode", "b64decode_ascii", "b64encode"]

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# To the standard alphabet; the standard alphabet's own "+" and "/", and padding, to "!",
# which no base64 holds, so that the strict decoder refuses them with everything else.
_TO_STANDARD = bytes.maketrans(b"-_+/=", b"+/!!!")
# A text of length 4n+2 ends in a character of which only the top 2 bits are
# data (4 stray bits); one of length 4n+3 ends in a character with 4 data bits
# (2 stray bits). These sets hold the codes of the last characters whose stray bits are zero.
_CLEAN_AFTER_2 = frozenset(ord(_ALPHABET[i]) for i in range(0, 64, 16))  # low 4 bits zero
_CLEAN_AFTER_3 = frozenset(ord(_ALPHABET[i]) for i in range(0, 64, 4))  # low 2 bits zero


def b64encode(data: bytes) -> str:
    """Encode ``data`` as base64url without padding. Raises nothing."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text: str) -> bytes:
    """Decode strict unpadded base64url.

    Raises ``ValueError`` (never crossing the package's public boundary: the
    callers turn it into a refusal) if ``text`` is not a ``str``, contains a
    character outside the url alphabet, padding or whitespace, has an
    impossible length, or has non-zero stray bits.
    """
    if not isinstance(text, str) or not text.isascii():
        raise ValueError("not base64url")
    return b64decode_ascii(text.encode("ascii"))


def b64decode_ascii(raw: bytes) -> bytes:
    """Decode strict unpadded base64url given as bytes: what :func:`b64decode` does for the text they spell.

    For the readers that take a document's parts straight from its bytes; any
    byte outside the url alphabet (a quote, a backslash, a non-ASCII byte) is
    refused. Raises ``ValueError`` as :func:`b64decode` does.
    """
    tail = len(raw) % 4
    if tail == 1:
        raise ValueError("impossible base64url length")
    if (tail == 2 and raw[-1] not in _CLEAN_AFTER_2) or (tail == 3 and raw[-1] not in _CLEAN_AFTER_3):
        raise ValueError("stray bits in base64url")
    try:  # strict mode refuses every byte outside the alphabet: whitespace, and the "!" of _TO_STANDARD
        return binascii.a2b_base64(raw.translate(_TO_STANDARD) + b"=" * (-tail % 4), strict_mode=True)
    except binascii.Error:
        raise ValueError("not base64url") from None
