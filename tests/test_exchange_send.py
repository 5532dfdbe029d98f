"""Tests for the two steps of send: seal_views records nothing, record_sent records each delivery once."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import attrs
import pytest

from concernshare import codec
from concernshare.crypto import keys
from concernshare.directory import Directory, open_directory
from concernshare.errors import UsageError
from concernshare.exchange import record_sent, seal_views, send
from concernshare.records import Message
from concernshare.routing.rules import RuleSet, load_rules
from concernshare.stores import MemoryStore
from concernshare.tracker import Tracker

EXAMPLES = Path(__file__).parent.parent / "examples"
KEYS = EXAMPLES / "directory" / "keys"
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
HV = "ods:Y99HV/health-visiting"


@pytest.fixture(scope="module")
def directory() -> Directory:
    """The signed example directory."""
    authority = keys.loads_public_jwk_set((KEYS / "authority.public.jwks").read_bytes())
    return open_directory((EXAMPLES / "directory" / "directory.jws").read_bytes(), authority, now=NOW)


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    """The example MASH front-door rules."""
    return load_rules((EXAMPLES / "routing" / "mash-front-door.json").read_bytes())


@pytest.fixture(scope="module")
def signer() -> keys.FileSigner:
    """Health visiting's signing key."""
    return keys.signer_from(keys.loads_private_jwk_set((KEYS / "ods_Y99HV_health-visiting.private.jwks").read_bytes()))


def _concern() -> Message:
    (path,) = (EXAMPLES / "messages").glob("01*.json")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    del document["sent"]
    document.update(created="2026-11-25T09:55:00Z", status="actual")
    return codec.loads(json.dumps(document))


def _deliveries(tracker: Tracker, message: Message) -> list[tuple[str, str | None, dt.datetime | None]]:
    return sorted((d.recipient, d.view, d.due) for d, _ in tracker.store.deliveries(str(message.id)))


def test_seal_views_then_record_sent_records_what_send_records(
    directory: Directory,
    rules: RuleSet,
    signer: keys.FileSigner,
) -> None:
    """The two steps record the same deliveries, due times and views as send does in one call."""
    message = _concern()
    whole, split = Tracker(MemoryStore()), Tracker(MemoryStore())
    sent = send(message, signer, rules=rules, directory=directory, tracker=whole, at=NOW)
    views = seal_views(message, signer, rules=rules, directory=directory, at=NOW)
    assert _deliveries(split, message) == []
    assert [(v.view, v.recipients) for v in views.views] == [(v.view, v.recipients) for v in sent.views]
    record_sent(split, message, views)
    assert _deliveries(split, message) == _deliveries(whole, message) != []
    assert {d.sent_at for d, _ in split.store.deliveries(str(message.id))} == {NOW}


def test_record_sent_twice_records_each_delivery_once(
    directory: Directory,
    rules: RuleSet,
    signer: keys.FileSigner,
) -> None:
    """A send retried after a crash records what was missing and leaves what was recorded as it was."""
    message = _concern()
    tracker = Tracker(MemoryStore())
    first = seal_views(message, signer, rules=rules, directory=directory, at=NOW)
    record_sent(tracker, message, first)
    record_sent(
        tracker,
        message,
        seal_views(message, signer, rules=rules, directory=directory, at=NOW + dt.timedelta(minutes=5)),
    )
    assert len(tracker.store.deliveries(str(message.id))) == len(first.plan.deliveries)
    assert {d.sent_at for d, _ in tracker.store.deliveries(str(message.id))} == {NOW}


def test_record_sent_for_named_recipients_records_only_theirs(
    directory: Directory,
    rules: RuleSet,
    signer: keys.FileSigner,
) -> None:
    """A transport recording each delivery after its own upload records one recipient at a time, each as send
    would have recorded it."""
    message = _concern()
    whole, stepwise = Tracker(MemoryStore()), Tracker(MemoryStore())
    sent = send(message, signer, rules=rules, directory=directory, tracker=whole, at=NOW)
    recipients = [d.recipient for d in sent.plan.deliveries]
    assert len(recipients) > 1
    record_sent(stepwise, message, sent, recipients=recipients[:1])
    assert [r for r, _, _ in _deliveries(stepwise, message)] == recipients[:1]
    for recipient in recipients[1:]:
        record_sent(stepwise, message, sent, recipients=(recipient,))
    assert _deliveries(stepwise, message) == _deliveries(whole, message)


def test_record_sent_refuses_the_views_of_another_message(
    directory: Directory,
    rules: RuleSet,
    signer: keys.FileSigner,
) -> None:
    """Views sealed from one message cannot be recorded as another's."""
    message = _concern()
    sent = seal_views(message, signer, rules=rules, directory=directory, at=NOW)
    other = attrs.evolve(message, id=uuid.uuid4())
    tracker = Tracker(MemoryStore())
    with pytest.raises(UsageError, match="another message"):
        record_sent(tracker, other, sent)
    assert tracker.store.deliveries(str(other.id)) == ()
