"""``problem-code`` and ``problem-codes-index``: every problem code, its meaning, and how to fix it.

Where the code keeps a table of meanings (``strictjson.CODES``,
``codec.CODES``, ``checks.CODES``, and the list of history rules in the
docstring of ``concernshare.tracker``) the meaning is taken from it; the fix
is written in the page, under ``problem-code``. The source of the package is
also read (as Python syntax, never run) for every string that is a code
(``"CS101"``), with the messages and severities it is raised with. A code that
exists in the code but has no ``problem-code`` in the docs, a documented code
that no longer exists, and a code with no meaning anywhere are build warnings
(``-W`` makes them errors).
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Final

import attrs
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from concernshare_docs._nodes import code, paragraph, section, table

__all__ = ["ProblemCode", "ProblemIndex", "codes_in_source", "setup"]

LOGGER: Final = logging.getLogger(__name__)
CODE: Final = re.compile(r"CS[0-9]{3}")
#: The tables of meanings, and the layer each belongs to.
TABLES: Final = (
    ("concernshare.strictjson", "Strict JSON"),
    ("concernshare.codec", "Structure: the codec and the JSON Schema"),
    ("concernshare.checks", "Semantic checks"),
)
HISTORY_MODULE: Final = "concernshare.tracker"
HISTORY_LAYER: Final = "History rules on receipt"
_HISTORY_ITEM: Final = re.compile(
    r"^- ``(CS[0-9]{3})`` \((error|warning)\): (.*?)(?=^- ``|^\S|\Z)", re.MULTILINE | re.DOTALL
)


@attrs.frozen(kw_only=True)
class Raised:
    """One place in the source that raises a code: its message (placeholders as …) and severity."""

    message: str | None
    severity: str
    module: str


@attrs.frozen(kw_only=True)
class Known:
    """What the code says about one problem code."""

    code: str
    meaning: str | None
    layer: str | None
    severities: frozenset[str]
    raised: tuple[Raised, ...]


def _text(node: ast.expr | None, *, inner: bool = False) -> str | None:
    """A message as written in the source: f-string values and computed parts as …, concatenations joined."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "…" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left, inner=True), _text(node.right, inner=True)
        return None if left is None or right is None or {left, right} == {"…"} else left + right
    return "…" if inner else None


def _severity(call: ast.Call) -> str:
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
    values = [*call.args, *(k.value for k in call.keywords if k.arg == "severity")]
    warned = name == "_warning" or any(isinstance(v, ast.Attribute) and v.attr == "WARNING" for v in values)
    return "warning" if warned else "error"


def _raised(call: ast.Call) -> Iterator[tuple[str, ast.expr | None]]:
    """(code, message node) for a call that names a code, positionally or as ``code=``."""
    for index, argument in enumerate(call.args):
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str) and CODE.fullmatch(argument.value):
            following = call.args[index + 1] if index + 1 < len(call.args) else None
            keyword = next((k.value for k in call.keywords if k.arg == "message"), None)
            yield argument.value, following if following is not None else keyword
    for keyword in call.keywords:
        value = keyword.value
        if keyword.arg == "code" and isinstance(value, ast.Constant) and CODE.fullmatch(str(value.value)):
            yield str(value.value), next((k.value for k in call.keywords if k.arg == "message"), None)


@cache
def codes_in_source(package: Path) -> tuple[frozenset[str], dict[str, tuple[Raised, ...]]]:
    """Every code written in the package's source, and where each is raised (read, never run)."""
    found: set[str] = set()
    raised: dict[str, list[Raised]] = {}
    for path in sorted(package.rglob("*.py")):
        module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
                found.add(node.value)
            if isinstance(node, ast.Call):
                for name, message in _raised(node):
                    raised.setdefault(name, []).append(
                        Raised(message=_text(message), severity=_severity(node), module=module),
                    )
    return frozenset(found), {k: tuple(dict.fromkeys(v)) for k, v in raised.items()}


@cache
def known_codes(package: Path) -> dict[str, Known]:
    """Every code the package knows, with its meaning where a table (or the tracker's docstring) gives one."""
    meanings: dict[str, tuple[str, str]] = {}
    for module_name, layer in TABLES:
        table_: dict[str, str] = importlib.import_module(module_name).CODES
        meanings.update({k: (v, layer) for k, v in table_.items()})
    history_severity: dict[str, str] = {}
    doc = importlib.import_module(HISTORY_MODULE).__doc__ or ""
    for match in _HISTORY_ITEM.finditer(doc):
        meanings[match.group(1)] = (" ".join(match.group(3).split()), HISTORY_LAYER)
        history_severity[match.group(1)] = match.group(2)
    written, found = codes_in_source(package)
    # The registration of a check with its meaning (checks._check) is not a message it raises.
    raised = {code: tuple(r for r in rs if r.message != meanings.get(code, (None,))[0]) for code, rs in found.items()}
    every = sorted(written | set(meanings))
    return {
        name: Known(
            code=name,
            meaning=meanings.get(name, (None, None))[0],
            layer=meanings.get(name, (None, None))[1],
            severities=frozenset(
                {r.severity for r in raised.get(name, ())}
                | ({history_severity[name]} if name in history_severity else set())
            ),
            raised=raised.get(name, ()),
        )
        for name in every
    }


