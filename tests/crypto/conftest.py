"""Shared keys, data and forging helpers for the crypto tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from crypto_helpers import MESSAGE, SEALED, header_b64

from concernshare import crypto
from concernshare.crypto._b64 import b64encode
from concernshare.crypto.keys import FileSigner, PrivateJwk, PublicJwk


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
def resolver(ed25519_key: PrivateJwk, es256_key: PrivateJwk) -> Callable[[str], PublicJwk | None]:
    """Resolve the two signing keys by kid."""
    return {ed25519_key.kid: ed25519_key.public, es256_key.kid: es256_key.public}.get


@pytest.fixture
def sealed(x25519_key: PrivateJwk, p256_key: PrivateJwk) -> dict[str, Any]:
    """A JWE to an X25519 and a P-256 key, as a dict."""
    document = crypto.encrypt(b"the signed message", [x25519_key.public, p256_key.public], **SEALED)
    return dict(json.loads(document))
