"""Seal and open one realistic concern to three recipients: concernshare's JOSE layer against the floor.

The floor is the same cryptographic work done with bare ``cryptography`` primitives and no JOSE
at all: sign; then, for each recipient, an ephemeral key, ECDH, the Concat KDF and an AES key wrap;
and AES-256-GCM over the signed document (seal); and the reverse for one recipient (open). Beside
it: the floor plus the JOSE format alone (stdlib base64url and JSON, no checks: what the format
itself costs), concernshare's ``_jose`` layer (``sign`` + ``encrypt``; ``decrypt`` + ``verify``),
and jwcrypto and joserfc doing the same JWS-in-JWE work. Each figure is the best of many short
``timeit`` loops (CPU time by default), in microseconds per operation, with its ratio to the floor.

    .venv/bin/python benchmarks/bench_crypto.py [--suite ES256+P-256] [--repeat 25] [--clock wall] [--profile]

This is a measurement, not a test: it checks only that every implementation round-trips the
message (and that concernshare opens what the others seal), never a time. See README.md here.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import sys
import time
import timeit
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import attrs
from cryptography.hazmat.primitives import hashes, keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, x25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from joserfc import jwe as rfc_jwe
from joserfc import jws as rfc_jws
from joserfc.jwk import import_key
from jwcrypto import jwe as jc_jwe
from jwcrypto import jwk as jc_jwk
from jwcrypto import jws as jc_jws
from jwcrypto.common import json_encode

from concernshare import codec, validation
from concernshare.crypto import _jose, keys
from concernshare.records import Message

if __package__ in {None, ""}:  # run as a script: benchmarks/ is on the path, its package is not
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks import scenario
from benchmarks.floor import KEY_ALG, _b64d, _b64e, _dumps, jwe_document, kdf, private_key, raw_public
from benchmarks.scenario import RECIPIENTS, SENT, SUITES

MESSAGE = {"typ": _jose.MESSAGE_TYP, "cty": _jose.MESSAGE_CTY}
SEALED = {"typ": _jose.SEALED_TYP, "cty": _jose.SEALED_CTY}
ENC = "A256GCM"
AIM = {"seal": 1.2, "open": 1.3}

Operation = Callable[[], object]


# -- the message ---------------------------------------------------------------------------


def concern_bytes() -> bytes:
    """The realistic concern of ``scenario.py``, with an id, as seal signs it."""
    message: Message = codec.loads(json.dumps(scenario.document_with_id(scenario.concern_document(), 0)))
    payload = codec.dumps(attrs.evolve(message, sent=SENT))
    validation.validate(payload, now=SENT)
    return payload


# -- keys ----------------------------------------------------------------------------------


class Keys:
    """The sender's signing key and three recipients' encryption keys, as JWKs and as bare key objects."""

    def __init__(self, sig_alg: str, enc_curve: str) -> None:
        self.sig_alg, self.enc_curve = sig_alg, enc_curve
        self.signing = keys.generate_signing_key(sig_alg)
        self.encryption = [keys.generate_encryption_key(enc_curve) for _ in RECIPIENTS]
        self.signer = keys.FileSigner.from_jwk(self.signing)
        self.decrypter = keys.FileDecrypter.from_jwk(self.encryption[0])  # the opener: the first recipient
        # the bare cryptography objects, for the floor
        self.sig_private = private_key(self.signing)
        self.sig_public_raw = raw_public(self.signing.public)
        self.enc_public_raw = [raw_public(k.public) for k in self.encryption]
        self.enc_private = private_key(self.encryption[0])


# -- the floor: bare cryptography ----------------------------------------------------------

_ECDSA = ec.ECDSA(hashes.SHA256())


class Floor:
    """Sign, then for each recipient ephemeral ECDH + Concat KDF + AES key wrap, then AES-256-GCM."""

    def __init__(self, k: Keys, signing_input: bytes, jws: bytes, aad: bytes) -> None:
        self.k, self.signing_input, self.jws, self.aad = k, signing_input, jws, aad
        self.okp = k.enc_curve == "X25519"

    def sign(self, data: bytes) -> bytes:
        """The 64-byte signature: Ed25519, or ES256 as raw r || s."""
        if self.k.sig_alg == "Ed25519":
            return self.k.sig_private.sign(data)
        r, s = decode_dss_signature(self.k.sig_private.sign(data, _ECDSA))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def agree(self, recipient: bytes) -> tuple[bytes, bytes]:
        """A fresh ephemeral key's public point, and the KEK it agrees with ``recipient``."""
        if self.okp:
            ephemeral = x25519.X25519PrivateKey.generate()
            z = ephemeral.exchange(x25519.X25519PublicKey.from_public_bytes(recipient))
            return ephemeral.public_key().public_bytes_raw(), kdf(z)
        ephemeral_ec = ec.generate_private_key(ec.SECP256R1())
        peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), recipient)
        z = ephemeral_ec.exchange(ec.ECDH(), peer)
        point = ephemeral_ec.public_key().public_bytes(
            serialization.Encoding.X962,
            serialization.PublicFormat.UncompressedPoint,
        )
        return point, kdf(z)

    def unwrap_decrypt(self, epk: bytes, encrypted_key: bytes, iv: bytes, ciphertext: bytes, aad: bytes) -> bytes:
        """ECDH with the ephemeral key, unwrap the CEK, AES-GCM decrypt (``ciphertext`` ends with the tag)."""
        if self.okp:
            z = self.k.enc_private.exchange(x25519.X25519PublicKey.from_public_bytes(epk))
        else:
            peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), epk)
            z = self.k.enc_private.exchange(ec.ECDH(), peer)
        cek = keywrap.aes_key_unwrap(kdf(z), encrypted_key)
        return AESGCM(cek).decrypt(iv, ciphertext, aad)

    def verify(self, signature: bytes, data: bytes) -> None:
        """Verify the sender's signature over ``data``; raises InvalidSignature."""
        if self.k.sig_alg == "Ed25519":
            ed25519.Ed25519PublicKey.from_public_bytes(self.k.sig_public_raw).verify(signature, data)
        else:
            public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), self.k.sig_public_raw)
            r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            public.verify(encode_dss_signature(r, s), data, _ECDSA)

    def seal(self) -> tuple[bytes, list[tuple[bytes, bytes]], bytes, bytes]:
        """Signature; (epk, wrapped CEK) per recipient; iv; ciphertext with tag."""
        signature = self.sign(self.signing_input)
        cek, iv = os.urandom(32), os.urandom(12)
        wrapped = []
        for recipient in self.k.enc_public_raw:
            epk, kek = self.agree(recipient)
            wrapped.append((epk, keywrap.aes_key_wrap(kek, cek)))
        return signature, wrapped, iv, AESGCM(cek).encrypt(iv, self.jws, self.aad)

    def open(self, sealed: tuple[bytes, list[tuple[bytes, bytes]], bytes, bytes]) -> bytes:
        """Unwrap our CEK, decrypt, verify the signature; return the plaintext."""
        signature, wrapped, iv, ciphertext = sealed
        plaintext = self.unwrap_decrypt(*wrapped[0], iv, ciphertext, self.aad)
        self.verify(signature, self.signing_input)
        return plaintext


