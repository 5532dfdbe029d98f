"""Bulk validation: ``concernshare validate --jsonl`` over many messages, against ``json.loads`` of the same lines.

And against ``json.loads`` plus jsonschema-rs's verdict on each line: the least
a validator of this format can do, and the baseline of the aim.

The lines are the valid examples in ``examples/messages`` and the benchmark's
concern, each with its own id, in turn: a mix of the twelve message types,
about 4 KB a line on average. Both sides run as a child process reading the
same file, so that each figure includes what a user waits for (start-up
included, a fraction of a percent at 100,000 lines); the CPU time and the peak
resident memory come from the child's own resource usage. The child is started
by a small launcher, not by the benchmark itself, whose memory a forked child
would otherwise count as its own.

``python -m benchmarks.bulk [--lines N]`` runs this part alone, with one more
side: the library's ``validation.iter_problems`` on each line, in a loop of
its own, so that what the command line adds to each line (reading, the
report, the progress) shows apart from what validation costs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Final

from benchmarks.scenario import ROOT, concern_document, document_with_id

_BASELINE: Final = (
    "import json, sys\nwith open(sys.argv[1], 'rb') as lines:\n    for line in lines:\n        json.loads(line)\n"
)
SCHEMA_BASELINE: Final = "json.loads + jsonschema-rs of each line"
# The same loop with jsonschema-rs's verdict on each line, against the bundled message schema read as a file.
_SCHEMA_BASELINE: Final = (
    "import json, sys, jsonschema_rs\n"
    "with open(sys.argv[2], 'rb') as text:\n"
    "    is_valid = jsonschema_rs.Draft202012Validator(json.load(text)).is_valid\n"
    "with open(sys.argv[1], 'rb') as lines:\n"
    "    for line in lines:\n"
    "        is_valid(json.loads(line))\n"
)
_SCHEMA: Final = ROOT / "src" / "concernshare" / "schemas" / "message.schema.json"
LIBRARY: Final = "validation.iter_problems of each line"
# The library's own verdict on each line, as the command line asks for it, without the command line around it.
_LIBRARY: Final = (
    "import datetime, sys\n"
    "from concernshare.validation import iter_problems\n"
    "now = datetime.datetime.now(datetime.UTC)\n"
    "with open(sys.argv[1], 'rb') as lines:\n"
    "    for line in lines:\n"
    "        list(iter_problems(line.removesuffix(b'\\n'), now=now))\n"
)


def write_lines(path: Path, count: int) -> int:
    """Write ``count`` messages, one per line; return the size of the file in bytes."""
    examples: list[dict[str, Any]] = [concern_document()]
    folder = ROOT / "examples" / "messages"
    examples += [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            document = document_with_id(examples[number % len(examples)], number)
            out.write(json.dumps(document, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
    return path.stat().st_size


_LAUNCHER: Final = (
    "import json, os, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "_, _, usage = os.wait4(child.pid, 0)\n"
    "print(json.dumps([usage.ru_utime + usage.ru_stime, usage.ru_maxrss]))\n"
)


def _child(arguments: list[str]) -> tuple[float, float, int]:
    """Run a child process; return its CPU seconds, wall seconds and peak resident memory in bytes."""
    started = time.perf_counter()
    report = subprocess.run(  # noqa: S603  (our own interpreter and arguments)
        [sys.executable, "-c", _LAUNCHER, *arguments],
        capture_output=True,
        check=True,
        text=True,
    )
    wall = time.perf_counter() - started
    cpu, peak = json.loads(report.stdout)
    return cpu, wall, peak * (1 if sys.platform == "darwin" else 1024)


def measure(path: Path, runs: int = 2, *, library: bool = False) -> dict[str, tuple[float, float, int]]:
    """The best of ``runs`` runs of each side: (CPU s, wall s, peak bytes); with ``library``, its side too."""
    sides = {
        "json.loads of each line": [sys.executable, "-c", _BASELINE, str(path)],
        SCHEMA_BASELINE: [sys.executable, "-c", _SCHEMA_BASELINE, str(path), str(_SCHEMA)],
        "concernshare validate --jsonl": [sys.executable, "-m", "concernshare", "validate", "--jsonl", str(path)],
    }
    if library:
        sides[LIBRARY] = [sys.executable, "-c", _LIBRARY, str(path)]
    best: dict[str, tuple[float, float, int]] = {}
    for _ in range(runs):
        for name, arguments in sides.items():
            result = _child(arguments)
            if name not in best or result[0] < best[name][0]:
                best[name] = result
    return best


def main(argv: list[str] | None = None) -> int:
    """Print each side's CPU per message, the ratio to json.loads + jsonschema-rs, and the command line's own cost."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bulk", description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000, help="messages to write and validate (default 20000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each side; the best is kept (default 3)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="concernshare-bulk-") as folder:
        path = Path(folder) / "messages.jsonl"
        size = write_lines(path, args.lines)
        results = measure(path, args.runs, library=True)
    print(f"{args.lines:,} messages as JSON Lines ({size / 1e6:.0f} MB), best of {args.runs} runs, CPU time")
    schema = results[SCHEMA_BASELINE][0]
    print(f"{'':40} {'us/msg':>8} {'x schema':>9}")
    for name, (cpu, _wall, _peak) in results.items():
        print(f"{name:40} {cpu / args.lines * 1e6:8.1f} {cpu / schema:8.2f}x")
    own = (results["concernshare validate --jsonl"][0] - results[LIBRARY][0]) / args.lines * 1e6
    print(f"\nthe command line's own cost per line (validate --jsonl less the library's loop): {own:.1f} us")
    ratio = results["concernshare validate --jsonl"][0] / schema
    print(f"bulk {ratio:.2f}x json.loads + jsonschema-rs (aim <= 4x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
