"""The ``concernshare`` command line: ``main(argv) -> exit code``, never a traceback.

Exit 0 when all is well, 1 when a document is invalid or refused, 2 on a
usage error. Documents and JSON go to stdout; problems and progress to stderr.
Only the module of the command that runs is imported (see
:mod:`concernshare.cli._parser`), so that ``concernshare --help`` and a quick
``validate`` do not wait for routing, the chronology or a transport.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import IO

from concernshare.cli._parser import EXIT_INVALID, EXIT_USAGE, build_parser, parser_for

__all__ = ["build_parser", "main"]


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
        arguments = sys.argv[1:] if argv is None else list(argv)
        args = parser_for(arguments).parse_args(arguments)
        code: int = args.run(args, out, err, stdin or sys.stdin.buffer)
        out.flush()
    except KeyboardInterrupt:
        err.write("concernshare: interrupted\n")
        return 130
    except Exception as error:  # every error becomes one line; _failed says which
        return _failed(error, args, out, err)
    return code


def _failed(error: Exception, args: argparse.Namespace | None, out: IO[str], err: IO[str]) -> int:
    """Write the one line an error gives, and return the exit code.

    The error classes are imported here, on the way out, rather than at the
    top: ``--help`` and the quick commands never pay for them.
    """
    from concernshare.errors import ConcernshareError, UsageError  # noqa: PLC0415  (see the docstring)

    if isinstance(error, UsageError):
        err.write(f"{error}\n")
        return EXIT_USAGE
    if isinstance(error, ConcernshareError):
        err.write(f"concernshare: refused: {error}\n")
        return EXIT_INVALID
    if isinstance(error, OSError):
        _quiet_stdout(out)
        if not isinstance(error, BrokenPipeError):
            err.write(f"{_command(args)}: {_os_problem(error)}\n")
        return EXIT_INVALID
    # the last resort: one line, never a traceback
    err.write(
        f"{_command(args)}: failed unexpectedly ({type(error).__name__}); the error's text is not shown, "
        "as it may quote a message's content\n"
    )
    return EXIT_INVALID
