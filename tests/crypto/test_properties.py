"""Properties: round trips for any payload, and no flipped bit ever yields a plaintext."""

from __future__ import annotations

import contextlib
import copy
import json
from typing import Any

import pytest
from crypto_helpers import MESSAGE, SEALED, dumps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from concernshare import crypto
from concernshare.crypto._b64 import b64decode, b64encode
from concernshare.crypto.keys import FileDecrypter, FileSigner
from concernshare.errors import CryptoError, SealError, UntrustedSender

SIGNER = crypto.generate_signing_key()
ES_SIGNER = crypto.generate_signing_key("ES256")
OURS = crypto.generate_encryption_key()
THEIRS = crypto.generate_encryption_key("P-256")
KEYS = {SIGNER.kid: SIGNER.public, ES_SIGNER.kid: ES_SIGNER.public}
PLAINTEXT = crypto.sign(b'{"type":"concern"}', FileSigner.from_jwk(SIGNER), **MESSAGE)
SEALED_DOCUMENT: dict[str, Any] = json.loads(crypto.encrypt(PLAINTEXT, [OURS.public, THEIRS.public], **SEALED))
DECRYPTER = FileDecrypter.from_jwk(OURS)


@settings(max_examples=50)
@given(payload=st.binary(max_size=2048), es256=st.booleans())
def test_verify_inverts_sign(payload: bytes, es256: bool) -> None:
    """verify(sign(p)) gives back p, for any bytes and either algorithm."""
    key = ES_SIGNER if es256 else SIGNER
    signed = crypto.sign(payload, FileSigner.from_jwk(key), **MESSAGE)
    assert crypto.verify(signed, KEYS.get, **MESSAGE) == (payload, key.kid, key.public.alg)


@settings(max_examples=25)
@given(
    plaintext=st.binary(max_size=4096),
    curves=st.lists(st.sampled_from(["X25519", "P-256"]), min_size=1, max_size=3),
)
def test_decrypt_inverts_encrypt(plaintext: bytes, curves: list[str]) -> None:
    """Every recipient decrypts encrypt(p) back to p, whatever the mix of curves."""
    keys = [crypto.generate_encryption_key(curve) for curve in curves]
    sealed = crypto.encrypt(plaintext, [key.public for key in keys], **SEALED)
    for key in keys:
        assert crypto.decrypt(sealed, FileDecrypter.from_jwk(key), **SEALED) == plaintext


def _flip(text: str, bit: int) -> str:
    raw = bytearray(b64decode(text))
    raw[(bit // 8) % len(raw)] ^= 1 << (bit % 8)
    return b64encode(bytes(raw))


FIELDS = ["protected", "iv", "ciphertext", "tag", "encrypted_key"]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(FIELDS), bit=st.integers(min_value=0, max_value=10**6))
def test_any_flipped_bit_is_refused(field: str, bit: int) -> None:
    """Flipping any bit of the protected header, iv, ciphertext, tag or our wrapped key is refused."""
    document = copy.deepcopy(SEALED_DOCUMENT)
    holder = document["recipients"][0] if field == "encrypted_key" else document
    holder[field] = _flip(holder[field], bit)
    with pytest.raises((CryptoError, crypto.JoseError)):
        crypto.decrypt(dumps(document), DECRYPTER, **SEALED)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(position=st.integers(min_value=0), value=st.integers(min_value=0, max_value=255))
def test_no_byte_change_yields_another_plaintext(position: int, value: int) -> None:
    """Changing any byte of the serialized document either is refused or changes nothing we read."""
    data = bytearray(dumps(SEALED_DOCUMENT))
    data[position % len(data)] = value
    with contextlib.suppress(SealError):
        assert crypto.decrypt(bytes(data), DECRYPTER, **SEALED) == PLAINTEXT


@settings(max_examples=200)
@given(field=st.sampled_from(["protected", "payload", "signature"]), bit=st.integers(min_value=0))
def test_any_flipped_bit_of_a_signature_is_refused(field: str, bit: int) -> None:
    """Flipping any bit of the protected header, payload or signature of a JWS is refused."""
    document = json.loads(PLAINTEXT)
    holder = document if field == "payload" else document["signatures"][0]
    holder[field] = _flip(holder[field], bit)
    with pytest.raises((CryptoError, crypto.JoseError, UntrustedSender)):  # a changed kid is unknown
        crypto.verify(dumps(document), KEYS.get, **MESSAGE)
