"""A short fuzzing campaign in CI, and a regression test for every crash a campaign found.

Each target runs under atheris (coverage-guided libFuzzer) in its own process, bounded by a count
of inputs and a time, from the seeds in examples/ and conformance/. Any exception other than the
library's typed errors (ConcernshareError) fails the test with its traceback. The long run is
documented in docs/security-fuzzing.md.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from concernshare.errors import MalformedMessage

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import targets  # noqa: E402  (beside this file, not a package)

#: About a minute in all: the inputs and seconds each target gets in CI.
RUNS = int(os.environ.get("CONCERNSHARE_FUZZ_RUNS", "20000"))
SECONDS = int(os.environ.get("CONCERNSHARE_FUZZ_SECONDS", "6"))


@pytest.mark.parametrize("target", sorted(targets.TARGETS))
def test_a_short_campaign_finds_no_crash(target: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(HERE.parent.parent / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [
            sys.executable,
            str(HERE / "run.py"),
            target,
            str(tmp_path / "corpus"),
            f"-runs={RUNS}",
            f"-max_total_time={SECONDS}",
            "-timeout=30",
            "-rss_limit_mb=2048",
            f"-artifact_prefix={tmp_path}/",
            "-print_final_stats=1",
        ],
        capture_output=True,
        text=True,
        timeout=SECONDS + 120,
        env=env,
        check=False,
        cwd=tmp_path,
    )
    crashes = sorted(path.name for path in tmp_path.iterdir() if re.match(r"(crash|timeout|oom|leak)-", path.name))
    report = done.stderr[-6000:]
    assert crashes == [], f"{target}: exit {done.returncode}, {crashes}\n{report}"
    assert done.returncode == 0, f"{target}: exit {done.returncode}\n{report}"
    ran = re.search(r"^Done (\d+) runs", done.stderr, re.MULTILINE)
    assert ran is not None, report
    assert int(ran.group(1)) > 0


@pytest.mark.parametrize("target", sorted(targets.TARGETS))
def test_every_target_has_seeds_it_accepts_without_a_crash(target: str) -> None:
    """The seeds are real documents (so the campaign starts deep), and none of them is a crash."""
    seeds = targets.seeds(target)
    assert len(seeds) >= 3
    for seed in seeds[:5]:
        targets.run_one(targets.TARGETS[target], seed)


def test_a_non_typed_error_is_a_crash() -> None:
    """run_one lets anything but the library's typed errors through, so the campaign can fail."""

    def broken(_data: bytes) -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError):
        targets.run_one(broken, b"{}")


def _example(name: str) -> dict[str, object]:
    document = json.loads((targets.EXAMPLES / "messages" / name).read_bytes())
    document["sent"] = targets.NOW_TEXT
    return document


@pytest.mark.parametrize("value", [{"": None}, ["concern"], 7])
def test_crash_readable_type_or_status_not_a_string(value: object) -> None:
    """Found by the receive campaign: a validly signed message whose ``type`` is an object made naming the
    refused message raise TypeError (unhashable) instead of answering with a rejection."""
    document = _example("01-concern-health-visitor-neglect.json")
    document["type"] = value
    received = targets.receive_signed(json.dumps(document).encode())
    assert received.message is None
    assert received.rejection is not None
    assert any(problem.pointer == "/type" for problem in received.problems)


@pytest.mark.parametrize("value", [{"": None}, ["actual"], 7])
def test_a_status_not_a_string_is_refused_unanswered(value: object) -> None:
    """The same for ``status``: a trust check needs it, so a message whose status cannot be read is refused
    before its content, unanswered, with a typed error that names the member (never a TypeError)."""
    document = _example("01-concern-health-visitor-neglect.json")
    document["status"] = value
    with pytest.raises(MalformedMessage) as refused:
        targets.receive_signed(json.dumps(document).encode())
    assert [(p.pointer, p.code) for p in refused.value.problems] == [("/status", "CS012")]
