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
import re

__all__ = ["b64decode", "b64encode"]

_URL_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")
# A text of length 4n+2 ends in a character of which only the top 2 bits are
# data (4 stray bits); one of length 4n+3 ends in a character with 4 data bits
# (2 stray bits). These sets hold the last characters whose stray bits are zero.
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_CLEAN_AFTER_2 = frozenset(_ALPHABET[i] for i in range(0, 64, 16))  # low 4 bits zero
_CLEAN_AFTER_3 = frozenset(_ALPHABET[i] for i in range(0, 64, 4))  # low 2 bits zero


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
    if not isinstance(text, str) or _URL_ALPHABET.fullmatch(text) is None:
        raise ValueError("not base64url")
    tail = len(text) % 4
    if tail == 1:
        raise ValueError("impossible base64url length")
    if tail == 2 and text[-1] not in _CLEAN_AFTER_2:
        raise ValueError("stray bits in base64url")
    if tail == 3 and text[-1] not in _CLEAN_AFTER_3:
        raise ValueError("stray bits in base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
