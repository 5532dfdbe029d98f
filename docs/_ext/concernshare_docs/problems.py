"""``problem-code`` and ``problem-codes-index``: every problem code, its meaning, and how to fix it.

Everything the library knows about a code (its layer, severity, meaning and
messages) is read from :data:`concernshare.catalogue.CATALOGUE`; the page
writes only how to fix it, under ``problem-code``, in a section headed with
the code's layer. A code in the catalogue that the docs do not document, a
documented code that is not in the catalogue, a code documented under
another layer's heading and a code with no fix are build warnings (``-W``
makes them errors).
"""

from __future__ import annotations

import string
from typing import Any, Final

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from concernshare.catalogue import CATALOGUE, Entry, Template
from concernshare.errors import Severity
from concernshare_docs._nodes import code, paragraph, section, table

__all__ = ["ProblemCode", "ProblemIndex", "setup", "shown"]

LOGGER: Final = logging.getLogger(__name__)


def shown(template: Template) -> str:
    """A message as the page shows it: each value filled in at run time as …."""
    parts = string.Formatter().parse(template.text)  # literal text (braces unescaped) and the field that follows
    return "".join(literal + ("…" if name is not None else "") for literal, name, _, _ in parts)


def severity_words(entry: Entry) -> str:
    """How much the code matters, in words."""
    if entry.severities == {Severity.WARNING}:
        return "warning (an error with --strict)"
    if len(entry.severities) > 1:
        return "error or warning, by case"
    return "error"


def _documented(env: BuildEnvironment) -> dict[str, dict[str, Any]]:
    if not hasattr(env, "concernshare_problems"):
        env.concernshare_problems = {}  # type: ignore[attr-defined]
    found: dict[str, dict[str, Any]] = env.concernshare_problems  # type: ignore[attr-defined]
    return found


class ProblemCode(SphinxDirective):
    """One code: ``problem-code`` with the code as argument and how to fix it as content."""

    required_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        """Render the code's section: meaning, severity, the messages it comes with, and the fix."""
        name = self.arguments[0]
        entry = CATALOGUE.get(name)
        if entry is None:
            LOGGER.warning(
                "problem-code %s: no such code in concernshare.catalogue", name, location=self.get_location()
            )
            return []
        if name in _documented(self.env):
            LOGGER.warning("problem-code %s is documented twice", name, location=self.get_location())
        _documented(self.env)[name] = {
            "docname": self.env.docname,
            "meaning": entry.meaning,
            "severity": severity_words(entry),
        }
        part = section(self, name.lower(), name)
        part += paragraph(nodes.strong("Meaning: ", "Meaning: "), entry.meaning)
        part += paragraph(nodes.strong("Severity: ", "Severity: "), severity_words(entry))
        if entry.messages:
            part += paragraph(
                nodes.strong("Messages: ", "Messages: "),
                "what the library says (… stands for a detail filled in at run time):",
            )
            listing = nodes.bullet_list()
            mixed = len(entry.severities) > 1
            for template in entry.messages.values():
                item = nodes.list_item()
                item += paragraph(code(shown(template)), f" ({template.severity})" if mixed else "")
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


def _check_layers(doctree: nodes.document) -> None:
    """Warn of a code documented under a heading that is not its layer's."""
    for part in doctree.findall(nodes.section):
        name = next((i.upper() for i in part["ids"] if i.upper() in CATALOGUE), None)
        if name is None:
            continue
        above = part.parent
        heading = above[0].astext() if isinstance(above, nodes.section) and isinstance(above[0], nodes.title) else None
        if heading != CATALOGUE[name].layer.value:
            LOGGER.warning(
                "problem-code %s is under the heading %r; the catalogue puts it under %r",
                name,
                heading,
                CATALOGUE[name].layer.value,
                location=part,
            )


def _fill_index(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    _check_layers(doctree)
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
    documented = _documented(env)
    for name in sorted(set(CATALOGUE) - set(documented)):
        LOGGER.warning(
            "the code %s is in concernshare.catalogue but the docs do not document it: add a "
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
