"""Tests for seal and open: what arrives is what was sent, and every attack is refused."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import attrs
import pytest

from _samples import MINIMAL
from concernshare import codec
from concernshare.crypto import _jose
from concernshare.crypto._b64 import b64decode, b64encode
from concernshare.directory import Revocation
from concernshare.errors import (
    ContentRefused,
    CryptoError,
    Expired,
    NotForUs,
    RefusedStatus,
    Replayed,
    Revoked,
    SealError,
    UntrustedSender,
)
from concernshare.records import Message, RevocationReason, Status
from concernshare.sealing import OpenPolicy, open_sealed, seal, sign_message, verify_message
from concernshare.stores import MemoryStore
from concernshare.testing.world import World, make_world

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
HV, MASH, CSC, GP = "ods:RYV01/hv", "la:E06000032/mash", "la:E06000032/csc", "ods:E81001"


@pytest.fixture(scope="module")
def world() -> World:
    """Health visiting, the MASH, children's social care and a GP, with a signed directory."""
    return make_world({HV: ["health_visiting"], MASH: ["mash"], CSC: ["childrens_social_care"], GP: ["gp"]}, now=NOW)


def _message(**changes: Any) -> Message:
    document: dict[str, Any] = copy.deepcopy(MINIMAL)
    document.update(status="actual", recipients=[MASH, CSC], created="2026-11-25T08:50:00Z")
    document.update(changes)
    return codec.loads(json.dumps(document))


def _open(world: World, sealed: bytes, agency: str = MASH, **options: Any) -> Message:
    options.setdefault("store", MemoryStore())
    options.setdefault("now", NOW + dt.timedelta(minutes=1))
    return open_sealed(sealed, world[agency].decrypters, me=agency, directory=world.directory, **options).message


def test_each_recipient_opens_what_was_sent(world: World) -> None:
    """The MASH and social care each open the message; it equals what was sealed, with sent set."""
    message = _message()
    sealed = seal(message, world[HV].signer, directory=world.directory, now=NOW)
    for agency in (MASH, CSC):
        assert _open(world, sealed, agency) == attrs.evolve(message, sent=NOW)


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_messages_of_format_1_0_and_1_1_open(world: World, version: str) -> None:
    """A reader of format 1.1 opens a 1.0 message (judged by 1.0's rules) as well as its own."""
    basis = copy.deepcopy(MINIMAL["lawful_basis"])
    if version != "1.0":  # the para 18(2) ground and who decided: members of 1.1
        basis |= {
            "without_consent_ground": "para_18_2_c_would_prejudice_the_protection",
            "shared_without_consent_by": {"name": "Sam Invented", "role": "Health visitor"},
        }
    message = _message(format_version=version, lawful_basis=basis)
    sealed = seal(message, world[HV].signer, directory=world.directory, now=NOW)
    assert _open(world, sealed).format_version == version


def test_a_non_recipient_cannot_open(world: World) -> None:
    """The GP has keys in the directory but the message was not encrypted to it."""
    sealed = seal(_message(), world[HV].signer, directory=world.directory, now=NOW)
    with pytest.raises(NotForUs):
        _open(world, sealed, GP)


def test_surreptitious_forwarding_is_refused(world: World) -> None:
    """A recipient that re-encrypts the signed message to another agency cannot make it theirs."""
    sealed = seal(_message(), world[HV].signer, directory=world.directory, now=NOW)
    signed = _jose.decrypt(sealed, world[MASH].decrypters, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)
    gp_keys = world.directory.encryption_keys(GP, NOW)
    forwarded = _jose.encrypt(signed, gp_keys, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)
    with pytest.raises(NotForUs, match="not among the recipients named inside the signed message"):
        _open(world, forwarded, GP)


