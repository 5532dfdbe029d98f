"""Never a traceback: every system error and every unexpected one is one line on stderr, naming the command."""

from __future__ import annotations

import datetime as dt
import errno
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from concernshare import _files
from concernshare.cli import _exchange, main

EXAMPLES = Path(__file__).parent.parent / "examples"
KEYS = EXAMPLES / "directory" / "keys"
RULES = str(EXAMPLES / "routing" / "mash-front-door.json")
DIR = ("--directory", str(EXAMPLES / "directory" / "directory.jws"), "--authority", str(KEYS / "authority.public.jwks"))
HV_KEY = str(KEYS / "ods_Y99HV_health-visiting.private.jwks")
AUTHORITY_KEY = str(KEYS / "authority.private.jwks")
#: Invented personal values that an error's text might carry: they must never reach stderr.
PERSONAL = "Kai Testchild 9990000026"


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, stdin=io.BytesIO())
    return code, out.getvalue(), err.getvalue()


def _one_line(code: int, err: str, expected: int) -> str:
    assert code == expected, err
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    assert err.endswith("\n"), err
    return err


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with its own state folder, the example concern as a draft, and a plain file."""
    monkeypatch.setenv("CONCERNSHARE_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    (path,) = (EXAMPLES / "messages").glob("01*.json")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    del document["sent"]
    document["created"] = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)).isoformat()
    Path("concern.json").write_text(json.dumps(document), encoding="utf-8")
    Path("a-file").write_text("not a folder\n", encoding="utf-8")
    return tmp_path


def test_keygen_out_an_existing_file(site: Path) -> None:
    """keygen --out naming a file, not a folder, is a usage error."""
    err = _one_line(*_run("keygen", "--authority", "--out", "a-file")[::2], expected=2)
    assert "--out a-file is a file" in err


@pytest.mark.parametrize("folder", ["a-file/keys", "/proc/concernshare-test-keys"])
def test_keygen_out_a_path_that_cannot_be_made(site: Path, folder: str) -> None:
    """keygen --out under a file, or where the system makes nothing (/proc), is one line naming the path."""
    err = _one_line(*_run("keygen", "--authority", "--out", folder)[::2], expected=1)
    assert err.startswith(f"concernshare keygen: {folder}: ")


def test_directory_new_into_a_missing_folder(site: Path) -> None:
    """directory new -o into a folder that does not exist names the file and writes nothing."""
    err = _one_line(*_run("directory", "new", "--authority-key", AUTHORITY_KEY, "-o", "missing/d.jws")[::2], expected=1)
    assert err == "concernshare directory new: missing/d.jws: No such file or directory\n"
    assert not Path("missing").exists()


@pytest.mark.parametrize("state", ["a-file", "a-file/state"])
def test_a_state_folder_that_is_a_file(site: Path, monkeypatch: pytest.MonkeyPatch, state: str) -> None:
    """A state folder that is a file (or under one) is named, with what to do."""
    monkeypatch.setenv("CONCERNSHARE_STATE_DIR", state)
    err = _one_line(*_run("route", "concern.json", "--rules", RULES, *DIR)[::2], expected=2)
    assert f"the state folder {state} is not a folder" in err
    assert "CONCERNSHARE_STATE_DIR" in err


@pytest.mark.parametrize(
    "at", ["9999-12-31T23:59:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00", "1969-12-31T23:59:59Z"]
)
@pytest.mark.parametrize(
    "command",
    [
        ("route", "concern.json", "--rules", RULES, *DIR, "--at"),
        ("track", "overdue", "--tracker", "t.db", "--at"),
        ("track", "status", "29506208-aff0-4428-8922-2f415c41c017", "--tracker", "t.db", "--at"),
        (
            "directory",
            "retire",
            str(EXAMPLES / "directory" / "directory.jws"),
            "--kid=x",
            "--authority-key",
            AUTHORITY_KEY,
            "--at",
        ),
        (
            "directory",
            "revoke",
            str(EXAMPLES / "directory" / "directory.jws"),
            "--kid=x",
            "--authority-key",
            AUTHORITY_KEY,
            "--compromised-at",
        ),
    ],
)
def test_a_time_at_the_ends_of_the_calendar_is_a_usage_error(site: Path, command: tuple[str, ...], at: str) -> None:
    """--at (and --compromised-at) in year 9999 or 0001 is refused before any date arithmetic can overflow."""
    err = _one_line(*_run(*command, at)[::2], expected=2)
    assert "takes a time from 1970 to 8999" in err


@pytest.mark.parametrize("at", ["yesterday", "2026-11-25", "2026-11-25T09:30:00", "2026-13-01T00:00:00Z", ""])
def test_a_time_that_is_not_rfc_3339_with_an_offset_is_a_usage_error(site: Path, at: str) -> None:
    """A time that is no time, or has no offset, is one line with an example of what to write."""
    err = _one_line(*_run("track", "overdue", "--tracker", "t.db", "--at", at)[::2], expected=2)
    assert "--at" in err


def test_a_time_inside_the_range_still_works(site: Path) -> None:
    """The range refuses only the ends: 1970 and 8999 route and track as before."""
    for at in ("1970-01-01T00:00:00Z", "8999-12-31T23:59:59Z"):
        assert _run("route", "concern.json", "--rules", RULES, *DIR, "--at", at)[0] == 0
        assert _run("track", "overdue", "--tracker", "t.db", "--at", at)[0] == 0


@pytest.mark.parametrize("days", ["99999999", "-5", "0", "3654", "ninety", "1.5"])
@pytest.mark.parametrize("action", ["new", "add", "retire", "revoke"])
def test_valid_days_out_of_range_is_a_usage_error(site: Path, action: str, days: str) -> None:
    """--valid-days must be 1 to 3653: a negative one would publish an expired directory, a huge one overflow."""
    directory = str(EXAMPLES / "directory" / "directory.jws")
    argv = {
        "new": ["directory", "new", "-o", "d.jws"],
        "add": [
            "directory",
            "add",
            directory,
            "--agency",
            "school:123456",
            "--name",
            "A",
            "--roles",
            "school",
            "--keys",
            "k.jwks",
        ],
        "retire": ["directory", "retire", directory, "--kid=x"],
        "revoke": ["directory", "revoke", directory, "--kid=x"],
    }[action]
    err = _one_line(*_run(*argv, "--authority-key", AUTHORITY_KEY, f"--valid-days={days}")[::2], expected=2)
    assert "--valid-days: takes a whole number of days from 1 to 3653" in err
    assert not Path("d.jws").exists()


def test_valid_days_at_the_limit_publishes(site: Path) -> None:
    """The longest validity allowed is accepted and the edition expires that many days on."""
    _run("keygen", "--authority", "--out", "k")
    code, _, err = _run(
        "directory", "new", "--authority-key", "k/authority.private.jwks", "-o", "d.jws", "--valid-days", "3653"
    )
    assert code == 0, err
    code, out, err = _run("directory", "show", "d.jws", "--authority", "k/authority.public.jwks")
    assert code == 0, err
    directory = json.loads(out)
    issued, expires = (dt.datetime.fromisoformat(directory[k]) for k in ("issued", "expires"))
    assert expires - issued == dt.timedelta(days=3653)


def _subprocess(*argv: str, **options: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "concernshare", *argv],
        capture_output="stdout" not in options,
        timeout=120,
        check=False,
        **options,
    )


def test_stdout_on_a_full_disk(site: Path) -> None:
    """Output to /dev/full is one line, exit 1, and nothing more at exit."""
    with Path("/dev/full").open("wb") as full:
        done = _subprocess("schema", "message", stdout=full, stderr=subprocess.PIPE)
    err = done.stderr.decode()
    assert (done.returncode, err) == (1, "concernshare schema: No space left on device\n")


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file write stops part way with ENOSPC, as on a full disk (SQLite, which writes on its own, still works)."""

    def write_some_then_fail(descriptor: int, data: bytes) -> None:
        if data:
            os.write(descriptor, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(_files, "_write_all", write_some_then_fail)


@pytest.mark.usefixtures("full_disk")
def test_a_file_on_a_full_disk(site: Path) -> None:
    """seal -o on a full disk is one line naming the file, and the earlier file is left whole."""
    Path("sealed.json").write_bytes(b"the earlier file")
    err = _one_line(*_run("seal", "concern.json", "--key", HV_KEY, *DIR, "-o", "sealed.json")[::2], expected=1)
    assert err == "concernshare seal: sealed.json: No space left on device\n"
    assert Path("sealed.json").read_bytes() == b"the earlier file"
    assert [p.name for p in site.iterdir() if p.name.startswith(".")] == []


@pytest.mark.usefixtures("full_disk")
def test_send_on_a_full_disk_records_nothing(site: Path) -> None:
    """send whose sealed files cannot be written is one line, leaves no file, and records no delivery."""
    err = _one_line(
        *_run("send", "concern.json", "--key", HV_KEY, "--rules", RULES, *DIR, "--tracker", "t.db", "--out", "outbox")[
            ::2
        ],
        expected=1,
    )
    assert err.startswith("concernshare send: outbox/")
    assert err.endswith(".sealed.json: No space left on device\n")
    assert list(Path("outbox").iterdir()) == []
    _, out, _ = _run("track", "recipients", "29506208-aff0-4428-8922-2f415c41c017", "--tracker", "t.db")
    assert json.loads(out)["recipients"] == []


def test_an_unexpected_error_shows_its_kind_and_never_its_text(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An error nobody foresaw is one line naming the command and the error's class, never its text."""

    def broken(*_args: object) -> int:
        raise ValueError(f"could not handle {PERSONAL}")

    monkeypatch.setattr(_exchange, "_overdue", broken)
    err = _one_line(*_run("track", "overdue", "--tracker", "t.db")[::2], expected=1)
    assert err.startswith("concernshare track overdue: failed unexpectedly (ValueError)")
    assert "Testchild" not in err
    assert "999" not in err


def test_an_os_error_shows_what_the_system_said_and_never_other_text(
    site: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An OSError is told by its strerror and the file the command named; one made from text shows its class only."""

    def raise_with_text(*_args: object) -> int:
        raise OSError(f"lost {PERSONAL}")

    monkeypatch.setattr(_exchange, "_overdue", raise_with_text)
    err = _one_line(*_run("track", "overdue", "--tracker", "t.db")[::2], expected=1)
    assert err == "concernshare track overdue: OSError\n"

    def raise_system(*_args: object) -> int:
        raise PermissionError(13, "Permission denied", "t.db")

    monkeypatch.setattr(_exchange, "_overdue", raise_system)
    err = _one_line(*_run("track", "overdue", "--tracker", "t.db")[::2], expected=1)
    assert err == "concernshare track overdue: t.db: Permission denied\n"


@pytest.mark.parametrize(
    ("argv", "expected", "words"),
    [
        (
            ("seal", "concern.json", "--key", HV_KEY, *DIR, "-o", "a-file/out.json"),
            1,
            "concernshare seal: a-file/out.json: Not a directory",
        ),
        (("seal", "concern.json", "--key", HV_KEY, *DIR, "-o", "."), 1, ". is not a regular file"),
        (("seal", ".", "--key", HV_KEY, *DIR), 2, "cannot read the message ."),
        (("seal", "concern.json", "--key", ".", *DIR), 2, "cannot read the private key file ."),
        (("route", "concern.json", "--rules", ".", *DIR), 2, "cannot read the rules ."),
        (
            ("send", "concern.json", "--key", HV_KEY, "--rules", RULES, *DIR, "--tracker", ".", "--out", "o"),
            1,
            ". is not a regular file",
        ),
        (
            ("send", "concern.json", "--key", HV_KEY, "--rules", RULES, *DIR, "--tracker", "a-file/t.db", "--out", "o"),
            1,
            "concernshare send: a-file/t.db: Not a directory",
        ),
        (
            ("send", "concern.json", "--key", HV_KEY, "--rules", RULES, *DIR, "--tracker", "t.db", "--out", "a-file"),
            2,
            "cannot write into a-file",
        ),
        (
            ("chronology", "concern.json", "-o", "missing/c.html"),
            1,
            "concernshare chronology: missing/c.html: No such file or directory",
        ),
        (
            ("directory", "show", ".", "--authority", str(KEYS / "authority.public.jwks")),
            2,
            "cannot read the directory .",
        ),
        (("open", "a-file", "--key", HV_KEY, *DIR, "--replay-store", "."), 1, ". is not a regular file"),
        (
            ("track", "overdue", "--tracker", "missing/t.db"),
            1,
            "concernshare track overdue: missing/t.db: No such file",
        ),
    ],
)
def test_folders_given_as_files_and_files_that_cannot_be_read_or_written(
    site: Path,
    argv: tuple[str, ...],
    expected: int,
    words: str,
) -> None:
    """Every path that is the wrong kind of thing, or cannot be reached, is one line that names it."""
    err = _one_line(*_run(*argv)[::2], expected=expected)
    assert words in err


def test_python_dash_m_prints_no_traceback_for_a_system_error(site: Path) -> None:
    """The installed command behaves as main() does: one line, exit 1."""
    done = _subprocess("directory", "new", "--authority-key", AUTHORITY_KEY, "-o", "missing/d.jws", env={**os.environ})
    assert done.returncode == 1
    assert done.stderr.decode() == "concernshare directory new: missing/d.jws: No such file or directory\n"


@pytest.mark.parametrize(
    ("argv", "wire"),
    [
        (
            [
                "track",
                "not-shared",
                "--tracker",
                "t.db",
                "--withheld-from",
                "ods:E81001",
                "--by-agency",
                "la:E06000032/mash",
                "--by-role",
                "mash",
                "--reason",
                "bogus",
            ],
            "would_increase_risk",
        ),
        (
            [
                "directory",
                "add",
                "d.jws",
                "--agency",
                "ods:E81001",
                "--name",
                "GP",
                "--roles",
                "gp",
                "--kind",
                "bogus",
                "--keys",
                "k.jwks",
                "--authority-key",
                "a.jwks",
            ],
            "education",
        ),
        (
            ["directory", "revoke", "d.jws", "--kid", "k", "--authority-key", "a.jwks", "--reason", "bogus"],
            "key_compromise",
        ),
    ],
    ids=["not-shared --reason", "directory add --kind", "directory revoke --reason"],
)
def test_an_invalid_choice_lists_the_wire_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], wire: str
) -> None:
    """argparse's refusal of an enum option names the values to type, never a Python enum's repr."""
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(*argv)
    assert (code, out) == (2, "")
    assert "invalid choice: 'bogus'" in err
    assert f"'{wire}'" in err
    assert "<" not in err
    assert not list(tmp_path.iterdir())
