"""Interoperability with the npm ``jose`` package, both ways: sealed here and opened there, and back.

The Node.js side is ``jose_interop.mjs`` beside this file, run with ``node``; ``jose`` is pinned in
``package.json`` and ``package-lock.json``. The session fixture installs it with ``npm ci`` when
``node_modules`` is missing or holds another version, and fails (never skips) without Node.js and npm.
Keys reach Node.js as the files an agency has: its private JWK Set and the others' public JWK Sets.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

from _samples import MINIMAL
from concernshare import codec
from concernshare.crypto import _jose, keys
from concernshare.crypto._b64 import b64decode, b64encode
from concernshare.records import Message
from concernshare.sealing import Opened, open_sealed, seal
from concernshare.stores import MemoryStore
from concernshare.testing.world import World, make_world

INTEROP = Path(__file__).parent
SCRIPT = INTEROP / "jose_interop.mjs"
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
HV, MASH, CSC, GP = "ods:RYV01/hv", "la:E06000032/mash", "la:E06000032/csc", "ods:E81001"
ROLES = {HV: ["health_visiting"], MASH: ["mash"], CSC: ["childrens_social_care"], GP: ["gp"]}
SUITES = {"Ed25519+X25519": ("Ed25519", "X25519"), "ES256+P-256": ("ES256", "P-256")}

NodeJose = Callable[..., subprocess.CompletedProcess[bytes]]


@pytest.fixture(scope="session")
def npm_jose() -> NodeJose:
    """Run jose_interop.mjs under Node.js, after installing the pinned npm jose if it is not there."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.fail(
            "the npm jose interoperability tests need Node.js: `node` and `npm` must be on PATH (Node.js 20 or later)",
        )
    lock = json.loads((INTEROP / "package-lock.json").read_text(encoding="utf-8"))
    pinned = lock["packages"]["node_modules/jose"]["version"]
    installed = INTEROP / "node_modules" / "jose" / "package.json"
    if not installed.is_file() or json.loads(installed.read_text(encoding="utf-8"))["version"] != pinned:
        done = subprocess.run(
            [npm, "ci", "--prefix", str(INTEROP), "--no-audit", "--no-fund"],
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        if done.returncode != 0:
            pytest.fail(f"`npm ci --prefix tests/interop` failed (exit {done.returncode}):\n{done.stderr}")

    def run(*args: str | Path, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [node, str(SCRIPT), *map(str, args)],
            input=stdin,
            capture_output=True,
            check=False,
            timeout=120,
        )

    return run


@attrs.frozen
class Agencies:
    """A world of agencies, with each agency's private and public JWK Set files."""

    world: World
    private: dict[str, Path]
    public: dict[str, Path]


def _agencies(sig_alg: str, enc_curve: str, folder: Path) -> Agencies:
    world = make_world(ROLES, now=NOW, sig_alg=sig_alg, enc_curve=enc_curve)
    private, public = {}, {}
    for index, agency in enumerate(ROLES):
        own = world[agency]
        private[agency] = folder / f"agency{index}.private.jwks"
        keys.write_private_jwk_set(private[agency], [own.signing, own.encryption])
        public[agency] = folder / f"agency{index}.public.jwks"
        public[agency].write_bytes(keys.dumps_public_jwk_set([own.signing.public, own.encryption.public]))
    return Agencies(world, private, public)


@pytest.fixture(scope="module", params=list(SUITES))
def agencies(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Agencies:
    """Health visiting, the MASH, social care and a GP, with one suite's keys written to files."""
    return _agencies(*SUITES[request.param], tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def ed25519_agencies(tmp_path_factory: pytest.TempPathFactory) -> Agencies:
    """The same agencies with Ed25519 signing and X25519 encryption keys."""
    return _agencies("Ed25519", "X25519", tmp_path_factory.mktemp("ed25519-keys"))


def _message(recipients: Sequence[str]) -> Message:
    document: dict[str, Any] = copy.deepcopy(MINIMAL)
    document.update(status="actual", recipients=list(recipients), created="2026-11-25T08:50:00Z")
    return codec.loads(json.dumps(document))


def _signed_bytes(message: Message) -> bytes:
    """The exact bytes seal signs: the message with sent set, as the codec writes it."""
    return codec.dumps(attrs.evolve(message, sent=NOW))


def _open_here(agencies: Agencies, sealed: bytes, agency: str) -> Opened:
    world = agencies.world
    return open_sealed(
        sealed,
        world[agency].decrypters,
        me=agency,
        directory=world.directory,
        store=MemoryStore(),
        now=NOW + dt.timedelta(minutes=1),
    )


def _protected(part: dict[str, Any]) -> dict[str, Any]:
    return json.loads(b64decode(part["protected"]))


# -- sealed here, opened by npm jose -------------------------------------------------------


@pytest.mark.parametrize("recipients", [[MASH], [MASH, CSC]], ids=["one-recipient", "two-recipients"])
def test_npm_jose_opens_what_we_seal(agencies: Agencies, recipients: list[str], npm_jose: NodeJose) -> None:
    """Each recipient opens our general JSON JWE with npm jose and its JWK file, and gets the signed bytes."""
    message = _message(recipients)
    sealed = seal(message, agencies.world[HV].signer, directory=agencies.world.directory, now=NOW)
    assert len(json.loads(sealed)["recipients"]) == len(recipients)
    for agency in recipients:
        done = npm_jose("open", agencies.private[agency], agencies.public[HV], stdin=sealed)
        assert done.returncode == 0, done.stderr.decode()
        assert done.stdout == _signed_bytes(message)


def test_npm_jose_refuses_what_it_should(agencies: Agencies, npm_jose: NodeJose) -> None:
    """The script under npm jose refuses a non-recipient, a flipped ciphertext byte and the wrong sender's key."""
    sealed = seal(_message([MASH, CSC]), agencies.world[HV].signer, directory=agencies.world.directory, now=NOW)
    document = json.loads(sealed)
    ciphertext = bytearray(b64decode(document["ciphertext"]))
    ciphertext[0] ^= 1
    tampered = json.dumps({**document, "ciphertext": b64encode(bytes(ciphertext))}).encode()
    for key, sender, data, error in [
        (agencies.private[GP], agencies.public[HV], sealed, b"ERR_JWE_DECRYPTION_FAILED"),
        (agencies.private[MASH], agencies.public[HV], tampered, b"ERR_JWE_DECRYPTION_FAILED"),
        (agencies.private[MASH], agencies.public[GP], sealed, b"ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    ]:
        done = npm_jose("open", key, sender, stdin=data)
        assert (done.returncode, done.stdout) == (1, b"")
        assert done.stderr.startswith(b"jose_interop: " + error + b":")


# -- sealed by npm jose, opened here -------------------------------------------------------


@pytest.mark.parametrize("jws", ["flattened", "general"])
@pytest.mark.parametrize("recipients", [[MASH], [MASH, CSC]], ids=["one-recipient", "two-recipients"])
def test_we_open_what_npm_jose_seals(agencies: Agencies, recipients: list[str], jws: str, npm_jose: NodeJose) -> None:
    """npm jose signs (flattened or general JWS) and encrypts (flattened or general JWE); each recipient opens it."""
    message = _message(recipients)
    payload = _signed_bytes(message)
    files = [agencies.public[agency] for agency in recipients]
    done = npm_jose("seal", "--jws", jws, agencies.private[HV], *files, stdin=payload)
    assert done.returncode == 0, done.stderr.decode()
    sealed = json.loads(done.stdout)
    if len(recipients) == 1:  # FlattenedEncrypt: everything in the protected header
        assert "recipients" not in sealed
        assert _protected(sealed).keys() == {"alg", "enc", "kid", "epk", "typ", "cty"}
    else:  # GeneralEncrypt: alg, kid and epk per recipient
        assert len(sealed["recipients"]) == len(recipients)
    for agency in recipients:
        world = agencies.world
        signed = json.loads(
            _jose.decrypt(done.stdout, world[agency].decrypters, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)
        )
        assert ("signatures" in signed) == (jws == "general")
        header = _protected(signed["signatures"][0] if jws == "general" else signed)
        assert header["alg"] == world[HV].signing.public.alg  # Ed25519 (RFC 9864) or ES256
        opened = _open_here(agencies, done.stdout, agency)
        assert opened.payload == payload
        assert opened.message == attrs.evolve(message, sent=NOW)
        assert (opened.sender, opened.kid) == (HV, world[HV].signing.kid)


def test_we_open_npm_jose_eddsa_signatures(ed25519_agencies: Agencies, npm_jose: NodeJose) -> None:
    """A message npm jose signs under the older name EdDSA, with an Ed25519 key, opens here."""
    message = _message([MASH])
    done = npm_jose(
        "seal",
        "--sig-alg",
        "EdDSA",
        ed25519_agencies.private[HV],
        ed25519_agencies.public[MASH],
        stdin=_signed_bytes(message),
    )
    assert done.returncode == 0, done.stderr.decode()
    world = ed25519_agencies.world
    signed = json.loads(_jose.decrypt(done.stdout, world[MASH].decrypters, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY))
    assert _protected(signed)["alg"] == "EdDSA"
    assert _open_here(ed25519_agencies, done.stdout, MASH).message == attrs.evolve(message, sent=NOW)
