"""Run ``concernshare`` with one step of receiving patched to kill the process (SIGKILL) just after it.

``python receive_wrapper.py STEP ARG...`` runs ``concernshare ARG...``. STEP
is ``none`` (nothing patched), or the step after which the process dies:
``seen`` (the message recorded as seen), ``arrival`` (its arrival recorded),
``answer`` (an answer it carries recorded), ``delivery`` (the rejection's
delivery recorded) or ``output`` (the message printed, or the rejection
written, but not yet committed) or ``printed`` (``open`` printed the message,
not yet committed).
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from concernshare.cli import _exchange, _sealing, main
from concernshare.stores._sql import SQLStore

STEPS: dict[str, tuple[Any, str]] = {
    "seen": (SQLStore, "record"),
    "arrival": (SQLStore, "add_arrival"),
    "answer": (SQLStore, "add_answer"),
    "delivery": (SQLStore, "add_delivery"),
    "output": (_exchange, "_hand_over"),
    "printed": (_sealing, "hand_out"),
}


def die_after(owner: Any, name: str) -> None:
    """Replace ``owner.name`` with a function that runs it, then kills this process."""
    original = getattr(owner, name)

    def patched(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(owner, name, patched)


if __name__ == "__main__":
    if sys.argv[1] != "none":
        die_after(*STEPS[sys.argv[1]])
    sys.exit(main(sys.argv[2:]))
