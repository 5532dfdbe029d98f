"""JOSE documents as JSON: strict parsing, the size limits, and the typed reads of members.

A document is read once, strictly (UTF-8, no duplicate members, no NaN,
bounded nesting and size), and each member is then read with the type it must
have; every refusal is a :class:`JoseError` naming what was refused, never the
value. Written documents are formatted directly: every value concernshare
writes is base64url or a fixed name, so nothing needs escaping.
"""

from __future__ import annotations

import binascii
import json
from typing import Final, NoReturn

from concernshare.crypto._b64 import b64decode
from concernshare.crypto._primitives import JoseError

__all__ = [
    "MAX_HEADER_BYTES",
    "MAX_INPUT_BYTES",
    "as_bytes",
    "as_object",
    "as_string",
    "b64e",
    "dumps",
    "only_members",
    "parse_json",
    "read_document",
    "read_protected",
    "required",
]

MAX_INPUT_BYTES: Final = 16 * 1024 * 1024  # a whole signed or sealed document
MAX_HEADER_BYTES: Final = 4096  # one protected header, base64url-encoded

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


def dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).encode("ascii")


_TO_URL: Final = bytes.maketrans(b"+/", b"-_")


def b64e(data: bytes | memoryview) -> bytes:
    """base64url without padding, as ASCII bytes (what :func:`b64encode` gives, encoded)."""
    return binascii.b2a_base64(data, newline=False).rstrip(b"=").translate(_TO_URL)


def as_object(value: object, what: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise JoseError(f"the {what} is not a JSON object")
    return value


def as_string(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise JoseError(f"the {what} is not a string")
    return value


def as_bytes(value: object, what: str) -> bytes:
    try:
        return b64decode(as_string(value, what))
    except ValueError:
        raise JoseError(f"the {what} is not strict base64url") from None


def only_members(value: dict[str, object], allowed: frozenset[str], what: str) -> None:
    if not value.keys() <= allowed:
        raise JoseError(f"the {what} has a member its serialization does not define")


def required(value: dict[str, object], name: str, what: str) -> object:
    if name not in value:
        raise JoseError(f"the {what} has no {name} member")
    return value[name]


def read_document(data: bytes, what: str) -> dict[str, object]:
    if not isinstance(data, bytes):
        raise JoseError(f"the {what} must be given as bytes")
    if len(data) > MAX_INPUT_BYTES:
        raise JoseError(f"the {what} is larger than the limit")
    if not data.lstrip(b" \t\r\n").startswith(b"{"):
        raise JoseError(f"the {what} is not JSON (the compact serialization is refused)")
    return as_object(parse_json(data, what), what)


def read_protected(value: object) -> tuple[str, dict[str, object]]:
    text = as_string(value, "protected header")
    if len(text) > MAX_HEADER_BYTES:
        raise JoseError("the protected header is larger than the limit")
    return text, as_object(parse_json(as_bytes(text, "protected header"), "protected header"), "header")
