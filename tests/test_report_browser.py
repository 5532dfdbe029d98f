"""The HTML report in a real browser: headless Chromium, driven by chromedriver over the W3C WebDriver protocol.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/browser`` installs
them). Without them the tests are skipped, or fail when ``CI`` is set.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from concernshare.chronology import Chronology, Entry, build_chronology
from concernshare.chronology.export import to_html
from concernshare.records import Status
from concernshare.validation import validate

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
EXAMPLES = Path(__file__).parent.parent / "examples" / "messages"
ATTACK = "<script>window.pwned = 1; alert(1)</script><img src=x onerror=\"window.pwned = 2\">"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1400,1000"]


def _require_browser() -> None:
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    message = "Chromium and chromedriver are not installed: run .ci/browser"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


class _WebDriver:
    """The few W3C WebDriver commands these tests need, over plain HTTP."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.session = ""

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310  (always http://127.0.0.1: the chromedriver we started)
            f"{self.base}{path}", data=data, method=method, headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310  (the same)
                return json.loads(response.read())["value"]
        except urllib.error.HTTPError as error:
            return json.loads(error.read())["value"]

    def command(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.call(method, f"/session/{self.session}{path}", body)

    def script(self, source: str) -> Any:
        return self.command("POST", "/execute/sync", {"script": source, "args": []})


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _chronology() -> Chronology:
    """Kai's example chronology, with a script hidden in one summary."""
    messages = [validate(p.read_bytes()) for p in sorted(EXAMPLES.glob("*.json"))]
    chronology = build_chronology(messages, child="9990000026", generated=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    first: Entry = chronology.entries[0]
    return attrs.evolve(chronology, entries=(attrs.evolve(first, summary=ATTACK), *chronology.entries[1:]))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Chronology]:
    """The HTML report of the examples (with the hidden script) written to a file."""
    _require_browser()
    chronology = _chronology()
    path = tmp_path_factory.mktemp("report") / "chronology.html"
    path.write_text(to_html(chronology, statuses={Status.EXERCISE}), encoding="utf-8")
    return path, chronology


@pytest.fixture(scope="module")
def browser(report: tuple[Path, Chronology], tmp_path_factory: pytest.TempPathFactory) -> Iterator[_WebDriver]:
    """A chromedriver with one headless Chromium session that has opened the report."""
    port = _free_port()
    process = subprocess.Popen([str(CHROMEDRIVER), f"--port={port}"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    driver = _WebDriver(port)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if driver.call("GET", "/status")["ready"]:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("chromedriver did not start within 20 seconds")
            time.sleep(0.05)
        profile = tmp_path_factory.mktemp("profile")
        options = {"binary": str(CHROMIUM), "args": [*FLAGS, f"--user-data-dir={profile}"]}
        created = driver.call("POST", "/session", {"capabilities": {"alwaysMatch": {
            "browserName": "chrome", "goog:chromeOptions": options, "goog:loggingPrefs": {"browser": "ALL"},
        }}})
        driver.session = created["sessionId"]
        driver.command("POST", "/url", {"url": report[0].as_uri()})
        yield driver
        driver.command("DELETE", "")
    finally:
        process.terminate()
        process.wait(timeout=10)


def _size(browser: _WebDriver, selector: str) -> dict[str, float]:
    found: dict[str, float] = browser.script(
        f"const r = document.querySelector({json.dumps(selector)}).getBoundingClientRect();"
        "return {width: r.width, height: r.height};"
    )
    return found


def test_the_timeline_renders_with_a_mark_per_entry(browser: _WebDriver, report: tuple[Path, Chronology]) -> None:
    """The SVG timeline has a visible size, one lane label per agency and a drawn mark for every entry."""
    size = _size(browser, "svg.timeline")
    assert size["width"] > 800
    assert size["height"] > 100
    chronology = report[1]
    counts = browser.script(
        "const marks = [...document.querySelectorAll('svg.timeline a')];"
        "return {lanes: document.querySelectorAll('svg.timeline .lname').length, marks: marks.length,"
        " drawn: marks.filter(a => { const r = a.getBoundingClientRect(); return r.width > 0 && r.height > 0; })"
        ".length};"
    )
    assert counts == {"lanes": len(chronology.agencies), "marks": len(chronology.entries),
                      "drawn": len(chronology.entries)}


def test_the_table_renders_with_a_row_per_entry(browser: _WebDriver, report: tuple[Path, Chronology]) -> None:
    """The entries table has a visible size and one row per entry."""
    size = _size(browser, "#entries table")
    assert size["width"] > 800
    assert size["height"] > 500
    rows = browser.script("return document.querySelectorAll('#entries tbody tr').length;")
    assert rows == len(report[1].entries)


def test_the_injected_script_shows_as_text_and_never_runs(browser: _WebDriver) -> None:
    """The summary holding a script and an image shows them as text; neither runs, and no alert is open."""
    state = browser.script(
        "return {scripts: document.scripts.length, images: document.images.length, pwned: window.pwned === undefined"
        " ? null : window.pwned, text: document.querySelector('#e1').innerText};"
    )
    assert state["scripts"] == 0
    assert state["images"] == 0
    assert state["pwned"] is None
    assert ATTACK in state["text"]
    alert = browser.command("GET", "/alert/text")
    assert isinstance(alert, dict)
    assert alert.get("error") == "no such alert"


def test_the_page_logs_no_errors(browser: _WebDriver) -> None:
    """The browser console has no error and no warning: no blocked load, no CSP violation."""
    entries = browser.command("POST", "/se/log", {"type": "browser"})
    assert [e for e in entries if e["level"] in ("SEVERE", "WARNING")] == []


def test_a_screenshot_can_be_taken(browser: _WebDriver, tmp_path: Path) -> None:
    """A screenshot of the top of the report (the child, the banner, the timeline) is a PNG, kept to look at."""
    browser.script("window.scrollTo(0, 0);")
    png = base64.b64decode(browser.command("GET", "/screenshot"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 20_000  # a blank page is a few kilobytes
    (tmp_path / "report.png").write_bytes(png)
