"""``concernshare demo``: play the example story end to end, offline, with throwaway keys."""

from __future__ import annotations

import argparse
import importlib.util
import tempfile
from pathlib import Path
from typing import IO, Any

from concernshare._files import output_folder
from concernshare.cli._inputs import EXIT_INVALID, EXIT_OK, now
from concernshare.demo import run
from concernshare.errors import UsageError

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the demo command."""
    demo = commands.add_parser(
        "demo",
        help="play the example story end to end (offline, throwaway keys, exercise messages)",
        description="Generate throwaway keys and a signed directory, then play the story of the examples: a health "
        "visitor's neglect concern routed and sealed to the MASH, children's social care and the GP, each opening "
        "its own view; the MASH's acknowledgement and decision; chronology entries from the GP and the school; a "
        "police domestic-abuse notification to the school; and the chronology report.",
    )
    demo.add_argument("--out", metavar="DIR", help="a new or empty folder to play in (default: a new temporary folder)")
    demo.add_argument(
        "--transport",
        choices=["file", "mesh", "http"],
        default="file",
        help="how the sealed views travel: handed over in-process (file, the default), over a MESH "
        "sandbox started and stopped by the demo (mesh: needs mesh-client and mesh-sandbox), or posted "
        "as CloudEvents to a front door per agency on loopback (http; needs the serve extra)",
    )
    demo.set_defaults(run=_demo)


def _demo(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    if args.out:
        folder = output_folder(Path(args.out))
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise UsageError(
                f"concernshare demo: --out {folder} is not an empty folder: name a new or empty "
                "folder, so that nothing of yours is overwritten"
            )
    else:
        folder = Path(tempfile.mkdtemp(prefix="concernshare-demo-"))

    def say(line: str) -> None:
        out.write(line + "\n")
        out.flush()

    if args.transport == "mesh":
        try:
            from concernshare.transport import mesh_demo  # noqa: F401, PLC0415  (needs the optional MESH packages)
        except ImportError:
            raise UsageError(
                "concernshare demo --transport mesh needs mesh-client and mesh-sandbox: "
                "pip install 'concernshare[mesh]' mesh-sandbox"
            ) from None
    if args.transport == "http" and importlib.util.find_spec("starlette") is None:
        raise UsageError("concernshare demo --transport http needs the serve extra: pip install 'concernshare[serve]'")
    played = run(folder, now=now(), say=say, transport=args.transport)
    return EXIT_INVALID if played.refused else EXIT_OK
