"""Known answers from the RFCs: RFC 8037 A.1-A.6, RFC 7638 §3.1, RFC 7518 Appendix C."""

from __future__ import annotations

import json
from typing import Any

import pytest
from crypto_helpers import MESSAGE, SEALED, header_b64, load_data

from concernshare import crypto
from concernshare.crypto import _jose, _jws
from concernshare.crypto._b64 import b64decode, b64encode
from concernshare.crypto.keys import FileDecrypter, FileSigner, PrivateJwk
from concernshare.errors import CryptoError

RFC8037 = load_data("rfc8037_appendix_a.json")
RFC7638 = load_data("rfc7638_thumbprint.json")
RFC7518 = load_data("rfc7518_appendix_c.json")


def _suite_key(jwk: dict[str, Any], use: str, alg: str) -> PrivateJwk:
    """An RFC key with the members this profile requires added (use, alg, kid)."""
    return crypto.parse_private_jwk(jwk | {"use": use, "alg": alg, "kid": crypto.thumbprint(jwk)})


def test_rfc8037_a3_thumbprint() -> None:
    """The thumbprint of the A.1 Ed25519 key is the one A.3 gives."""
    assert crypto.thumbprint(RFC8037["a1_ed25519_private_jwk"]) == RFC8037["a3_thumbprint"]


def test_rfc8037_a4_signature() -> None:
    """Our Ed25519 signer, over the A.4 signing input, gives the A.4 signature byte for byte."""
    vector = RFC8037["a4_ed25519_signing"]
    key = _suite_key(RFC8037["a1_ed25519_private_jwk"], "sig", "Ed25519")
    assert b64encode(vector["protected_header"].encode()) == vector["protected"]
    assert b64encode(vector["payload_text"].encode()) == vector["payload"]
    signing_input = f"{vector['protected']}.{vector['payload']}".encode()
    assert b64encode(FileSigner.from_jwk(key).sign(signing_input)) == vector["signature"]


def test_rfc8037_a5_validation() -> None:
    """The A.4 signature verifies with the public key, and a flipped bit does not."""
    vector = RFC8037["a4_ed25519_signing"]
    key = _suite_key(RFC8037["a1_ed25519_private_jwk"], "sig", "Ed25519").public
    signing_input = f"{vector['protected']}.{vector['payload']}".encode()
    signature = b64decode(vector["signature"])
    _jws.verify_with("Ed25519", key, signing_input, signature)
    with pytest.raises(CryptoError):
        _jws.verify_with("Ed25519", key, signing_input, bytes([signature[0] ^ 1]) + signature[1:])


def test_rfc8037_a4_document_lacks_our_protected_header() -> None:
    """The A.4 JWS as it stands has no typ, cty or kid, so it is refused before any cryptography."""
    vector = RFC8037["a4_ed25519_signing"]
    flattened = {"protected": vector["protected"], "payload": vector["payload"], "signature": vector["signature"]}
    with pytest.raises(crypto.JoseError):
        crypto.verify(json.dumps(flattened).encode(), lambda kid: None, **MESSAGE)


def test_rfc8037_key_verifies_eddsa_documents() -> None:
    """With our header, the A.1 key signs under the old name EdDSA and we accept it as Ed25519."""
    key = _suite_key(RFC8037["a1_ed25519_private_jwk"], "sig", "Ed25519")
    protected = header_b64({"alg": "EdDSA", "kid": key.kid, **MESSAGE})
    payload = RFC8037["a4_ed25519_signing"]["payload"]
    signature = FileSigner.from_jwk(key).sign(f"{protected}.{payload}".encode())
    document = {"payload": payload, "protected": protected, "signature": b64encode(signature)}
    result = crypto.verify(json.dumps(document).encode(), {key.kid: key.public}.get, **MESSAGE)
    assert result == (b"Example of Ed25519 signing", RFC8037["a3_thumbprint"], "Ed25519")


def test_rfc8037_a6_x25519_agreement() -> None:
    """The A.6 ephemeral secret gives the A.6 epk, and both sides agree on the A.6 Z."""
    vector = RFC8037["a6_ecdh_es_x25519"]
    ephemeral = _jose.load_private("X25519", bytes.fromhex(vector["ephemeral_secret_hex"]))
    assert _jose.point_members("X25519", ephemeral.public_point) == vector["epk"]
    bob_public = b64decode(vector["recipient_public_jwk"]["x"])
    assert ephemeral.derive(bob_public).hex() == vector["z_hex"]
    bob = _jose.load_private("X25519", bytes.fromhex(vector["recipient_secret_hex"]))
    assert bob.public_point == bob_public
    assert bob.derive(ephemeral.public_point).hex() == vector["z_hex"]


