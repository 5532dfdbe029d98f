"""The package as users get it: its data are real files, and the demo's story never drifts from examples/.

``.ci/package`` builds the wheel and the sdist and runs the CLI from each, installed outside the repository;
these tests keep the source tree in the shape that makes that work.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "concernshare"
STORY = PACKAGE / "_story"

#: examples/ is where the story is written and reviewed; the package carries a byte-identical copy.
SYNC = (
    "rm -f src/concernshare/_story/messages/*.json && cp examples/messages/*.json src/concernshare/_story/messages/"
    " && cp examples/routing/mash-front-door.json src/concernshare/_story/"
)


def test_nothing_in_the_package_or_at_the_root_is_a_symlink() -> None:
    """A symlink is left out of (or dangles in) the wheel and the sdist: package data must be real files."""
    links = [str(path.relative_to(ROOT)) for path in [*PACKAGE.rglob("*"), *ROOT.iterdir()] if path.is_symlink()]
    assert links == []


def test_the_schemas_ship_inside_the_package() -> None:
    names = sorted(path.name for path in (PACKAGE / "schemas").glob("*.schema.json"))
    assert names == [
        "chronology.schema.json",
        "directory.schema.json",
        "household.schema.json",
        "message.schema.json",
        "routing.schema.json",
    ]


def test_the_story_in_the_package_is_the_examples_byte_for_byte() -> None:
    """The examples are the source; the demo's copy must hold the same files with the same bytes."""
    examples = {path.name: path.read_bytes() for path in (ROOT / "examples" / "messages").glob("*.json")}
    story = {path.name: path.read_bytes() for path in (STORY / "messages").iterdir()}
    assert sorted(story) == sorted(examples), f"the demo's story lists other files than examples/; run: {SYNC}"
    differ = sorted(name for name in examples if story[name] != examples[name])
    assert differ == [], f"the demo's story differs from examples/; run: {SYNC}"
    rules = (ROOT / "examples" / "routing" / "mash-front-door.json").read_bytes()
    assert (STORY / "mash-front-door.json").read_bytes() == rules, f"the demo's rules differ; run: {SYNC}"


def test_tzdata_is_a_dependency_on_every_platform() -> None:
    """Not only on Windows: slim Linux images have no /usr/share/zoneinfo either."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    tzdata = [spec for spec in project["dependencies"] if spec.startswith("tzdata")]
    assert tzdata, "tzdata is not a runtime dependency"
    assert all(";" not in spec for spec in tzdata), "tzdata must not depend on an environment marker"


def test_the_cli_works_with_no_system_time_zone_database(tmp_path: Path) -> None:
    """Europe/London comes from the tzdata package when the system has no zoneinfo (a slim container)."""
    env = {**os.environ, "PYTHONTZPATH": str(tmp_path), "PYTHONPATH": str(ROOT / "src")}
    for argv in (["--help"], ["schema", "message"]):
        done = subprocess.run(
            [sys.executable, "-m", "concernshare", *argv],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert (done.returncode, done.stderr) == (0, ""), argv
    probe = (
        "import zoneinfo, sys; zoneinfo.reset_tzpath(); "
        "print(zoneinfo.ZoneInfo('Europe/London').key, sys.modules.get('tzdata') is not None)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.split() == ["Europe/London", "True"], done.stderr


@pytest.mark.parametrize("name", ["LICENSE"])
def test_the_licence_text_ships(name: str) -> None:
    text = (ROOT / name).read_text(encoding="utf-8")
    assert "Apache License" in text
    assert "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
