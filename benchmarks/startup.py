"""Command-line start-up: ``concernshare --help`` and ``validate`` of one file, against ``import concernshare``.

    .venv/bin/python -m benchmarks.startup [--runs 20]

Each command runs as a child process, as a user runs it; the CPU time (user and
system) comes from the child's own resource usage, the best of ``--runs`` runs.
The baseline is a Python that only imports the package. The aim: both commands
within 2x the baseline. A measurement, not a test (``tests/test_cli_startup.py``
checks which modules ``--help`` imports).

The children read compiled bytecode, as an installed package's do: they keep
it under a temporary ``PYTHONPYCACHEPREFIX`` (so the checkout is not written
to), filled by one run of each row before any is measured, and
``PYTHONDONTWRITEBYTECODE`` is not passed on. Without this, a checkout run
with that variable set compiles every module of the package from its source
in every run, and the figures are start-up plus compilation.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from typing import Final

from benchmarks.scenario import ROOT

AIM: Final = 2.0
_LAUNCHER: Final = (
    "import json, os, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "_, _, usage = os.wait4(child.pid, 0)\n"
    "print(json.dumps(usage.ru_utime + usage.ru_stime))\n"
)


def cpu_seconds(arguments: list[str], environment: dict[str, str] | None = None) -> float:
    """The CPU time of one child process running ``arguments``."""
    report = subprocess.run(  # noqa: S603  (our own interpreter and arguments)
        [sys.executable, "-c", _LAUNCHER, *arguments],
        capture_output=True,
        check=True,
        text=True,
        env=environment,
    )
    seconds: float = json.loads(report.stdout)
    return seconds


def _with_bytecode(cache: str) -> dict[str, str]:
    """This process's environment, with compiled modules kept under ``cache`` and written there."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    environment["PYTHONPYCACHEPREFIX"] = cache
    return environment


def measure(runs: int) -> dict[str, float]:
    """The best CPU milliseconds of each row over ``runs`` runs, the rows taking turns, bytecode compiled first."""
    with tempfile.TemporaryDirectory(prefix="concernshare-bytecode-") as cache:
        return _measure(runs, _with_bytecode(cache))


def _measure(runs: int, environment: dict[str, str]) -> dict[str, float]:
    example = str(sorted((ROOT / "examples" / "messages").glob("*.json"))[0])
    rows = {
        "python -c 'import concernshare'": [sys.executable, "-c", "import concernshare"],
        "concernshare --help": [sys.executable, "-m", "concernshare", "--help"],
        "concernshare validate FILE": [sys.executable, "-m", "concernshare", "validate", example],
    }
    for arguments in rows.values():  # compile every module each row imports, once
        cpu_seconds(arguments, environment)
    best = dict.fromkeys(rows, float("inf"))
    for _ in range(runs):
        for name, arguments in rows.items():
            best[name] = min(best[name], cpu_seconds(arguments, environment) * 1000)
    return best


def main(argv: list[str] | None = None) -> int:
    """Print each row's CPU milliseconds and its ratio to the import; the last line gives both ratios."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each row; the best is kept (default 20)")
    args = parser.parse_args(argv)
    best = measure(args.runs)
    baseline = best["python -c 'import concernshare'"]
    print(f"best of {args.runs} runs, CPU time (user + system) of each child process, from compiled bytecode")
    print(f"{'':34} {'CPU ms':>8} {'x import':>9}")
    for name, milliseconds in best.items():
        print(f"{name:34} {milliseconds:8.1f} {milliseconds / baseline:8.2f}x")
    ratios = [best[name] / baseline for name in ("concernshare --help", "concernshare validate FILE")]
    print(
        f"\naim: each within {AIM:.0f}x the import: "
        + ", ".join(f"{r:.2f}x ({'met' if r <= AIM else 'NOT met'})" for r in ratios)
    )
    print(f"help {ratios[0]:.2f}x validate {ratios[1]:.2f}x of the import")
    return 0


if __name__ == "__main__":
    sys.exit(main())
