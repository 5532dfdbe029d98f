"""Run the command line in a process that kills itself (SIGKILL) at one exact point, for the crash tests.

``cli_killer.py POINT N ARGV...`` runs ``concernshare ARGV...`` and kills the
process at the Nth time it reaches POINT:

- ``write``: halfway through writing the bytes of a sealed file (the first half is written);
- ``rename``: just before a sealed file is given its final name;
- ``renamed``: just after a sealed file was given its final name;
- ``record``: just before a delivery is recorded in the tracker;
- ``recorded``: just after a delivery was recorded.

If the point is never reached, the command finishes and its exit code is returned.
"""

from __future__ import annotations

import os
import pathlib
import signal
import sys
from collections.abc import Callable
from typing import Any

from concernshare.cli import main
from concernshare.tracker import Tracker

_SEALED = ".sealed.json"


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _counter(wanted: int) -> Callable[[], bool]:
    seen = 0

    def reached() -> bool:
        nonlocal seen
        seen += 1
        return seen == wanted

    return reached


def _patch(point: str, wanted: int) -> None:
    reached = _counter(wanted)
    if point == "write":
        real_write = os.write

        def write(descriptor: int, data: Any) -> int:
            if _SEALED in str(pathlib.Path(f"/proc/self/fd/{descriptor}").readlink()) and reached():
                real_write(descriptor, bytes(data)[: len(data) // 2])
                _die()
            return real_write(descriptor, data)

        os.write = write
    elif point in ("rename", "renamed"):
        real_replace = pathlib.Path.replace

        def replace(self: pathlib.Path, target: Any) -> pathlib.Path:
            sealed = str(target).endswith(_SEALED)
            if sealed and point == "rename" and reached():
                _die()
            moved = real_replace(self, target)
            if sealed and point == "renamed" and reached():
                _die()
            return moved

        pathlib.Path.replace = replace  # type: ignore[method-assign]
    elif point in ("record", "recorded"):
        real_record = Tracker.record_delivery

        def record(self: Tracker, **fields: Any) -> Any:
            if point == "record" and reached():
                _die()
            done = real_record(self, **fields)
            if point == "recorded" and reached():
                _die()
            return done

        Tracker.record_delivery = record  # type: ignore[method-assign]
    else:
        raise SystemExit(f"unknown point {point}")


if __name__ == "__main__":
    _patch(sys.argv[1], int(sys.argv[2]))
    sys.exit(main(sys.argv[3:]))
