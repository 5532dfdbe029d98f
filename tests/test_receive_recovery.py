"""Nothing lost on receipt: a receive that dies or fails at any step before its end records nothing.

Each test runs ``concernshare receive`` as a new process that dies (SIGKILL)
just after one exact step, or whose store fails, or whose output fails; a
retry of the same sealed bytes is then accepted, and after a complete run a
retry is refused as a replay.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from _stores import KINDS, make_store, postgres_dsn, postgres_schema, postgres_store
from concernshare import codec
from concernshare.cli import main
from concernshare.crypto import _jose, keys
from concernshare.directory import Directory, open_directory
from concernshare.errors import Replayed, StoreError
from concernshare.exchange import receive, receiving
from concernshare.records import AgencyId
from concernshare.sealing import seal
from concernshare.stores import SQLiteStore, Store
from concernshare.tracker import Tracker

EXAMPLES = Path(__file__).parent.parent / "examples"
MESSAGES = EXAMPLES / "messages"
KEYS = EXAMPLES / "directory" / "keys"
RULES = str(EXAMPLES / "routing" / "mash-front-door.json")
DIR = ("--directory", str(EXAMPLES / "directory" / "directory.jws"), "--authority", str(KEYS / "authority.public.jwks"))
WRAPPER = Path(__file__).with_name("receive_wrapper.py")
HV, MASH = AgencyId("ods:Y99HV/health-visiting"), AgencyId("la:E06000032/mash")
ACCEPT = ("--accept-status", "exercise")


def _key(agency: str) -> str:
    return str(KEYS / f"{agency.replace(':', '_').replace('/', '_')}.private.jwks")


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _draft(prefix: str, **changes: Any) -> dict[str, Any]:
    (path,) = MESSAGES.glob(f"{prefix}*.json")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    del document["sent"]
    document["created"] = _stamp(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2))
    document.update(changes)
    return document


def _sent(prefix: str, agency: str, name: str, **changes: Any) -> str:
    """Send an example message as ``agency`` with the CLI; return the sealed file of its first view."""
    Path(f"{name}.json").write_text(json.dumps(_draft(prefix, **changes)), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(
        [
            "send",
            f"{name}.json",
            "--key",
            _key(agency),
            "--rules",
            RULES,
            *DIR,
            "--tracker",
            f"{name}-sender.db",
            "--out",
            name,
        ],
        stdout=out,
        stderr=err,
    )
    assert code == 0, err.getvalue()
    return err.getvalue().split(":")[0]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CONCERNSHARE_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(params=["sqlite", "postgres"])
def trackers(request: pytest.FixtureRequest) -> Iterator[Callable[[str], str]]:
    """What ``--tracker`` is given for each agency's tracker: a SQLite file, or a PostgreSQL URL and schema."""
    with contextlib.ExitStack() as schemas:
        made: dict[str, str] = {}

        def tracker(name: str) -> str:
            if name not in made:
                if request.param == "sqlite":
                    made[name] = f"{name}.db"
                else:
                    dsn, schema = schemas.enter_context(postgres_schema())
                    made[name] = f"{dsn}?schema={schema}"
            return made[name]

        yield tracker


def _receive(
    step: str, sealed: str, agency: str, tracker: str, stdout: Any = subprocess.PIPE
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(WRAPPER),
            step,
            "receive",
            sealed,
            "--key",
            _key(agency),
            *DIR,
            "--tracker",
            tracker,
            *ACCEPT,
        ],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        timeout=60,
    )


def _retry_accepted_then_replayed(sealed: str, agency: str, tracker: str, accepted: int = 0) -> str:
    again = _receive("none", sealed, agency, tracker)
    assert again.returncode == accepted, again.stderr
    assert "received before" not in again.stderr
    replay = _receive("none", sealed, agency, tracker)
    assert replay.returncode == 1
    assert "has been received before" in replay.stderr
    assert replay.stdout == ""
    return again.stdout


@pytest.mark.parametrize("step", ["seen", "arrival", "output"])
def test_a_receive_killed_at_any_step_loses_nothing(site: Path, step: str, trackers: Callable[[str], str]) -> None:
    """Killed after seen, after the arrival, or after printing the message: the retry prints it."""
    sealed = _sent("01", HV, "concern")
    killed = _receive(step, sealed, MASH, trackers("mash"))
    assert killed.returncode == -signal.SIGKILL
    printed = json.loads(_retry_accepted_then_replayed(sealed, MASH, trackers("mash")))
    assert printed["id"] == "29506208-aff0-4428-8922-2f415c41c017"


