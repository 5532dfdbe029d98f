"""The route, send, receive and track commands as a new user runs them with the example directory and rules."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from concernshare.cli import main

EXAMPLES = Path(__file__).parent.parent / "examples"
MESSAGES = EXAMPLES / "messages"
KEYS = EXAMPLES / "directory" / "keys"
RULES = str(EXAMPLES / "routing" / "mash-front-door.json")
DIR = ("--directory", str(EXAMPLES / "directory" / "directory.jws"), "--authority", str(KEYS / "authority.public.jwks"))
ACCEPT = ("--accept-status", "exercise")

HV, MASH, CSC = "ods:Y99HV/health-visiting", "la:E06000032/mash", "la:E06000032/childrens-social-care"
GP, POLICE, SCHOOL = "ods:Y99GP", "police:99", "school:999101"
CONCERN = "29506208-aff0-4428-8922-2f415c41c017"
_SENT_LINE = re.compile(r"^(?P<path>.+): view (?P<view>\S+) for (?P<recipients>.+)$")


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, stdin=io.BytesIO())
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue(), err.getvalue()


def _ok(*argv: str) -> tuple[str, str]:
    code, out, err = _run(*argv)
    assert code == 0, err
    return out, err


def _key(agency: str) -> str:
    return str(KEYS / f"{agency.replace(':', '_').replace('/', '_')}.private.jwks")


def _tracker(agency: str) -> tuple[str, str]:
    return "--tracker", f"{agency.replace(':', '_').replace('/', '_')}.db"


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _draft(prefix: str, name: str, **changes: Any) -> dict[str, Any]:
    """Write an example message as a fresh draft (no sent, written two minutes ago) and return it."""
    (path,) = MESSAGES.glob(f"{prefix}*.json")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    del document["sent"]
    document["created"] = _stamp(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2))
    document.update(changes)
    Path(name).write_text(json.dumps(document), encoding="utf-8")
    return document


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with its own state folder and the example concern as a fresh draft."""
    monkeypatch.setenv("CONCERNSHARE_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    _draft("01", "concern.json")
    return tmp_path


def _send(message: str, agency: str, *extra: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Send as ``agency``; return the plan and the sealed file each recipient was given."""
    out, err = _ok(
        "send", message, "--key", _key(agency), "--rules", RULES, *DIR, *_tracker(agency), "--out", "outbox", *extra
    )
    files: dict[str, str] = {}
    for line in err.splitlines():
        found = _SENT_LINE.match(line)
        assert found, line
        for recipient in found["recipients"].split(", "):
            files[recipient] = found["path"]
    plan: dict[str, Any] = json.loads(out)
    return plan, files


def _receive(sealed: str, agency: str) -> dict[str, Any]:
    out, _ = _ok("receive", sealed, "--key", _key(agency), *DIR, *_tracker(agency), *ACCEPT)
    message: dict[str, Any] = json.loads(out)
    return message


def _receive_all(files: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {agency: _receive(path, agency) for agency, path in sorted(files.items())}


def _overdue(agency: str, *at: str) -> list[dict[str, Any]]:
    out, _ = _ok("track", "overdue", *_tracker(agency), *at)
    found: list[dict[str, Any]] = json.loads(out)["overdue"]
    return found


def test_route_shows_who_gets_which_view_by_when_and_why(site: Path) -> None:
    """route prints each recipient's view, due time, rules and reason for the example concern."""
    out, _ = _ok("route", "concern.json", "--rules", RULES, *DIR, "--at", "2026-11-25T10:00:00Z")
    plan = json.loads(out)
    assert plan["message_id"] == CONCERN
    got = [
        (d["recipient"], d["view"], d["due"], d["expects"], d["escalate_to"], d["rules"]) for d in plan["deliveries"]
    ]
    assert got == [
        (CSC, "full", "2026-11-26T10:00:00Z", "acknowledgement", [], ["high-risk-to-social-care"]),
        (MASH, "full", "2026-11-26T10:00:00Z", "decision", [CSC], ["concern-to-mash"]),
        (GP, "health", "2026-11-26T10:00:00Z", "acknowledgement", [MASH], ["neglect-concern-to-gp"]),
    ]
    for delivery in plan["deliveries"]:
        assert delivery["reason"].startswith(f"rule {delivery['rules'][0]}: ")
    friday = json.loads(_ok("route", "concern.json", "--rules", RULES, *DIR, "--at", "2026-11-27T18:30:00Z")[0])
    assert {d["due"] for d in friday["deliveries"]} == {"2026-11-30T18:30:00Z"}


def test_send_writes_a_sealed_file_per_view_and_each_agency_receives_its_own(site: Path) -> None:
    """The concern goes out as the full view for the MASH and social care and the health view for the GP."""
    plan, files = _send("concern.json", HV)
    assert [d["recipient"] for d in plan["deliveries"]] == [CSC, MASH, GP]
    assert files[MASH] == files[CSC] != files[GP]
    received = _receive_all(files)
    for agency, message in received.items():
        assert message["id"] == CONCERN
        assert message["recipients"] == sorted(a for a, path in files.items() if path == files[agency])
    assert "view" not in received[MASH] or received[MASH]["view"] is None
    assert received[GP]["view"]["name"] == "health"
    assert "Neighbour at number 12" not in json.dumps(received[GP])
    code, _, err = _run("receive", files[MASH], "--key", _key(GP), *DIR, *_tracker(GP), *ACCEPT)
    assert (code, "refused" in err) == (1, True)


def test_answered_deliveries_are_not_overdue_and_unanswered_ones_are(site: Path) -> None:
    """After the MASH acknowledges and decides, track overdue lists only social care and the GP, past their time."""
    _, files = _send("concern.json", HV)
    _receive_all(files)
    _draft("02", "acknowledgement.json")
    _draft("03", "decision.json")
    for answer in ("acknowledgement.json", "decision.json"):
        _, answer_files = _send(answer, MASH)
        _receive(answer_files[HV], HV)

    assert _overdue(HV) == []
    later = _stamp(dt.datetime.now(dt.UTC) + dt.timedelta(days=30))
    overdue = _overdue(HV, "--at", later)
    assert [(d["message_id"], d["recipient"], d["expects"], d["escalate_to"]) for d in overdue] == [
        (CONCERN, CSC, "acknowledgement", []),
        (CONCERN, GP, "acknowledgement", [MASH]),
    ]
    status = json.loads(_ok("track", "status", CONCERN, *_tracker(HV), "--at", later)[0])
    states = {d["delivery"]["recipient"]: d["state"] for d in status["deliveries"]}
    assert states == {CSC: "overdue", MASH: "answered", GP: "overdue"}


def test_a_withdrawal_reaches_every_recipient_including_pass_ons(site: Path) -> None:
    """track recipients lists everyone who has the concern, the MASH's pass-ons too, and each gets the withdrawal."""
    _, files = _send("concern.json", HV)
    _receive_all(files)
    request = _draft("04", "request.json")
    request["body"]["respond_by"] = _stamp(dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    Path("request.json").write_text(json.dumps(request), encoding="utf-8")
    _, passed_on = _send("request.json", MASH, "--passes-on", CONCERN)
    _receive_all(passed_on)

    sent_to = json.loads(_ok("track", "recipients", CONCERN, *_tracker(HV))[0])["recipients"]
    assert sent_to == [CSC, MASH, GP]
    onward = json.loads(_ok("track", "recipients", CONCERN, *_tracker(MASH))[0])["recipients"]
    assert onward == [MASH, GP, POLICE]

    sender = json.loads(Path("concern.json").read_text(encoding="utf-8"))["sender"]
    withdrawal = _draft("14", "withdrawal.json", sender=sender, recipients=sent_to)
    withdrawal["body"]["message_id"] = withdrawal["thread"]["in_reply_to"] = CONCERN
    withdrawal["body"]["reason"] = "entered_in_error"
    Path("withdrawal.json").write_text(json.dumps(withdrawal), encoding="utf-8")
    _, withdrawn = _send("withdrawal.json", HV)
    assert sorted(withdrawn) == sent_to
    for agency, message in _receive_all(withdrawn).items():
        assert message["body"]["message_id"] == CONCERN, agency
    status = json.loads(_ok("track", "status", CONCERN, *_tracker(MASH))[0])
    assert status["withdrawal"]["by"] == HV


def test_one_file_per_sealed_view_even_when_view_names_repeat(site: Path) -> None:
    """Two copies both called "full" (for the MASH, and for the GP with role withholdings) go to two files."""
    _draft(
        "14", "withdrawal.json", sender=json.loads(Path("concern.json").read_text())["sender"], recipients=[MASH, GP]
    )
    _, err = _ok("send", "withdrawal.json", "--key", _key(HV), "--rules", RULES, *DIR, *_tracker(HV), "--out", "outbox")
    paths = [line.split(": view ")[0] for line in err.splitlines()]
    assert len(paths) == 2
    assert len(set(paths)) == 2, "the second sealed view overwrote the first"


def test_refused_content_comes_back_as_a_rejection_the_sender_opens(site: Path) -> None:
    """The GP's concern superseding health visiting's is refused at the MASH; the GP opens the rejection."""
    _, files = _send("concern.json", HV)
    _receive(files[MASH], MASH)
    _draft(
        "01",
        "gp-concern.json",
        id="5b0a3c52-8d4e-4f1a-9b7c-2e6d8f0a1b2c",
        sender={"agency": GP, "practitioner": {"name": "Dr Imran Qureshi", "role": "GP"}},
        thread={"supersedes": CONCERN},
    )
    _, gp_files = _send("gp-concern.json", GP)
    code, _, err = _run("receive", gp_files[MASH], "--key", _key(MASH), *DIR, *_tracker(MASH), *ACCEPT)
    assert code == 1
    assert "/thread/supersedes: [CS201]" in err
    rejection = f"{gp_files[MASH]}.rejected.json"
    assert Path(rejection).exists()
    back = _receive(rejection, GP)
    assert back["type"] == "acknowledgement"
    assert back["body"]["outcome"] == "rejected"
    assert back["body"]["message_id"] == "5b0a3c52-8d4e-4f1a-9b7c-2e6d8f0a1b2c"
    assert back["body"]["problems"] == [{"pointer": "/thread/supersedes", "code": "CS201"}]
    for value in ("Kai", "Ashdown", "9990000026"):
        assert value not in json.dumps(back)


def test_a_decision_not_to_share_is_recorded(site: Path) -> None:
    """track not-shared records who decided, when and why, and track status shows it."""
    out, _ = _ok(
        "track",
        "not-shared",
        *_tracker(MASH),
        "--withheld-from",
        SCHOOL,
        "--by-agency",
        MASH,
        "--by-role",
        "MASH team manager",
        "--reason",
        "not_necessary",
        "--message-id",
        CONCERN,
    )
    assert out.startswith("recorded ")
    status = json.loads(_ok("track", "status", CONCERN, *_tracker(MASH))[0])
    (decision,) = status["non_shares"]
    assert (decision["withheld_from"], decision["decided_by_agency"], decision["reason"]) == (
        SCHOOL,
        MASH,
        "not_necessary",
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["route", "missing.json", "--rules", RULES, *DIR],
        ["route", "concern.json", "--rules", "missing-rules.json", *DIR],
        ["route", "concern.json", "--rules", "concern.json", *DIR],
        ["route", "concern.json", "--rules", RULES, *DIR, "--at", "next Tuesday"],
        ["route", "concern.json", "--rules", RULES, *DIR, "--at", "2026-11-25T10:00:00"],
        ["route", "concern.json", *DIR],
        ["send", "concern.json", "--key", _key(HV), "--rules", RULES, *DIR, "--tracker", "hv.db"],
        [
            "send",
            "concern.json",
            "--key",
            _key(HV),
            "--rules",
            RULES,
            *DIR,
            "--tracker",
            "hv.db",
            "--out",
            "o",
            "--passes-on",
            "not-a-uuid",
        ],
        ["send", "concern.json", "--key", "missing.jwks", "--rules", RULES, *DIR, "--tracker", "hv.db", "--out", "o"],
        ["receive", "concern.json", "--key", _key(MASH), *DIR, "--tracker", "m.db", "--accept-status", "bogus"],
        ["track", "recipients", "not-a-uuid", "--tracker", "hv.db"],
        ["track", "overdue", "--tracker", "hv.db", "--at", "soon"],
        [
            "track",
            "not-shared",
            "--tracker",
            "hv.db",
            "--withheld-from",
            GP,
            "--by-agency",
            MASH,
            "--by-role",
            "Manager",
            "--reason",
            "because",
        ],
        ["track"],
    ],
)
def test_usage_errors_exit_2(site: Path, argv: list[str]) -> None:
    """Bad arguments, missing files and unusable rules exit 2 with a message, never a traceback."""
    code, _, err = _run(*argv)
    assert code == 2, err
    assert err.strip()


def test_sending_into_a_file_instead_of_a_folder_is_a_usage_error(site: Path) -> None:
    """send --out naming an existing file exits 2 with a message, not a traceback."""
    Path("outbox").write_text("not a folder", encoding="utf-8")
    code, _, err = _run(
        "send", "concern.json", "--key", _key(HV), "--rules", RULES, *DIR, *_tracker(HV), "--out", "outbox"
    )
    assert code == 2
    assert "outbox" in err


def test_refusals_exit_1(site: Path) -> None:
    """An unroutable message, a copy for someone else, a tampered file, an exercise not accepted and a replay
    each exit 1 with a message, never a traceback."""
    document = json.loads(Path("concern.json").read_text(encoding="utf-8"))
    del document["subject"]["local_authority"]
    Path("nowhere.json").write_text(json.dumps(document), encoding="utf-8")
    code, _, err = _run("route", "nowhere.json", "--rules", RULES, *DIR)
    assert (code, "refused" in err) == (1, True)

    _, files = _send("concern.json", HV)
    sealed = json.loads(Path(files[MASH]).read_text(encoding="utf-8"))
    sealed["tag"] = ("A" if sealed["tag"][0] != "A" else "B") + sealed["tag"][1:]
    Path("tampered.json").write_text(json.dumps(sealed), encoding="utf-8")
    attempts = [
        (files[GP], MASH, ACCEPT),
        ("tampered.json", MASH, ACCEPT),
        (files[MASH], MASH, ()),
    ]
    for path, agency, accept in attempts:
        code, _, err = _run("receive", path, "--key", _key(agency), *DIR, *_tracker(agency), *accept)
        assert (code, "refused" in err) == (1, True), (path, agency)
        assert not Path(f"{path}.rejected.json").exists()
    _receive(files[MASH], MASH)
    code, _, err = _run("receive", files[MASH], "--key", _key(MASH), *DIR, *_tracker(MASH), *ACCEPT)
    assert (code, "received before" in err) == (1, True)
    assert not Path(f"{files[MASH]}.rejected.json").exists()