def test_one_agency_cannot_sign_as_another(world: World) -> None:
    """The GP's own valid key cannot vouch for a message whose sender is health visiting."""
    with pytest.raises(UntrustedSender):
        seal(_message(), world[GP].signer, directory=world.directory, now=NOW)
    payload = codec.dumps(attrs.evolve(_message(), sent=NOW))
    forged = _jose.sign(payload, world[GP].signer, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)
    sealed = _jose.encrypt(
        forged, world.directory.encryption_keys(MASH, NOW), typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY
    )
    with pytest.raises(UntrustedSender, match="another agency"):
        _open(world, sealed)


def test_replay_is_refused_even_re_encrypted(world: World) -> None:
    """The same message twice is refused, also when its signed bytes are encrypted afresh."""
    store = MemoryStore()
    sealed = seal(_message(), world[HV].signer, directory=world.directory, now=NOW)
    _open(world, sealed, store=store)
    with pytest.raises(Replayed):
        _open(world, sealed, store=store)
    signed = _jose.decrypt(sealed, world[MASH].decrypters, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)
    again = _jose.encrypt(
        signed, world.directory.encryption_keys(MASH, NOW), typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY
    )
    with pytest.raises(Replayed):
        _open(world, again, store=store)


def test_a_refused_message_is_not_recorded_as_seen(world: World) -> None:
    """A forgery or a refusal never poisons the replay store."""
    store = MemoryStore()
    sealed = seal(_message(status="exercise"), world[HV].signer, directory=world.directory, now=NOW)
    with pytest.raises(RefusedStatus):
        _open(world, sealed, store=store)
    assert store.receipt(HV, MINIMAL["id"]) is None
    opened = _open(world, sealed, store=store, policy=OpenPolicy(accept_status=frozenset(Status)))
    assert opened.status is Status.EXERCISE


@pytest.mark.parametrize("offset", [dt.timedelta(days=7, minutes=6), -dt.timedelta(minutes=6)])
def test_stale_or_future_sent_is_refused(world: World, offset: dt.timedelta) -> None:
    """sent must lie within the freshness window (7 days) allowing 5 minutes' skew."""
    sealed = seal(_message(), world[HV].signer, directory=world.directory, now=NOW)
    with pytest.raises(Expired):
        _open(world, sealed, now=NOW + offset)
    assert _open(world, sealed, now=NOW + dt.timedelta(days=7, minutes=4)).sent == NOW


def _revoked(world: World, agency: str, compromised_at: dt.datetime) -> World:
    revocation = Revocation(
        revoked_at=NOW + dt.timedelta(hours=1), compromised_at=compromised_at, reason=RevocationReason.KEY_COMPROMISE
    )
    agencies = tuple(
        attrs.evolve(a, keys=tuple(attrs.evolve(k, revocation=revocation) if k.jwk.use == "sig" else k for k in a.keys))
        if a.id == agency
        else a
        for a in world.directory.agencies
    )
    return attrs.evolve(world, directory=attrs.evolve(world.directory, agencies=agencies, serial=2))


def test_revoked_key_refused_live_and_judged_by_receipts_in_an_archive(world: World) -> None:
    """After revocation a live open refuses; an archive accepts only what arrived before the compromise."""
    sealed = seal(_message(), world[HV].signer, directory=world.directory, now=NOW)
    store = MemoryStore()
    _open(world, sealed, store=store)  # it arrived at NOW + 1 minute
    later = NOW + dt.timedelta(days=30)
    compromised_after = _revoked(world, HV, compromised_at=NOW + dt.timedelta(minutes=30))
    with pytest.raises(Revoked):
        _open(compromised_after, sealed, store=MemoryStore(), now=NOW + dt.timedelta(hours=2))
    assert _open(compromised_after, sealed, store=store, now=later, archive=True).sent == NOW
    compromised_before = _revoked(world, HV, compromised_at=NOW - dt.timedelta(days=1))
    with pytest.raises(Revoked, match="arrived before the key's compromise"):
        _open(compromised_before, sealed, store=store, now=later, archive=True)
    with pytest.raises(Revoked):
        _open(compromised_after, sealed, store=MemoryStore(), now=later, archive=True)


