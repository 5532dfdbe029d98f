"""Tests for send and receive: each agency opens its own view, the tracker closes the loop, refusals are answered."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import attrs
import pytest

from concernshare import codec
from concernshare.crypto import _jose, keys
from concernshare.crypto._b64 import b64decode, b64encode
from concernshare.directory import Directory, Revocation, open_directory
from concernshare.errors import (
    ContentRefused,
    CryptoError,
    MalformedMessage,
    NotForUs,
    Replayed,
    Revoked,
    SealError,
    UntrustedSender,
)
from concernshare.exchange import Received, Sent, receive, send
from concernshare.records import AcknowledgementBody, AcknowledgementOutcome, AgencyId, Message, RevocationReason
from concernshare.routing.rules import RuleSet, load_rules
from concernshare.sealing import open_sealed
from concernshare.stores import MemoryStore
from concernshare.stores.facts import Answer, Arrival, Delivery, Withdrawal
from concernshare.tracker import DeliveryState, Tracker

EXAMPLES = Path(__file__).parent.parent / "examples"
MESSAGES = EXAMPLES / "messages"
KEYS = EXAMPLES / "directory" / "keys"

#: Wednesday 25 November 2026, 10:00 GMT; every response of the example rules is due a working day later.
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
DUE = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)

HV, MASH = AgencyId("ods:Y99HV/health-visiting"), AgencyId("la:E06000032/mash")
CSC, GP = AgencyId("la:E06000032/childrens-social-care"), AgencyId("ods:Y99GP")
POLICE, SCHOOL = AgencyId("police:99"), AgencyId("school:999101")
CONCERN = "29506208-aff0-4428-8922-2f415c41c017"


class RecordingStore(MemoryStore):
    """A memory store that also lists every fact written to it, so that a test can see that nothing was."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[object] = []

    def add_delivery(self, delivery: Delivery) -> bool:
        self.writes.append(delivery)
        return super().add_delivery(delivery)

    def add_arrival(self, arrival: Arrival) -> bool:
        self.writes.append(arrival)
        return super().add_arrival(arrival)

    def add_answer(self, answer: Answer) -> bool:
        self.writes.append(answer)
        return super().add_answer(answer)

    def add_withdrawal(self, withdrawal: Withdrawal) -> bool:
        self.writes.append(withdrawal)
        return super().add_withdrawal(withdrawal)


@attrs.frozen
class Node:
    """One agency's receiving node: its keys and its own tracker (which is also its replay store)."""

    agency: AgencyId
    private: tuple[keys.PrivateJwk, ...]
    tracker: Tracker

    @property
    def store(self) -> RecordingStore:
        store = self.tracker.store
        assert isinstance(store, RecordingStore)
        return store

    @property
    def signer(self) -> keys.FileSigner:
        return keys.signer_from(self.private)

    @property
    def decrypters(self) -> tuple[keys.FileDecrypter, ...]:
        return keys.decrypters_from(self.private)


@pytest.fixture(scope="module")
def directory() -> Directory:
    """The signed example directory."""
    authority = keys.loads_public_jwk_set((KEYS / "authority.public.jwks").read_bytes())
    return open_directory((EXAMPLES / "directory" / "directory.jws").read_bytes(), authority, now=NOW)


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    """The example MASH front-door rules."""
    return load_rules((EXAMPLES / "routing" / "mash-front-door.json").read_bytes())


@pytest.fixture
def nodes() -> dict[str, Node]:
    """A node for each agency of the story, each with an empty tracker."""
    return {
        agency: Node(
            agency,
            keys.loads_private_jwk_set(
                (KEYS / f"{agency.replace(':', '_').replace('/', '_')}.private.jwks").read_bytes()
            ),
            Tracker(RecordingStore()),
        )
        for agency in (HV, MASH, CSC, GP, POLICE, SCHOOL)
    }


def _document(prefix: str, **changes: Any) -> dict[str, Any]:
    """An example message as a draft written just before NOW: status actual, no sent."""
    (path,) = MESSAGES.glob(f"{prefix}*.json")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    del document["sent"]
    document.update(created="2026-11-25T09:55:00Z", status="actual")
    document.update(changes)
    return document


