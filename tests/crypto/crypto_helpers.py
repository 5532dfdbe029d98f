"""Helpers for the crypto tests: document kinds, vector files and forging tools."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypedDict

from concernshare import crypto
from concernshare.crypto._b64 import b64encode
from concernshare.crypto.keys import FileDecrypter, PublicJwk

DATA = Path(__file__).parent.parent / "data"


class Kind(TypedDict):
    """The typ and cty of one kind of document, to pass as keyword arguments."""

    typ: str
    cty: str


MESSAGE = Kind(typ=crypto.MESSAGE_TYP, cty=crypto.MESSAGE_CTY)
SEALED = Kind(typ=crypto.SEALED_TYP, cty=crypto.SEALED_CTY)
DIRECTORY = Kind(typ=crypto.DIRECTORY_TYP, cty=crypto.DIRECTORY_CTY)


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
