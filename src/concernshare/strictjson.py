"""Strict JSON: RFC 8259 restricted to I-JSON (RFC 7493), with limits checked before parsing.

Refused, each with its own problem and pointer: bytes that are not UTF-8, a
byte order mark, malformed JSON, duplicate member names at any depth, NaN and
Infinity (and numbers too large for a double), lone surrogates, integers
outside ±(2^53-1), documents over a size limit and nesting deeper than a limit.

Most documents have none of these, and are read by a fast path: the C parser
with hooks that stop at the first sign of a duplicate, a non-finite number or
an integer out of range, after a scan of the text for surrogate escapes and
for nesting. Whatever the fast path stops at, and every malformed document,
is read again by the full parser, which finds and reports every problem. The
two give the same value for every document the fast path accepts.
"""

from __future__ import annotations

import contextlib
import json
import math
from typing import Any, Final, NoReturn

from concernshare.catalogue import problem
from concernshare.errors import InvalidRecord, Problem

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_SAFE_INTEGER", "escape_pointer", "parse"]

#: The largest document accepted by default, in bytes.
MAX_BYTES: Final = 4 * 1024 * 1024
#: The deepest nesting of arrays and objects accepted by default.
MAX_DEPTH: Final = 32
MAX_SAFE_INTEGER: Final = 2**53 - 1
_BOM: Final = b"\xef\xbb\xbf"


class _Slow(Exception):
    """The fast path met something only the full parser reports."""


def _fast_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Slow
    return result


def _fast_int(text: str) -> int:
    if len(text) <= 17:  # 17 characters hold -(2^53-1); anything longer is out of range
        value = int(text)
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return value
    raise _Slow


def _fast_float(text: str) -> float:
    value = float(text)
    if value - value == 0.0:  # not inf (1e400) and not NaN
        return value
    raise _Slow


def _fast_constant(_name: str) -> NoReturn:
    raise _Slow


#: The fast path's decoder, built once.
_FAST: Final = json.JSONDecoder(
    object_pairs_hook=_fast_object,
    parse_int=_fast_int,
    parse_float=_fast_float,
    parse_constant=_fast_constant,
)


def _too_deep(value: Any, max_depth: int) -> bool:
    """True if a container of ``value`` stands at depth ``max_depth`` or more (the root at 0)."""
    level = [value] if value.__class__ is dict or value.__class__ is list else []
    depth = 0
    while level:
        if depth >= max_depth:
            return True
        level = [
            item
            for container in level
            for item in (container.values() if container.__class__ is dict else container)
            if item.__class__ is dict or item.__class__ is list
        ]
        depth += 1
    return False


def _fast(text: str, max_depth: int, *, checked_utf8: bool) -> Any:
    """The parsed document if it has none of the problems parse reports; raise _Slow otherwise."""
    if ("\\u" in text and ("\\ud" in text or "\\uD" in text)) or text.startswith("\ufeff"):
        raise _Slow  # a surrogate escape, paired or not; a byte order mark, which json reports its own way
    if not checked_utf8 and not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate in a str given to parse
            raise _Slow from None
    try:
        value = _FAST.decode(text)
    except (ValueError, RecursionError):  # malformed, or an integer too long for int()
        raise _Slow from None
    if text.count("{") + text.count("[") > max_depth and _too_deep(value, max_depth):
        raise _Slow
    return value


class _Duplicated(dict[str, Any]):
    """An object in which some member names appeared more than once."""

    __slots__ = ("duplicates",)

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        seen: set[str] = set()
        self.duplicates = [k for k, _ in pairs if k in seen or seen.add(k)]  # type: ignore[func-returns-value]


class _NonFinite:
    """Stands for NaN, Infinity or -Infinity until the walk reports it."""

    __slots__ = ()


_NON_FINITE: Final = _NonFinite()


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    return result if len(result) == len(pairs) else _Duplicated(pairs)


def _constant(_name: str) -> _NonFinite:
    return _NON_FINITE


class _TooLong:
    """Stands for an integer with more digits than int() reads, until the walk reports it."""

    __slots__ = ()


_TOO_LONG: Final = _TooLong()


def _integer(text: str) -> int | _TooLong:
    return int(text) if len(text) <= 20 else _TOO_LONG  # 20 characters are far outside ±(2^53-1) already


def escape_pointer(token: str) -> str:
    """Escape one reference token of an RFC 6901 JSON pointer.

    A lone surrogate, which no UTF-8 output can carry, is written as its
    ``\\uXXXX`` escape so that the pointer can be printed and logged.
    """
    escaped = token.replace("~", "~0").replace("/", "~1")
    try:
        escaped.encode("utf-8")
    except UnicodeEncodeError:
        return escaped.encode("utf-8", "backslashreplace").decode("utf-8")
    return escaped


def _refusal(code: str, key: str = "default", /, **values: Any) -> InvalidRecord:
    """The whole document refused with one problem, at its root."""
    return InvalidRecord([problem("", code, key, **values)])


def parse(
    data: bytes | bytearray | memoryview | str,
    *,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """Parse one JSON document strictly and return plain Python values.

    Raises :class:`~concernshare.errors.InvalidRecord` listing every problem
    found; a document that cannot be parsed at all gets one problem.
    """
    return _parse(data, max_bytes=max_bytes, max_depth=max_depth, fast=True)


def _parse(data: bytes | bytearray | memoryview | str, *, max_bytes: int, max_depth: int, fast: bool) -> Any:
    """:func:`parse`; with ``fast`` false, the full parser alone (the reference the fast path is held to)."""
    if len(data) > max_bytes:
        raise _refusal("CS007", limit=max_bytes)
    checked_utf8 = not isinstance(data, str)
    if isinstance(data, str):
        text = data
    else:
        raw = bytes(data)
        if raw.startswith(_BOM):
            raise _refusal("CS002", "bom")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _refusal("CS002", "utf8", at=error.start) from None
    if fast:
        with contextlib.suppress(_Slow):
            return _fast(text, max_depth, checked_utf8=checked_utf8)
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_constant=_constant, parse_int=_integer)
    except RecursionError:
        raise _refusal("CS008", "document", limit=max_depth) from None
    except json.JSONDecodeError as error:
        raise _refusal("CS001", detail=error.msg, line=error.lineno, column=error.colno) from None
    problems: list[Problem] = []
    _walk(value, "", 0, max_depth, problems)
    if problems:
        raise InvalidRecord(problems)
    return value


def _check_text(text: str, pointer: str, what: str, problems: list[Problem]) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        problems.append(problem(pointer, "CS005", what=what))


def _walk(value: Any, pointer: str, depth: int, max_depth: int, problems: list[Problem]) -> None:
    if isinstance(value, dict | list) and depth >= max_depth:
        problems.append(problem(pointer, "CS008", limit=max_depth))
        return
    if isinstance(value, dict):
        if isinstance(value, _Duplicated):
            problems.extend(
                problem(f"{pointer}/{escape_pointer(name)}", "CS003") for name in dict.fromkeys(value.duplicates)
            )
        for key, item in value.items():
            child = f"{pointer}/{escape_pointer(key)}"
            _check_text(key, child, "member name", problems)
            _walk(item, child, depth + 1, max_depth, problems)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{pointer}/{index}", depth + 1, max_depth, problems)
    elif isinstance(value, str):
        _check_text(value, pointer, "string", problems)
    elif value is _NON_FINITE or (isinstance(value, float) and not math.isfinite(value)):
        problems.append(problem(pointer, "CS004"))
    elif value is _TOO_LONG or (
        isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER
    ):
        problems.append(problem(pointer, "CS006"))
