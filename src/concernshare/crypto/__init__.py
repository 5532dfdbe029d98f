"""Keys, and the JOSE subset that signs and seals concernshare documents.

``keys`` holds agency keys as JWKs behind the :class:`Signer` and
:class:`Decrypter` protocols; ``sign``/``verify`` and ``encrypt``/``decrypt``
are the JWS and JWE layers that sealing and opening build on. They work on
bytes and plain data only.
"""

from __future__ import annotations

from concernshare.crypto._jose import (
    DIRECTORY_CTY,
    DIRECTORY_TYP,
    MAX_HEADER_BYTES,
    MAX_INPUT_BYTES,
    MAX_RECIPIENTS,
    MESSAGE_CTY,
    MESSAGE_TYP,
    SEALED_CTY,
    SEALED_TYP,
    JoseError,
    decrypt,
    encrypt,
    sign,
    verify,
)
from concernshare.crypto.keys import (
    ENCRYPTION_CURVES,
    SIGNING_ALGS,
    Decrypter,
    FileDecrypter,
    FileSigner,
    PrivateJwk,
    PublicJwk,
    Signer,
    decrypters_from,
    dumps_private_jwk_set,
    dumps_public_jwk_set,
    generate_encryption_key,
    generate_signing_key,
    loads_private_jwk_set,
    loads_public_jwk_set,
    parse_private_jwk,
    parse_public_jwk,
    read_private_jwk_set,
    read_public_jwk_set,
    signer_from,
    thumbprint,
    write_private_jwk_set,
)

__all__ = [
    "DIRECTORY_CTY",
    "DIRECTORY_TYP",
    "ENCRYPTION_CURVES",
    "MAX_HEADER_BYTES",
    "MAX_INPUT_BYTES",
    "MAX_RECIPIENTS",
    "MESSAGE_CTY",
    "MESSAGE_TYP",
    "SEALED_CTY",
    "SEALED_TYP",
    "SIGNING_ALGS",
    "Decrypter",
    "FileDecrypter",
    "FileSigner",
    "JoseError",
    "PrivateJwk",
    "PublicJwk",
    "Signer",
    "decrypt",
    "decrypters_from",
    "dumps_private_jwk_set",
    "dumps_public_jwk_set",
    "encrypt",
    "generate_encryption_key",
    "generate_signing_key",
    "loads_private_jwk_set",
    "loads_public_jwk_set",
    "parse_private_jwk",
    "parse_public_jwk",
    "read_private_jwk_set",
    "read_public_jwk_set",
    "sign",
    "signer_from",
    "thumbprint",
    "verify",
    "write_private_jwk_set",
]
