"""The agencies of the story with MESH mailboxes, for the MESH tests and their receiver subprocess."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
from pathlib import Path
from typing import Final

import attrs
import pytest

if importlib.util.find_spec("mesh_client") is None:  # pragma: no cover - the test group installs it
    if os.environ.get("CI"):
        raise ImportError("CI is set: the MESH tests need mesh-client and mesh-sandbox (the test group)")
    pytest.skip("the MESH tests need mesh-client and mesh-sandbox: pip install --group test", allow_module_level=True)

from concernshare.crypto import keys
from concernshare.directory import Directory, MeshAddress, open_directory, sign_directory
from concernshare.records import AgencyId, Status
from concernshare.sealing import OpenPolicy
from concernshare.transport.mesh import MeshSettings, with_mailboxes
from concernshare.transport.mesh_sandbox import SANDBOX_PASSWORD, Sandbox

EXAMPLES: Final = Path(__file__).parent.parent.parent / "examples"
KEYS: Final = EXAMPLES / "directory" / "keys"
WORKFLOW: Final = "CONCERNSHARE_TEST"

HV, MASH = AgencyId("ods:Y99HV/health-visiting"), AgencyId("la:E06000032/mash")
CSC, GP = AgencyId("la:E06000032/childrens-social-care"), AgencyId("ods:Y99GP")
MAILBOXES: Final = {HV: "HV01", MASH: "MASH01", CSC: "CSC01", GP: "GP01"}
#: The story's messages are exercises.
POLICY: Final = OpenPolicy(accept_status=frozenset(Status))


def private(agency: str) -> tuple[keys.PrivateJwk, ...]:
    """The agency's private keys from the examples."""
    name = agency.replace(":", "_").replace("/", "_")
    return keys.loads_private_jwk_set((KEYS / f"{name}.private.jwks").read_bytes())


def signed_directory(now: dt.datetime) -> bytes:
    """The example directory with the story's MESH mailboxes, valid now, signed again by the example authority."""
    authority = keys.loads_public_jwk_set((KEYS / "authority.public.jwks").read_bytes())
    example = open_directory(
        (EXAMPLES / "directory" / "directory.jws").read_bytes(),
        authority,
        now=dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC),
    )
    meshed = with_mailboxes(example, {a: MeshAddress(mailbox=m, workflow=WORKFLOW) for a, m in MAILBOXES.items()})
    fresh = attrs.evolve(
        meshed, serial=meshed.serial + 1, issued=now - dt.timedelta(minutes=1), expires=now + dt.timedelta(days=30)
    )
    return sign_directory(
        fresh, keys.signer_from(keys.loads_private_jwk_set((KEYS / "authority.private.jwks").read_bytes()))
    )


def directory(signed: bytes, now: dt.datetime) -> Directory:
    """Open the signed test directory."""
    authority = keys.loads_public_jwk_set((KEYS / "authority.public.jwks").read_bytes())
    return open_directory(signed, authority, now=now)


def settings(sandbox: Sandbox, agency: str, chunk_size: int = 75 * 1024 * 1024) -> MeshSettings:
    """Settings for an agency's mailbox in the sandbox."""
    return MeshSettings(
        url=sandbox.url,
        mailbox=MAILBOXES[AgencyId(agency)],
        password=SANDBOX_PASSWORD,
        shared_key=sandbox.shared_key,
        chunk_size=chunk_size,
    )


def sandbox_unavailable(reason: str) -> None:
    """Fail under CI (where .ci/mesh-sandbox must have made the sandbox available), skip otherwise."""
    message = f"the MESH sandbox is needed ({reason}); install the test group (pip install mesh-sandbox)"
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so this is not skipped: {message}")
    pytest.skip(message)