def _message(prefix: str, **changes: Any) -> Message:
    return codec.loads(json.dumps(_document(prefix, **changes)))


def _send(
    node: Node, message: Message, rules: RuleSet, directory: Directory, at: dt.datetime = NOW, **options: Any
) -> Sent:
    return send(message, node.signer, rules=rules, directory=directory, tracker=node.tracker, at=at, **options)


def _sealed_for(sent: Sent, agency: str) -> bytes:
    (sealed,) = [view.sealed for view in sent.views if agency in view.recipients]
    return sealed


def _receive(node: Node, sealed: bytes, directory: Directory, at: dt.datetime = NOW + MINUTE) -> Received:
    return receive(
        sealed,
        node.decrypters,
        node.signer,
        me=node.agency,
        directory=directory,
        store=node.store,
        tracker=node.tracker,
        at=at,
    )


def _deliver(sent: Sent, nodes: dict[str, Node], directory: Directory, at: dt.datetime = NOW + MINUTE) -> None:
    for view in sent.views:
        for agency in view.recipients:
            assert _receive(nodes[agency], view.sealed, directory, at).message is not None


def _forged(document: dict[str, Any], signer: keys.FileSigner, to: str, directory: Directory) -> bytes:
    """Sign ``document`` as it stands (no validation) and seal it to ``to``."""
    signed = _jose.sign(json.dumps(document).encode(), signer, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)
    return _jose.encrypt(signed, directory.encryption_keys(to, NOW), typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)


# -- send and receive ------------------------------------------------------------------------------------------


def test_each_agency_opens_its_own_view_only(nodes: dict[str, Node], rules: RuleSet, directory: Directory) -> None:
    """The MASH and social care share the full view, the GP gets the health view, and neither opens the other's."""
    message = _message("01")
    sent = _send(nodes[HV], message, rules, directory)
    assert {(v.view, v.recipients) for v in sent.views} == {("full", (CSC, MASH)), ("health", (GP,))}
    for agency in (MASH, CSC):
        opened = _receive(nodes[agency], _sealed_for(sent, agency), directory).message
        assert opened == attrs.evolve(message, recipients=(CSC, MASH), sent=NOW)
    gp = _receive(nodes[GP], _sealed_for(sent, GP), directory).message
    assert gp is not None
    assert gp.id == message.id
    assert gp.recipients == (GP,)
    assert gp.view is not None
    assert gp.view.name == "health"
    assert gp.view.withheld == ()  # the informant's name is optional: withheld without being listed
    assert gp.view.more_withheld is True
    assert gp.body.observations[1].informant is None  # type: ignore[union-attr]
    with pytest.raises(SealError):
        open_sealed(
            _sealed_for(sent, MASH),
            nodes[GP].decrypters,
            me=GP,
            directory=directory,
            store=MemoryStore(),
            now=NOW + MINUTE,
        )
    with pytest.raises(SealError):
        open_sealed(
            _sealed_for(sent, GP),
            nodes[MASH].decrypters,
            me=MASH,
            directory=directory,
            store=MemoryStore(),
            now=NOW + MINUTE,
        )


def test_the_senders_tracker_records_every_delivery_with_its_due_time(
    nodes: dict[str, Node],
    rules: RuleSet,
    directory: Directory,
) -> None:
    """After send, the sender's tracker holds each delivery: recipient, view, due, expectation, escalation, rules."""
    _send(nodes[HV], _message("01"), rules, directory)
    status = nodes[HV].tracker.status(CONCERN, at=NOW)
    assert status.origin == HV
    got = sorted(
        (
            s.delivery.recipient,
            s.delivery.view,
            s.delivery.due,
            s.delivery.expects,
            s.delivery.escalate_to,
            s.delivery.rules,
            s.state,
        )
        for s in status.deliveries
    )
    assert got == [
        (CSC, "full", DUE, "acknowledgement", (), ("high-risk-to-social-care",), DeliveryState.AWAITING),
        (MASH, "full", DUE, "decision", (CSC,), ("concern-to-mash",), DeliveryState.AWAITING),
        (GP, "health", DUE, "acknowledgement", (MASH,), ("neglect-concern-to-gp",), DeliveryState.AWAITING),
    ]