class BareJose:
    """A reference, not an implementation: the floor plus the JOSE format (base64url, JSON), no checks at all.

    What any JOSE library in Python pays for the format alone: the same documents as
    concernshare writes (concernshare opens them), with stdlib base64 and json.
    """

    def __init__(self, floor: Floor, k: Keys, payload: bytes) -> None:
        self.floor, self.payload = floor, payload
        self.jws_protected = _b64e(_dumps({"alg": k.sig_alg, "kid": k.signing.kid, **MESSAGE}))
        self.jwe_protected = _b64e(_dumps({"enc": ENC, **SEALED}))
        self.recipients = [
            (key.kid, key.public.crv, raw) for key, raw in zip(k.encryption, k.enc_public_raw, strict=True)
        ]
        self.our_kid = k.encryption[0].kid

    def seal(self) -> bytes:
        """Sign and encrypt to every recipient; the general JSON serialization."""
        body = _b64e(self.payload)
        signature = self.floor.sign(f"{self.jws_protected}.{body}".encode("ascii"))
        entry = {"protected": self.jws_protected, "signature": _b64e(signature)}
        jws = _dumps({"payload": body, "signatures": [entry]})
        cek, iv = os.urandom(32), os.urandom(12)
        entries = []
        for kid, crv, recipient in self.recipients:
            epk, kek = self.floor.agree(recipient)
            entries.append((kid, crv, epk, keywrap.aes_key_wrap(kek, cek)))
        sealed = AESGCM(cek).encrypt(iv, jws, self.jwe_protected.encode("ascii"))
        return jwe_document(self.jwe_protected, entries, iv, sealed)

    def open(self, sealed: bytes) -> bytes:
        """Find our entry by kid, decrypt, verify; the payload."""
        jwe = json.loads(sealed)
        entry = next(r for r in jwe["recipients"] if r["header"]["kid"] == self.our_kid)
        epk = entry["header"]["epk"]
        point = _b64d(epk["x"]) if self.floor.okp else b"\x04" + _b64d(epk["x"]) + _b64d(epk["y"])
        ciphertext = _b64d(jwe["ciphertext"]) + _b64d(jwe["tag"])
        jws = json.loads(
            self.floor.unwrap_decrypt(
                point, _b64d(entry["encrypted_key"]), _b64d(jwe["iv"]), ciphertext, jwe["protected"].encode("ascii")
            )
        )
        signature = jws["signatures"][0]
        self.floor.verify(_b64d(signature["signature"]), f"{signature['protected']}.{jws['payload']}".encode())
        return _b64d(jws["payload"])


