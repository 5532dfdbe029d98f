"""Tests for the CloudEvents mapping: the event's form, its refusals, and delivery that never trusts the outside."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import attrs
import pytest

from _cloudevents_world import GP, HV, MASH, NOW, PERSONAL, concern, event, receiver, sealed, world
from concernshare import codec
from concernshare.checks import iter_problems
from concernshare.crypto import _jose
from concernshare.errors import CryptoError, NotForUs, Replayed
from concernshare.records import AcknowledgementBody, AcknowledgementOutcome
from concernshare.stores import MemoryStore
from concernshare.testing.world import World
from concernshare.tracker import DeliveryState, Tracker
from concernshare.transport.cloudevents import (
    DATA_CONTENT_TYPE,
    EVENT_TYPE,
    AttributesDisagree,
    EventRefused,
    acknowledgement,
    deliver,
    from_event,
    to_event,
)

LATER = NOW + dt.timedelta(minutes=1)


@pytest.fixture(scope="module")
def made() -> World:
    """Keys and a directory for the health visitor, the MASH and the GP."""
    return world()


def _document(made: World, **changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(event(made, concern()))
    document.update(changes)
    return {k: v for k, v in document.items() if v is not None}


def test_the_event_carries_the_mapping_and_nothing_personal(made: World) -> None:
    """Structured mode: the agreed attributes, the sealed JWE as data, and no personal value outside it."""
    message = concern()
    document = json.loads(event(made, message))
    data = document.pop("data")
    assert document == {
        "specversion": "1.0",
        "type": EVENT_TYPE,
        "source": HV,
        "subject": "concern",
        "id": str(message.id),
        "time": "2026-11-25T10:00:00Z",
        "datacontenttype": DATA_CONTENT_TYPE,
    }
    assert set(data) >= {"protected", "recipients", "iv", "ciphertext", "tag"}
    outside = json.dumps(document) + json.dumps({k: v for k, v in data.items() if k != "ciphertext"})
    assert not [word for word in PERSONAL if word in outside]


def test_an_event_reads_back_to_the_same_sealed_message(made: World) -> None:
    """from_event gives back the attributes and a sealed message that opens as sent."""
    message = concern()
    read = from_event(event(made, message))
    assert (read.source, read.subject, read.id) == (HV, "concern", str(message.id))
    outcome = deliver(read, receiver(made, MASH), at=LATER)
    assert outcome.accepted
    assert outcome.message is not None
    assert outcome.message == attrs.evolve(message, sent=NOW)


@pytest.mark.parametrize(
    ("changes", "pointer", "code"),
    [
        ({"specversion": "0.3"}, "/specversion", "CS402"),
        ({"type": "com.example.other"}, "/type", "CS403"),
        ({"datacontenttype": "application/json"}, "/datacontenttype", "CS404"),
        ({"source": "Kai Ashdown"}, "/source", "CS405"),
        ({"subject": "Kai Ashdown"}, "/subject", "CS406"),
        ({"id": "89D87FF5-6B89-4EE1-BB94-F4E22E6F34AF"}, "/id", "CS407"),
        ({"id": 7}, "/id", "CS407"),
        ({"data": "Kai Ashdown"}, "/data", "CS408"),
        ({"data": None}, "/data", "CS408"),
        ({"data": None, "data_base64": "S2Fp"}, "/data_base64", "CS409"),
        ({"childname": "Kai Ashdown"}, "/childname", "CS409"),
        ({"source": None}, "/source", "CS405"),
    ],
)
def test_an_event_off_the_mapping_is_refused_where_and_why(
    made: World, changes: dict[str, Any], pointer: str, code: str
) -> None:
    """Each attribute off the mapping is named by pointer and code, and no value is quoted."""
    with pytest.raises(EventRefused) as refused:
        from_event(json.dumps(_document(made, **changes)).encode())
    assert (pointer, code) in [(p.pointer, p.code) for p in refused.value.problems]
    assert "Kai" not in str(refused.value)
    assert all("Kai" not in p.message for p in refused.value.problems)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"[]", "CS401"),
        (b"{", "CS001"),
        (b'{"id": "a", "id": "b"}', "CS003"),
        (b"\xff{}", "CS002"),
    ],
)
def test_a_body_that_is_no_json_object_is_refused(body: bytes, code: str) -> None:
    """Not JSON, not UTF-8, a duplicated member or not an object: refused by the strict parser first."""
    with pytest.raises(EventRefused) as refused:
        from_event(body)
    assert code in [p.code for p in refused.value.problems]


def test_an_event_larger_than_the_limit_is_refused_before_parsing(made: World) -> None:
    """The size limit applies to the bytes, whatever they hold."""
    with pytest.raises(EventRefused) as refused:
        from_event(event(made, concern()), max_bytes=1000)
    assert [p.code for p in refused.value.problems] == ["CS007"]


def test_delivery_records_the_arrival_and_answers_with_a_sealed_acknowledgement(made: World) -> None:
    """The MASH records the concern and answers; the answer opens at the sender and closes its delivery."""
    message = concern()
    mash, hv = receiver(made, MASH), receiver(made, HV)
    hv.tracker.record_delivery(
        message_id=message.id,
        message_type="concern",
        sender=HV,
        recipient=MASH,
        sent_at=NOW,
        due=NOW + dt.timedelta(days=1),
        expects="acknowledgement",
    )
    outcome = deliver(from_event(event(made, message)), mash, at=LATER)
    assert outcome.accepted
    assert [a.message_id for a in mash.tracker.store.arrivals(str(message.id))] == [str(message.id)]
    assert outcome.reply is not None
    reply = from_event(outcome.reply)
    assert (reply.source, reply.subject) == (MASH, "acknowledgement")
    answered = deliver(reply, hv, at=LATER + dt.timedelta(seconds=5))
    assert answered.reply is None  # an acknowledgement is not acknowledged
    assert answered.message is not None
    body = answered.message.body
    assert isinstance(body, AcknowledgementBody)
    assert (body.message_id, body.outcome) == (message.id, AcknowledgementOutcome.ACCEPTED)
    assert str(answered.message.id) == reply.id
    (state,) = hv.tracker.status(message.id, at=LATER + dt.timedelta(minutes=1)).deliveries
    assert state.state is DeliveryState.ANSWERED


def test_the_acknowledgement_says_who_shares_it_without_consent_and_raises_no_problem(made: World) -> None:
    """The receiving system signs the acknowledgement and is named as sharing it without consent (no CS133)."""
    reply = acknowledgement(concern(), receiver(made, MASH), at=LATER)
    assert reply.lawful_basis.shared_without_consent_by == reply.sender.practitioner
    assert [(p.pointer, p.code) for p in iter_problems(reply, now=LATER)] == []


@pytest.mark.parametrize("outside", [{"source": GP}, {"subject": "decision"}, {"id": str(uuid.uuid4())}])
def test_an_event_whose_outside_disagrees_is_refused_and_records_nothing(made: World, outside: dict[str, str]) -> None:
    """source, subject and id must agree with the signed message; a mismatch leaves no trace, so the true one passes."""
    message = concern()
    mash = receiver(made, MASH)
    assert isinstance(mash.tracker.store, MemoryStore)
    with pytest.raises(AttributesDisagree):
        deliver(from_event(event(made, message, **outside)), mash, at=LATER)
    assert mash.tracker.store.arrivals(str(message.id)) == ()
    assert mash.tracker.store.receipt(HV, str(message.id)) is None
    assert deliver(from_event(event(made, message)), mash, at=LATER).accepted


def test_a_replayed_event_is_refused(made: World) -> None:
    """The same event twice: the second is a replay, answered with nothing."""
    body = event(made, concern())
    mash = receiver(made, MASH)
    assert deliver(from_event(body), mash, at=LATER).accepted
    with pytest.raises(Replayed):
        deliver(from_event(body), mash, at=LATER + dt.timedelta(seconds=1))


def test_an_event_for_another_agency_or_garbled_is_refused(made: World) -> None:
    """Sealed to someone else, or with its ciphertext changed: refused, nothing recorded, nothing owed."""
    message = concern()
    gp = receiver(made, GP)
    with pytest.raises((NotForUs, CryptoError)):
        deliver(from_event(event(made, message)), gp, at=LATER)
    document = json.loads(event(made, message))
    text = document["data"]["ciphertext"]
    document["data"]["ciphertext"] = ("A" if text[0] != "A" else "B") + text[1:]
    mash = receiver(made, MASH)
    with pytest.raises(CryptoError):
        deliver(from_event(json.dumps(document).encode()), mash, at=LATER)
    assert mash.tracker.store.arrivals(str(message.id)) == ()


def test_refused_content_is_answered_with_the_sealed_rejection_under_its_own_id(made: World) -> None:
    """Signed by a known sender but invalid: the reply is the rejection, its event id the rejection's id."""
    message = concern()
    document = json.loads(codec.dumps(message))
    document.update(sent="2026-11-25T10:00:00Z", format_version="9.0")
    signed = _jose.sign(json.dumps(document).encode(), made[HV].signer, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)
    forged = _jose.encrypt(
        signed, made.directory.encryption_keys(MASH, NOW), typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY
    )
    body = to_event(forged, source=HV, subject="concern", id=message.id, time=NOW)
    mash, hv = receiver(made, MASH), receiver(made, HV)
    outcome = deliver(from_event(body), mash, at=LATER)
    assert not outcome.accepted
    assert outcome.problems
    assert outcome.reply is not None
    reply = from_event(outcome.reply)
    answered = deliver(reply, hv, at=LATER)
    assert answered.message is not None
    assert str(answered.message.id) == reply.id
    ack = answered.message.body
    assert isinstance(ack, AcknowledgementBody)
    assert ack.outcome is AcknowledgementOutcome.REJECTED
    assert ack.message_id == message.id


def test_a_sealed_message_reads_the_same_after_the_sdk_rewrites_its_json(made: World) -> None:
    """The SDK re-serialises data; the JWE is the same object, so it still opens (and tampering still fails)."""
    message = concern()
    raw = sealed(made, message)
    read = from_event(to_event(raw, source=HV, subject="concern", id=message.id, time=NOW))
    assert json.loads(read.sealed) == json.loads(raw)
    assert deliver(read, receiver(made, MASH, Tracker(MemoryStore())), at=LATER).accepted


def test_a_sender_that_cannot_be_answered_still_has_its_message_accepted(made: World) -> None:
    """A sender with no current encryption key: the message is recorded and accepted; no answer is sealed."""
    message = concern()
    agencies = tuple(
        attrs.evolve(a, keys=tuple(k for k in a.keys if k.jwk.use != "enc")) if a.id == HV else a
        for a in made.directory.agencies
    )
    mash = attrs.evolve(receiver(made, MASH), directory=attrs.evolve(made.directory, agencies=agencies))
    outcome = deliver(from_event(event(made, message)), mash, at=LATER)
    assert outcome.accepted
    assert outcome.reply is None
    assert [a.accepted for a in mash.tracker.store.arrivals(str(message.id))] == [True]
