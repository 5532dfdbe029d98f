"""The ``concernshare`` command line: ``main(argv) -> exit code``, never a traceback.

Exit 0 when all is well, 1 when a document is invalid or refused, 2 on a
usage error. Documents and JSON go to stdout; problems and progress to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import IO

from concernshare import __version__
from concernshare.cli import _chronology, _demo, _directory, _exchange, _mesh, _sealing, _serve, _validate
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
    for module in (_demo, _validate, _directory, _sealing, _exchange, _mesh, _chronology, _serve):
        module.register(commands)
    return parser


def _command(args: argparse.Namespace | None) -> str:
    """The command as the user typed it (``concernshare directory new``): what an error line starts with."""
    words = ["concernshare"]
    if args is not None:
        words += [str(w) for w in (getattr(args, "command", None), getattr(args, "action", None)) if w]
    return " ".join(words)


def _os_problem(error: OSError) -> str:
    """What the system said, and the file the command named: never the text of an arbitrary exception."""
    reason = error.strerror or type(error).__name__
    names = [str(n) for n in (error.filename, error.filename2) if isinstance(n, str | bytes | os.PathLike)]
    return f"{' -> '.join(names)}: {reason}" if names else reason


def _quiet_stdout(out: IO[str]) -> None:
    """After stdout failed (a closed pipe, a full disk), send what is left of it nowhere, so exit is quiet."""
    if out is not sys.__stdout__:
        return
    try:
        nowhere = os.open(os.devnull, os.O_WRONLY)
        os.dup2(nowhere, out.fileno())
        os.close(nowhere)
    except (OSError, ValueError):
        pass


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    stdin: IO[bytes] | None = None,
) -> int:
    """Run the command line and return its exit code.

    Every error is one line on stderr: the library's own errors as they are
    (they never quote a personal value), a system error as what the system
    said and the file the command named, and anything unexpected by its kind
    alone, since its text might quote a message's content.
    """
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = None
    try:
        args = build_parser().parse_args(argv)
        code: int = args.run(args, out, err, stdin or sys.stdin.buffer)
        out.flush()
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
        _quiet_stdout(out)
        return EXIT_INVALID
    except OSError as error:
        _quiet_stdout(out)
        err.write(f"{_command(args)}: {_os_problem(error)}\n")
        return EXIT_INVALID
    except Exception as error:  # the last resort: one line, never a traceback
        err.write(
            f"{_command(args)}: failed unexpectedly ({type(error).__name__}); the error's text is not shown, "
            "as it may quote a message's content\n"
        )
        return EXIT_INVALID
    return code
