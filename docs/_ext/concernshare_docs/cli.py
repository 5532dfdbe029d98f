"""``cli-reference``: every command of ``concernshare.cli.build_parser()``, walked at build time.

Each command and sub-command gets a section with its description, its usage
line (formatted at a fixed width, so that the page does not depend on the
terminal that built it) and a table of its arguments: names, what each does,
and whether it is required, its choices and its default.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Final

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from concernshare_docs._nodes import Part, code, paragraph, section, table

__all__ = ["CliReference", "commands", "setup"]

LOGGER: Final = logging.getLogger(__name__)
WIDTH: Final = 88


def _subcommands(parser: argparse.ArgumentParser) -> Iterator[tuple[str, str | None, argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, child in action.choices.items():
                yield name, helps.get(name), child


def commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], str | None, argparse.ArgumentParser]]:
    """Every command below ``parser``: its path of names, its one-line help, and its parser."""
    for name, summary, child in _subcommands(parser):
        yield (*path, name), summary, child
        yield from commands(child, (*path, name))


def usage(parser: argparse.ArgumentParser) -> str:
    """The usage line at a fixed width."""
    formatter = argparse.HelpFormatter(prog=parser.prog, width=WIDTH)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    return formatter.format_help().strip()


def _details(action: argparse.Action, groups: list[argparse._MutuallyExclusiveGroup]) -> list[Part]:
    found: list[Part] = []
    if action.required and action.option_strings:
        found.append("required")
    for group in groups:
        if action in group._group_actions and group.required:
            others = [a.option_strings[0] for a in group._group_actions if a is not action]
            found.append("required unless " + " or ".join(others) + " is given")
    if action.choices is not None and not isinstance(action, argparse._SubParsersAction):
        found.append("one of " + ", ".join(str(c) for c in action.choices))
    if action.nargs in ("+", "*"):
        found.append("one or more" if action.nargs == "+" else "any number")
    default = action.default
    if (
        action.option_strings
        and default not in (None, False, argparse.SUPPRESS, "", [])
        and not (isinstance(action, argparse._StoreConstAction))
    ):
        found.append(f"default {default}")
    return found


def _arguments(parser: argparse.ArgumentParser) -> nodes.Node | None:
    groups = parser._mutually_exclusive_groups
    rows = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        if action.option_strings:
            names = ", ".join(action.option_strings)
            takes = action.metavar or (action.dest.upper() if action.nargs != 0 else None)
            label = f"{names} {takes}" if takes and action.nargs != 0 else names
        else:
            label = str(action.metavar or action.dest)
        details = _details(action, groups)
        rows.append([code(label), action.help or "", "; ".join(str(d) for d in details)])
    if not rows:
        return None
    return table(["Argument", "What it does", "Details"], rows, widths=[3, 5, 3])


class CliReference(SphinxDirective):
    """Render the whole command line."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """One section for the program, then one per command, nested as the commands are."""
        from concernshare.cli import build_parser  # noqa: PLC0415  (imported when the page is built)

        parser = build_parser()
        top = section(self, "cli-concernshare", code(parser.prog))
        if parser.description:
            top += paragraph(parser.description)
        top += nodes.literal_block(usage(parser), usage(parser))
        arguments = _arguments(parser)
        if arguments is not None:
            top += arguments
        summary_rows = []
        below = nodes.container()
        parents: dict[tuple[str, ...], nodes.Element] = {(): below}
        for path, summary, child in commands(parser):
            name = " ".join((parser.prog, *path))
            anchor = "cli-" + "-".join(path)
            part = section(self, anchor, code(name))
            description = child.description or summary
            if not description:
                LOGGER.warning(
                    "cli-reference: the command %r has neither a description nor a help line",
                    name,
                    location=self.get_location(),
                )
            else:
                part += paragraph(description[:1].upper() + description[1:].rstrip(".") + ".")
            part += nodes.literal_block(usage(child), usage(child))
            arguments = _arguments(child)
            if arguments is not None:
                part += arguments
            parents[path[:-1]] += part
            parents[path] = part
            link = nodes.reference("", "", code(name), internal=True, refid=anchor)
            summary_rows.append([link, summary or ""])
        top += paragraph("Commands:")
        top += table(["Command", "What it does"], summary_rows, widths=[2, 5])
        top.extend(below.children)
        return [top]


def setup(app: Sphinx) -> None:
    """Register the directive."""
    app.add_directive("cli-reference", CliReference)
