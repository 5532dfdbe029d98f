"""Tests for the front door: structured CloudEvents in, sealed acknowledgements or problem documents out."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from _cloudevents_world import HV, MASH, NOW, PERSONAL, concern, event, receiver, world
from concernshare import codec
from concernshare.crypto import _jose
from concernshare.crypto._b64 import b64decode
from concernshare.errors import StoreError
from concernshare.records import AcknowledgementBody, AcknowledgementOutcome, Message
from concernshare.sealing import seal
from concernshare.serve.app import FrontDoor, create_app
from concernshare.stores import MemoryStore, Receipt
from concernshare.testing.world import World
from concernshare.tracker import Tracker
from concernshare.transport.cloudevents import Receiver, acknowledgement, deliver, from_event, to_event

CE = {"Content-Type": "application/cloudevents+json"}
LATER = NOW + dt.timedelta(minutes=1)


class Clock:
    """A clock the test moves."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


@pytest.fixture(scope="module")
def made() -> World:
    """Keys and a directory for the health visitor, the MASH and the GP."""
    return world()


@pytest.fixture
def mash(made: World) -> Receiver:
    """The MASH's receiving side, with an empty tracker."""
    return receiver(made, MASH)


@pytest.fixture
def clock() -> Clock:
    """A minute after the messages were sealed."""
    return Clock(LATER)


@pytest.fixture
def door(mash: Receiver, clock: Clock, tmp_path: Path) -> Iterator[TestClient]:
    """The MASH's front door, keeping accepted messages in a spool."""
    app = create_app(
        FrontDoor(open_receiver=lambda: mash, clock=clock, max_body_bytes=64 * 1024, spool=tmp_path / "spool")
    )
    with TestClient(app) as client:
        yield client


def _problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:concernshare:problem:{slug}"
    assert body["status"] == status
    assert not [word for word in PERSONAL if word in response.text]
    return body


def _opened_answer(made: World, content: bytes) -> Message:
    outcome = deliver(from_event(content), receiver(made, HV), at=LATER)
    assert outcome.message is not None
    return outcome.message


def test_a_concern_is_recorded_kept_sealed_and_acknowledged(
    made: World, mash: Receiver, door: TestClient, tmp_path: Path
) -> None:
    """200 with the sealed accepted acknowledgement as a CloudEvent; the arrival recorded; the spool copy sealed."""
    message = concern()
    response = door.post("/events", content=event(made, message), headers=CE)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/cloudevents+json"
    answer = _opened_answer(made, response.content)
    assert isinstance(answer.body, AcknowledgementBody)
    assert (answer.body.message_id, answer.body.outcome) == (message.id, AcknowledgementOutcome.ACCEPTED)
    assert [a.accepted for a in mash.tracker.store.arrivals(str(message.id))] == [True]
    (kept,) = (tmp_path / "spool").iterdir()
    assert kept.stat().st_mode & 0o777 == 0o600
    assert not [word for word in PERSONAL if word in _readable(kept.read_bytes())]


_OPAQUE = frozenset({"ciphertext", "iv", "tag", "encrypted_key"})


def _readable(sealed: bytes) -> str:
    """The parts of a general JWE JSON that are not ciphertext, with its protected header decoded.

    Random base64url text holds a short word such as "Kai" by chance now and then, so the search
    for a leak reads the members a leak could be in, not the ciphertext's characters.
    """

    def walk(value: Any, key: str = "") -> Iterator[str]:
        if isinstance(value, dict):
            for name, member in value.items():
                yield name
                yield from walk(member, name)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item, key)
        elif key == "protected":
            yield b64decode(value).decode()
        elif key not in _OPAQUE:
            yield str(value)

    return "\n".join(walk(json.loads(sealed)))