def test_each_receiver_records_the_arrival(nodes: dict[str, Node], rules: RuleSet, directory: Directory) -> None:
    """Each recipient's tracker records that the concern arrived from health visiting, accepted."""
    _deliver(_send(nodes[HV], _message("01"), rules, directory), nodes, directory)
    for agency in (MASH, CSC, GP):
        (arrival,) = nodes[agency].tracker.status(CONCERN, at=NOW + MINUTE).arrivals
        assert (arrival.sender, arrival.recipient, arrival.accepted, arrival.concern_id) == (HV, agency, True, CONCERN)


def test_answers_close_deliveries_and_the_rest_fall_overdue(
    nodes: dict[str, Node],
    rules: RuleSet,
    directory: Directory,
) -> None:
    """The MASH's acknowledgement and decision answer its delivery; social care and the GP fall overdue."""
    hv, mash = nodes[HV], nodes[MASH]
    _deliver(_send(hv, _message("01"), rules, directory), nodes, directory)
    later = DUE + dt.timedelta(seconds=1)
    assert hv.tracker.overdue(DUE) == ()

    acknowledgement = _send(mash, _message("02"), rules, directory, at=NOW + dt.timedelta(hours=1))
    _deliver(acknowledgement, nodes, directory, at=NOW + dt.timedelta(hours=1, minutes=1))
    assert MASH in [d.recipient for d in hv.tracker.overdue(later)], "an acknowledgement is not the decision due"

    decision = _send(mash, _message("03"), rules, directory, at=NOW + dt.timedelta(hours=2))
    _deliver(decision, nodes, directory, at=NOW + dt.timedelta(hours=2, minutes=1))
    overdue = hv.tracker.overdue(later)
    assert [(d.message_id, d.recipient, d.due, d.expects, d.escalate_to) for d in overdue] == [
        (CONCERN, CSC, DUE, "acknowledgement", ()),
        (CONCERN, GP, DUE, "acknowledgement", (MASH,)),
    ]
    states = {s.delivery.recipient: s.state for s in hv.tracker.status(CONCERN, at=later).deliveries}
    assert states == {MASH: DeliveryState.ANSWERED, CSC: DeliveryState.OVERDUE, GP: DeliveryState.OVERDUE}


def test_a_withdrawal_reaches_everyone_who_has_the_concern(
    nodes: dict[str, Node],
    rules: RuleSet,
    directory: Directory,
) -> None:
    """The sender lists its recipients, the MASH lists those it passed the concern on to, and all get the withdrawal."""
    hv, mash = nodes[HV], nodes[MASH]
    _deliver(_send(hv, _message("01"), rules, directory), nodes, directory)
    request = _message("04", body=_document("04")["body"] | {"respond_by": "2026-11-26T16:00:00Z"})
    _deliver(
        _send(mash, request, rules, directory, at=NOW + dt.timedelta(hours=1), passes_on=uuid.UUID(CONCERN)),
        nodes,
        directory,
        at=NOW + dt.timedelta(hours=1, minutes=1),
    )

    assert hv.tracker.recipients(CONCERN) == (CSC, MASH, GP)
    assert mash.tracker.recipients(CONCERN) == (MASH, GP, POLICE)

    withdrawal = _document("14", sender=_document("01")["sender"], recipients=list(hv.tracker.recipients(CONCERN)))
    withdrawal["body"]["message_id"] = withdrawal["thread"]["in_reply_to"] = CONCERN
    withdrawal["body"]["reason"] = "entered_in_error"
    _deliver(
        _send(hv, codec.loads(json.dumps(withdrawal)), rules, directory, at=NOW + dt.timedelta(hours=2)),
        nodes,
        directory,
        at=NOW + dt.timedelta(hours=2, minutes=1),
    )
    for agency in (MASH, CSC, GP):
        assert nodes[agency].tracker.is_withdrawn(CONCERN)
    onward = set(mash.tracker.recipients(CONCERN)) - set(hv.tracker.recipients(CONCERN)) - {MASH}
    assert onward == {POLICE}


