"""``concernshare serve``: the front door that receives sealed messages as CloudEvents over HTTP(S)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import IO, Any

from concernshare.cli._inputs import EXIT_OK
from concernshare.errors import UsageError

__all__ = ["register"]

_EXTRA = "concernshare serve needs the serve extra: pip install 'concernshare[serve]'"


def register(commands: Any) -> None:
    """Add the serve command."""
    serve = commands.add_parser(
        "serve",
        help="run the front door: receive CloudEvents over HTTP(S), record them, acknowledge them",
        description="Receive sealed messages as structured-mode CloudEvents (POST /events), open each with the "
        "agency's keys, record it in the tracker and answer with the sealed acknowledgement; GET /inbox lists "
        "the concerns received with their due times. Settings come from the [serve] table of --config and from "
        "CONCERNSHARE_SERVE_* environment variables, which win. Needs the serve extra.",
    )
    serve.add_argument("--config", metavar="FILE", help="a TOML file with a [serve] table (see the HTTP guide)")
    serve.set_defaults(run=_serve)


def _serve(args: argparse.Namespace, _out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    try:
        from concernshare.serve.config import load_config  # noqa: PLC0415  (the serve extra is optional)
        from concernshare.serve.run import serve  # noqa: PLC0415
    except ImportError:
        raise UsageError(_EXTRA) from None
    serve(load_config(Path(args.config) if args.config else None))
    return EXIT_OK
