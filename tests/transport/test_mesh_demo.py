"""Tests for ``concernshare demo --transport mesh``: the story over a MESH sandbox the demo starts and stops."""

from __future__ import annotations

import importlib.util
import io
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from mesh_world import sandbox_unavailable

from concernshare.cli import main


def test_the_demo_plays_the_story_over_mesh_and_stops_the_sandbox(tmp_path: Path) -> None:
    """Every delivery of the story goes through a MESH mailbox, is accepted, and the sandbox is gone after."""
    if importlib.util.find_spec("mesh_sandbox") is None:
        sandbox_unavailable("mesh-sandbox is not installed")
    out, err = io.StringIO(), io.StringIO()
    code = main(["demo", "--transport", "mesh", "--out", str(tmp_path / "demo")], stdout=out, stderr=err)
    text = out.getvalue()
    assert code == 0, err.getvalue() + text
    plain = io.StringIO()
    assert main(["demo", "--out", str(tmp_path / "plain")], stdout=plain, stderr=io.StringIO()) == 0
    # The same story: as many deliveries accepted over MESH as views opened with the file transport.
    assert text.count("polled it: accepted") == plain.getvalue().count(" opened by ") > 20
    assert "polled it: refused" not in text
    assert (tmp_path / "demo" / "chronology-report.html").is_file()
    (url,) = re.findall(r"A MESH sandbox on (http://127\.0\.0\.1:[0-9]+)", text)
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{url}/health", timeout=2)  # noqa: S310  (loopback)


def test_the_file_transport_stays_the_default(tmp_path: Path) -> None:
    """Without --transport the demo carries nothing over MESH."""
    out = io.StringIO()
    assert main(["demo", "--out", str(tmp_path / "demo")], stdout=out, stderr=io.StringIO()) == 0
    assert "MESH" not in out.getvalue()