# -- content refused from a verified sender --------------------------------------------------------------------


def _invalid_nhs_number(document: dict[str, Any]) -> None:
    document["subject"]["identifiers"]["nhs_number"] = "9990000027"


def _newer_major_version(document: dict[str, Any]) -> None:
    document["format_version"] = "2.0"


@pytest.mark.parametrize(
    ("spoil", "problems"),
    [
        (_invalid_nhs_number, [("/subject/identifiers/nhs_number", "CS101")]),
        (_newer_major_version, [("/format_version", "CS015")]),
    ],
    ids=["invalid NHS number", "newer major version"],
)
def test_refused_content_is_answered_with_a_sealed_rejection(
    spoil: Any,
    problems: list[tuple[str, str]],
    nodes: dict[str, Node],
    directory: Directory,
) -> None:
    """A verified sender's refused content comes back as a rejected acknowledgement it can open, naming the
    problems and no personal value; both trackers record it."""
    hv, mash = nodes[HV], nodes[MASH]
    document = _document("01", id="0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", sent="2026-11-25T10:00:00Z")
    spoil(document)
    hv.tracker.record_delivery(
        message_id=document["id"],
        message_type="concern",
        sender=HV,
        recipient=MASH,
        sent_at=NOW,
        due=DUE,
        expects="decision",
    )
    refused = _receive(mash, _forged(document, hv.signer, MASH, directory), directory)
    assert refused.message is None
    assert refused.sender == HV
    assert [(p.pointer, p.code) for p in refused.problems] == problems
    assert refused.rejection is not None
    (arrival,) = mash.tracker.status(document["id"], at=NOW + MINUTE).arrivals
    assert (arrival.accepted, arrival.problems) == (False, tuple(code for _, code in problems))

    plaintext = _jose.decrypt(refused.rejection, hv.decrypters, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)
    for value in ("9990000027", "9990000026", "Kai", "Ashdown", "Sarah Whitlock", "Example Close", "2012-03-04"):
        assert value.encode() not in plaintext

    back = _receive(hv, refused.rejection, directory, at=NOW + 2 * MINUTE)
    rejection = back.message
    assert rejection is not None
    assert back.sender == MASH
    assert rejection.recipients == (HV,)
    assert isinstance(rejection.body, AcknowledgementBody)
    assert rejection.body.outcome is AcknowledgementOutcome.REJECTED
    assert str(rejection.body.message_id) == document["id"]
    assert [(p.pointer, p.code) for p in rejection.body.problems] == problems
    (state,) = hv.tracker.status(document["id"], at=NOW + 3 * MINUTE).deliveries
    assert state.state is DeliveryState.REJECTED


def test_only_the_original_sender_may_supersede_its_message(
    nodes: dict[str, Node],
    rules: RuleSet,
    directory: Directory,
) -> None:
    """The GP's concern superseding health visiting's concern is rejected with CS201, and the GP can open why."""
    hv, mash, gp = nodes[HV], nodes[MASH], nodes[GP]
    _deliver(_send(hv, _message("01"), rules, directory), nodes, directory)
    document = _document(
        "01",
        id="5b0a3c52-8d4e-4f1a-9b7c-2e6d8f0a1b2c",
        sender={"agency": GP, "practitioner": {"name": "Dr Imran Qureshi", "role": "GP"}},
    )
    document["thread"]["supersedes"] = CONCERN
    sent = _send(gp, codec.loads(json.dumps(document)), rules, directory, at=NOW + dt.timedelta(hours=1))
    refused = _receive(mash, _sealed_for(sent, MASH), directory, at=NOW + dt.timedelta(hours=1, minutes=1))
    assert refused.message is None
    assert [(p.pointer, p.code) for p in refused.problems] == [("/thread/supersedes", "CS201")]
    assert refused.rejection is not None
    back = _receive(gp, refused.rejection, directory, at=NOW + dt.timedelta(hours=1, minutes=2)).message
    assert back is not None
    assert isinstance(back.body, AcknowledgementBody)
    assert [(p.pointer, p.code) for p in back.body.problems] == [("/thread/supersedes", "CS201")]


