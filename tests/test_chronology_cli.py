"""``concernshare chronology`` on plain, folder and sealed inputs: every format, and nothing dropped silently."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from concernshare import codec, schema
from concernshare.chronology.build import UNPLACED
from concernshare.cli import _chronology
from concernshare.cli._inputs import Parser
from concernshare.crypto import keys
from concernshare.directory import open_directory
from concernshare.errors import ConcernshareError, UsageError
from concernshare.sealing import seal, sign_message

EXAMPLES = Path(__file__).parent.parent / "examples"
MESSAGES = EXAMPLES / "messages"
KEYS = EXAMPLES / "directory" / "keys"
CONCERN = MESSAGES / "01-concern-health-visitor-neglect.json"
CONCERN_ID = json.loads(CONCERN.read_bytes())["id"]
#: The example directory was issued at 09:00 that day.
SEALED_AT = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
KAI = ("--child", "9990000026")
DIRECTORY = (
    "--directory",
    str(EXAMPLES / "directory" / "directory.jws"),
    "--authority",
    str(KEYS / "authority.public.jwks"),
)


def _run(*argv: str) -> tuple[int, str, str]:
    """Run the chronology command as ``concernshare.cli.main`` does: exit 2 on misuse, 1 when refused."""
    parser = Parser(prog="concernshare")
    _chronology.register(parser.add_subparsers(dest="command", parser_class=Parser))
    out, err = io.StringIO(), io.StringIO()
    try:
        args = parser.parse_args(["chronology", *argv])
        code: int = args.run(args, out, err, io.BytesIO())
    except UsageError as error:
        err.write(f"{error}\n")
        return 2, out.getvalue(), err.getvalue()
    except ConcernshareError as error:
        err.write(f"concernshare: refused: {error}\n")
        return 1, out.getvalue(), err.getvalue()
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the state folder (directory serials, default receipt logs) inside the test's folder."""
    monkeypatch.setenv("CONCERNSHARE_STATE_DIR", str(tmp_path / "state"))


def _sealed_concern(*, encrypt: bool = True) -> bytes:
    """The example concern, signed by health visiting and sealed to the MASH with the published example keys."""
    authority = keys.loads_public_jwk_set((KEYS / "authority.public.jwks").read_bytes())
    directory = open_directory((EXAMPLES / "directory" / "directory.jws").read_bytes(), authority, now=SEALED_AT)
    private = keys.loads_private_jwk_set((KEYS / "ods_Y99HV_health-visiting.private.jwks").read_bytes())
    signer = keys.signer_from(private)
    protect = seal if encrypt else sign_message
    return protect(codec.loads(CONCERN.read_bytes()), signer, directory=directory, now=SEALED_AT)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """The example messages with the concern replaced by its sealed form."""
    folder = tmp_path / "inbox"
    shutil.copytree(MESSAGES, folder)
    (folder / CONCERN.name).unlink()
    (folder / "sealed" / "concern.jwe.json").parent.mkdir()
    (folder / "sealed" / "concern.jwe.json").write_bytes(_sealed_concern())
    return folder


