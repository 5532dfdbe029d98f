"""The floor: the same cryptographic work with bare ``cryptography`` primitives, and ``json`` for the message.

Send: ``json.dumps`` of the message, an Ed25519 (or ES256) signature over it, then for
each recipient an ephemeral key, ECDH, the Concat KDF and an AES key wrap of one
content key, and AES-256-GCM over the message and its signature. Receive: ECDH with
our entry's ephemeral key, the KDF, the unwrap, AES-GCM, the signature, ``json.loads``.
No format, no checks, no records: a lower bound, not an implementation.

Beside it, the same plus the JOSE format done with the standard library (base64url
and JSON documents, no checks): what the format alone costs in Python. And the
tight floor: that, plus jsonschema-rs over the message, which is the least a
Python implementation of this format can do, and the floor concernshare's aims
are set against.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any, Final

import jsonschema_rs
from cryptography.hazmat.primitives import hashes, keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, x25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash

from benchmarks.scenario import RECIPIENTS, SENDER
from concernshare import schema
from concernshare.crypto._b64 import b64decode
from concernshare.crypto.keys import PrivateJwk, PublicJwk
from concernshare.testing.world import World

KEY_ALG: Final = "ECDH-ES+A256KW"
# Concat KDF OtherInfo for ECDH-ES+A256KW, empty apu and apv, keydatalen 256 (RFC 7518 §4.6.2)
_OTHER_INFO: Final = len(KEY_ALG).to_bytes(4, "big") + KEY_ALG.encode() + bytes(8) + (256).to_bytes(4, "big")
_ECDSA: Final = ec.ECDSA(hashes.SHA256())

Sealed = tuple[list[tuple[bytes, bytes]], bytes, bytes]  # (epk, wrapped key) per recipient; iv; ciphertext


def raw_public(jwk: PublicJwk) -> bytes:
    x = b64decode(jwk.x)
    return x if jwk.y is None else b"\x04" + x + b64decode(jwk.y)


def private_key(jwk: PrivateJwk) -> Any:
    crv = jwk.public.crv
    if crv == "Ed25519":
        return ed25519.Ed25519PrivateKey.from_private_bytes(jwk.d)
    if crv == "X25519":
        return x25519.X25519PrivateKey.from_private_bytes(jwk.d)
    return ec.derive_private_key(int.from_bytes(jwk.d, "big"), ec.SECP256R1())


def kdf(z: bytes) -> bytes:
    return ConcatKDFHash(hashes.SHA256(), 32, _OTHER_INFO).derive(z)


class Floor:
    """Bare cryptography and json; keys loaded once, as any receiver would hold them."""

    def __init__(self, world: World) -> None:
        sender = world[SENDER].signing
        self.ed25519 = sender.public.crv == "Ed25519"
        self.signing = private_key(sender)
        self.verifying = self.signing.public_key()
        self.okp = world[RECIPIENTS[0]].encryption.public.crv == "X25519"
        self.recipients = [raw_public(world[r].encryption.public) for r in RECIPIENTS]
        self.opener = private_key(world[RECIPIENTS[0]].encryption)

    def sign(self, data: bytes) -> bytes:
        """64 bytes: Ed25519, or ES256 as raw r || s."""
        if self.ed25519:
            return bytes(self.signing.sign(data))
        r, s = decode_dss_signature(self.signing.sign(data, _ECDSA))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def verify(self, signature: bytes, data: bytes) -> None:
        """Raises InvalidSignature."""
        if self.ed25519:
            self.verifying.verify(signature, data)
        else:
            r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            self.verifying.verify(encode_dss_signature(r, s), data, _ECDSA)

    def agree(self, recipient: bytes) -> tuple[bytes, bytes]:
        """A fresh ephemeral key's public point, and the key-encryption key it agrees with ``recipient``."""
        if self.okp:
            ephemeral = x25519.X25519PrivateKey.generate()
            z = ephemeral.exchange(x25519.X25519PublicKey.from_public_bytes(recipient))
            return ephemeral.public_key().public_bytes_raw(), kdf(z)
        ephemeral_ec = ec.generate_private_key(ec.SECP256R1())
        z = ephemeral_ec.exchange(ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), recipient))
        point = ephemeral_ec.public_key().public_bytes(
            serialization.Encoding.X962,
            serialization.PublicFormat.UncompressedPoint,
        )
        return point, kdf(z)

    def unwrap(self, epk: bytes, wrapped: bytes) -> bytes:
        """The content key of our entry."""
        if self.okp:
            z = self.opener.exchange(x25519.X25519PublicKey.from_public_bytes(epk))
        else:
            z = self.opener.exchange(ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), epk))
        return bytes(keywrap.aes_key_unwrap(kdf(z), wrapped))

    def encrypt(self, plaintext: bytes, aad: bytes | None = None) -> Sealed:
        """One content key wrapped for every recipient; AES-256-GCM over ``plaintext``."""
        cek, iv = os.urandom(32), os.urandom(12)
        wrapped = []
        for recipient in self.recipients:
            epk, kek = self.agree(recipient)
            wrapped.append((epk, keywrap.aes_key_wrap(kek, cek)))
        return wrapped, iv, AESGCM(cek).encrypt(iv, plaintext, aad)

    def decrypt(self, sealed: Sealed, aad: bytes | None = None) -> bytes:
        """Our entry (the first) unwrapped; the plaintext."""
        wrapped, iv, ciphertext = sealed
        return bytes(AESGCM(self.unwrap(*wrapped[0])).decrypt(iv, ciphertext, aad))

    def send(self, document: dict[str, Any]) -> Sealed:
        """json.dumps, sign, encrypt to every recipient."""
        payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        return self.encrypt(payload + self.sign(payload))

    def receive(self, sealed: Sealed) -> Any:
        """Decrypt, verify, json.loads."""
        plaintext = self.decrypt(sealed)
        payload, signature = plaintext[:-64], plaintext[-64:]
        self.verify(signature, payload)
        return json.loads(payload)


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode("ascii")