def test_a_withdrawn_message_cannot_be_superseded(nodes: dict[str, Node], rules: RuleSet, directory: Directory) -> None:
    """After health visiting withdraws its concern, its own superseding concern is rejected with CS202."""
    hv, mash = nodes[HV], nodes[MASH]
    _deliver(_send(hv, _message("01"), rules, directory), nodes, directory)
    withdrawal = _document("14", sender=_document("01")["sender"], recipients=[MASH])
    withdrawal["body"]["message_id"] = withdrawal["thread"]["in_reply_to"] = CONCERN
    _deliver(
        _send(hv, codec.loads(json.dumps(withdrawal)), rules, directory, at=NOW + dt.timedelta(hours=1)),
        nodes,
        directory,
        at=NOW + dt.timedelta(hours=1, minutes=1),
    )
    document = _document("01", id="7c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f")
    document["thread"]["supersedes"] = CONCERN
    sent = _send(hv, codec.loads(json.dumps(document)), rules, directory, at=NOW + dt.timedelta(hours=2))
    refused = _receive(mash, _sealed_for(sent, MASH), directory, at=NOW + dt.timedelta(hours=2, minutes=1))
    assert refused.message is None
    assert ("/thread/supersedes", "CS202") in [(p.pointer, p.code) for p in refused.problems]
    assert refused.rejection is not None


def test_the_original_sender_may_supersede_its_own_message(
    nodes: dict[str, Node],
    rules: RuleSet,
    directory: Directory,
) -> None:
    """Health visiting's corrected concern superseding its own earlier one is accepted."""
    _deliver(_send(nodes[HV], _message("01"), rules, directory), nodes, directory)
    document = _document("01", id="8d2e3f4a-5b6c-4d7e-9f80-1a2b3c4d5e6f")
    document["thread"]["supersedes"] = CONCERN
    sent = _send(nodes[HV], codec.loads(json.dumps(document)), rules, directory, at=NOW + dt.timedelta(hours=1))
    accepted = _receive(nodes[MASH], _sealed_for(sent, MASH), directory, at=NOW + dt.timedelta(hours=1, minutes=1))
    assert accepted.message is not None
    assert accepted.problems == ()
    assert accepted.rejection is None


# -- no reply, no record ---------------------------------------------------------------------------------------


def _flipped(sealed: bytes) -> bytes:
    document = json.loads(sealed)
    raw = bytearray(b64decode(document["ciphertext"]))
    raw[0] ^= 1
    document["ciphertext"] = b64encode(bytes(raw))
    return json.dumps(document).encode()


def test_cryptographic_failures_unknown_senders_and_replays_get_no_reply(
    nodes: dict[str, Node],
    rules: RuleSet,
    directory: Directory,
) -> None:
    """A flipped byte, an unknown signer, an impersonation and a replay each raise, and nothing is recorded."""
    mash = nodes[MASH]
    sealed = _sealed_for(_send(nodes[HV], _message("01"), rules, directory), MASH)

    stranger = keys.signer_from([keys.generate_signing_key()])
    unknown = _document("01", sent="2026-11-25T10:00:00Z")
    unknown["sender"]["agency"] = "ods:Y99ZZ"
    impersonation = _document("01", id="9e3f4a5b-6c7d-4e8f-8a91-2b3c4d5e6f70", sent="2026-11-25T10:00:00Z")

    attempts: list[tuple[bytes, type[SealError]]] = [
        (_flipped(sealed), CryptoError),
        (_forged(unknown, stranger, MASH, directory), SealError),
        (_forged(impersonation, nodes[GP].signer, MASH, directory), UntrustedSender),
    ]
    for attempt, error in attempts:
        with pytest.raises(error):
            _receive(mash, attempt, directory)
    assert mash.store.writes == []

    assert _receive(mash, sealed, directory).message is not None
    written = list(mash.store.writes)
    with pytest.raises(Replayed):
        _receive(mash, sealed, directory, at=NOW + 2 * MINUTE)
    assert mash.store.writes == written