def test_json_of_the_examples_is_valid() -> None:
    """The examples folder gives Kai's chronology as JSON valid against its schema, with patterns, exit 0."""
    code, out, err = _run(str(MESSAGES), *KAI, "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert list(schema.iter_problems(document, "chronology")) == []
    assert document["patterns"]
    assert document["unreadable"] == []
    assert "0 unreadable" in err


def test_csv_of_the_examples_has_a_row_per_entry() -> None:
    """The CSV has the header and one row per entry of the JSON export."""
    code, out, err = _run(str(MESSAGES), *KAI, "--format", "csv")
    assert code == 0, err
    entries = json.loads(_run(str(MESSAGES), *KAI)[1])["entries"]
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [r["Entry id"] for r in rows] == [e["id"] for e in entries]


def test_html_of_the_examples_is_a_report(tmp_path: Path) -> None:
    """-o report.html writes the HTML report (the format told by the suffix), with the exercise banner."""
    target = tmp_path / "report.html"
    code, out, err = _run(str(MESSAGES), *KAI, "-o", str(target))
    assert code == 0, err
    assert out == ""
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="timeline"' in page
    assert "EXERCISE" in page


def test_csv_file_starts_with_a_byte_order_mark(tmp_path: Path) -> None:
    """A CSV written to a file starts with a UTF-8 byte-order mark, so that Excel reads it as UTF-8."""
    target = tmp_path / "chronology.csv"
    assert _run(str(MESSAGES), *KAI, "-o", str(target))[0] == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbfChild,Date,")


def test_unreadable_and_sealed_without_keys_are_named_and_exit_one(tmp_path: Path, inbox: Path) -> None:
    """A broken file, a missing one and a sealed one without keys are each named with a problem; exit 1."""
    broken = inbox / "broken.json"
    broken.write_text('{"id": "Kai Ashdown", ', encoding="utf-8")
    missing = tmp_path / "missing.json"
    code, out, err = _run(str(inbox), str(missing), *KAI)
    assert code == 1
    sealed = str(inbox / "sealed" / "concern.jwe.json")
    assert f"{broken}: unreadable: is not a valid message" in err
    assert f"{sealed}: unreadable: is a sealed message: give --key, --directory and --authority" in err
    assert f"{missing}: unreadable: no such file or folder" in err
    named = {u["source"]: u["problem"] for u in json.loads(out)["unreadable"]}
    assert set(named) == {str(broken), sealed, str(missing)}
    assert "Ashdown" not in err.replace(str(inbox), "")


def test_unreadable_inputs_are_in_the_html_report(inbox: Path) -> None:
    """The HTML report names each unreadable input and warns that the chronology is incomplete."""
    (inbox / "broken.json").write_text("not json", encoding="utf-8")
    code, out, _ = _run(str(inbox), *KAI, "--format", "html")
    assert code == 1
    assert "2 inputs could not be read" in out
    assert f"{inbox / 'broken.json'}</th>" in out


def test_sealed_inputs_open_as_archives_with_the_keys(tmp_path: Path, inbox: Path) -> None:
    """With the MASH's key, the directory and a receipt log, a sealed concern is opened and joins the chronology."""
    code, out, err = _run(
        str(inbox),
        *KAI,
        "--key",
        str(KEYS / "la_E06000032_mash.private.jwks"),
        *DIRECTORY,
        "--receipts",
        str(tmp_path / "receipts.db"),
    )
    assert code == 0, err
    document = json.loads(out)
    assert document["unreadable"] == []
    assert any(e["message_id"] == CONCERN_ID for e in document["entries"])


def test_a_sealed_input_for_another_agency_is_named(inbox: Path) -> None:
    """Opened with a key it was not sealed to, a sealed input is unreadable with the reason; exit 1."""
    code, out, err = _run(str(inbox), *KAI, "--key", str(KEYS / "ods_Y99GP.private.jwks"), *DIRECTORY)
    assert code == 1
    assert "concern.jwe.json: unreadable: could not be opened: " in err
    assert len(json.loads(out)["unreadable"]) == 1


def test_an_unborn_child_is_found_through_the_mother() -> None:
    """--unborn gives the unborn sibling's chronology, joined through the mother's NHS number."""
    code, out, err = _run(str(MESSAGES), "--unborn", "9990000042", "--format", "html")
    assert code == 0, err
    assert "Mother&#x27;s NHS number (before birth)</dt><dd>999 000 0042" in out
    assert "joined before birth, through the mother" in out


def test_signed_inputs_are_verified_with_the_directory(tmp_path: Path) -> None:
    """A signed (not sealed) message is verified with the directory alone; without it, it is named unreadable."""
    signed = tmp_path / "concern.jws.json"
    signed.write_bytes(_sealed_concern(encrypt=False))
    code, out, err = _run(str(signed), *KAI, *DIRECTORY)
    assert code == 0, err
    assert {e["message_id"] for e in json.loads(out)["entries"]} == {CONCERN_ID}
    code, out, err = _run(str(signed), *KAI)
    assert code == 1
    assert "is a signed message: give --directory and --authority to open it as an archive" in err


def test_progress_is_reported_for_large_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the progress threshold, a line on stderr says how far the reading has got."""
    monkeypatch.setattr(_chronology, "PROGRESS_EVERY", 5)
    total = len(list(MESSAGES.glob("*.json")))
    code, _, err = _run(str(MESSAGES), *KAI)
    assert code == 0
    assert f"concernshare: read 5 of {total} inputs" in err
    assert f"read 10 of {total} inputs" in err


def test_no_progress_for_small_inputs() -> None:
    """Below the threshold, and not on a terminal, nothing but the summary goes to stderr."""
    code, _, err = _run(str(MESSAGES), *KAI)
    assert code == 0
    assert "concernshare: read" not in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize(
    "argv",
    [
        ("--child", "1234567890"),
        ("--unborn", "99900"),
        ("--directory", "d.jws"),
        ("--key", "k.jwks"),
        ("--receipts", "r.db"),
        ("--format", "pdf"),
    ],
)
def test_misuse_exits_two(argv: tuple[str, ...]) -> None:
    """A bad NHS number, half the key arguments or an unknown format is a usage error."""
    code, _, err = _run(str(MESSAGES), *argv)
    assert code == 2
    assert "concernshare" in err


def test_the_family_report_has_each_child_on_their_own(tmp_path: Path) -> None:
    """Without --child, the examples give one page with an article for Kai, the unborn sibling and Tyler; exit 0."""
    target = tmp_path / "report.html"
    code, out, err = _run(str(MESSAGES), "--format", "html", "-o", str(target))
    assert code == 0, err
    assert out == ""
    assert "3 children, each on their own: 39 entries" in err
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count('<article id="c') == 3
    assert page.count('<article id="h') == 1  # Kai and Tyler's household, beside them
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="timeline"') == 4
    assert page.count("EXERCISE: built from exercise") == 1
    headings = re.findall(r'<h2 id="c\d-name">([^<]*)</h2>', page)
    assert headings == ["1. Kai Ashdown", "2. Unborn child (mother&#x27;s NHS number 999 000 0042)", "3. Tyler Ashdown"]
    kai, tyler = page.split('<article id="c1"', 1)[1].split("</article>", 1)[0], page.split('<article id="c3"', 1)[1]
    police = json.loads((MESSAGES / "09-domestic-abuse-notification-police.json").read_bytes())
    assert police["id"][:8] in tyler
    assert police["id"][:8] in kai  # a household event: Kai lives with Tyler
    assert "a household event, about another child of the home" in kai


def test_the_family_json_is_an_array_of_valid_chronologies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --child, several children give a JSON array, each item valid against the chronology schema."""
    monkeypatch.setattr(_chronology, "now", lambda: SEALED_AT)
    code, out, err = _run(str(MESSAGES))
    assert code == 0, err
    documents = json.loads(out)
    assert isinstance(documents, list)
    assert [(d["child"].get("nhs_number"), d["child"].get("mother_nhs_number")) for d in documents] == [
        ("9990000026", None),
        (None, "9990000042"),
        ("9990000034", None),
    ]
    for document in documents:
        assert list(schema.iter_problems(document, "chronology")) == []
    assert documents[0] == json.loads(_run(str(MESSAGES), *KAI)[1])
    police = json.loads((MESSAGES / "09-domestic-abuse-notification-police.json").read_bytes())["id"]
    assert [police in {e["message_id"] for e in d["entries"]} for d in documents] == [True, False, True]
    assert {e["match"] for e in documents[0]["entries"] if e["message_id"] == police} == {"household"}


def test_the_family_csv_says_whose_each_row_is() -> None:
    """Without --child, the CSV holds every child's rows, the Child column saying whose."""
    code, out, err = _run(str(MESSAGES), "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    counts = {child: sum(1 for r in rows if r["Child"] == child) for child in {r["Child"] for r in rows}}
    assert counts == {"9990000026": 35, "unborn of 9990000042": 3, "9990000034": 1}


@pytest.mark.parametrize(
    ("argv", "child"), [(("--child", "9990000034"), "9990000034"), (("--unborn", "9990000042"), None)]
)
def test_child_or_unborn_still_gives_one_chronology(argv: tuple[str, ...], child: str | None) -> None:
    """--child or --unborn gives that one child's chronology as a single JSON document."""
    code, out, err = _run(str(MESSAGES), *argv)
    assert code == 0, err
    document = json.loads(out)
    assert isinstance(document, dict)
    assert document["child"].get("nhs_number") == child
    assert "children" not in err


def test_one_child_without_child_is_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages about one child need no --child and give one JSON document, the same as with --child."""
    monkeypatch.setattr(_chronology, "now", lambda: SEALED_AT)
    folder = tmp_path / "kai"
    folder.mkdir()
    for path in MESSAGES.glob("*.json"):
        if json.loads(path.read_bytes())["subject"]["identifiers"].get("nhs_number") == "9990000026":
            shutil.copy(path, folder)
    code, out, err = _run(str(folder))
    assert code == 0, err
    assert json.loads(out) == json.loads(_run(str(folder), *KAI)[1])
    assert len(err.splitlines()) == 1


def _stranger(folder: Path) -> Path:
    """A valid message about a child with no NHS number, no local id and a name no other message gives."""
    document = json.loads((MESSAGES / "02-acknowledgement-mash-accepted.json").read_bytes())
    document["id"] = "00000000-0000-4000-8000-000000000099"
    document["subject"].update(
        identifiers={"local_ids": []}, name={"given": "Sam", "family": "Nobody"}, related_people=[]
    )
    path = folder / "stranger.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_message_in_no_chronology_is_named_and_exits_one(tmp_path: Path) -> None:
    """A message that joins no child's chronology is named on stderr and in every chronology; exit 1."""
    folder = tmp_path / "inbox"
    shutil.copytree(MESSAGES, folder)
    _stranger(folder)
    code, out, err = _run(str(folder))
    assert code == 1
    assert "message 00000000-0000-4000-8000-000000000099: in no chronology: names no NHS number" in err
    assert "Nobody" not in err
    documents = json.loads(out)
    assert len(documents) == 3
    assert all(
        d["unreadable"] == [{"source": "message 00000000-0000-4000-8000-000000000099", "problem": UNPLACED}]
        for d in documents
    )


def test_messages_that_identify_no_child_are_a_usage_error(tmp_path: Path) -> None:
    """Without --child, messages none of which gives a child's or a mother's NHS number are a usage error."""
    code, _, err = _run(str(_stranger(tmp_path)))
    assert code == 2
    assert "--child" in err
