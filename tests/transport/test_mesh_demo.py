"""Tests for ``concernshare demo --transport mesh``: the story over a MESH sandbox the demo starts and stops."""

from __future__ import annotations

import importlib.util
import io
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from mesh_world import sandbox_unavailable

import concernshare.transport
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


def test_without_mesh_client_the_demo_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If mesh-client cannot be imported, the demo exits 2 naming the packages, with no traceback."""
    monkeypatch.setitem(sys.modules, "mesh_client", None)
    for name in ("mesh", "mesh_demo"):
        monkeypatch.delitem(sys.modules, f"concernshare.transport.{name}", raising=False)
        monkeypatch.delattr(concernshare.transport, name, raising=False)
    err = io.StringIO()
    assert main(["demo", "--transport", "mesh", "--out", str(tmp_path / "demo")], stdout=io.StringIO(), stderr=err) == 2
    assert "needs mesh-client and mesh-sandbox" in err.getvalue()
