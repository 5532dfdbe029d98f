"""A JSON-aware variant of each input beside libFuzzer's byte mutations, so that type confusions are reached.

Every input that parses as JSON (one line of it, for JSON Lines) is also tried with one node replaced
by a hostile value (another type, an empty or deep container, a huge number, a long string, another
node of the same document) or deleted. The choice is made from the input's own bytes, so coverage
guides it like any mutation and a crash file replays exactly.
"""

from __future__ import annotations

import json
import random
import zlib
from typing import Any

_HOSTILE: tuple[Any, ...] = (
    {},
    [],
    None,
    True,
    False,
    0,
    -1,
    1.5,
    1e308,
    2**64,
    -(2**63) - 1,
    "",
    " ",
    "x" * 600,
    "\u0000",
    "\ud800",
    "2026-02-30",
    "2026-11-25T10:01:00",
    "9990000026",
    "00000000-0000-0000-0000-000000000000",
    {"": None},
    [None],
    json.loads("[" * 20 + "]" * 20),
    {"a": {"b": {"c": {"d": {}}}}},
    ["actual", "exercise"],
    {"$ref": "#"},
    "/",
    "~1",
    "la:E06000032/mash",
)


def _nodes(document: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) in the document, without recursion (a deep document is no crash here)."""
    found: list[tuple[Any, Any]] = []
    stack = [document]
    while stack and len(found) < 5000:
        node = stack.pop()
        keys = list(node) if isinstance(node, dict) else range(len(node)) if isinstance(node, list) else []
        for key in keys:
            found.append((node, key))
            stack.append(node[key])
    return found


def _mutate_json(line: bytes, rng: random.Random) -> bytes | None:
    try:
        document = json.loads(line)
    except (ValueError, RecursionError):
        return None
    nodes = _nodes(document)
    if not nodes:
        return None
    container, key = rng.choice(nodes)
    roll = rng.random()
    if roll < 0.15 and isinstance(container, dict):
        del container[key]
    elif roll < 0.45:
        other, other_key = rng.choice(nodes)
        container[key] = other[other_key]
    else:
        container[key] = rng.choice(_HOSTILE)
    try:
        return json.dumps(document).encode()
    except (ValueError, RecursionError):  # a node copied into itself
        return None


def derived(data: bytes) -> bytes | None:
    """A structural variant of ``data``, chosen by its own bytes so that a crash file replays it exactly."""
    rng = random.Random(zlib.crc32(data))  # noqa: S311  (reproducible choices, not secrets)
    lines = data.split(b"\n")
    index = rng.randrange(len(lines))
    changed = _mutate_json(lines[index], rng)
    if changed is None:
        return None
    lines[index] = changed
    return b"\n".join(lines)