@pytest.mark.parametrize("member", ["type", "status"])
@pytest.mark.parametrize("value", [{"a": 1}, ["concern"]], ids=["object", "array"])
def test_a_type_or_status_that_is_an_object_or_array_is_refused_cleanly(
    member: str,
    value: Any,
    nodes: dict[str, Node],
    directory: Directory,
) -> None:
    """A verified sender's message whose type or status is not a string is refused with a typed error or
    answered with a rejection, never a TypeError."""
    hv, mash = nodes[HV], nodes[MASH]
    document = _document("01", id="1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", sent="2026-11-25T10:00:00Z")
    document[member] = value
    try:
        received = _receive(mash, _forged(document, hv.signer, MASH, directory), directory)
    except SealError:
        return
    assert received.message is None
    assert received.rejection is not None
    assert f"/{member}" in [p.pointer for p in received.problems]


# -- trust checks before content -------------------------------------------------------------------------------


def _invalid_content() -> dict[str, Any]:
    document = _document("01", id="2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182", sent="2026-11-25T10:00:00Z")
    _invalid_nhs_number(document)
    return document


def test_invalid_content_replayed_fifty_times_is_answered_once(nodes: dict[str, Node], directory: Directory) -> None:
    """The same captured bytes with refused content get one rejection; every replay of them gets nothing."""
    mash = nodes[MASH]
    sealed = _forged(_invalid_content(), nodes[HV].signer, MASH, directory)
    rejections = []
    for attempt in range(50):
        with contextlib.suppress(Replayed):
            rejections.append(_receive(mash, sealed, directory, at=NOW + MINUTE + attempt * MINUTE).rejection)
    assert len(rejections) == 1
    assert rejections[0] is not None
    assert mash.store.receipt(HV, "2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182") is not None


def _revoked(directory: Directory, agency: str) -> Directory:
    revocation = Revocation(
        revoked_at=NOW - dt.timedelta(hours=1),
        compromised_at=NOW - dt.timedelta(days=1),
        reason=RevocationReason.KEY_COMPROMISE,
    )
    agencies = tuple(
        attrs.evolve(a, keys=tuple(attrs.evolve(k, revocation=revocation) if k.jwk.use == "sig" else k for k in a.keys))
        if a.id == agency
        else a
        for a in directory.agencies
    )
    return attrs.evolve(directory, agencies=agencies)


def test_a_revoked_keys_invalid_content_gets_no_answer(nodes: dict[str, Node], directory: Directory) -> None:
    """Content refused under a revoked key is refused as revoked: no rejection, nothing recorded."""
    mash = nodes[MASH]
    sealed = _forged(_invalid_content(), nodes[HV].signer, MASH, directory)
    with pytest.raises(Revoked):
        _receive(mash, sealed, _revoked(directory, HV))
    assert mash.store.writes == []


def test_a_forwarded_invalid_message_gets_no_answer(nodes: dict[str, Node], directory: Directory) -> None:
    """Invalid content addressed to the MASH only, forwarded to social care, is not for social care: no answer."""
    csc = nodes[CSC]
    sealed = _forged(_invalid_content(), nodes[HV].signer, CSC, directory)
    with pytest.raises(NotForUs):
        _receive(csc, sealed, directory)
    assert csc.store.writes == []


@pytest.mark.parametrize(
    ("spoil", "pointer"),
    [
        (lambda d: d.pop("id"), "/id"),
        (lambda d: d.update(id="00000000-0000-0000-0000-000000000000"), "/id"),
        (lambda d: d.update(sent="yesterday"), "/sent"),
        (lambda d: d.pop("sent"), "/sent"),
        (lambda d: d.update(sender="ods:Y99HV/health-visiting"), "/sender/agency"),
        (lambda d: d.update(recipients="la:E06000032/mash"), "/recipients"),
        (lambda d: d.update(recipients=[1]), "/recipients"),
        (lambda d: d.update(status=None), "/status"),
    ],
    ids=[
        "no id",
        "nil id",
        "sent not a time",
        "no sent",
        "sender not an object",
        "recipients not a list",
        "recipient not a string",
        "status null",
    ],
)
def test_what_the_trust_checks_need_must_be_readable(
    spoil: Any,
    pointer: str,
    nodes: dict[str, Node],
    directory: Directory,
) -> None:
    """A verified sender's message without a readable id, sent, sender, recipients or status is refused
    unanswered, with a pointer to what is missing."""
    mash = nodes[MASH]
    document = _invalid_content()
    spoil(document)
    with pytest.raises(MalformedMessage) as refused:
        _receive(mash, _forged(document, nodes[HV].signer, MASH, directory), directory)
    assert [p.pointer for p in refused.value.problems] == [pointer]
    assert mash.store.writes == []