# -- concernshare, jwcrypto, joserfc -------------------------------------------------------


def concernshare_ops(k: Keys, payload: bytes) -> tuple[Operation, Callable[[bytes], bytes]]:
    """Seal with ``_jose.sign`` + ``_jose.encrypt``; open with ``_jose.decrypt`` + ``_jose.verify``."""
    recipients = [key.public for key in k.encryption]
    resolve = {k.signing.kid: k.signing.public}.get

    def seal() -> bytes:
        signed = _jose.sign(payload, k.signer, **MESSAGE)
        return _jose.encrypt(signed, recipients, **SEALED)

    def open_(sealed: bytes) -> bytes:
        jws = _jose.decrypt(sealed, k.decrypter, **SEALED)
        return _jose.verify(jws, resolve, **MESSAGE)[0]

    return seal, open_


def jwcrypto_ops(k: Keys, payload: bytes) -> tuple[Operation, Callable[[bytes], bytes]]:
    """The same with jwcrypto: JWS.add_signature, JWE.add_recipient per key; deserialize both."""
    signing = jc_jwk.JWK(**k.signing.to_dict())
    verifying = jc_jwk.JWK(**k.signing.public.to_dict())
    recipients = [
        (jc_jwk.JWK(**key.public.to_dict()), json_encode({"alg": KEY_ALG, "kid": key.kid})) for key in k.encryption
    ]
    opener = jc_jwk.JWK(**k.encryption[0].to_dict())
    jws_header = json_encode({"alg": k.sig_alg, "kid": k.signing.kid, **MESSAGE})
    jwe_header = json_encode({"enc": ENC, **SEALED})

    def seal() -> str:
        signed = jc_jws.JWS(payload)
        signed.add_signature(signing, None, jws_header)
        sealed = jc_jwe.JWE(signed.serialize().encode(), protected=jwe_header)
        for key, header in recipients:
            sealed.add_recipient(key, header=header)
        return sealed.serialize()

    def open_(sealed: str) -> bytes:
        outer = jc_jwe.JWE()
        outer.deserialize(sealed, key=opener)
        inner = jc_jws.JWS()
        inner.deserialize(outer.payload.decode(), key=verifying)
        return inner.payload

    return seal, open_


