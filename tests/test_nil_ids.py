"""The nil UUID names no message: not as a message's own id, nor as the id of a message it refers to."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from concernshare.errors import InvalidDocument
from concernshare.validation import validate

MESSAGES = Path(__file__).parent.parent / "examples" / "messages"
NIL = "00000000-0000-0000-0000-000000000000"


def _example(prefix: str) -> dict[str, Any]:
    (path,) = MESSAGES.glob(f"{prefix}*.json")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


@pytest.mark.parametrize(
    ("prefix", "pointer"),
    [
        ("01", "/id"),
        ("02", "/thread/in_reply_to"),
        ("02", "/body/message_id"),
        ("01", "/thread/supersedes"),
    ],
)
def test_a_nil_message_id_is_refused_where_it_stands(prefix: str, pointer: str) -> None:
    """CS122 at the member holding the nil UUID; the example itself is valid."""
    document = _example(prefix)
    validate(json.dumps(document).encode())
    changed = copy.deepcopy(document)
    *parents, name = pointer.strip("/").split("/")
    holder = changed
    for parent in parents:
        holder = holder.setdefault(parent, {})
    holder[name] = NIL
    with pytest.raises(InvalidDocument) as refused:
        validate(json.dumps(changed).encode())
    assert [(p.pointer, p.code) for p in refused.value.problems] == [(pointer, "CS122")]