def jwe_document(protected: str, entries: list[tuple[str, str, bytes, bytes]], iv: bytes, sealed: bytes) -> bytes:
    """The general JWE as concernshare writes it: ``entries`` are (kid, crv, ephemeral point, wrapped key).

    ``sealed`` is the AES-GCM output, the ciphertext followed by its 16-byte tag.
    """
    recipients = []
    for kid, crv, epk, key in entries:
        point = (
            {"kty": "OKP", "crv": crv, "x": _b64e(epk)}
            if crv == "X25519"
            else {"kty": "EC", "crv": crv, "x": _b64e(epk[1:33]), "y": _b64e(epk[33:])}
        )
        recipients.append({"header": {"alg": KEY_ALG, "kid": kid, "epk": point}, "encrypted_key": _b64e(key)})
    return _dumps(
        {
            "protected": protected,
            "recipients": recipients,
            "iv": _b64e(iv),
            "ciphertext": _b64e(sealed[:-16]),
            "tag": _b64e(sealed[-16:]),
        }
    )


class BareJose:
    """The floor plus the JOSE format with the standard library: base64url and JSON, no checks at all.

    It writes what concernshare writes (general JWS inside general JWE), so that
    concernshare opens it; it reads only its own entry and trusts everything.
    """

    def __init__(self, floor: Floor, world: World) -> None:
        self.floor = floor
        signing = world[SENDER].signing.public
        alg = "Ed25519" if floor.ed25519 else "ES256"
        self.jws_protected = _b64e(
            _dumps({"alg": alg, "kid": signing.kid, "typ": "concernshare-message+jws", "cty": "concernshare+json"})
        )
        self.jwe_protected = _b64e(
            _dumps({"enc": "A256GCM", "typ": "concernshare-sealed+jwe", "cty": "concernshare-message+jws"})
        )
        self.keys = [(world[r].encryption.public.kid, world[r].encryption.public.crv) for r in RECIPIENTS]
        self.our_kid = self.keys[0][0]

    def send(self, document: dict[str, Any]) -> bytes:
        """json.dumps; a general JWS; a general JWE to every recipient."""
        body = _b64e(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode())
        signature = self.floor.sign(f"{self.jws_protected}.{body}".encode("ascii"))
        jws = _dumps(
            {"payload": body, "signatures": [{"protected": self.jws_protected, "signature": _b64e(signature)}]}
        )
        wrapped, iv, sealed = self.floor.encrypt(jws, self.jwe_protected.encode("ascii"))
        entries = [(kid, crv, epk, key) for (kid, crv), (epk, key) in zip(self.keys, wrapped, strict=True)]
        return jwe_document(self.jwe_protected, entries, iv, sealed)

    def receive(self, sealed: bytes) -> Any:
        """Our entry by kid; decrypt; verify; json.loads."""
        jwe = json.loads(sealed)
        entry = next(r for r in jwe["recipients"] if r["header"]["kid"] == self.our_kid)
        epk = entry["header"]["epk"]
        point = _b64d(epk["x"]) if self.floor.okp else b"\x04" + _b64d(epk["x"]) + _b64d(epk["y"])
        key = self.floor.unwrap(point, _b64d(entry["encrypted_key"]))
        jws = json.loads(
            AESGCM(key).decrypt(
                _b64d(jwe["iv"]), _b64d(jwe["ciphertext"]) + _b64d(jwe["tag"]), jwe["protected"].encode("ascii")
            )
        )
        signature = jws["signatures"][0]
        self.floor.verify(_b64d(signature["signature"]), f"{signature['protected']}.{jws['payload']}".encode())
        return json.loads(_b64d(jws["payload"]))


class TightFloor:
    """The least a Python implementation of this format can do: the bare JOSE row plus jsonschema-rs on the payload.

    Send: the message as plain JSON, checked against the message schema by
    jsonschema-rs, then the general JWS inside the general JWE of
    :class:`BareJose`. Receive: the reverse, then the schema. No typed
    records, no semantic checks, no trust checks beyond the signature: what
    concernshare must do more than this is its own cost.
    """

    def __init__(self, bare: BareJose) -> None:
        self.bare = bare
        self.is_valid = jsonschema_rs.Draft202012Validator(schema.load("message")).is_valid

    def send(self, document: dict[str, Any]) -> bytes:
        """The schema, then sign and encrypt as the bare JOSE row does; raises ValueError for an invalid message."""
        if not self.is_valid(document):
            raise ValueError("the message does not pass the schema")
        return self.bare.send(document)

    def receive(self, sealed: bytes) -> Any:
        """Decrypt, verify and parse as the bare JOSE row does, then the schema."""
        document = self.bare.receive(sealed)
        if not self.is_valid(document):
            raise ValueError("the message does not pass the schema")
        return document
