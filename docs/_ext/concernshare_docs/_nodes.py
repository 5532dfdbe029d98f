"""Small builders of docutils nodes that the generated pages share."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

__all__ = [
    "code",
    "inline",
    "json_literal",
    "paragraph",
    "section",
    "table",
]

_LITERAL = re.compile(r"``(.+?)``")

Part = str | nodes.Node


def inline(text: str) -> list[nodes.Node]:
    """Text as nodes, with docstring-style ````literal```` spans turned into code."""
    found: list[nodes.Node] = []
    position = 0
    for match in _LITERAL.finditer(text):
        if match.start() > position:
            found.append(nodes.Text(text[position : match.start()]))
        found.append(nodes.literal(match.group(1), match.group(1)))
        position = match.end()
    if position < len(text):
        found.append(nodes.Text(text[position:]))
    return found


def _parts(parts: Iterable[Part]) -> list[nodes.Node]:
    found: list[nodes.Node] = []
    for part in parts:
        found.extend(inline(part) if isinstance(part, str) else [part])
    return found


def paragraph(*parts: Part) -> nodes.paragraph:
    """A paragraph of text and nodes."""
    node = nodes.paragraph()
    node.extend(_parts(parts))
    return node


def code(text: str) -> nodes.literal:
    """Inline code."""
    return nodes.literal(text, text)


def json_literal(value: Any) -> nodes.literal:
    """A JSON value as inline code."""
    return code(json.dumps(value, ensure_ascii=False))


def section(directive: SphinxDirective, node_id: str, *title: Part) -> nodes.section:
    """A section with an anchor and a title; ``node_id`` must be unique on the page."""
    node = nodes.section(ids=[node_id], names=[node_id])
    heading = nodes.title()
    heading.extend(_parts(title))
    node += heading
    directive.state.document.note_explicit_target(node)
    return node


def table(
    headers: Sequence[str], rows: Iterable[Sequence[Part | Sequence[Part]]], widths: Sequence[int] | None = None
) -> nodes.table:
    """A table with a header row; each cell is text, a node, or a list of them."""
    node = nodes.table()
    group = nodes.tgroup(cols=len(headers))
    node += group
    for width in widths or [1] * len(headers):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    head += _row(headers)
    body = nodes.tbody()
    group += body
    for row in rows:
        body += _row(row)
    return node


def _row(cells: Sequence[Part | Sequence[Part]]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        parts = [cell] if isinstance(cell, str | nodes.Node) else list(cell)
        entry += paragraph(*parts)
        row += entry
    return row
