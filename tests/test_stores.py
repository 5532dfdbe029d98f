"""Tests for the replay and receipt stores; every implementation passes the same tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from concernshare.stores import MemoryStore, Receipt, ReplayStore, SQLiteStore

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ReplayStore]:
    """Each store implementation in turn."""
    made: ReplayStore = MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "replay.db")
    yield made
    made.close()


def _receipt(message_id: str = "m1", sender: str = "ods:RYV01/hv") -> Receipt:
    return Receipt(sender=sender, message_id=message_id, sent=T0, received=T0 + dt.timedelta(minutes=1))


def test_first_record_succeeds_second_is_a_replay(store: ReplayStore) -> None:
    """The same sender and id is accepted once only."""
    assert store.record(_receipt(), keep_until=T0 + dt.timedelta(days=8))
    assert not store.record(_receipt(), keep_until=T0 + dt.timedelta(days=8))


def test_same_id_from_another_sender_is_not_a_replay(store: ReplayStore) -> None:
    """Replays are keyed by sender and id together."""
    assert store.record(_receipt(), keep_until=T0)
    assert store.record(_receipt(sender="la:E06000032/mash"), keep_until=T0)


def test_receipts_survive_pruning(store: ReplayStore) -> None:
    """Pruning forgets seen entries past their time but never the receipt log."""
    store.record(_receipt(), keep_until=T0 + dt.timedelta(days=1))
    store.record(_receipt("m2"), keep_until=T0 + dt.timedelta(days=30))
    assert store.prune(T0 + dt.timedelta(days=2)) == 1
    receipt = store.receipt("ods:RYV01/hv", "m1")
    assert receipt is not None
    assert receipt.received == T0 + dt.timedelta(minutes=1)
    assert store.receipt("ods:RYV01/hv", "nope") is None


def test_directory_serial_only_rises(store: ReplayStore) -> None:
    """The highest serial seen is kept; a lower one does not replace it."""
    assert store.directory_serial("d") is None
    store.note_directory_serial("d", 5)
    store.note_directory_serial("d", 3)
    assert store.directory_serial("d") == 5
    store.note_directory_serial("d", 9)
    assert store.directory_serial("d") == 9


def test_sqlite_store_is_durable(tmp_path: Path) -> None:
    """What one SQLiteStore committed, another opened on the same file sees."""
    first = SQLiteStore(tmp_path / "r.db")
    first.record(_receipt(), keep_until=T0)
    first.note_directory_serial("d", 4)
    first.close()
    second = SQLiteStore(tmp_path / "r.db")
    assert not second.record(_receipt(), keep_until=T0)
    assert second.directory_serial("d") == 4
    second.close()
