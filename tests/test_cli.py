"""Tests for the command line: exit codes, output, and no traceback on any input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from _samples import MINIMAL
from concernshare.cli import main


def _run(*argv: str, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, stdin=io.BytesIO(stdin))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with one valid and one invalid message, the invalid one nested."""
    (tmp_path / "good.json").write_text(json.dumps(MINIMAL), encoding="utf-8")
    (tmp_path / "sub").mkdir()
    bad = dict(MINIMAL, recipients=[])
    (tmp_path / "sub" / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a message", encoding="utf-8")
    return tmp_path


def test_valid_file_exits_zero(folder: Path) -> None:
    """A valid message exits 0 and says so on stderr."""
    code, out, err = _run("validate", str(folder / "good.json"))
    assert (code, out) == (0, "")
    assert "1 checked, 1 valid, 0 invalid" in err


def test_folder_is_searched_recursively(folder: Path) -> None:
    """A folder's *.json files are validated recursively; one problem line per problem."""
    code, _, err = _run("validate", str(folder))
    assert code == 1
    assert f"{folder / 'sub' / 'bad.json'}:/recipients: [CS020] must have at least 1 item" in err
    assert "2 checked, 1 valid, 1 invalid" in err


def test_stdin_is_read_with_a_dash() -> None:
    """- reads one message from stdin."""
    code, _, err = _run("validate", "-", stdin=json.dumps(MINIMAL).encode())
    assert code == 0, err


def test_json_report(folder: Path) -> None:
    """--format json prints a report on stdout with every problem's pointer, code and severity."""
    code, out, _ = _run("validate", "--format", "json", str(folder))
    report = json.loads(out)
    assert code == 1
    assert report["valid"] is False
    bad = next(f for f in report["files"] if f["file"].endswith("bad.json"))
    assert bad["problems"][0] == {
        "pointer": "/recipients",
        "code": "CS020",
        "severity": "error",
        "message": "must have at least 1 item",
    }


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    """A warning alone exits 0, and 1 with --strict."""
    document = dict(MINIMAL, recipients=["la:E06000032/mash", "ods:RYV01/hv"])
    path = tmp_path / "warn.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    code, _, err = _run("validate", str(path))
    assert code == 0
    assert "[CS113] warning: the sender is among the recipients" in err
    assert _run("validate", "--strict", str(path))[0] == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"{not json", "CS001"),
        (bytes(range(256)) * 4, "CS002"),
        (b"[" * 100_000 + b"]" * 100_000, "CS008"),
        (b"[]", "CS012"),
    ],
)
def test_garbage_gets_a_clear_error(data: bytes, code: str) -> None:
    """Malformed JSON, binary garbage and runaway nesting are refused with a code, exit 1."""
    exit_code, _, err = _run("validate", "-", stdin=data)
    assert exit_code == 1
    assert f"-:: [{code}]" in err


def test_huge_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    """A 50 MB file is refused by the size limit: only the limit and one byte are read."""
    path = tmp_path / "big.json"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    code, _, err = _run("validate", str(path))
    assert code == 1
    assert "[CS007] the document is larger than the limit" in err


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["validate"],
        ["frobnicate"],
        ["validate", "--format", "xml", "x"],
        ["validate", "/no/such/file"],
        ["schema", "nope"],
    ],
)
def test_usage_errors_exit_two(argv: list[str]) -> None:
    """Wrong arguments, unknown commands and missing paths exit 2 with a message."""
    code, _, err = _run(*argv)
    assert code == 2
    assert err.startswith("concernshare")


def test_schema_command_prints_the_bundled_schema() -> None:
    """concernshare schema prints the message schema as JSON."""
    code, out, _ = _run("schema")
    assert code == 0
    assert json.loads(out)["$id"] == "urn:concernshare:schema:1:message"


def test_python_dash_m_runs_without_traceback() -> None:
    """python -m concernshare works, and a garbage input gives no traceback."""
    result = subprocess.run(
        [sys.executable, "-m", "concernshare", "validate", "-"],
        input=b"\x00\xff garbage",
        capture_output=True,
        check=False,
    )
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    assert b"[CS002]" in result.stderr
