"""Every file the command line writes: never through a planted symbolic link, secret outputs 0600 whatever the umask."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import stat
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from concernshare import demo
from concernshare._files import existing_file, prepare_database, write_file
from concernshare.cli import main
from concernshare.cli._inputs import open_store
from concernshare.errors import OutputRefused
from concernshare.stores import SQLiteStore
from concernshare.tracker import Tracker

EXAMPLES = Path(__file__).parent.parent / "examples"
KEYS = EXAMPLES / "directory" / "keys"
RULES = str(EXAMPLES / "routing" / "mash-front-door.json")
DIR = ("--directory", str(EXAMPLES / "directory" / "directory.jws"), "--authority", str(KEYS / "authority.public.jwks"))
HV, MASH, GP = "ods:Y99HV/health-visiting", "la:E06000032/mash", "ods:Y99GP"
CONCERN = "29506208-aff0-4428-8922-2f415c41c017"
VICTIM = b"not to be touched\n"


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


def _draft(prefix: str, name: str, **changes: Any) -> None:
    (path,) = (EXAMPLES / "messages").glob(f"{prefix}*.json")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    del document["sent"]
    document["created"] = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)).isoformat()
    document.update(changes)
    Path(name).write_text(json.dumps(document), encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A working folder with its own state folder, the example concern as a draft, a victim file, and umask 0."""
    monkeypatch.setenv("CONCERNSHARE_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    _draft("01", "concern.json")
    (tmp_path / "victim.txt").write_bytes(VICTIM)
    old = os.umask(0)
    try:
        yield tmp_path
    finally:
        os.umask(old)


def _plant(link: str | Path) -> Path:
    """A symbolic link at ``link`` to the victim file, in the place of a file the command will write."""
    path = Path(link)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(Path("victim.txt").resolve())
    return path


def _refused(argv: list[str], link: Path) -> None:
    code, _, err = _run(*argv)
    assert code == 1, err
    assert err.count("\n") == 1, err
    assert f"{link} is a symbolic link" in err
    assert link.is_symlink()
    assert Path("victim.txt").read_bytes() == VICTIM


def _mode(path: str | Path) -> int:
    return stat.S_IMODE(Path(path).stat().st_mode)


def _deliveries(db: str) -> tuple[str, ...]:
    store = SQLiteStore(db)
    try:
        return Tracker(store).recipients(uuid.UUID(CONCERN))
    finally:
        store.close()


def _send(*extra: str) -> list[str]:
    return [
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
        "outbox",
        *extra,
    ]


def _authority_site() -> None:
    """An authority of our own and a directory it signs, for the directory commands."""
    _ok("keygen", "--authority", "--out", "keys")
    _ok("keygen", "--agency", "school:123456", "--out", "keys")
    _ok("directory", "new", "--authority-key", "keys/authority.private.jwks", "-o", "own.jws", "--id", "own")


# Each writer: what to set up, the command, and the name a link is planted at.
WRITERS: dict[str, Callable[[], tuple[list[str], str]]] = {
    "seal -o": lambda: (["seal", "concern.json", "--key", _key(HV), *DIR, "-o", "out.json"], "out.json"),
    "sign -o": lambda: (["sign", "concern.json", "--key", _key(HV), *DIR, "-o", "out.json"], "out.json"),
    "send, a sealed file": lambda: (_send(), f"outbox/{CONCERN}.1.full.sealed.json"),
    "send, the write check": lambda: (_send(), "outbox/.concernshare-write-check"),
    "send, the tracker": lambda: (_send(), "hv.db"),
    "send, the tracker's journal": lambda: (_send(), "hv.db-wal"),
    "the state folder's directory store": lambda: (
        ["route", "concern.json", "--rules", RULES, *DIR],
        "state/directories.db",
    ),
    "open --replay-store": lambda: (
        ["open", "sealed.json", "--key", _key(MASH), *DIR, "--replay-store", "r.db"],
        "r.db",
    ),
    "chronology -o": lambda: (
        ["chronology", str(next((EXAMPLES / "messages").glob("01*.json"))), "-o", "c.html"],
        "c.html",
    ),
    "chronology --receipts": lambda: (
        ["chronology", "sealed.json", "--key", _key(MASH), *DIR, "--receipts", "r.db"],
        "r.db",
    ),
    "keygen, the private key": lambda: (["keygen", "--agency", GP, "--out", "k"], "k/ods_Y99GP.private.jwks"),
    "keygen, the public key": lambda: (["keygen", "--agency", GP, "--out", "k"], "k/ods_Y99GP.public.jwks"),
    "directory new -o": lambda: (["directory", "new", "--authority-key", _key(MASH), "-o", "d.jws"], "d.jws"),
}


def _sealed() -> None:
    out, _ = _ok("seal", "concern.json", "--key", _key(HV), *DIR)
    Path("sealed.json").write_text(out, encoding="utf-8")


@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_planted_link_is_refused_and_its_target_untouched(site: Path, writer: str) -> None:
    """The command refuses in one line with exit 1, writes nothing through the link, and leaves its target alone."""
    if "sealed.json" in WRITERS[writer]()[0]:
        _sealed()
    argv, name = WRITERS[writer]()
    _refused(argv, _plant(name))
    if writer.startswith("send"):
        assert [p for p in Path().glob("outbox/*.sealed.json") if not p.is_symlink()] == []
    if writer == "keygen, the public key":
        assert not Path("k/ods_Y99GP.private.jwks").exists()  # checked before anything is written


def test_send_with_a_planted_link_records_no_delivery(site: Path) -> None:
    """A send refused at its second sealed file records nothing: the deliveries come after every file."""
    _plant(f"outbox/{CONCERN}.2.health.sealed.json")
    _refused(_send(), Path(f"outbox/{CONCERN}.2.health.sealed.json"))
    assert _deliveries("hv.db") == ()


def test_a_dangling_link_is_not_followed(site: Path) -> None:
    """A link to a file that does not exist yet is refused: nothing is created where it points."""
    Path("out.json").symlink_to(site / "created-through-the-link.json")
    code, _, err = _run("seal", "concern.json", "--key", _key(HV), *DIR, "-o", "out.json")
    assert (code, err.count("\n")) == (1, 1)
    assert not (site / "created-through-the-link.json").exists()


def _gp_superseding(number: int) -> str:
    """A GP concern that claims to supersede health visiting's: refused at the MASH; its sealed file for the MASH."""
    _draft(
        "01",
        "gp-concern.json",
        id=str(uuid.UUID(int=number)),
        sender={"agency": GP, "practitioner": {"name": "Dr Imran Qureshi", "role": "GP"}},
        thread={"supersedes": CONCERN},
    )
    _, err = _ok(
        "send", "gp-concern.json", "--key", _key(GP), "--rules", RULES, *DIR, "--tracker", "gp.db", "--out", "gp-outbox"
    )
    return next(line.split(": view ")[0] for line in err.splitlines() if MASH in line)


def test_the_rejection_reply_is_never_written_through_a_link(site: Path) -> None:
    """receive --reply refuses a planted link for the sealed rejection, and writes it 0600."""
    _ok(*_send())
    (full,) = Path("outbox").glob("*.full.sealed.json")
    _ok("receive", str(full), "--key", _key(MASH), *DIR, "--tracker", "mash.db", "--accept-status", "exercise")
    link = _plant("reply.json")
    code, _, err = _run(
        "receive",
        _gp_superseding(1),
        "--key",
        _key(MASH),
        *DIR,
        "--tracker",
        "mash.db",
        "--accept-status",
        "exercise",
        "--reply",
        str(link),
    )
    assert code == 1
    assert f"{link} is a symbolic link" in err.splitlines()[-1]
    assert Path("victim.txt").read_bytes() == VICTIM
    code, _, err = _run(
        "receive",
        _gp_superseding(2),
        "--key",
        _key(MASH),
        *DIR,
        "--tracker",
        "mash.db",
        "--accept-status",
        "exercise",
        "--reply",
        "reply2.json",
    )
    assert code == 1
    assert "reply2.json" in err.splitlines()[-1]
    assert _mode("reply2.json") == 0o600


@pytest.mark.parametrize("action", ["add", "retire", "revoke"])
def test_a_directory_that_is_a_link_is_not_replaced_through_it(site: Path, action: str) -> None:
    """directory add, retire and revoke read a linked directory but refuse to write a new edition through the link."""
    _authority_site()
    before = Path("own.jws").read_bytes()
    Path("linked.jws").symlink_to(site / "own.jws")
    authority = ("--authority-key", "keys/authority.private.jwks")
    argv = {
        "add": [
            "directory",
            "add",
            "linked.jws",
            "--agency",
            "school:123456",
            "--name",
            "A school",
            "--roles",
            "school",
            "--keys",
            "keys/school_123456.public.jwks",
            *authority,
        ],
        "retire": ["directory", "retire", "linked.jws", "--keys", "keys/school_123456.public.jwks", *authority],
        "revoke": ["directory", "revoke", "linked.jws", "--kid=nothing", *authority],
    }[action]
    if action != "add":
        _ok(
            "directory",
            "add",
            "own.jws",
            "--agency",
            "school:123456",
            "--name",
            "A school",
            "--roles",
            "school",
            "--keys",
            "keys/school_123456.public.jwks",
            *authority,
        )
        before = Path("own.jws").read_bytes()
    if action == "revoke":
        kid = json.loads(Path("keys/school_123456.public.jwks").read_text())["keys"][0]["kid"]
        argv[3] = f"--kid={kid}"
    code, _, err = _run(*argv)
    assert (code, err.count("\n")) == (1, 1), err
    assert "linked.jws is a symbolic link" in err
    assert Path("own.jws").read_bytes() == before
    assert Path("linked.jws").is_symlink()


@pytest.mark.parametrize(
    "argv",
    [
        ["send", "concern.json", "--key", _key(HV), "--rules", RULES, *DIR, "--tracker", "hv.db", "--out", "linked"],
        ["keygen", "--agency", "school:123456", "--out", "linked"],
        ["demo", "--out", "linked"],
    ],
    ids=["send", "keygen", "demo"],
)
def test_an_output_folder_that_is_a_link_is_refused(site: Path, argv: list[str]) -> None:
    """--out naming a symbolic link to a folder is refused in one line: nothing is written there or recorded."""
    elsewhere = site / "elsewhere"
    elsewhere.mkdir()
    Path("linked").symlink_to(elsewhere)
    code, out, err = _run(*argv)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1, err
    assert "linked is a symbolic link" in err
    assert list(elsewhere.iterdir()) == []
    assert not Path("hv.db").exists()


@pytest.mark.parametrize(
    "argv",
    [
        [
            "send",
            "concern.json",
            "--key",
            _key(HV),
            "--rules",
            RULES,
            *DIR,
            "--tracker",
            "notes.txt",
            "--out",
            "outbox",
        ],
        ["track", "overdue", "--tracker", "notes.txt"],
    ],
    ids=["send", "track"],
)
def test_a_tracker_that_is_not_a_sqlite_file_is_refused_untouched(site: Path, argv: list[str]) -> None:
    """--tracker naming a file that is not a SQLite database says so in one line, exit 1, and leaves it as it was."""
    Path("notes.txt").write_bytes(VICTIM)
    code, out, err = _run(*argv)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1, err
    assert "notes.txt is not a SQLite database" in err
    assert Path("notes.txt").read_bytes() == VICTIM
    assert not list(Path().glob("outbox/*.sealed.json"))


def test_the_demo_never_writes_through_a_link(site: Path) -> None:
    """The demo's outputs go through the same safe writing: a link in its folder is refused."""
    folder = site / "played"
    _plant(folder / "directory.jws")
    with pytest.raises(OutputRefused, match="symbolic link"):
        demo.run(folder, now=dt.datetime.now(dt.UTC), say=lambda _line: None)
    assert Path("victim.txt").read_bytes() == VICTIM


def test_secret_outputs_are_0600_and_public_ones_0644_under_umask_zero(site: Path) -> None:
    """Sealed files, reports, rejections, private keys and every SQLite store are 0600 even with umask 0."""
    _ok(*_send())
    _ok("seal", "concern.json", "--key", _key(HV), *DIR, "-o", "sealed.json")
    _ok("sign", "concern.json", "--key", _key(HV), *DIR, "-o", "signed.json")
    _ok("chronology", str(next((EXAMPLES / "messages").glob("01*.json"))), "-o", "report.html")
    _ok("chronology", str(next((EXAMPLES / "messages").glob("01*.json"))), "-o", "report.csv")
    _ok("open", "sealed.json", "--key", _key(MASH), *DIR, "--replay-store", "replay.db", "--accept-status", "exercise")
    _ok("keygen", "--agency", GP, "--out", "k")
    _ok("directory", "new", "--authority-key", _key(MASH), "-o", "d.jws")
    secret = [
        *Path("outbox").glob("*.sealed.json"),
        "sealed.json",
        "signed.json",
        "report.html",
        "report.csv",
        "k/ods_Y99GP.private.jwks",
        "hv.db",
        "replay.db",
        *Path("state").glob("*.db"),
    ]
    assert len(secret) == 10
    assert {str(p): _mode(p) for p in secret} == {str(p): 0o600 for p in secret}
    assert {_mode("k/ods_Y99GP.public.jwks"), _mode("d.jws")} == {0o644}
    assert not list(Path().rglob(".*.tmp"))


def test_sqlite_journals_take_the_store_s_mode(site: Path) -> None:
    """While a store is open, SQLite's WAL and shared-memory files are 0600 like the store itself."""
    store = open_store("t.db")
    try:
        Tracker(store).record_delivery(
            message_id=CONCERN, message_type="concern", sender=HV, recipient=MASH, sent_at=dt.datetime.now(dt.UTC)
        )
        journals = [Path("t.db-wal"), Path("t.db-shm")]
        assert {str(p): _mode(p) for p in [Path("t.db"), *journals]} == {
            "t.db": 0o600,
            "t.db-wal": 0o600,
            "t.db-shm": 0o600,
        }
    finally:
        store.close()


def test_the_demo_writes_its_secrets_0600(tmp_path: Path) -> None:
    """The demo's sealed files and reports are 0600 and its directory 0644, whatever the umask."""
    old = os.umask(0)
    try:
        code, _, err = _run("demo", "--out", str(tmp_path / "played"))
    finally:
        os.umask(old)
    assert code == 0, err
    folder = tmp_path / "played"
    secret = [*folder.glob("*.sealed.json"), folder / "chronology-report.html", folder / "chronology.json"]
    assert len(secret) > 3
    assert {_mode(p) for p in secret} == {0o600}
    assert _mode(folder / "directory.jws") == 0o644


def test_write_file_replaces_a_regular_file_whole(tmp_path: Path) -> None:
    """An existing regular file is replaced by the new content, and takes the new mode; no temporary file is left."""
    target = tmp_path / "out.json"
    target.write_bytes(b"old content that is longer")
    target.chmod(0o644)
    write_file(target, b"new")
    assert (target.read_bytes(), _mode(target)) == (b"new", 0o600)
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_write_file_new_never_overwrites(tmp_path: Path) -> None:
    """With new, an existing file is refused and left as it was."""
    target = tmp_path / "key.jwks"
    target.write_bytes(b"first")
    with pytest.raises(OutputRefused, match="exists"):
        write_file(target, b"second", new=True)
    assert target.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["key.jwks"]


def test_write_file_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    """A folder or a named pipe at the name is refused: only a regular file is ever replaced."""
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "pipe")
    for name in ("folder", "pipe"):
        with pytest.raises(OutputRefused, match="not a regular file"):
            write_file(tmp_path / name, b"data")
    assert existing_file(tmp_path / "missing") is False


def test_write_file_names_the_file_asked_for_when_the_folder_is_missing(tmp_path: Path) -> None:
    """An OSError names the final file, not the temporary one."""
    with pytest.raises(FileNotFoundError) as raised:
        write_file(tmp_path / "missing" / "out.json", b"data")
    assert raised.value.filename == str(tmp_path / "missing" / "out.json")


def test_prepare_database_keeps_an_existing_store(tmp_path: Path) -> None:
    """An existing store is left as it was (its content and its mode); a new one is created empty and 0600."""
    path = tmp_path / "t.db"
    prepare_database(path)
    assert (path.read_bytes(), _mode(path)) == (b"", 0o600)
    path.write_bytes(b"x")
    path.chmod(0o640)
    prepare_database(path)
    assert (path.read_bytes(), _mode(path)) == (b"x", 0o640)