def _package(env: BuildEnvironment) -> Path:
    return Path(env.srcdir).parent / "src" / "concernshare"


def _documented(env: BuildEnvironment) -> dict[str, dict[str, Any]]:
    if not hasattr(env, "concernshare_problems"):
        env.concernshare_problems = {}  # type: ignore[attr-defined]
    found: dict[str, dict[str, Any]] = env.concernshare_problems  # type: ignore[attr-defined]
    return found


def _severity_words(severities: frozenset[str]) -> str:
    if severities == {"warning"}:
        return "warning (an error with --strict)"
    if severities == {"error", "warning"}:
        return "error or warning, by case"
    return "error"


class ProblemCode(SphinxDirective):
    """One code: ``problem-code`` with the code as argument and how to fix it as content."""

    required_arguments = 1
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"meaning": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        """Render the code's section: meaning, severity, the messages it comes with, and the fix."""
        name = self.arguments[0]
        known = known_codes(_package(self.env)).get(name)
        given = self.options.get("meaning")
        if known is None:
            LOGGER.warning(
                "problem-code %s: no such code in the source of concernshare", name, location=self.get_location()
            )
            return []
        if known.meaning and given:
            LOGGER.warning(
                "problem-code %s: the meaning comes from the code's table; remove :meaning:",
                name,
                location=self.get_location(),
            )
        meaning = known.meaning or given
        if not meaning:
            LOGGER.warning(
                "problem-code %s: no table in the code gives its meaning; add :meaning:",
                name,
                location=self.get_location(),
            )
            meaning = ""
        if name in _documented(self.env):
            LOGGER.warning("problem-code %s is documented twice", name, location=self.get_location())
        _documented(self.env)[name] = {
            "docname": self.env.docname,
            "meaning": meaning,
            "severity": _severity_words(known.severities),
        }
        anchor = name.lower()
        part = section(self, anchor, name)
        part += paragraph(nodes.strong("Meaning: ", "Meaning: "), meaning)
        part += paragraph(nodes.strong("Severity: ", "Severity: "), _severity_words(known.severities))
        messages = sorted({r.message for r in known.raised if r.message})
        if messages:
            part += paragraph(
                nodes.strong("Messages: ", "Messages: "),
                "what the library says (… stands for a detail filled in at run time):",
            )
            listing = nodes.bullet_list()
            for message in messages:
                item = nodes.list_item()
                item += paragraph(code(message))
                listing += item
            part += listing
        if not self.content:
            LOGGER.warning("problem-code %s: say how to fix it", name, location=self.get_location())
        fix = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, fix)
        part += paragraph(nodes.strong("How to fix it: ", "How to fix it: "))
        part += fix.children
        return [part]


class problem_index(nodes.General, nodes.Element):  # noqa: N801  (docutils names nodes in lower case)
    """Where the table of every documented code goes, once the page is read."""


class ProblemIndex(SphinxDirective):
    """``problem-codes-index``: a table of every code on the page, filled in when the page has been read."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """Leave a placeholder; :func:`_fill_index` replaces it."""
        return [problem_index()]


def _fill_index(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    for placeholder in doctree.findall(problem_index):
        rows = []
        for name, facts in sorted(_documented(env).items()):
            if facts["docname"] != env.docname:
                continue
            link = nodes.reference("", "", code(name), internal=True, refid=name.lower())
            rows.append([link, facts["severity"], facts["meaning"]])
        placeholder.replace_self(table(["Code", "Severity", "Meaning"], rows, widths=[1, 2, 6]))


def _check(app: Sphinx, env: BuildEnvironment) -> None:
    del app
    known = known_codes(_package(env))
    documented = _documented(env)
    for name in sorted(set(known) - set(documented)):
        LOGGER.warning(
            "the code %s exists in the source of concernshare but the docs do not document it: add a "
            "problem-code directive with how to fix it",
            name,
        )


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    """Take in what a parallel reader found in the documents it read."""
    del app
    for name, facts in _documented(other).items():
        if facts["docname"] in docnames:
            _documented(env)[name] = facts


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    del app
    for name, facts in list(_documented(env).items()):
        if facts["docname"] == docname:
            del _documented(env)[name]


def setup(app: Sphinx) -> None:
    """Register the directives and the completeness check."""
    app.add_node(problem_index)
    app.add_directive("problem-code", ProblemCode)
    app.add_directive("problem-codes-index", ProblemIndex)
    app.connect("doctree-read", _fill_index)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-check-consistency", _check)
