"""Run one fuzz target under atheris (libFuzzer, coverage-guided on the concernshare package).

    python tests/fuzz/run.py TARGET CORPUS_DIR [libFuzzer options...]

CORPUS_DIR is created and seeded from examples/ and conformance/ (seeds already there are kept);
libFuzzer adds every input that reaches new code to it. Useful options: ``-runs=N``,
``-max_total_time=SECONDS``, ``-timeout=SECONDS`` (one input), ``-rss_limit_mb=MB``, ``-jobs=N``.
A crash (any exception but the library's typed errors) stops the run with its traceback, writes the
input as ``crash-<sha1>`` and exits non-zero; ``python tests/fuzz/run.py TARGET CRASH_FILE`` replays it.
libFuzzer's last line, ``Done N runs in S second(s)``, counts the inputs tried.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports(include=["concernshare"]):
    import targets

import mutate  # after the instrumented imports: the harness itself is not measured


def main() -> None:
    if len(sys.argv) < 3 or sys.argv[1] not in targets.TARGETS:
        sys.exit(f"usage: run.py {{{','.join(targets.TARGETS)}}} CORPUS_DIR|CRASH_FILE [libFuzzer options]")
    name, where = sys.argv[1], Path(sys.argv[2])
    target = targets.TARGETS[name]
    if where.is_file():  # replay one input and its structural variant
        data = where.read_bytes()
        targets.run_one(target, data)
        variant = mutate.derived(data)
        if variant is not None:
            targets.run_one(target, variant)
        print(f"fuzz {name}: {where} replayed, no crash")
        return
    where.mkdir(parents=True, exist_ok=True)
    for seed in targets.seeds(name):
        (where / hashlib.sha1(seed).hexdigest()).write_bytes(seed)  # noqa: S324  (a file name, not security)

    def one_input(data: bytes) -> None:
        targets.run_one(target, data)
        variant = mutate.derived(data)
        if variant is not None:
            targets.run_one(target, variant)

    atheris.Setup([sys.argv[0], *sys.argv[2:]], one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
