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
from concernshare.chronology.build import build_chronologies
from concernshare.chronology.export import to_html, to_html_many
from concernshare.records import Status
from concernshare.validation import validate

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
EXAMPLES = Path(__file__).parent.parent / "examples" / "messages"
ATTACK = '<script>window.pwned = 1; alert(1)</script><img src=x onerror="window.pwned = 2">'
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
]


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
            f"{self.base}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
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


GENERATED = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def _chronology() -> Chronology:
    """Kai's example chronology, with a script hidden in one summary."""
    messages = [validate(p.read_bytes()) for p in sorted(EXAMPLES.glob("*.json"))]
    chronology = build_chronology(messages, child="9990000026", generated=GENERATED)
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
def family(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[Chronology, ...]]:
    """The page of the examples' three children (Kai, the unborn sibling, Tyler) written to a file."""
    _require_browser()
    chronologies = build_chronologies(
        [validate(p.read_bytes()) for p in sorted(EXAMPLES.glob("*.json"))], generated=GENERATED
    )
    path = tmp_path_factory.mktemp("family") / "chronologies.html"
    path.write_text(to_html_many(chronologies), encoding="utf-8")
    return path, chronologies


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_WebDriver]:
    """A chromedriver with one headless Chromium session."""
    _require_browser()
    port = _free_port()
    process = subprocess.Popen(
        [str(CHROMEDRIVER), f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
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
        created = driver.call(
            "POST",
            "/session",
            {
                "capabilities": {
                    "alwaysMatch": {
                        "browserName": "chrome",
                        "goog:chromeOptions": options,
                        "goog:loggingPrefs": {"browser": "ALL"},
                    }
                }
            },
        )
        driver.session = created["sessionId"]
        yield driver
        driver.command("DELETE", "")
    finally:
        process.terminate()
        process.wait(timeout=10)


def _open(driver: _WebDriver, path: Path) -> _WebDriver:
    driver.command("POST", "/se/log", {"type": "browser"})  # what an earlier page logged is not this page's
    driver.command("POST", "/url", {"url": path.as_uri()})
    return driver


@pytest.fixture
def browser(driver: _WebDriver, report: tuple[Path, Chronology]) -> _WebDriver:
    """The session, having just opened Kai's report."""
    return _open(driver, report[0])


@pytest.fixture
def family_browser(driver: _WebDriver, family: tuple[Path, tuple[Chronology, ...]]) -> _WebDriver:
    """The session, having just opened the family page."""
    return _open(driver, family[0])


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
    assert counts == {
        "lanes": len(chronology.agencies),
        "marks": len(chronology.entries),
        "drawn": len(chronology.entries),
    }


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


def test_the_family_page_shows_each_childs_timeline(
    family_browser: _WebDriver,
    family: tuple[Path, tuple[Chronology, ...]],
) -> None:
    """Each child's article draws its own timeline: a lane per agency and a visible mark per entry of that child."""
    found = family_browser.script(
        "return [...document.querySelectorAll('main > article')].map(article => {"
        " const svg = article.querySelector('svg.timeline'), box = svg.getBoundingClientRect();"
        " const marks = [...svg.querySelectorAll('a')];"
        " return {id: article.id, width: box.width, height: box.height,"
        "  lanes: svg.querySelectorAll('.lname').length, marks: marks.length,"
        "  drawn: marks.filter(a => { const r = a.getBoundingClientRect(); return r.width > 0 && r.height > 0; })"
        "  .length, rows: article.querySelectorAll('section[id$=\"-entries\"] tbody tr').length}; });"
    )
    chronologies = family[1]
    assert [f["id"] for f in found] == ["c1", "c2", "c3"]
    for seen, chronology in zip(found, chronologies, strict=True):
        assert seen["width"] > 800
        assert seen["height"] > 40
        entries = len(chronology.entries)
        assert (seen["lanes"], seen["marks"], seen["drawn"], seen["rows"]) == (
            len(chronology.agencies),
            entries,
            entries,
            entries,
        )


def test_the_family_pages_ids_are_unique_and_its_links_land_in_the_right_child(family_browser: _WebDriver) -> None:
    """No id is used twice; every in-page link has a target; a mark in Tyler's timeline leads to Tyler's row."""
    found = family_browser.script(
        "const ids = [...document.querySelectorAll('[id]')].map(e => e.id);"
        "const links = [...document.querySelectorAll('a[href^=\"#\"]')].map(a => a.getAttribute('href').slice(1));"
        "return {ids: ids.length, unique: new Set(ids).size, dangling: links.filter(i => !document.getElementById(i)),"
        " links: links.length};"
    )
    assert found["ids"] == found["unique"] > 60
    assert found["dangling"] == []
    assert found["links"] > 50
    target = family_browser.script(
        "const mark = document.querySelector('#c3 svg.timeline a');"
        "const row = document.getElementById(mark.getAttribute('href').slice(1));"
        "location.hash = mark.getAttribute('href');"
        "const box = row.getBoundingClientRect();"
        "return {article: row.closest('article').id, row: row.id, scrolled: window.scrollY,"
        " seen: box.top >= 0 && box.bottom <= window.innerHeight};"
    )
    assert (target["article"], target["row"]) == ("c3", "c3-e1")
    assert target["scrolled"] > 1000
    assert target["seen"]


def test_tylers_notification_is_only_in_his_article(
    family_browser: _WebDriver,
    family: tuple[Path, tuple[Chronology, ...]],
) -> None:
    """The police notification about Tyler shows in his article, in Kai's as a household event, not the unborn's."""
    circumstances = family[1][2].entries[0].summary
    texts = family_browser.script("return [...document.querySelectorAll('main > article')].map(a => a.innerText);")
    assert [circumstances in text for text in texts] == [True, False, True]


def test_the_family_page_logs_no_errors(family_browser: _WebDriver) -> None:
    """The family page logs no error and no warning either."""
    entries = family_browser.command("POST", "/se/log", {"type": "browser"})
    assert [e for e in entries if e["level"] in ("SEVERE", "WARNING")] == []


def test_screenshots_of_each_child_can_be_taken(family_browser: _WebDriver, tmp_path: Path) -> None:
    """A screenshot of the top of the page and of each child's article, kept to look at."""
    for name in ("top", "c1", "c2", "c3"):
        family_browser.script(
            "window.scrollTo(0, 0);"
            if name == "top"
            else f"document.getElementById({json.dumps(name)}).scrollIntoView();"
        )
        png = base64.b64decode(family_browser.command("GET", "/screenshot"))
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(png) > 20_000
        (tmp_path / f"family-{name}.png").write_bytes(png)
