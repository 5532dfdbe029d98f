"""``concernshare send`` killed at exact points: complete files or none, deliveries recorded only after the files."""

from __future__ import annotations

import datetime as dt
import io
import json
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from concernshare.cli import main
from concernshare.stores import SQLiteStore
from concernshare.tracker import Tracker

EXAMPLES = Path(__file__).parent.parent / "examples"
KEYS = EXAMPLES / "directory" / "keys"
KILLER = Path(__file__).with_name("cli_killer.py")
CONCERN = "29506208-aff0-4428-8922-2f415c41c017"
SEND = [
    "send",
    "concern.json",
    "--key",
    str(KEYS / "ods_Y99HV_health-visiting.private.jwks"),
    "--rules",
    str(EXAMPLES / "routing" / "mash-front-door.json"),
    "--directory",
    str(EXAMPLES / "directory" / "directory.jws"),
    "--authority",
    str(KEYS / "authority.public.jwks"),
    "--tracker",
    "hv.db",
    "--out",
    "outbox",
]
#: The example concern goes out as two sealed files (the full view, the health view) to three agencies.
FILES, DELIVERIES = 2, 3


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with its own state folder and the example concern as a fresh draft."""
    monkeypatch.setenv("CONCERNSHARE_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    (path,) = (EXAMPLES / "messages").glob("01*.json")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    del document["sent"]
    document["created"] = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)).isoformat()
    (tmp_path / "concern.json").write_text(json.dumps(document), encoding="utf-8")
    return tmp_path


def _recorded(site: Path) -> tuple[str, ...]:
    if not (site / "hv.db").exists():
        return ()
    store = SQLiteStore(site / "hv.db")
    try:
        return Tracker(store).recipients(uuid.UUID(CONCERN))
    finally:
        store.close()


def _sealed(site: Path) -> list[Path]:
    return sorted((site / "outbox").glob("*.sealed.json"))


def _complete(path: Path) -> bool:
    try:
        document = json.loads(path.read_bytes())
    except ValueError:
        return False
    return isinstance(document, dict) and {"protected", "ciphertext", "tag", "iv", "recipients"} <= document.keys()


def _kill_at(point: str, n: int) -> None:
    killed = subprocess.run(
        [sys.executable, str(KILLER), point, str(n), *SEND], capture_output=True, timeout=120, check=False
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()


@pytest.mark.parametrize(
    ("point", "n", "files_in_place"),
    [
        ("write", 1, 0),
        ("write", 2, 1),
        ("rename", 1, 0),
        ("rename", 2, 1),
        ("renamed", 1, 1),
        ("renamed", 2, 2),
        ("record", 1, 2),
    ],
)
def test_killed_before_recording_leaves_whole_files_and_no_delivery(
    site: Path,
    point: str,
    n: int,
    files_in_place: int,
) -> None:
    """Killed while sealed files are written: each final name holds a whole file or nothing; nothing is recorded."""
    _kill_at(point, n)
    placed = _sealed(site)
    assert len(placed) == files_in_place
    assert all(_complete(p) for p in placed)
    assert _recorded(site) == ()
    _retry_sends_everything(site)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_killed_while_recording_leaves_every_file_and_the_deliveries_so_far(site: Path, n: int) -> None:
    """Killed after the Nth delivery was recorded: every file is whole and in place; a retry records the rest once."""
    _kill_at("recorded", n)
    placed = _sealed(site)
    assert len(placed) == FILES
    assert all(_complete(p) for p in placed)
    assert len(_recorded(site)) == n
    _retry_sends_everything(site)


def _retry_sends_everything(site: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(SEND, stdout=out, stderr=err, stdin=io.BytesIO()) == 0, err.getvalue()
    placed = _sealed(site)
    assert len(placed) == FILES
    assert all(_complete(p) for p in placed)
    assert len(_recorded(site)) == DELIVERIES
    lines = err.getvalue().splitlines()
    views = [line for line in lines if "a temporary file left by an interrupted run" not in line]
    assert [line.split(":")[0] for line in views] == [str(Path("outbox") / p.name) for p in placed]
    for line in set(lines) - set(views):  # a file the killed run was writing: named, kept, never a sealed name
        left = Path(line.split(":")[0])
        assert left.name.startswith(".")
        assert left.name.endswith(".tmp")
        assert left.exists()


def test_a_send_that_completes_writes_every_file_before_recording(site: Path) -> None:
    """The crash wrapper itself: with a point never reached, the send finishes with whole files and every delivery."""
    finished = subprocess.run(
        [sys.executable, str(KILLER), "record", "99", *SEND], capture_output=True, timeout=120, check=False
    )
    assert finished.returncode == 0, finished.stderr.decode()
    assert len(_sealed(site)) == FILES
    assert len(_recorded(site)) == DELIVERIES


def test_a_later_send_names_the_temporary_files_a_killed_one_left(site: Path) -> None:
    """A send killed mid-write may leave a hidden .NAME.<random>.tmp: never a *.sealed.json, never deleted by
    another run (it could be a running send's), and named on stderr by the next send into the folder."""
    (site / "outbox").mkdir()
    left = site / "outbox" / f".{CONCERN}.1.full.sealed.json.0123456789abcdef.tmp"
    left.write_bytes(b'{"protected":"eyJ')
    left.chmod(0o600)
    out, err = io.StringIO(), io.StringIO()
    assert main(SEND, stdout=out, stderr=err) == 0, err.getvalue()
    assert left.exists()
    assert left not in _sealed(site)
    assert len(_sealed(site)) == FILES
    assert f"{left.name}: a temporary file left by an interrupted run" in err.getvalue()