def test_rfc8037_a6_through_encrypt_and_decrypt() -> None:
    """Encrypting to Bob with the A.6 ephemeral key writes the A.6 epk, and Bob opens it."""
    vector = RFC8037["a6_ecdh_es_x25519"]
    members = {k: v for k, v in vector["recipient_public_jwk"].items() if k != "kid"}
    members["d"] = b64encode(bytes.fromhex(vector["recipient_secret_hex"]))
    bob = _suite_key(members, "enc", "ECDH-ES+A256KW")
    sealed = crypto.encrypt(
        b"plaintext", [bob.public], **SEALED, _ephemeral=[bytes.fromhex(vector["ephemeral_secret_hex"])]
    )
    assert json.loads(sealed)["recipients"][0]["header"]["epk"] == vector["epk"]
    assert crypto.decrypt(sealed, FileDecrypter.from_jwk(bob), **SEALED) == b"plaintext"


def test_rfc7638_thumbprint() -> None:
    """The RFC 7638 §3.1 example key has the thumbprint the RFC gives."""
    assert crypto.thumbprint(RFC7638["jwk"]) == RFC7638["thumbprint"]


def test_rfc7638_example_key_is_not_accepted() -> None:
    """Computing the example's thumbprint accepts no key: the RSA key itself is refused."""
    with pytest.raises(crypto.JoseError):
        crypto.parse_public_jwk(RFC7638["jwk"])


def test_rfc7518_appendix_c_agreement() -> None:
    """Alice's ephemeral key and Bob's key agree on the Appendix C value of Z, both ways."""
    alice, bob = RFC7518["alice_ephemeral_jwk"], RFC7518["bob_jwk"]
    alice_key = _jose.load_private("P-256", b64decode(alice["d"]))
    bob_key = _jose.load_private("P-256", b64decode(bob["d"]))
    assert alice_key.public_point == _jose.decode_point("P-256", alice["x"], alice["y"])
    assert bob_key.public_point == _jose.decode_point("P-256", bob["x"], bob["y"])
    z = bytes(RFC7518["z"])
    assert alice_key.derive(bob_key.public_point) == z
    assert bob_key.derive(alice_key.public_point) == z


def test_rfc7518_appendix_c_concat_kdf() -> None:
    """The Concat KDF of Appendix C's Z, enc, apu and apv is the derived key it gives."""
    derived = _jose.concat_kdf(
        bytes(RFC7518["z"]),
        RFC7518["enc"],
        b64decode(RFC7518["apu"]),
        b64decode(RFC7518["apv"]),
        RFC7518["keydatalen"],
    )
    assert b64encode(derived) == RFC7518["derived_key"]


OWN = load_data("concernshare_sealed_vector.json")


def test_own_vector_is_reproduced_byte_for_byte() -> None:
    """With the fixed keys, ephemeral keys, content key and iv, signing and sealing give the published bytes."""
    signer = FileSigner.from_jwk(crypto.parse_private_jwk(OWN["signing_key"]))
    assert crypto.sign(OWN["payload"].encode(), signer, **MESSAGE) == OWN["signed"].encode()
    recipients = [crypto.parse_private_jwk(jwk).public for jwk in OWN["recipient_keys"]]
    sealed = crypto.encrypt(
        OWN["signed"].encode(),
        recipients,
        **SEALED,
        _ephemeral=[bytes.fromhex(secret) for secret in OWN["ephemeral_secrets_hex"]],
        _cek=bytes.fromhex(OWN["cek_hex"]),
        _iv=bytes.fromhex(OWN["iv_hex"]),
    )
    assert sealed == OWN["sealed"].encode()


def test_own_vector_opens_for_each_recipient() -> None:
    """Each recipient of the published vector opens it and verifies the payload."""
    signing = crypto.parse_private_jwk(OWN["signing_key"]).public
    for jwk in OWN["recipient_keys"]:
        opened = crypto.decrypt(OWN["sealed"].encode(), FileDecrypter.from_jwk(crypto.parse_private_jwk(jwk)), **SEALED)
        assert crypto.verify(opened, {signing.kid: signing}.get, **MESSAGE)[0] == OWN["payload"].encode()
