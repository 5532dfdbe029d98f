"""The front door's inbox page in headless Chromium, served by real uvicorn on loopback.

Drives the browser as tests/test_report_browser.py does (its WebDriver session
is reused). Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/browser``
installs them); without them the tests are skipped, or fail when ``CI`` is set.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest

from _cloudevents_world import HV, MASH, NOW, PERSONAL, concern, event, receiver, world
from concernshare.serve.app import FrontDoor, create_app
from concernshare.serve.inbox import spool_name
from concernshare.serve.run import running
from concernshare.transport.cloudevents import deliver, from_event
from test_report_browser import ATTACK, _require_browser, _WebDriver, driver

__all__ = ["driver"]  # the WebDriver session fixture, shared with the report's browser tests


@pytest.fixture(scope="module")
def doors(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """The MASH's inbox two days on: one concern decided, one overdue (its child's name holds a script).

    Served twice: as it is by default, and with the operator's key, which shows names.
    """
    _require_browser()
    made = world()
    mash = receiver(made, MASH)
    spool = tmp_path_factory.mktemp("spool")
    decided = concern()
    overdue = concern(subject={"name": {"given": ATTACK, "family": "Ashdown"}, "unborn": False})
    for message in (decided, overdue):
        outcome = deliver(from_event(event(made, message)), mash, at=NOW + dt.timedelta(minutes=1))
        assert outcome.accepted
        (spool / spool_name(HV, str(message.id))).write_bytes(from_event(event(made, message)).sealed)
    mash.tracker.record_delivery(
        message_id="9b0e6a43-8a3e-4c1f-9d0e-1a2b3c4d5e6f",
        message_type="decision",
        sender=MASH,
        recipient=HV,
        sent_at=NOW + dt.timedelta(hours=2),
        concern_id=decided.id,
    )

    def clock() -> dt.datetime:
        return NOW + dt.timedelta(days=2)

    plain = create_app(FrontDoor(open_receiver=lambda: mash, clock=clock, spool=spool))
    named = create_app(
        FrontDoor(open_receiver=lambda: mash, clock=clock, spool=spool, inbox_decrypters=made[MASH].decrypters)
    )
    with running(plain) as plain_url, running(named) as named_url:
        yield {
            "plain": f"{plain_url}/inbox",
            "named": f"{named_url}/inbox",
            "overdue": str(overdue.id),
            "decided": str(decided.id),
        }


def _open(driver: _WebDriver, url: str) -> _WebDriver:
    driver.command("POST", "/url", {"url": url})
    return driver


def test_the_inbox_renders_a_row_per_concern_and_flags_the_overdue_one(
    driver: _WebDriver, doors: dict[str, str]
) -> None:
    """A visible table, a row per concern; the overdue row is flagged and tinted, the decided one is not."""
    browser = _open(driver, doors["plain"])
    state = browser.script(
        "const t = document.querySelector('#inbox').getBoundingClientRect();"
        "const row = id => document.querySelector(`tr[data-message-id='${id}']`);"
        f"const late = row({json.dumps(doors['overdue'])}), done = row({json.dumps(doors['decided'])});"
        "return {width: t.width, height: t.height, rows: document.querySelectorAll('#inbox tbody tr').length,"
        " count: document.querySelector('#overdue-count').innerText, lateClass: late.className,"
        " doneClass: done.className, lateTint: getComputedStyle(late.cells[0]).backgroundColor,"
        " doneTint: getComputedStyle(done.cells[0]).backgroundColor, flag: late.cells[5].innerText,"
        " flagColour: getComputedStyle(late.cells[5]).color, state: done.cells[3].innerText,"
        " due: late.cells[4].innerText};"
    )
    assert state["width"] > 600
    assert state["height"] > 50
    assert state["rows"] == 2
    assert state["count"] == "1"
    assert (state["lateClass"], state["doneClass"]) == ("overdue", "")
    assert state["lateTint"] == "rgb(253, 226, 225)"
    assert state["doneTint"] != state["lateTint"]
    assert (state["flag"], state["flagColour"]) == ("overdue", "rgb(170, 0, 0)")
    assert state["state"] == "decided"
    assert state["due"] == "2026-11-26 10:01 UTC"


def test_the_inbox_shows_no_personal_data_without_the_operators_key(driver: _WebDriver, doors: dict[str, str]) -> None:
    """By default the page holds ids, agencies, times and states only."""
    text = _open(driver, doors["plain"]).script("return document.documentElement.outerHTML;")
    assert not [word for word in (*PERSONAL, "script") if word in text.replace("<script", "")]
    assert "Child" not in text


def test_with_the_operators_key_a_name_shows_as_text_and_a_script_in_it_never_runs(
    driver: _WebDriver, doors: dict[str, str]
) -> None:
    """The child's name appears; the script hidden in one shows as text and neither it nor the image runs."""
    browser = _open(driver, doors["named"])
    state = browser.script(
        "return {scripts: document.scripts.length, images: document.images.length,"
        " pwned: window.pwned === undefined ? null : window.pwned,"
        f" name: document.querySelector(`tr[data-message-id='{doors['overdue']}']`).cells[6].innerText,"
        f" other: document.querySelector(`tr[data-message-id='{doors['decided']}']`).cells[6].innerText}};"
    )
    assert state == {"scripts": 0, "images": 0, "pwned": None, "name": f"{ATTACK} Ashdown", "other": "Kai Ashdown"}


def test_the_page_cannot_run_scripts_by_policy(driver: _WebDriver, doors: dict[str, str]) -> None:
    """The Content-Security-Policy forbids scripts: one injected through the DOM does not run."""
    browser = _open(driver, doors["plain"])
    ran = browser.script(
        "const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
        "document.body.appendChild(s); return window.injected === undefined;"
    )
    assert ran is True