def test_key_used_outside_its_validity_is_refused(world: World) -> None:
    """A message whose sent lies before the signing key's not_before is refused."""
    early = NOW - dt.timedelta(days=366)
    payload = codec.dumps(attrs.evolve(_message(created="2025-11-24T08:00:00Z"), sent=early))
    signed = _jose.sign(payload, world[HV].signer, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)
    with pytest.raises(Revoked, match="not valid when the message was sent"):
        verify_message(signed, directory=world.directory, now=NOW)


def test_invalid_content_from_a_verified_sender_names_the_problems(world: World) -> None:
    """Content refused after the signature verified carries the sender, id and problem codes, no values."""
    document = copy.deepcopy(MINIMAL)
    document.update(status="actual", recipients=[MASH], sent="2026-11-25T09:00:00Z", created="2026-11-25T08:00:00Z")
    document["subject"]["identifiers"]["nhs_number"] = "9990000019"
    signed = _jose.sign(json.dumps(document).encode(), world[HV].signer, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)
    with pytest.raises(ContentRefused) as caught:
        verify_message(signed, directory=world.directory, now=NOW)
    assert caught.value.sender == HV
    assert caught.value.message_id == MINIMAL["id"]
    assert [(p.pointer, p.code) for p in caught.value.problems] == [("/subject/identifiers/nhs_number", "CS101")]


def test_signed_only_round_trip(world: World) -> None:
    """sign_message then verify_message gives back the message with sent set."""
    message = _message()
    signed = sign_message(message, world[HV].signer, directory=world.directory, now=NOW)
    assert verify_message(signed, directory=world.directory, now=NOW).message == attrs.evolve(message, sent=NOW)


def test_a_signed_message_cannot_pass_as_sealed(world: World) -> None:
    """A JWS handed to open is refused before any cryptography (type confusion)."""
    signed = sign_message(_message(), world[HV].signer, directory=world.directory, now=NOW)
    with pytest.raises(SealError):
        _open(world, signed)


def test_live_open_needs_a_store(world: World) -> None:
    """Without a replay store a live open refuses rather than skip the replay check."""
    sealed = seal(_message(), world[HV].signer, directory=world.directory, now=NOW)
    with pytest.raises(SealError, match="replay store"):
        _open(world, sealed, store=None)


_ALLOWED = {
    "protected": {"typ", "cty", "enc", "alg", "epk", "kid"},
    "recipient": {"alg", "epk", "kid"},
    "epk": {"kty", "crv", "x", "y"},
    "jws": {"typ", "cty", "alg", "kid"},
}


def test_headers_carry_no_personal_data(world: World) -> None:
    """Every decoded header of a sealed message holds only allow-listed parameters."""
    sealed = json.loads(seal(_message(), world[HV].signer, directory=world.directory, now=NOW))
    assert set(sealed) <= {"protected", "unprotected", "recipients", "iv", "ciphertext", "tag", "aad"}
    assert "unprotected" not in sealed
    assert "aad" not in sealed
    protected = json.loads(b64decode(sealed["protected"]))
    assert set(protected) <= _ALLOWED["protected"]
    for recipient in sealed["recipients"]:
        assert set(recipient) == {"header", "encrypted_key"}
        assert set(recipient["header"]) <= _ALLOWED["recipient"]
        assert set(recipient["header"]["epk"]) <= _ALLOWED["epk"]
    signed = json.loads(
        _jose.decrypt(json.dumps(sealed).encode(), world[MASH].decrypters, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)
    )
    (signature,) = signed["signatures"]
    assert set(json.loads(b64decode(signature["protected"]))) <= _ALLOWED["jws"]
    assert "header" not in signature


def test_flipped_ciphertext_is_a_uniform_crypto_error(world: World) -> None:
    """A flipped byte of the ciphertext is refused with the one cryptographic error."""
    sealed = json.loads(seal(_message(), world[HV].signer, directory=world.directory, now=NOW))
    raw = bytearray(b64decode(sealed["ciphertext"]))
    raw[0] ^= 1
    sealed["ciphertext"] = b64encode(bytes(raw))
    with pytest.raises(CryptoError):
        _open(world, json.dumps(sealed).encode())