def joserfc_ops(k: Keys, payload: bytes) -> tuple[Operation, Callable[[str], bytes]]:
    """The same with joserfc: jws.serialize_json, jwe.encrypt_json; decrypt_json, deserialize_json."""
    signing = import_key(k.signing.to_dict())
    verifying = import_key(k.signing.public.to_dict())
    recipients = [(import_key(key.public.to_dict()), key.kid) for key in k.encryption]
    opener = import_key(k.encryption[0].to_dict())
    # registries built once; a recipient holds only its own key, so not every recipient is verified
    jws_registry = rfc_jws.JWSRegistry(algorithms=[k.sig_alg])
    jwe_registry = rfc_jwe.JWERegistry(algorithms=[KEY_ALG, ENC], verify_all_recipients=False)
    jws_header = {"alg": k.sig_alg, "kid": k.signing.kid, **MESSAGE}

    def seal() -> str:
        signed = rfc_jws.serialize_json({"protected": jws_header}, payload, signing, registry=jws_registry)
        sealed = rfc_jwe.GeneralJSONEncryption({"enc": ENC, **SEALED}, json.dumps(signed).encode())
        for key, kid in recipients:
            sealed.add_recipient({"alg": KEY_ALG, "kid": kid}, key)
        return json.dumps(rfc_jwe.encrypt_json(sealed, None, registry=jwe_registry))

    def open_(sealed: str) -> bytes:
        outer = rfc_jwe.decrypt_json(json.loads(sealed), opener, registry=jwe_registry)
        return rfc_jws.deserialize_json(json.loads(outer.plaintext), verifying, registry=jws_registry).payload

    return seal, open_