def test_a_signed_payload_that_is_not_an_object_is_malformed(nodes: dict[str, Node], directory: Directory) -> None:
    """Signed bytes that are a JSON array, or not JSON at all, are refused unanswered."""
    mash = nodes[MASH]
    for payload in (b"[1, 2]", b'{"id": '):
        signed = _jose.sign(payload, nodes[HV].signer, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)
        sealed = _jose.encrypt(signed, directory.encryption_keys(MASH, NOW), typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)
        with pytest.raises(MalformedMessage):
            _receive(mash, sealed, directory)
    assert mash.store.writes == []


# -- rejections within the format's limits ---------------------------------------------------------------------


def test_a_rejection_of_more_than_500_problems_and_an_over_long_pointer_is_valid(
    nodes: dict[str, Node],
    directory: Directory,
) -> None:
    """Content with 601 problems, one at a pointer of 301 characters: the rejection lists 499 of them and one
    CS206 standing for the rest, each pointer within 256 characters, and it opens and validates."""
    hv, mash = nodes[HV], nodes[MASH]
    document = _document("01", id="3c4d5e6f-7081-4a92-8b3c-4d5e6f708192", sent="2026-11-25T10:00:00Z")
    document["y" * 300] = 1
    for index in range(600):
        document[f"x{index}"] = 1
    refused = _receive(mash, _forged(document, hv.signer, MASH, directory), directory)
    assert len(refused.problems) == 601
    assert refused.rejection is not None
    back = _receive(hv, refused.rejection, directory, at=NOW + 2 * MINUTE).message
    assert back is not None
    assert isinstance(back.body, AcknowledgementBody)
    reported = back.body.problems
    assert len(reported) == 500
    assert all(len(p.pointer) <= 256 for p in reported)
    assert [(p.pointer, p.code) for p in reported[-1:]] == [("", "CS206")]
    assert {p.code for p in reported[:-1]} == {"CS011"}


@pytest.mark.parametrize(
    ("pointer", "cut"),
    [
        ("/a" * 128, "/a" * 128),
        ("/a" * 129, "/a" * 128),
        ("/" + "b" * 300, ""),
        ("/body/" + "c" * 260, "/body"),
        ("/body/" + "~1" * 125 + "/x", "/body/" + "~1" * 125),
        ("/body/" + "~0" * 126, "/body"),
    ],
    ids=[
        "fits",
        "one token over",
        "one long token",
        "a long last token",
        "escapes kept whole",
        "never inside an escape",
    ],
)
def test_an_over_long_pointer_is_cut_to_its_deepest_ancestor_that_fits(pointer: str, cut: str) -> None:
    """A pointer is cut between whole reference tokens, never inside one (so never inside an escape)."""
    from concernshare.exchange import _pointer  # noqa: PLC0415  (the rule itself, tested directly)

    assert _pointer(pointer) == cut


def test_refused_content_whose_id_cannot_be_read_gets_no_answer(
    nodes: dict[str, Node],
    directory: Directory,
    rules: RuleSet,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A rejection must name the message it rejects: refused content without a readable id is refused
    unanswered (never answered about a made-up id such as the nil UUID), and nothing is recorded."""
    import concernshare.exchange  # noqa: PLC0415

    def unreadable(*_: object, **__: object) -> None:
        raise ContentRefused("refused", sender=HV, message_id=None, problems=())

    monkeypatch.setattr(concernshare.exchange, "open_sealed", unreadable)
    mash = nodes[MASH]
    with pytest.raises(ContentRefused):
        _receive(mash, _sealed_for(_send(nodes[HV], _message("01"), rules, directory), MASH), directory)
    assert mash.store.writes == []