def _retired(world: World, agency: str, not_after: dt.datetime) -> World:
    agencies = tuple(
        attrs.evolve(a, keys=tuple(attrs.evolve(k, not_after=not_after) if k.jwk.use == "sig" else k for k in a.keys))
        if a.id == agency
        else a
        for a in world.directory.agencies
    )
    return attrs.evolve(world, directory=attrs.evolve(world.directory, agencies=agencies, serial=2))


def test_a_retired_key_cannot_sign_live_by_backdating_sent(world: World) -> None:
    """A key retired yesterday signs a message dated before its retirement: live, it is refused on arrival, in
    sealed and signed-only form; within the clock skew of the retirement it is still accepted."""
    retired = _retired(world, HV, not_after=NOW - dt.timedelta(days=1))
    backdated = NOW - dt.timedelta(days=2)
    payload = codec.dumps(attrs.evolve(_message(created="2026-11-23T08:00:00Z"), sent=backdated))
    signed = _jose.sign(payload, world[HV].signer, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)
    sealed = _jose.encrypt(
        signed, world.directory.encryption_keys(MASH, NOW), typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY
    )
    with pytest.raises(Revoked, match="retired before the message arrived"):
        _open(retired, sealed, now=NOW)
    with pytest.raises(Revoked, match="retired before the message arrived"):
        verify_message(signed, directory=retired.directory, now=NOW)
    within_skew = _retired(world, HV, not_after=NOW - dt.timedelta(minutes=4))
    assert _open(within_skew, sealed, now=NOW).sent == backdated


def test_a_stolen_revoked_key_cannot_sign_new_content_under_an_old_id(world: World) -> None:
    """The archive's receipt vouches for the bytes that arrived: new content (or a new sent) signed with the stolen
    key under the same id is refused, and a receipt without a digest vouches for nothing."""
    sealed = seal(_message(), world[HV].signer, directory=world.directory, now=NOW)
    store = MemoryStore()
    _open(world, sealed, store=store)
    compromised = _revoked(world, HV, compromised_at=NOW + dt.timedelta(minutes=30))
    later = NOW + dt.timedelta(days=30)
    assert _open(compromised, sealed, store=store, now=later, archive=True).sent == NOW
    new_content = (_message(created="2026-11-25T08:51:00Z"), NOW)
    new_sent = (_message(), NOW - dt.timedelta(seconds=1))
    for forged, moment in (new_content, new_sent):
        payload = codec.dumps(attrs.evolve(forged, sent=moment))
        signed = _jose.sign(payload, world[HV].signer, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)
        again = _jose.encrypt(
            signed, world.directory.encryption_keys(MASH, NOW), typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY
        )
        with pytest.raises(Revoked, match="differs from what this receiver's log shows"):
            _open(compromised, again, store=store, now=later, archive=True)
    receipt = store.receipt(HV, MINIMAL["id"])
    assert receipt is not None
    assert receipt.digest is not None
    old = MemoryStore()
    old.record(attrs.evolve(receipt, digest=None), keep_until=later)
    with pytest.raises(Revoked, match="unverifiable"):
        _open(compromised, sealed, store=old, now=later, archive=True)


def test_a_message_dated_after_the_receivers_clock_is_refused_once_with_cs104(world: World) -> None:
    """The receiver's clock reaches the semantic check: a message written after it is refused with one CS104."""
    tomorrow = NOW + dt.timedelta(days=1)
    sealed = seal(_message(created="2026-11-26T09:00:00Z"), world[HV].signer, directory=world.directory, now=tomorrow)
    assert _open(world, sealed, now=tomorrow + dt.timedelta(minutes=1)).created == tomorrow
    with pytest.raises(ContentRefused) as caught:
        _open(world, sealed, now=NOW, archive=True)
    assert [(p.pointer, p.code) for p in caught.value.problems] == [("/created", "CS104")]
