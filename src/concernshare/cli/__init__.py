"""The ``concernshare`` command line: ``main(argv) -> exit code``, never a traceback.

Exit 0 when all is well, 1 when a document is invalid or refused, 2 on a
usage error. Documents and JSON go to stdout; problems and progress to stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import IO

from concernshare import __version__
from concernshare.cli import _chronology, _demo, _directory, _exchange, _sealing, _serve, _validate
from concernshare.cli._inputs import EXIT_INVALID, EXIT_USAGE, Parser
from concernshare.errors import ConcernshareError, UsageError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of every command (the docs site's CLI reference is built from it)."""
    parser = Parser(
        prog="concernshare",
        description="Share a concern about a child between agencies: typed, signed, encrypted.",
    )
    parser.add_argument("--version", action="version", version=f"concernshare {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    for module in (_demo, _validate, _directory, _sealing, _exchange, _chronology, _serve):
        module.register(commands)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    stdin: IO[bytes] | None = None,
) -> int:
    """Run the command line and return its exit code."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
        code: int = args.run(args, out, err, stdin or sys.stdin.buffer)
    except UsageError as error:
        err.write(f"{error}\n")
        return EXIT_USAGE
    except ConcernshareError as error:
        err.write(f"concernshare: refused: {error}\n")
        return EXIT_INVALID
    except KeyboardInterrupt:
        err.write("concernshare: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_INVALID
    return code


