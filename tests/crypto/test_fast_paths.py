"""The JOSE fast paths are taken for what concernshare itself writes, in both suites, and read as the general one."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any, NoReturn

import pytest

from _samples import MINIMAL
from concernshare import codec
from concernshare.crypto import _documents, _jose, _jwe, _jws, keys
from concernshare.directory import open_directory
from concernshare.sealing import open_sealed, seal
from concernshare.stores import MemoryStore
from concernshare.testing.world import World, make_world

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
HV, MASH, CSC = "ods:RYV01/hv", "la:E06000032/mash", "la:E06000032/csc"
SUITES = [("Ed25519", "X25519"), ("ES256", "P-256")]


@pytest.fixture(scope="module", params=SUITES, ids=["-".join(s) for s in SUITES])
def world(request: pytest.FixtureRequest) -> World:
    """Three agencies and a signed directory, in one suite."""
    sig_alg, enc_curve = request.param
    roles = {HV: ["health_visiting"], MASH: ["mash"], CSC: ["childrens_social_care"]}
    return make_world(roles, now=NOW, sig_alg=sig_alg, enc_curve=enc_curve)


@pytest.fixture
def general_paths_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the general readers fail loudly, so that a test passes only if the fast paths did all the reading."""

    def refuse(*_: Any) -> NoReturn:
        raise AssertionError("the general path was taken")

    monkeypatch.setattr(_jwe, "_jwe_general", refuse)
    monkeypatch.setattr(_jws, "_jws_general", refuse)


def _sealed(world: World) -> bytes:
    document: dict[str, Any] = copy.deepcopy(MINIMAL)
    document.update(status="actual", recipients=[MASH, CSC], created="2026-11-25T08:50:00Z")
    return seal(codec.loads(json.dumps(document)), world[HV].signer, directory=world.directory, now=NOW)


@pytest.mark.usefixtures("general_paths_refused")
def test_a_sealed_message_opens_on_the_fast_paths(world: World) -> None:
    """A message sealed by concernshare is decrypted and verified without the general JWE or JWS reader."""
    sealed = _sealed(world)
    opened = open_sealed(
        sealed, world[MASH].decrypters, me=MASH, directory=world.directory, store=MemoryStore(), now=NOW
    )
    assert opened.message.recipients == (MASH, CSC)


@pytest.mark.usefixtures("general_paths_refused")
def test_a_signed_directory_opens_on_the_fast_path(world: World) -> None:
    """The directory concernshare signs is verified without the general JWS reader."""
    authority = [world.authority.public]
    assert open_directory(world.signed_directory, authority, now=NOW) == world.directory


@pytest.mark.usefixtures("general_paths_refused")
def test_the_general_path_is_really_refused(world: World) -> None:
    """The guard bites: a flattened JWS, which only the general reader reads, fails under it."""
    signed = json.loads(_jose.sign(b"{}", world[HV].signer, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY))
    flattened = {"payload": signed["payload"], **signed["signatures"][0]}
    with pytest.raises(AssertionError, match="general path"):
        _jose.verify(json.dumps(flattened).encode(), {}.get, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)


def test_the_fast_readings_equal_the_general_ones(world: World) -> None:
    """For the library's own output each fast reader returns a reading, and it is the general reader's."""
    sealed = _documents.read_document(_sealed(world), "sealed document")
    ours = {d.kid: d for d in world[MASH].decrypters}
    fast = _jwe._jwe_fast(sealed, ours, _jose.SEALED_TYP, _jose.SEALED_CTY)
    assert fast is not None
    assert fast == _jwe._jwe_general(sealed, ours, _jose.SEALED_TYP, _jose.SEALED_CTY)
    plaintext = _jose.decrypt(
        json.dumps(sealed).encode(), world[MASH].decrypters, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY
    )
    signed = _documents.read_document(plaintext, "signed document")
    reading = _jws._jws_fast(signed, _jose.MESSAGE_TYP, _jose.MESSAGE_CTY)
    assert reading is not None
    assert reading == _jws._jws_general(signed, _jose.MESSAGE_TYP, _jose.MESSAGE_CTY)


def test_a_decrypter_with_derive_alone_still_opens(world: World) -> None:
    """A decrypter that offers only derive (a key held elsewhere) is given the raw point and opens the message."""
    mine = next(d for d in world[MASH].decrypters if isinstance(d, keys.FileDecrypter))

    class DeriveOnly:
        kid, crv = mine.kid, mine.crv

        def derive(self, peer: bytes) -> bytes:
            return mine.derive(peer)

    plaintext = _jose.decrypt(_sealed(world), DeriveOnly(), typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)
    assert json.loads(plaintext)["signatures"]


def test_a_file_decrypter_is_handed_the_loaded_point(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening loads the ephemeral point once: a FileDecrypter agrees with the loaded key, never the raw point."""

    def refuse(*_: Any) -> NoReturn:
        raise AssertionError("the raw point was loaded a second time")

    monkeypatch.setattr(keys.FileDecrypter, "derive", refuse)
    plaintext = _jose.decrypt(_sealed(world), world[MASH].decrypters, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)
    assert json.loads(plaintext)["signatures"]