def test_binary_mode_and_other_media_types_are_refused(made: World, door: TestClient) -> None:
    """ce- headers mean binary mode: refused with a problem; so is any body that is not cloudevents+json."""
    body = event(made, concern())
    binary = door.post(
        "/events",
        content=json.dumps(json.loads(body)["data"]).encode(),
        headers={"Content-Type": "application/jose+json", "ce-specversion": "1.0", "ce-id": "x"},
    )
    _problem(binary, 415, "binary-mode")
    _problem(
        door.post("/events", content=body, headers={"Content-Type": "application/json"}), 415, "unsupported-media-type"
    )
    _problem(
        door.post(
            "/events", content=b"[" + body + b"]", headers={"Content-Type": "application/cloudevents-batch+json"}
        ),
        415,
        "unsupported-media-type",
    )


def test_a_body_over_the_limit_is_refused_before_it_is_read(door: TestClient) -> None:
    """A declared or a streamed body over the limit: 413, nothing parsed."""
    _problem(door.post("/events", content=b"{}", headers={**CE, "Content-Length": str(10**9)}), 413, "too-large")

    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b" " * 1024

    _problem(door.post("/events", content=chunks(), headers=CE), 413, "too-large")


def test_an_event_off_the_mapping_gets_its_problems_without_values(made: World, door: TestClient) -> None:
    """A malformed event: 400, each problem by pointer and code, no value from the request quoted."""
    document = json.loads(event(made, concern()))
    document.update(subject="Kai Ashdown", childname="Kai Ashdown 9990000026")
    body = _problem(
        door.post("/events", content=json.dumps(document).encode(), headers=CE), 400, "not-a-concernshare-event"
    )
    assert {(p["pointer"], p["code"]) for p in body["problems"]} == {("/subject", "CS406"), ("/childname", "CS409")}
    _problem(door.post("/events", content=b"{not json", headers=CE), 400, "not-a-concernshare-event")


def test_forgeries_strangers_replays_and_mismatches_get_one_answer(made: World, door: TestClient) -> None:
    """Garbled, not for us, replayed, or outside disagreeing with inside: the same 422 document, byte for byte."""
    message = concern()
    good = event(made, message)
    assert door.post("/events", content=good, headers=CE).status_code == 200
    garbled = json.loads(event(made, concern()))
    text = garbled["data"]["ciphertext"]
    garbled["data"]["ciphertext"] = ("A" if text[0] != "A" else "B") + text[1:]
    to_gp = concern(recipients=["ods:Y99GP"])
    answers = [
        door.post("/events", content=good, headers=CE),
        door.post("/events", content=json.dumps(garbled).encode(), headers=CE),
        door.post("/events", content=event(made, to_gp), headers=CE),
        door.post("/events", content=event(made, concern(), subject="decision"), headers=CE),
        door.post("/events", content=event(made, concern(), source="ods:Y99GP"), headers=CE),
    ]
    first = _problem(answers[0], 422, "not-accepted")
    assert [p["code"] for p in first["problems"]] == ["CS410"]
    assert all(a.status_code == 422 and a.content == answers[0].content for a in answers)


def test_refused_content_is_answered_with_the_sealed_rejection(made: World, door: TestClient) -> None:
    """Signed by a known sender, content refused: 200 with the rejection, which the sender opens."""
    message = concern()
    payload = json.loads(codec.dumps(message))
    payload.update(sent="2026-11-25T10:00:00Z", format_version="9.0")
    signed = _jose.sign(json.dumps(payload).encode(), made[HV].signer, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)
    forged = _jose.encrypt(
        signed, made.directory.encryption_keys(MASH, NOW), typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY
    )
    response = door.post(
        "/events", content=to_event(forged, source=HV, subject="concern", id=message.id, time=NOW), headers=CE
    )
    assert response.status_code == 200
    answer = _opened_answer(made, response.content)
    assert isinstance(answer.body, AcknowledgementBody)
    assert answer.body.outcome is AcknowledgementOutcome.REJECTED


