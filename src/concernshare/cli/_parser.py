"""The light part of the command line: the exit codes, the parser class, and the table of commands.

Each command lives in a module that imports what its work needs (the
directory, sealing, routing, the chronology, a transport). Printing the list
of commands, or running one of them, should not pay for the others: the table
below names every command, its one-line help and its module, and
:func:`parser_for` imports only the module of the command that runs. The
other commands stand in the list as their names and help lines alone.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence
from typing import Any, Final

from concernshare import __version__

__all__ = ["COMMANDS", "EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "MODULES", "Parser", "build_parser", "parser_for"]

EXIT_OK: Final = 0
EXIT_INVALID: Final = 1
EXIT_USAGE: Final = 2


class Parser(argparse.ArgumentParser):
    """An argument parser that raises instead of exiting, so that main() decides the exit code."""

    def error(self, message: str) -> Any:
        from concernshare.errors import UsageError  # noqa: PLC0415  (only a misuse pays for the error classes)

        raise UsageError(f"{self.prog}: {message}")


#: Every command in the order of ``--help``: its name, the module under ``concernshare.cli`` that
#: registers it, and its help line (the module's own parser says the same: a test holds them together).
COMMANDS: Final = (
    ("demo", "_demo", "play the example story end to end (offline, throwaway keys, exercise messages)"),
    ("validate", "_validate", "validate messages"),
    ("schema", "_validate", "print a bundled JSON Schema"),
    ("keygen", "_directory", "generate an agency's (or an authority's) keys"),
    ("directory", "_directory", "build, sign and read the trust directory"),
    ("seal", "_sealing", "sign a message and encrypt it to its recipients"),
    ("sign", "_sealing", "sign a message without encrypting it"),
    ("open", "_sealing", "decrypt, verify and check a sealed message; print it"),
    ("verify", "_sealing", "verify a signed message; print it"),
    ("route", "_exchange", "show who would receive a message, in which view, by when, and why"),
    ("send", "_exchange", "route, redact, seal and record a message"),
    ("receive", "_exchange", "open, check and record a sealed message; print it"),
    ("track", "_exchange", "the closed loop: what is overdue, the state of a message, who has it"),
    ("mesh", "_mesh", "send to and poll a MESH mailbox"),
    ("chronology", "_chronology", "build each child's multi-agency chronology: JSON, CSV or an HTML report"),
    ("serve", "_serve", "run the front door: receive CloudEvents over HTTP(S), record them, acknowledge them"),
)
#: The command modules, each once, in the order of the table.
MODULES: Final = tuple(dict.fromkeys(module for _, module, _ in COMMANDS))


def _command_word(argv: Sequence[str]) -> str | None:
    """The command the arguments name: the first word that is not an option (the top level has no valued option)."""
    for word in argv:
        if word == "--":
            return None
        if not word.startswith("-"):
            return word
    return None


def _register(modules: set[str], *, others: bool = True) -> Parser:
    """The parser with the commands of ``modules`` in full and, with ``others``, every other command as its name
    and help line."""
    parser = Parser(
        prog="concernshare",
        description="Share a concern about a child between agencies: typed, signed, encrypted.",
    )
    parser.add_argument("--version", action="version", version=f"concernshare {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    for name, module, help_line in COMMANDS:
        if name in commands.choices:
            continue
        if module in modules:
            importlib.import_module(f"concernshare.cli.{module}").register(commands)
        elif others:
            commands.add_parser(name, help=help_line)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of every command in full (the docs site's CLI reference is built from it)."""
    return _register(set(MODULES))


def parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """Return a parser that parses ``argv`` as :func:`build_parser`'s would, importing only the command it names.

    When the arguments start with a known command, argparse goes straight to that command's parser, and the
    other commands, which only the top-level help and an unknown command's error show, are left out: each
    would cost a parser of its own.
    """
    word = _command_word(argv)
    modules = {module for name, module, _ in COMMANDS if name == word}
    return _register(modules, others=not (modules and argv and argv[0] == word))
