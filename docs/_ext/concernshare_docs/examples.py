"""Example values for the schema reference: from the project's example documents, never written by hand.

:func:`sample_documents` reads the example documents of a kind (the messages
in ``examples/messages/``, the example directory and routing rules, and a
chronology the library builds from the example messages); :class:`Samples`
indexes the values they hold by definition and member, and
:func:`string_pool` offers every string in them to a field that has only a
pattern to go by.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any, Final

__all__ = ["Samples", "sample_documents", "string_pool", "trim"]

#: Example documents of each kind, relative to the repository root.
SAMPLES: Final = {
    "message": "examples/messages/*.json",
    "directory": "examples/directory/*.jws",
    "routing": "examples/routing/*.json",
}


def _jws_payload(data: bytes) -> Any:
    document = json.loads(data)
    payload = document["payload"]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _inputs(root: Path) -> tuple[list[Any], list[Any], dt.datetime, str]:
    """The example messages, joined by three the library derives from them, an unreadable input, and the child.

    So that every part of an export has an example, the messages are joined by
    a corrected version of the concern (which supersedes it), a copy without
    the child's NHS number (a probable match), and one of the invalid examples
    (an input that cannot be read).
    """
    import uuid  # noqa: PLC0415

    import attrs  # noqa: PLC0415

    from concernshare.chronology import Unreadable  # noqa: PLC0415  (only these samples need it)
    from concernshare.errors import InvalidDocument  # noqa: PLC0415
    from concernshare.validation import validate  # noqa: PLC0415

    messages = [validate(p.read_bytes()) for p in sorted((root / "examples" / "messages").glob("*.json"))]
    numbers = [m.subject.identifiers.nhs_number for m in messages if m.subject.identifiers.nhs_number]
    child = max(set(numbers), key=numbers.count)
    concern = next(m for m in messages if m.type == "concern" and m.subject.identifiers.nhs_number == child)
    corrected = attrs.evolve(concern, id=uuid.uuid5(concern.id, "corrected"),
                             created=concern.created + dt.timedelta(hours=2),
                             thread=attrs.evolve(concern.thread, supersedes=concern.id))
    unnamed = attrs.evolve(concern, id=uuid.uuid5(concern.id, "without an NHS number"), subject=attrs.evolve(
        concern.subject, identifiers=attrs.evolve(concern.subject.identifiers, nhs_number=None)))
    unreadable = []
    invalid = sorted(p for p in (root / "examples" / "invalid").glob("cs101-*.json") if ".expected" not in p.name)
    for path in invalid[:1]:
        try:
            validate(path.read_bytes())
        except InvalidDocument as error:
            unreadable.append(Unreadable(source=str(path.relative_to(root)), problem=str(error)))
    generated = max(m.created for m in messages) + dt.timedelta(days=30)
    return [*messages, corrected, unnamed], unreadable, generated, child


def _chronology(root: Path) -> list[Any]:
    """A chronology built by the library from the example messages: the export the schema describes."""
    from concernshare.chronology import build_chronology  # noqa: PLC0415  (only this sample needs it)
    from concernshare.chronology.export import to_json  # noqa: PLC0415

    messages, unreadable, generated, child = _inputs(root)
    built = build_chronology(messages, child=child, unreadable=unreadable, generated=generated)
    return [json.loads(to_json(built))]


def _household(root: Path) -> list[Any]:
    """The household chronologies the library builds from the example messages: Kai's and Tyler's, and Kai's alone.

    Kai's alone (his chronology without his brother's) holds the police notification about Tyler as a
    household event, with its reason.
    """
    from concernshare.chronology.build import build_chronologies  # noqa: PLC0415  (only this sample needs it)
    from concernshare.chronology.export import household_json  # noqa: PLC0415
    from concernshare.chronology.history import build_households  # noqa: PLC0415

    messages, unreadable, generated, child = _inputs(root)
    chronologies = build_chronologies(messages, unreadable=unreadable, generated=generated)
    together = build_households(chronologies, generated=generated)
    alone = build_households([c for c in chronologies if c.child.nhs_number == child], generated=generated,
                             child=child)
    return [json.loads(household_json(household)) for household in (*together, *alone)]


@cache
def sample_documents(kind: str, root: Path) -> list[Any]:
    """The example documents of one kind, parsed."""
    if kind == "chronology":
        return _chronology(root)
    if kind == "household":
        return _household(root)
    pattern = SAMPLES.get(kind)
    if pattern is None:
        return []
    found = []
    for path in sorted(root.glob(pattern)):
        data = path.read_bytes()
        found.append(_jws_payload(data) if path.suffix == ".jws" else json.loads(data))
    return found


@cache
def string_pool(root: Path, kinds: tuple[str, ...]) -> tuple[str, ...]:
    """Every string in every example document, for a field whose own examples say nothing."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for kind in kinds:
        for document in sample_documents(kind, root):
            walk(document)
    return tuple(sorted(found))


class Samples:
    """Values seen in example documents: by (definition, member) and by definition."""

    def __init__(self, schema: dict[str, Any], documents: list[Any], pool: tuple[str, ...]) -> None:
        self.schema = schema
        self.pool = pool
        self.members: dict[tuple[str, str], Any] = {}
        self.definitions: dict[str, Any] = {}
        for document in documents:
            self._walk(document, schema, "")

    def _resolve(self, node: dict[str, Any], owner: str | None) -> tuple[dict[str, Any], str | None]:
        while "$ref" in node:
            owner = node["$ref"].rsplit("/", 1)[-1]
            node = self.schema["$defs"][owner]
        return node, owner

    def _walk(self, value: Any, node: dict[str, Any], owner: str | None) -> None:
        """Record what ``value`` shows; ``owner`` names the definition ``node`` is ("" for the document)."""
        node, owner = self._resolve(node, owner)
        if owner:
            self.definitions.setdefault(owner, value)
        if isinstance(value, list) and "items" in node:
            for item in value:
                self._walk(item, node["items"], None)
        if not isinstance(value, dict):
            return
        clauses = [node] + [c["then"] for c in node.get("allOf", []) if _holds(c["if"], value)]
        for clause in clauses:
            for name, member in clause.get("properties", {}).items():
                if name in value:
                    if clause is node and owner is not None:
                        self.members.setdefault((owner, name), value[name])
                    self._walk(value[name], member, None)


def _holds(condition: dict[str, Any], value: dict[str, Any]) -> bool:
    """The ``if`` of the message schema: ``type`` has a given constant."""
    return all(
        name in value and value[name] == rule.get("const") for name, rule in condition.get("properties", {}).items()
    )


def trim(value: Any, depth: int = 0) -> Any:
    """An example kept short: arrays of objects cut to their first item below the top."""
    if isinstance(value, dict):
        return {k: trim(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        kept = value[:1] if depth > 0 and value and isinstance(value[0], dict | list) else value
        return [trim(v, depth + 1) for v in kept]
    return value
