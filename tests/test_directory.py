"""Tests for the signed trust directory: verified first, refused when it cannot be trusted."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest

from concernshare import codec
from concernshare.crypto import _jose, keys
from concernshare.crypto._b64 import b64decode, b64encode
from concernshare.directory import open_directory, sign_directory
from concernshare.errors import DirectoryRefused, SealError
from concernshare.stores import MemoryStore
from concernshare.testing.world import World, make_world

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def world() -> World:
    """Three agencies and a directory signed by a fresh authority."""
    return make_world(
        {"ods:RYV01/hv": ["health_visiting"], "la:E06000032/mash": ["mash"], "ods:E81001": ["gp"]}, now=NOW
    )


def test_a_signed_directory_opens(world: World) -> None:
    """A directory signed by the pinned authority opens and equals what was signed."""
    assert open_directory(world.signed_directory, [world.authority.public], now=NOW) == world.directory


def test_lookups(world: World) -> None:
    """Agencies and keys are found by exact id and kid; encryption keys by agency and time."""
    hv = world["ods:RYV01/hv"]
    found = world.directory.key(hv.signing.kid)
    assert found is not None
    assert found[0].id == "ods:RYV01/hv"
    assert world.directory.agency("ods:RYV01") is None
    assert [k.kid for k in world.directory.encryption_keys("ods:RYV01/hv", NOW)] == [hv.encryption.kid]
    assert world.directory.encryption_keys("ods:RYV01/hv", NOW - dt.timedelta(days=400)) == ()


def test_a_key_is_checked_by_value_and_a_bad_one_is_refused_every_time(world: World) -> None:
    """The checked key is kept per key value, so a key that fails its check fails on every call, even
    after the good key with the same kid was checked."""
    jwk = world["ods:RYV01/hv"].signing.public
    listed = world.directory.key(jwk.kid)
    assert listed is not None
    good = listed[1].jwk
    assert good.public() == good.public() == jwk
    other = keys.generate_signing_key().public
    swapped = attrs.evolve(good, x=other.x)  # another key's point under this key's kid
    for _ in range(2):
        with pytest.raises(SealError, match="thumbprint"):
            swapped.public()
    assert good.public() == jwk


def test_unpinned_authority_is_refused(world: World) -> None:
    """A directory signed by a key that is not pinned is refused."""
    other = keys.generate_signing_key()
    with pytest.raises(DirectoryRefused, match="not signed by a pinned authority"):
        open_directory(world.signed_directory, [other.public], now=NOW)


def test_several_authorities_may_be_pinned(world: World) -> None:
    """Any one of the pinned authority keys may have signed the directory."""
    other = keys.generate_signing_key()
    assert open_directory(world.signed_directory, [other.public, world.authority.public], now=NOW)


def test_no_pinned_key_is_a_refusal(world: World) -> None:
    """With nothing pinned, nothing is trusted."""
    with pytest.raises(DirectoryRefused, match="no authority signing key is pinned"):
        open_directory(world.signed_directory, [], now=NOW)


def test_tampered_directory_is_refused(world: World) -> None:
    """Changing the signed content breaks the signature."""
    document = json.loads(world.signed_directory)
    payload = json.loads(b64decode(document["payload"]))
    payload["serial"] = 99
    document["payload"] = b64encode(json.dumps(payload).encode())
    with pytest.raises(DirectoryRefused, match="signature is not valid"):
        open_directory(json.dumps(document).encode(), [world.authority.public], now=NOW)


def test_unsigned_directory_is_refused(world: World) -> None:
    """The bare JSON of a directory, unsigned, is refused."""
    document = json.loads(world.signed_directory)
    with pytest.raises(DirectoryRefused):
        open_directory(b64decode(document["payload"]), [world.authority.public], now=NOW)


def test_expired_directory_is_refused(world: World) -> None:
    """After its expiry an edition is refused."""
    with pytest.raises(DirectoryRefused, match="expired"):
        open_directory(world.signed_directory, [world.authority.public], now=NOW + dt.timedelta(days=91))


def test_rolled_back_directory_is_refused(world: World) -> None:
    """An older serial than one seen before is refused: it could hide a revocation."""
    store = MemoryStore()
    newer = world.resign(attrs.evolve(world.directory, serial=5))
    open_directory(newer, [world.authority.public], now=NOW, store=store)
    with pytest.raises(DirectoryRefused, match="older than serial 5"):
        open_directory(world.signed_directory, [world.authority.public], now=NOW, store=store)


def test_kid_under_two_agencies_is_refused(world: World) -> None:
    """A key listed under two agencies is refused, even when validly signed."""
    first, second = world.directory.agencies[:2]
    stolen = attrs.evolve(second, keys=second.keys + first.keys[:1])
    directory = attrs.evolve(world.directory, agencies=(first, stolen, *world.directory.agencies[2:]))
    with pytest.raises(DirectoryRefused, match="two agencies"):
        sign_directory(directory, keys.signer_from([world.authority]))
    payload = json.dumps(_unstructure(directory)).encode()
    forged = _jose.sign(payload, keys.signer_from([world.authority]), typ=_jose.DIRECTORY_TYP, cty=_jose.DIRECTORY_CTY)
    with pytest.raises(DirectoryRefused, match="two agencies"):
        open_directory(forged, [world.authority.public], now=NOW)


def test_directory_content_must_match_its_schema(world: World) -> None:
    """A validly signed directory whose content breaks the schema is refused with pointers."""
    payload = json.dumps({"format_version": "1.0", "directory_id": "x", "serial": 0}).encode()
    signed = _jose.sign(payload, keys.signer_from([world.authority]), typ=_jose.DIRECTORY_TYP, cty=_jose.DIRECTORY_CTY)
    with pytest.raises(DirectoryRefused, match=r"content is not valid: .*CS0"):
        open_directory(signed, [world.authority.public], now=NOW)


def test_a_message_jws_cannot_pass_for_a_directory(world: World) -> None:
    """A JWS of another type (typ substitution) is refused as a directory."""
    signed = _jose.sign(b"{}", keys.signer_from([world.authority]), typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)
    with pytest.raises(DirectoryRefused):
        open_directory(signed, [world.authority.public], now=NOW)


def _unstructure(directory: object) -> object:
    return codec.unstructure(directory)


# Scoped authorities and the serial memory.


def test_an_authority_key_signs_one_directory_id_only(world: World) -> None:
    """Once a key was seen to sign one directory id, an edition it signs under another id is refused."""
    store = MemoryStore()
    open_directory(world.signed_directory, [world.authority.public], now=NOW, store=store)
    other = world.resign(attrs.evolve(world.directory, directory_id="another-federation", serial=99))
    with pytest.raises(DirectoryRefused, match="signs one directory only"):
        open_directory(other, [world.authority.public], now=NOW, store=store)
    assert open_directory(world.signed_directory, [world.authority.public], now=NOW, store=store)


def test_two_federations_with_one_id_do_not_collide(world: World) -> None:
    """Two authorities publishing under the same id each keep their own serials: neither is a rollback."""
    store = MemoryStore()
    newer = world.resign(attrs.evolve(world.directory, serial=50))
    open_directory(newer, [world.authority.public], now=NOW, store=store)
    second = make_world({"ods:E81001": ["gp"]}, now=NOW)
    same_id = attrs.evolve(second.directory, directory_id=world.directory.directory_id, serial=1)
    opened = open_directory(second.resign(same_id), [second.authority.public], now=NOW, store=store)
    assert opened.serial == 1


def test_a_rotated_authority_key_cannot_roll_back_its_successor(world: World) -> None:
    """Pinned keys that sign the same id form one sequence: the old key's older edition is refused after the new one."""
    store = MemoryStore()
    old_edition = world.resign(attrs.evolve(world.directory, serial=9))
    open_directory(old_edition, [world.authority.public], now=NOW, store=store)
    successor = keys.generate_signing_key()
    new_edition = sign_directory(attrs.evolve(world.directory, serial=10), keys.signer_from([successor]))
    both = [world.authority.public, successor.public]
    open_directory(new_edition, both, now=NOW, store=store)
    with pytest.raises(DirectoryRefused, match="older than serial 10"):
        open_directory(old_edition, both, now=NOW, store=store)


def test_the_same_serial_with_other_content_is_refused(world: World) -> None:
    """An edition whose serial was seen before with different content is refused; the same edition again opens."""
    store = MemoryStore()
    first = world.resign(attrs.evolve(world.directory, serial=7))
    open_directory(first, [world.authority.public], now=NOW, store=store)
    assert open_directory(first, [world.authority.public], now=NOW, store=store).serial == 7
    changed = world.resign(attrs.evolve(world.directory, serial=7, agencies=world.directory.agencies[:1]))
    with pytest.raises(DirectoryRefused, match="seen before with different content"):
        open_directory(changed, [world.authority.public], now=NOW, store=store)