# -- timing --------------------------------------------------------------------------------


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def best_us(operations: dict[str, Operation], repeat: int, clock: Callable[[], float]) -> dict[str, float]:
    """Microseconds per call of each operation: the best of ``repeat`` timeit loops of about 50 ms.

    The repeats go round all the operations in turn, so that a burst of load on the machine
    slows every implementation alike rather than one of them; short loops, many of them, give
    the best a chance to fall in a quiet moment.
    """
    timers = {name: timeit.Timer(operation, timer=clock) for name, operation in operations.items()}
    numbers = {name: max(1, timer.autorange()[0] // 4) for name, timer in timers.items()}
    best = dict.fromkeys(operations, float("inf"))
    for _ in range(repeat):
        for name, timer in timers.items():
            best[name] = min(best[name], timer.timeit(numbers[name]) / numbers[name] * 1e6)
    return best


def implementations(k: Keys, payload: bytes) -> dict[str, tuple[Operation, Operation]]:
    """Each implementation's (seal, open) operations; open opens a document sealed once beforehand.

    Checks first that each one round-trips the message, and that concernshare opens what
    jwcrypto and joserfc seal (so that all do the same work); raises SystemExit if not.
    """
    seal_cs, open_cs = concernshare_ops(k, payload)
    sealed_cs = seal_cs()
    jws = _jose.decrypt(sealed_cs, k.decrypter, **SEALED)
    jws_document = json.loads(jws)
    signing_input = f"{jws_document['signatures'][0]['protected']}.{jws_document['payload']}".encode()
    floor = Floor(k, signing_input, jws, aad=json.loads(sealed_cs)["protected"].encode())
    sealed_floor = floor.seal()
    bare = BareJose(floor, k, payload)
    sealed_bare = bare.seal()
    if floor.open(sealed_floor) != jws or open_cs(sealed_cs) != payload or bare.open(sealed_bare) != payload:
        raise SystemExit("the floor, the bare format or concernshare does not round-trip the message")
    if open_cs(sealed_bare) != payload:
        raise SystemExit("concernshare does not open what the bare format seals")
    result: dict[str, tuple[Operation, Operation]] = {
        "floor (cryptography)": (floor.seal, lambda: floor.open(sealed_floor)),
        "bare format, no checks": (bare.seal, lambda: bare.open(sealed_bare)),
        "concernshare _jose": (seal_cs, lambda: open_cs(sealed_cs)),
    }
    for name, make in (("jwcrypto", jwcrypto_ops), ("joserfc", joserfc_ops)):
        seal, open_ = make(k, payload)
        sealed = seal()
        if open_(sealed) != payload or open_cs(sealed.encode()) != payload:
            raise SystemExit(f"{name} does not round-trip the message, or concernshare does not open it")
        result[f"{name} {version(name)}"] = (seal, lambda open_=open_, sealed=sealed: open_(sealed))
    return result


def profile(operations: dict[str, Operation], calls: int = 2000) -> None:
    """Print a cProfile of ``calls`` runs of each operation, by own time."""
    for name, operation in operations.items():
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(calls):
            operation()
        profiler.disable()
        print(f"\ncProfile of {calls} runs of {name}, by own time:")
        pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats("tottime").print_stats(20)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; with --profile, profile concernshare's seal and open too."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=list(SUITES), default="Ed25519+X25519")
    parser.add_argument("--repeat", type=int, default=25, help="timeit repeats; the best is kept (default 25)")
    parser.add_argument(
        "--clock",
        choices=list(CLOCKS),
        default="cpu",
        help="cpu: process time, which a busy machine disturbs less (default); wall: perf_counter",
    )
    parser.add_argument("--profile", action="store_true", help="also profile concernshare's seal and open")
    args = parser.parse_args(argv)

    k = Keys(*SUITES[args.suite])
    payload = concern_bytes()
    compared = implementations(k, payload)
    seal_cs, open_cs = compared["concernshare _jose"]
    sealed_cs = seal_cs()
    print(f"concernshare crypto benchmark: {args.suite}, sealed to {len(RECIPIENTS)} recipients, opened by one")
    print(
        f"message {len(payload):,} bytes; signed (JWS) {len(_jose.decrypt(sealed_cs, k.decrypter, **SEALED)):,} "
        f"bytes; sealed (JWE) {len(sealed_cs):,} bytes"
    )
    print(
        f"Python {platform.python_version()}, cryptography {version('cryptography')}, "
        f"{platform.machine()}; best of {args.repeat} timeit repeats, {args.clock} time"
    )
    print()
    timings = best_us(
        {(name, op): ops[index] for name, ops in compared.items() for index, op in enumerate(("seal", "open"))},
        args.repeat,
        CLOCKS[args.clock],
    )
    floor = {op: timings["floor (cryptography)", op] for op in ("seal", "open")}
    print(f"{'':24} {'seal µs':>10} {'x floor':>8} {'open µs':>10} {'x floor':>8}")
    for name in compared:
        seal_us, open_us = timings[name, "seal"], timings[name, "open"]
        print(
            f"{name:24} {seal_us:10.1f} {seal_us / floor['seal']:7.2f}x {open_us:10.1f} {open_us / floor['open']:7.2f}x"
        )
    print()
    for op, aim in AIM.items():
        ratio = timings["concernshare _jose", op] / floor[op]
        print(f"aim: concernshare {op} <= {aim:.1f}x the floor: {ratio:.2f}x ({'met' if ratio <= aim else 'NOT met'})")
    over_bare = {op: timings["concernshare _jose", op] / timings["bare format, no checks", op] for op in AIM}
    print(
        f"concernshare over the bare format (its checks and structure): seal {over_bare['seal']:.2f}x, "
        f"open {over_bare['open']:.2f}x"
    )
    if args.profile:
        profile({"concernshare seal": seal_cs, "concernshare open": open_cs})
    return 0


if __name__ == "__main__":
    sys.exit(main())
