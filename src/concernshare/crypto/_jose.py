"""The JOSE subset concernshare speaks, gathered in one place from the modules that hold each concept.

JWS (RFC 7515) signed with ``Ed25519`` (RFC 9864; ``EdDSA`` accepted on input
with an Ed25519 key) or ``ES256`` (raw r||s), exactly one signature; JWE (RFC
7516) with ``ECDH-ES+A256KW`` over X25519 or P-256 and ``A256GCM``, one content
key wrapped for each recipient. Output is the general JSON serialization; input
may be general or flattened JSON; the compact serialization is refused.

Checks come in two kinds: everything about the shape of a document (sizes,
members, header parameters, base64url, key ids) is checked first and refused
with a :class:`JoseError` before any cryptography runs; every failure of the
cryptography itself (bad tag, bad key unwrap, bad signature, invalid curve
point, all-zero shared secret) raises the one :class:`~concernshare.errors.CryptoError`.
No message quotes a value taken from a header.

Where each part lives:

- :mod:`~concernshare.crypto._documents`: strict JSON, the size limits, typed reads of members;
- :mod:`~concernshare.crypto._headers`: document kinds, algorithms, the header allow-list, key ids;
- :mod:`~concernshare.crypto._points`: public points as JWK members;
- :mod:`~concernshare.crypto._jws` and :mod:`~concernshare.crypto._jwe`: signing and sealing, each with
  two fast paths for the documents concernshare writes (one reads their exact bytes, one the parsed
  document) and a general path that gives every refusal its reason;
- :mod:`~concernshare.crypto._primitives`: the only user of ``cryptography.hazmat``.
"""

from __future__ import annotations

from concernshare.crypto._documents import MAX_HEADER_BYTES, MAX_INPUT_BYTES, parse_json
from concernshare.crypto._headers import (
    CONTENT_ENC,
    DIRECTORY_CTY,
    DIRECTORY_TYP,
    MESSAGE_CTY,
    MESSAGE_TYP,
    SEALED_CTY,
    SEALED_TYP,
    check_kid,
)
from concernshare.crypto._jwe import MAX_RECIPIENTS, decrypt, encrypt
from concernshare.crypto._jws import sign, verify
from concernshare.crypto._points import check_point, decode_point, point_members
from concernshare.crypto._primitives import (
    KEY_ALG,
    JoseError,
    PrivateKey,
    concat_kdf,
    gcm_open,
    generate_private,
    load_private,
    unwrap_key,
    wrap_key,
)

__all__ = [
    "CONTENT_ENC",
    "DIRECTORY_CTY",
    "DIRECTORY_TYP",
    "KEY_ALG",
    "MAX_HEADER_BYTES",
    "MAX_INPUT_BYTES",
    "MAX_RECIPIENTS",
    "MESSAGE_CTY",
    "MESSAGE_TYP",
    "SEALED_CTY",
    "SEALED_TYP",
    "JoseError",
    "PrivateKey",
    "check_kid",
    "check_point",
    "concat_kdf",
    "decode_point",
    "decrypt",
    "encrypt",
    "gcm_open",
    "generate_private",
    "load_private",
    "parse_json",
    "point_members",
    "sign",
    "unwrap_key",
    "verify",
    "wrap_key",
]