def test_an_acknowledgement_is_taken_without_an_answer(made: World, door: TestClient) -> None:
    """The MASH's door takes health visiting's acknowledgement and owes nothing back: 204."""
    original = concern(
        sender={"agency": MASH, "practitioner": {"name": "A Worker", "role": "Social worker"}}, recipients=[HV]
    )
    ack = acknowledgement(original, receiver(made, HV), at=NOW)
    sealed = seal(ack, made[HV].signer, directory=made.directory, now=NOW)
    response = door.post(
        "/events", content=to_event(sealed, source=HV, subject="acknowledgement", id=ack.id, time=NOW), headers=CE
    )
    assert response.status_code == 204
    assert response.content == b""


class FailingStore(MemoryStore):
    """A store whose database has gone away."""

    def record(self, receipt: Receipt, *, keep_until: dt.datetime) -> bool:
        raise StoreError("the database is down")


def test_a_failing_tracker_is_a_503_to_try_again(made: World, clock: Clock) -> None:
    """The tracker cannot record: 503 with Retry-After, and no acknowledgement."""
    failing = Receiver(
        me=MASH,
        decrypters=made[MASH].decrypters,
        signer=made[MASH].signer,
        directory=made.directory,
        tracker=Tracker(FailingStore()),
        policy=receiver(made, MASH).policy,
    )
    with TestClient(create_app(FrontDoor(open_receiver=lambda: failing, clock=clock))) as client:
        response = client.post("/events", content=event(made, concern()), headers=CE)
    _problem(response, 503, "tracker-unavailable")
    assert response.headers["retry-after"] == "30"


def test_only_post_events_and_get_inbox_exist(door: TestClient) -> None:
    """GET /events and POST /inbox are not allowed; nothing else is served."""
    assert door.get("/events").status_code == 405
    assert door.post("/inbox").status_code == 405
    assert door.get("/").status_code == 404


def test_the_inbox_lists_concerns_with_due_times_and_overdue_flags(
    made: World, mash: Receiver, door: TestClient, clock: Clock
) -> None:
    """Due one working day after arrival; overdue once past it without a decision; decided ones are not."""
    first, second = concern(), concern()
    for message in (first, second):
        assert door.post("/events", content=event(made, message), headers=CE).status_code == 200
    page = door.get("/inbox")
    assert page.status_code == 200
    assert "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert str(first.id) in page.text
    assert "2026-11-26 10:01 UTC" in page.text  # Wednesday 10:01 plus one working day
    assert '<span id="overdue-count">0</span>' in page.text
    assert not [word for word in PERSONAL if word in page.text]
    mash.tracker.record_delivery(
        message_id="9b0e6a43-8a3e-4c1f-9d0e-1a2b3c4d5e6f",
        message_type="decision",
        sender=MASH,
        recipient=HV,
        sent_at=LATER,
        concern_id=first.id,
    )
    clock.at = NOW + dt.timedelta(days=2)
    page = door.get("/inbox")
    assert '<span id="overdue-count">1</span>' in page.text
    overdue = [line for line in page.text.splitlines() if 'class="overdue"' in line]
    assert len(overdue) == 1
    assert str(second.id) in overdue[0]
    assert "decided" in next(line for line in page.text.splitlines() if str(first.id) in line)


def test_the_inbox_names_the_child_only_with_the_operators_key(
    made: World, mash: Receiver, clock: Clock, tmp_path: Path
) -> None:
    """Without the key no name; with it, the child's name from the sealed copy in the spool."""
    spool = tmp_path / "spool"
    message = concern()
    plain = create_app(FrontDoor(open_receiver=lambda: mash, clock=clock, spool=spool))
    with TestClient(plain) as client:
        assert client.post("/events", content=event(made, message), headers=CE).status_code == 200
        assert "Kai" not in client.get("/inbox").text
    named = create_app(
        FrontDoor(open_receiver=lambda: mash, clock=clock, spool=spool, inbox_decrypters=made[MASH].decrypters)
    )
    with TestClient(named) as client:
        page = client.get("/inbox").text
    assert "<th>Child</th>" in page
    assert "Kai Ashdown" in page
