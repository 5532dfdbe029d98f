"""Shared keys, data and forging helpers for the crypto tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from concernshare import crypto
from concernshare.crypto._b64 import b64encode
from concernshare.crypto.keys import FileDecrypter, FileSigner, PrivateJwk, PublicJwk

DATA = Path(__file__).parent.parent / "data"
MESSAGE = {"typ": crypto.MESSAGE_TYP, "cty": crypto.MESSAGE_CTY}
SEALED = {"typ": crypto.SEALED_TYP, "cty": crypto.SEALED_CTY}
DIRECTORY = {"typ": crypto.DIRECTORY_TYP, "cty": crypto.DIRECTORY_CTY}


def load_data(name: str) -> Any:
    """Read one of the vector files under ``tests/data``."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def dumps(document: object) -> bytes:
    """Compact JSON bytes, as a forger would send them."""
    return json.dumps(document, separators=(",", ":")).encode()


def header_b64(header: object) -> str:
    """A protected header as base64url of its compact JSON."""
    return b64encode(dumps(header))


class Spy:
    """A decrypter or key resolver that records whether any cryptography was reached."""

    def __init__(self, inner: FileDecrypter | None = None) -> None:
        self.inner = inner
        self.calls = 0

    @property
    def kid(self) -> str:
        assert self.inner is not None
        return self.inner.kid

    @property
    def crv(self) -> str:
        assert self.inner is not None
        return self.inner.crv

    def derive(self, peer: bytes) -> bytes:
        self.calls += 1
        assert self.inner is not None
        return self.inner.derive(peer)

    def resolve(self, kid: str) -> PublicJwk | None:
        self.calls += 1
        return None


@pytest.fixture(scope="session")
def ed25519_key() -> PrivateJwk:
    """An Ed25519 signing key."""
    return crypto.generate_signing_key("Ed25519")


@pytest.fixture(scope="session")
def es256_key() -> PrivateJwk:
    """An ES256 signing key."""
    return crypto.generate_signing_key("ES256")


@pytest.fixture(scope="session")
def x25519_key() -> PrivateJwk:
    """An X25519 encryption key."""
    return crypto.generate_encryption_key("X25519")


@pytest.fixture(scope="session")
def p256_key() -> PrivateJwk:
    """A P-256 encryption key."""
    return crypto.generate_encryption_key("P-256")


@pytest.fixture(scope="session")
def other_x25519_key() -> PrivateJwk:
    """An X25519 encryption key of an agency that is not a recipient."""
    return crypto.generate_encryption_key("X25519")


@pytest.fixture
def forge_jws(ed25519_key: PrivateJwk) -> Callable[..., dict[str, Any]]:
    """Build a validly signed JWS (general JSON, as a dict) with any protected header."""

    def forge(
        protected: dict[str, Any] | None = None,
        payload: bytes = b"{}",
        *,
        header: dict[str, Any] | None = None,
        key: PrivateJwk | None = None,
    ) -> dict[str, Any]:
        key = key or ed25519_key
        if protected is None:
            protected = {"alg": key.public.alg, "kid": key.kid, **MESSAGE}
        protected_b64, payload_b64 = header_b64(protected), b64encode(payload)
        signature = FileSigner.from_jwk(key).sign(f"{protected_b64}.{payload_b64}".encode())
        entry: dict[str, Any] = {"protected": protected_b64, "signature": b64encode(signature)}
        if header is not None:
            entry["header"] = header
        return {"payload": payload_b64, "signatures": [entry]}

    return forge


@pytest.fixture
def resolver(
    ed25519_key: PrivateJwk, es256_key: PrivateJwk
) -> Callable[[str], PublicJwk | None]:
    """Resolve the two signing keys by kid."""
    return {ed25519_key.kid: ed25519_key.public, es256_key.kid: es256_key.public}.get


@pytest.fixture
def sealed(x25519_key: PrivateJwk, p256_key: PrivateJwk) -> dict[str, Any]:
    """A JWE to an X25519 and a P-256 key, as a dict."""
    document = crypto.encrypt(b"the signed message", [x25519_key.public, p256_key.public], **SEALED)
    return dict(json.loads(document))
