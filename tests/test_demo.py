"""``concernshare demo``: the README's main command plays the whole story, offline, and writes the report."""

from __future__ import annotations

import base64
import io
import json
import re
import socket
from pathlib import Path

import attrs
import pytest

from concernshare import demo
from concernshare.cli import main
from concernshare.schema import iter_problems

STEPS = len(demo._STEPS)


def _demo(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["demo", *argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, str, Path]:
    """One run of the demo, with every attempt to reach the network refused."""
    folder = tmp_path_factory.mktemp("demo") / "played"
    with pytest.MonkeyPatch.context() as patch:

        def no_network(*_args: object, **_kwargs: object) -> None:
            raise AssertionError("the demo tried to reach the network")

        patch.setattr(socket.socket, "connect", no_network)
        patch.setattr(socket, "create_connection", no_network)
        patch.setattr(socket, "getaddrinfo", no_network)
        code, out, err = _demo("--out", str(folder))
    return code, out, err, folder


def test_the_demo_plays_every_step_and_prints_where_the_report_is(played: tuple[int, str, str, Path]) -> None:
    code, out, err, folder = played
    assert (code, err) == (0, "")
    assert [int(n) for n in re.findall(r"^(\d+)\. ", out, re.MULTILINE)] == list(range(1, STEPS + 1))
    assert "NOT OPENED" not in out
    assert out.rstrip().endswith(f"Report: {folder / 'chronology-report.html'}")


def test_each_recipient_opens_its_own_view(played: tuple[int, str, str, Path]) -> None:
    """The concern reaches the MASH, children's social care and the GP; the school's view of the police
    notification withholds the mother's health."""
    out = played[1]
    first = out.split("\n2. ")[0]
    for agency in (demo.MASH, demo.CSC, demo.GP):
        assert re.search(rf"concern from {re.escape(demo.HV)} opened by {re.escape(agency)} in the \w+ view", first)
    assert re.search(r"the school's view withholds: [^;]*adult_health[^;]*; adult health reaches it: no", out)


def test_the_demo_shows_the_child_protection_process(played: tuple[int, str, str, Path]) -> None:
    """A strategy discussion with the conference due 15 working days after it, the initial conference, and the
    plan status opened by every agency holding Kai's case, the emergency department included."""
    out = played[1]
    assert re.search(
        r"strategy_discussion from la:E06000032/mash opened by la:E06000032/childrens-social-care "
        r"in the full view \(0 fields withheld\), response due 2014-01-03 14:00 UTC",
        out,
    )
    assert "child_protection_conference from la:E06000032/childrens-social-care opened by ods:Y99GP" in out
    holders = set(re.findall(r"plan_status from \S+ opened by (\S+) in", out))
    assert holders == {demo.MASH, demo.POLICE, demo.GP, demo.HV, "ods:Y99AC/emergency-department"}


def test_the_sealed_files_hold_nothing_readable(played: tuple[int, str, str, Path]) -> None:
    """Every message is written only as a JWE: no name, NHS number or text of the story in the clear."""
    folder = played[3]
    sealed = sorted(folder.glob("*.sealed.json"))
    assert len(sealed) >= STEPS
    for path in sealed:
        text = path.read_text(encoding="ascii")
        document = json.loads(text)
        assert {"protected", "recipients", "iv", "ciphertext", "tag"} <= document.keys()
        ciphertext = base64.urlsafe_b64decode(document["ciphertext"] + "=" * (-len(document["ciphertext"]) % 4))
        for secret in ("Ashdown", "Leanne", "9990000026", "neglect", '"given"'):  # long enough not to occur by chance
            assert secret not in text, (path.name, secret)
            assert secret.encode() not in ciphertext, (path.name, secret)


def test_the_report_and_the_chronology_are_written(played: tuple[int, str, str, Path]) -> None:
    out, folder = played[1], played[3]
    html = (folder / "chronology-report.html").read_text(encoding="utf-8")
    assert "<svg" in html
    assert "<table" in html
    assert "Kai" in html
    document = json.loads((folder / "chronology.json").read_bytes())
    assert list(iter_problems(document, "chronology")) == []
    kinds = {p["kind"] for p in document["patterns"]}
    assert "repeated_non_engagement" in kinds
    assert f"{len(document['entries'])} entries from {len(document['agencies'])} agencies" in out
    for pattern in document["patterns"]:
        assert f"   {pattern['kind']}: {pattern['explanation']}" in out
    assert "health visiting's tracker, three days on, lists" in out


def test_without_out_the_demo_plays_in_a_new_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    code, out, _ = _demo()
    (report,) = tmp_path.glob("concernshare-demo-*/chronology-report.html")
    assert (code, out.rstrip().rsplit("\n", 1)[-1]) == (0, f"Report: {report}")


@pytest.mark.parametrize("kind", ["file", "folder with a file"])
def test_the_demo_refuses_to_write_over_anything(tmp_path: Path, kind: str) -> None:
    """--out must name a new or empty folder: nothing there is overwritten, and the error says what to do."""
    target = tmp_path / "out"
    if kind == "file":
        target.write_text("keep me", encoding="utf-8")
        kept = target
    else:
        target.mkdir()
        kept = target / "chronology-report.html"
        kept.write_text("keep me", encoding="utf-8")
    code, out, err = _demo("--out", str(target))
    assert (code, out) == (2, "")
    assert "is not an empty folder: name a new or empty folder" in err
    assert "Traceback" not in err
    assert kept.read_text(encoding="utf-8") == "keep me"
    assert sorted(tmp_path.rglob("*")) == sorted({target, kept})


def test_a_view_that_cannot_be_opened_is_named_and_fails_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo checks itself: were a recipient to fail to open its view, the run says so and exits 1."""
    real = demo.receive
    refused_once: list[bool] = []

    def receive(*args: object, **kwargs: object) -> object:
        received = real(*args, **kwargs)  # type: ignore[arg-type]
        if kwargs["me"] == demo.GP and not refused_once:
            refused_once.append(True)
            return attrs.evolve(received, message=None)
        return received

    monkeypatch.setattr(demo, "receive", receive)
    code, out, _ = _demo("--out", str(tmp_path / "played"))
    assert code == 1
    assert len(re.findall(rf"NOT OPENED: {re.escape(demo.GP)} could not open", out)) == 1
    assert "1 view could not be opened: the demo did not play as it should" in out


def test_the_demo_shows_the_household_event_and_the_process_in_kais_chronology(
    played: tuple[int, str, str, Path],
) -> None:
    """The domestic abuse incident (the notification is about Tyler) is an entry of Kai's own chronology, beside the
    strategy discussion, the initial conference and the plan status, each said plainly with its place."""
    out, folder = played[1], played[3]
    document = json.loads((folder / "chronology.json").read_bytes())
    total = len(document["entries"])
    where = {e["event_type"]: n for n, e in reversed(list(enumerate(document["entries"], start=1)))}
    incident = document["entries"][where["police_incident"] - 1]
    assert incident["match"] == "household"
    assert (
        f"Entry {where['police_incident']} of Kai's {total} (2013-11-02) [household event]: the domestic abuse "
        "incident at his home" in out
    )
    assert f"Entry {where['strategy_discussion']} of Kai's {total} (2013-12-10): the strategy discussion" in out
    assert f"Entry {where['conference']} of Kai's {total} (2013-12-20): the initial child protection conference" in out
    assert re.search(
        rf"Entry {where['plan']} of Kai's {total} \(2013-12-20\): the plan status notification: his child protection "
        r"plan started, told to 5 agencies",
        out,
    )
    assert "Not in Kai's chronology" not in out
    assert {a["agency_name"] for a in document["entries"] if a["agency"] == demo.POLICE} == {
        "Example Constabulary public protection unit"
    }


def test_the_demo_writes_the_household_chronology(played: tuple[int, str, str, Path]) -> None:
    out, folder = played[1], played[3]
    household = json.loads((folder / "household.json").read_bytes())
    assert list(iter_problems(household, "household")) == []
    assert [c["nhs_number"] for c in household["children"]] == ["9990000026", "9990000034"]
    shared = [e for e in household["entries"] if len(e["children"]) > 1]
    assert [e["entry"]["event_type"] for e in shared] == ["police_incident"]
    assert (folder / "household.csv").read_text(encoding="utf-8-sig").startswith("Household,Child,")
    assert (
        f"The household chronology of Kai Ashdown and Tyler Ashdown: {len(household['entries'])} entries side by "
        "side, 1 in more than one child's chronology" in out
    )
    report = (folder / "chronology-report.html").read_text(encoding="utf-8")
    assert '<article id="h1"' in report
    assert report.count("<article ") == 4  # Kai, the unborn sibling, Tyler, the household of Kai and Tyler