@pytest.mark.parametrize("step", ["seen", "answer", "output"])
def test_a_receive_of_an_answer_killed_at_any_step_loses_nothing(
    site: Path,
    step: str,
    trackers: Callable[[str], str],
) -> None:
    """An acknowledgement whose receipt died after seen, after its answer was recorded or after printing: the
    retry is accepted and closes the delivery."""
    concern = _sent("01", HV, "concern")
    assert _receive("none", concern, MASH, trackers("mash")).returncode == 0
    acknowledgement = _sent("02", MASH, "ack", recipients=[HV])
    killed = _receive(step, acknowledgement, HV, trackers("hv"))
    assert killed.returncode == -signal.SIGKILL
    _retry_accepted_then_replayed(acknowledgement, HV, trackers("hv"))
    status = subprocess.run(
        [
            sys.executable,
            str(WRAPPER),
            "none",
            "track",
            "status",
            "29506208-aff0-4428-8922-2f415c41c017",
            "--tracker",
            trackers("hv"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(json.loads(status.stdout)["answers"]) == 1


def _invalid_sealed(name: str) -> str:
    """A concern from health visiting to the MASH whose content is refused (an NHS number failing its check)."""
    document = _draft("01", sent=_stamp(dt.datetime.now(dt.UTC)), recipients=[MASH], status="exercise")
    document["subject"]["identifiers"]["nhs_number"] = "9990000027"
    directory = _directory()
    signer = keys.signer_from(keys.read_private_jwk_set(_key(HV)))
    signed = _jose.sign(json.dumps(document).encode(), signer, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)
    sealed = _jose.encrypt(
        signed, directory.encryption_keys(MASH, dt.datetime.now(dt.UTC)), typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY
    )
    Path(name).write_bytes(sealed)
    return name


def _directory() -> Directory:
    authority = keys.loads_public_jwk_set((KEYS / "authority.public.jwks").read_bytes())
    return open_directory(
        (EXAMPLES / "directory" / "directory.jws").read_bytes(), authority, now=dt.datetime.now(dt.UTC)
    )


@pytest.mark.parametrize("step", ["seen", "arrival", "delivery", "output"])
def test_a_rejection_killed_at_any_step_is_written_on_the_retry(
    site: Path,
    step: str,
    trackers: Callable[[str], str],
) -> None:
    """Refused content whose receipt died before the end: the retry writes the rejection; then a replay gets none."""
    sealed = _invalid_sealed("invalid.sealed.json")
    killed = _receive(step, sealed, MASH, trackers("mash"))
    assert killed.returncode == -signal.SIGKILL
    reply = Path(f"{sealed}.rejected.json")
    reply.unlink(missing_ok=True)
    _retry_accepted_then_replayed(sealed, MASH, trackers("mash"), accepted=1)
    assert reply.stat().st_size > 0


def test_output_to_a_full_device_is_not_recorded(site: Path) -> None:
    """Printing to /dev/full fails: the message is not recorded, and the retry prints it."""
    sealed = _sent("01", HV, "concern")
    with open("/dev/full", "w") as full:  # noqa: PTH123
        failed = _receive("none", sealed, MASH, "mash.db", stdout=full)
    assert failed.returncode != 0
    assert "Traceback" not in failed.stderr
    _retry_accepted_then_replayed(sealed, MASH, "mash.db")


def _open(step: str, sealed: str, stdout: Any = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(WRAPPER),
            step,
            "open",
            sealed,
            "--key",
            _key(MASH),
            *DIR,
            "--replay-store",
            "replay.db",
            *ACCEPT,
        ],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        timeout=60,
    )


def _open_again_then_replayed(sealed: str) -> None:
    again = _open("none", sealed)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["id"] == "29506208-aff0-4428-8922-2f415c41c017"
    replay = _open("none", sealed)
    assert (replay.returncode, replay.stdout) == (1, "")
    assert "has been received before" in replay.stderr


@pytest.mark.parametrize("step", ["seen", "printed"])
def test_an_open_killed_before_its_end_loses_nothing(site: Path, step: str) -> None:
    """open killed after recording seen, or after printing: nothing was committed, the retry prints the message."""
    sealed = _sent("01", HV, "concern")
    assert _open(step, sealed).returncode == -signal.SIGKILL
    _open_again_then_replayed(sealed)


def test_an_open_to_a_full_device_is_not_recorded(site: Path) -> None:
    """open printing to /dev/full fails in one line; the message is not seen, so the retry prints it."""
    sealed = _sent("01", HV, "concern")
    with open("/dev/full", "w") as full:  # noqa: PTH123
        failed = _open("none", sealed, stdout=full)
    assert failed.returncode != 0
    assert "Traceback" not in failed.stderr
    assert "open it again" in failed.stderr
    _open_again_then_replayed(sealed)


def test_a_rejection_to_a_full_device_is_not_recorded(site: Path) -> None:
    """Writing the rejection to /dev/full is refused (no regular file): nothing is recorded, the retry writes it."""
    sealed = _invalid_sealed("invalid.sealed.json")
    failed = subprocess.run(
        [
            sys.executable,
            str(WRAPPER),
            "none",
            "receive",
            sealed,
            "--key",
            _key(MASH),
            *DIR,
            "--tracker",
            "mash.db",
            *ACCEPT,
            "--reply",
            "/dev/full",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert failed.returncode != 0
    assert "/dev/full" in failed.stderr
    assert "Traceback" not in failed.stderr
    _retry_accepted_then_replayed(sealed, MASH, "mash.db", accepted=1)


class FailingStore:
    """A store that fails on its second write (each of record and add_* counts), passing all else through."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.writes = 0

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.inner, name)
        if name != "record" and not name.startswith("add_"):
            return found

        def write(*args: Any, **kwargs: Any) -> Any:
            self.writes += 1
            if self.writes == 2:
                raise StoreError("the store failed (on purpose, in a test)")
            return found(*args, **kwargs)

        return write


@pytest.fixture(params=KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with make_store(request.param, tmp_path) as made:
        yield made


def _sealed_concern(directory: Directory, at: dt.datetime) -> bytes:
    document = _draft("01", recipients=[MASH], status="actual")
    message = codec.loads(json.dumps(document))
    return seal(message, keys.signer_from(keys.read_private_jwk_set(_key(HV))), directory=directory, now=at)


def test_a_store_failing_on_the_second_write_loses_nothing(store: Store) -> None:
    """Seen is written, the arrival fails: nothing stays recorded, so the retry is accepted, then replays refused."""
    directory, at = _directory(), dt.datetime.now(dt.UTC)
    sealed = _sealed_concern(directory, at)
    private = keys.read_private_jwk_set(_key(MASH))
    failing = FailingStore(store)

    def run(on: Any) -> Any:
        return receive(
            sealed,
            keys.decrypters_from(private),
            keys.signer_from(private),
            me=MASH,
            directory=directory,
            store=on,
            tracker=Tracker(on),
            at=at,
        )

    with pytest.raises(StoreError):
        run(failing)
    assert failing.writes == 2
    assert store.receipt(HV, "29506208-aff0-4428-8922-2f415c41c017") is None
    assert store.arrivals("29506208-aff0-4428-8922-2f415c41c017") == ()
    assert run(store).message is not None
    with pytest.raises(Replayed):
        run(store)


def _handle_then_fail(receipt: Any) -> None:
    with receipt as received:
        assert received.message is not None
        raise OSError("disk full")


def test_receiving_commits_only_when_the_block_ends(store: Store) -> None:
    """An error raised while handling the message undoes everything; a clean end commits it."""
    directory, at = _directory(), dt.datetime.now(dt.UTC)
    sealed = _sealed_concern(directory, at)
    private = keys.read_private_jwk_set(_key(MASH))

    def opened() -> Any:
        return receiving(
            sealed,
            keys.decrypters_from(private),
            keys.signer_from(private),
            me=MASH,
            directory=directory,
            store=store,
            tracker=Tracker(store),
            at=at,
        )

    with pytest.raises(OSError, match="disk full"):
        _handle_then_fail(opened())
    assert store.arrivals("29506208-aff0-4428-8922-2f415c41c017") == ()
    with opened() as received:
        assert received.message is not None
    assert len(store.arrivals("29506208-aff0-4428-8922-2f415c41c017")) == 1
    with pytest.raises(Replayed), opened():
        pass


def _second(store: Store) -> Store:
    """Another connection to the same store (the same instance for memory), made on the calling thread."""
    if isinstance(store, SQLiteStore):
        return SQLiteStore(store.path)
    if type(store).__name__ == "PostgresStore":
        return postgres_store(postgres_dsn(), store.schema)  # type: ignore[attr-defined]
    return store


@pytest.mark.parametrize("first_fails", [False, True], ids=["first commits", "first fails"])
def test_of_two_concurrent_receivers_exactly_one_succeeds(store: Store, first_fails: bool) -> None:
    """A second receiver of the same message waits while the first handles it; it is refused as a replay if the
    first committed, and accepts the message if the first failed."""
    directory, at = _directory(), dt.datetime.now(dt.UTC)
    sealed = _sealed_concern(directory, at)
    private = keys.read_private_jwk_set(_key(MASH))
    outcome: list[object] = []

    def args(on: Store) -> dict[str, Any]:
        return {"me": MASH, "directory": directory, "store": on, "tracker": Tracker(on), "at": at}

    def second() -> None:
        other = _second(store)
        try:
            outcome.append(
                receive(sealed, keys.decrypters_from(private), keys.signer_from(private), **args(other)).message
                is not None
            )
        except Replayed as error:
            outcome.append(error)
        finally:
            if other is not store:
                other.close()

    thread = threading.Thread(target=second)
    with (
        pytest.raises(OSError, match="handling failed") if first_fails else _nothing(),
        receiving(sealed, keys.decrypters_from(private), keys.signer_from(private), **args(store)),
    ):
        thread.start()
        thread.join(0.5)
        assert thread.is_alive(), "the second receiver did not wait for the first"
        if first_fails:
            raise OSError("handling failed")
    thread.join(60)
    assert len(outcome) == 1
    if first_fails:
        assert outcome == [True]
    else:
        assert isinstance(outcome[0], Replayed)


@contextlib.contextmanager
def _nothing() -> Iterator[None]:
    yield
