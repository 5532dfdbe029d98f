"""Agency keys as JWKs (RFC 7517, RFC 8037), named by their RFC 7638 thumbprints.

Each agency has a signing key (``Ed25519`` by default, ``ES256`` on request)
and an encryption key (X25519 by default, P-256 on request), every one with
``use``, ``alg`` and ``kid`` set. Private keys are written as one JWK Set file
per agency, created with mode 0600, and never shown by ``repr`` or ``str``.

Signing and key agreement go through the small :class:`Signer` and
:class:`Decrypter` protocols, so that a hardware security module or a cloud key
service can hold the private key; :class:`FileSigner` and :class:`FileDecrypter`
are the default implementations, over keys read from a private JWK Set.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final, Protocol

import attrs

from concernshare.crypto import _jose
from concernshare.crypto._b64 import b64decode, b64encode
from concernshare.crypto._jose import JoseError
from concernshare.crypto._primitives import PublicKey
from concernshare.errors import CryptoError, UsageError

__all__ = [
    "ENCRYPTION_CURVES",
    "SIGNING_ALGS",
    "Decrypter",
    "FileDecrypter",
    "FileSigner",
    "PrivateJwk",
    "PublicJwk",
    "Signer",
    "decrypters_from",
    "dumps_private_jwk_set",
    "dumps_public_jwk_set",
    "generate_encryption_key",
    "generate_signing_key",
    "loads_private_jwk_set",
    "loads_public_jwk_set",
    "parse_private_jwk",
    "parse_public_jwk",
    "read_private_jwk_set",
    "read_public_jwk_set",
    "signer_from",
    "thumbprint",
    "write_private_jwk_set",
]

SIGNING_ALGS: Final = ("Ed25519", "ES256")
ENCRYPTION_CURVES: Final = ("X25519", "P-256")

# (kty, crv, use, alg) of every key this profile accepts.
_SUITE: Final = frozenset(
    {
        ("OKP", "Ed25519", "sig", "Ed25519"),
        ("EC", "P-256", "sig", "ES256"),
        ("OKP", "X25519", "enc", _jose.KEY_ALG),
        ("EC", "P-256", "enc", _jose.KEY_ALG),
    }
)
_PUBLIC_MEMBERS: Final = frozenset({"kty", "crv", "x", "y", "use", "alg", "kid"})
# RFC 7638 §3.2: the required members of each key type. RSA is here only because
# RFC 7638's own example is an RSA key; computing a thumbprint accepts no key.
_THUMBPRINT_MEMBERS: Final = {
    "OKP": ("crv", "kty", "x"),
    "EC": ("crv", "kty", "x", "y"),
    "RSA": ("e", "kty", "n"),
}


def thumbprint(jwk: Mapping[str, object]) -> str:
    """The RFC 7638 SHA-256 thumbprint of a JWK, base64url-encoded.

    Raises :class:`JoseError` if the key type is not OKP, EC or RSA, or a
    required member is missing or not a string.
    """
    kty = jwk.get("kty")
    members = _THUMBPRINT_MEMBERS.get(kty) if isinstance(kty, str) else None
    if members is None:
        raise JoseError("the key type has no thumbprint in this profile")
    required = {name: jwk.get(name) for name in members}
    if not all(isinstance(value, str) for value in required.values()):
        raise JoseError("the key lacks a member its thumbprint needs")
    canonical = json.dumps(required, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return b64encode(hashlib.sha256(canonical.encode("utf-8")).digest())


@attrs.frozen(kw_only=True)
class PublicJwk:
    """A public key of the suite, checked: build it with :func:`parse_public_jwk`."""

    kty: str
    crv: str
    x: str
    y: str | None = None
    use: str
    alg: str
    kid: str

    def to_dict(self) -> dict[str, str]:
        """The JWK as a JSON object, members in a fixed order. Raises nothing."""
        members = {"kty": self.kty, "crv": self.crv, "x": self.x, "y": self.y}
        members |= {"use": self.use, "alg": self.alg, "kid": self.kid}
        return {name: value for name, value in members.items() if value is not None}


@attrs.frozen(kw_only=True)
class PrivateJwk:
    """A private key with its public half; ``repr`` and ``str`` never show ``d``."""

    public: PublicJwk
    d: bytes = attrs.field(repr=False)

    @property
    def kid(self) -> str:
        """The key's thumbprint."""
        return self.public.kid

    def to_dict(self) -> dict[str, str]:
        """The private JWK as a JSON object, ``d`` included. Raises nothing."""
        return {**self.public.to_dict(), "d": b64encode(self.d)}


def _private_jwk(key: _jose.PrivateKey, *, use: str, alg: str) -> PrivateJwk:
    members = _jose.point_members(key.crv, key.public_point)
    public = PublicJwk(
        kty=members["kty"],
        crv=key.crv,
        x=members["x"],
        y=members.get("y"),
        use=use,
        alg=alg,
        kid=thumbprint(members),
    )
    return PrivateJwk(public=public, d=key.private_bytes())


def generate_signing_key(alg: str = "Ed25519") -> PrivateJwk:
    """A new signing key: ``Ed25519`` (the default) or ``ES256``.

    Raises :class:`~concernshare.errors.UsageError` for any other algorithm.
    """
    if alg not in SIGNING_ALGS:
        raise UsageError("the signing algorithm must be Ed25519 or ES256")
    crv = "Ed25519" if alg == "Ed25519" else "P-256"
    return _private_jwk(_jose.generate_private(crv), use="sig", alg=alg)


def generate_encryption_key(crv: str = "X25519") -> PrivateJwk:
    """A new ``ECDH-ES+A256KW`` key on X25519 (the default) or P-256.

    Raises :class:`~concernshare.errors.UsageError` for any other curve.
    """
    if crv not in ENCRYPTION_CURVES:
        raise UsageError("the encryption curve must be X25519 or P-256")
    return _private_jwk(_jose.generate_private(crv), use="enc", alg=_jose.KEY_ALG)


def _checked_public(jwk: Mapping[str, object], allowed: frozenset[str]) -> PublicJwk:
    if not isinstance(jwk, Mapping):
        raise JoseError("a key is not a JSON object")
    if not jwk.keys() <= allowed:
        if "d" in jwk and "d" not in allowed:
            raise JoseError(
                "a key carries private material (d): this is a private key where a public one is "
                "expected; give the public JWK Set (NAME.public.jwks), and keep the private one secret"
            )
        raise JoseError("a key has a member this profile does not accept")
    given = tuple(jwk.get(name) for name in ("kty", "crv", "use", "alg"))
    suite = next((entry for entry in _SUITE if entry == given), None)
    if suite is None:
        raise JoseError("a key's type, curve, use or algorithm is outside the suite")
    kty, crv, use, alg = suite
    if kty == "OKP" and "y" in jwk:
        raise JoseError("an OKP key has no y coordinate")
    point = _jose.decode_point(crv, jwk.get("x"), jwk.get("y") if kty == "EC" else None)
    try:
        _jose.check_point(crv, point)
    except CryptoError:
        raise JoseError("a key is not a valid public key on its curve") from None
    members = _jose.point_members(crv, point)
    kid = thumbprint(members)
    if jwk.get("kid") != kid:
        raise JoseError("a key's kid is not its RFC 7638 thumbprint")
    return PublicJwk(kty=kty, crv=crv, x=members["x"], y=members.get("y"), use=use, alg=alg, kid=kid)


def parse_public_jwk(jwk: Mapping[str, object]) -> PublicJwk:
    """Check a public JWK strictly and return it.

    Only OKP (Ed25519, X25519) and EC (P-256) keys of the suite, with ``kty``,
    ``crv``, ``x`` (and ``y``), ``use``, ``alg`` and ``kid`` and nothing else;
    ``kid`` must be the thumbprint and the point valid. Raises :class:`JoseError`.
    """
    return _checked_public(jwk, _PUBLIC_MEMBERS)


def parse_private_jwk(jwk: Mapping[str, object]) -> PrivateJwk:
    """Check a private JWK strictly (as :func:`parse_public_jwk`, plus ``d``) and return it.

    Raises :class:`JoseError` if it is refused or ``d`` does not match the public key.
    """
    public = _checked_public(jwk, _PUBLIC_MEMBERS | {"d"})
    if "d" not in jwk:
        raise JoseError(
            "a key has no private part (d): this is a public key where a private one is expected; "
            "give the private JWK Set (NAME.private.jwks)"
        )
    try:
        d = b64decode(jwk["d"])  # type: ignore[arg-type]  # b64decode refuses a non-string
    except (KeyError, ValueError):
        raise JoseError("a private key's d is not strict base64url") from None
    key = _jose.load_private(public.crv, d)
    if key.public_point != _jose.decode_point(public.crv, public.x, public.y):
        raise JoseError("a private key does not match its public key")
    return PrivateJwk(public=public, d=d)


def _loads_set(data: bytes, what: str) -> list[Mapping[str, object]]:
    document = _jose.parse_json(data, what)
    if not isinstance(document, dict) or document.keys() != {"keys"}:
        raise JoseError(f"the {what} is not a JSON object with only a keys member")
    keys = document["keys"]
    if not isinstance(keys, list):
        raise JoseError(f"the {what}'s keys member is not a list")
    return keys


def _dumps_set(keys: Iterable[Mapping[str, str]]) -> bytes:
    return json.dumps({"keys": list(keys)}, indent=2).encode("ascii") + b"\n"


def dumps_public_jwk_set(keys: Iterable[PublicJwk]) -> bytes:
    """A public JWK Set as JSON bytes. Raises nothing."""
    return _dumps_set(key.to_dict() for key in keys)


def loads_public_jwk_set(data: bytes) -> tuple[PublicJwk, ...]:
    """Parse a public JWK Set strictly; raises :class:`JoseError` (also for private members)."""
    return tuple(parse_public_jwk(jwk) for jwk in _loads_set(data, "public JWK Set"))


def dumps_private_jwk_set(keys: Iterable[PrivateJwk]) -> bytes:
    """A private JWK Set as JSON bytes: secret, write it with :func:`write_private_jwk_set`."""
    return _dumps_set(key.to_dict() for key in keys)


def loads_private_jwk_set(data: bytes) -> tuple[PrivateJwk, ...]:
    """Parse a private JWK Set strictly; raises :class:`JoseError`."""
    return tuple(parse_private_jwk(jwk) for jwk in _loads_set(data, "private JWK Set"))


def write_private_jwk_set(path: str | os.PathLike[str], keys: Iterable[PrivateJwk]) -> None:
    """Create ``path`` with mode 0600 (whatever the umask) and write the private JWK Set to it.

    The file is created exclusively (an existing file or symbolic link is never
    overwritten or followed) and flushed to the disk. Raises
    :class:`FileExistsError` or another :class:`OSError` from the file system.
    """
    data = dumps_private_jwk_set(keys)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        os.fchmod(descriptor, 0o600)  # the umask may have taken the owner's bits away
        file.write(data)
        file.flush()
        os.fsync(descriptor)


def read_private_jwk_set(path: str | os.PathLike[str]) -> tuple[PrivateJwk, ...]:
    """Read and parse a private JWK Set file.

    Raises :class:`JoseError` if it is refused (also for a public JWK Set),
    :class:`OSError` if it cannot be read.
    """
    return loads_private_jwk_set(Path(path).read_bytes())


def read_public_jwk_set(path: str | os.PathLike[str]) -> tuple[PublicJwk, ...]:
    """Read and parse a public JWK Set file, such as the pinned authority keys.

    Raises :class:`JoseError` if it is refused (also for a private JWK Set:
    private material is never taken as public), :class:`OSError` if it cannot
    be read.
    """
    return loads_public_jwk_set(Path(path).read_bytes())


def _private_keys(keys: object, function: str) -> Sequence[PrivateJwk]:
    """Refuse what is not a sequence of private keys, saying what was given instead."""
    if isinstance(keys, str | bytes | os.PathLike):
        raise UsageError(f"{function} takes the keys, not a file name: {function}(read_private_jwk_set(path))")
    if not isinstance(keys, Sequence) or not all(isinstance(key, PrivateJwk) for key in keys):
        raise UsageError(
            f"{function} takes a sequence of private keys (PrivateJwk), as read_private_jwk_set "
            "returns; a public key can neither sign nor decrypt"
        )
    return keys


class Signer(Protocol):
    """Whatever holds a signing key: a file, a hardware security module, a key service."""

    @property
    def kid(self) -> str:
        """The RFC 7638 thumbprint of the public key."""

    @property
    def alg(self) -> str:
        """``Ed25519`` or ``ES256``."""

    def sign(self, data: bytes) -> bytes:
        """Sign ``data``: 64 bytes, the Ed25519 signature or the ES256 raw ``r || s``."""


class Decrypter(Protocol):
    """Whatever holds an ``ECDH-ES+A256KW`` key: a file, a hardware module, a key service."""

    @property
    def kid(self) -> str:
        """The RFC 7638 thumbprint of the public key."""

    @property
    def crv(self) -> str:
        """``X25519`` or ``P-256``."""

    def derive(self, peer: bytes) -> bytes:
        """ECDH with the ephemeral public key ``peer`` and return the shared secret Z.

        ``peer`` is already checked to be a valid point: 32 bytes for X25519,
        the uncompressed SEC 1 point ``04 || x || y`` for P-256. Raise
        :class:`~concernshare.errors.CryptoError` if the agreement fails.
        """


def _loaded(jwk: PrivateJwk, use: str, what: str) -> _jose.PrivateKey:
    """The private key of ``jwk``, if it is for ``use``; raises :class:`JoseError` naming ``what`` it is not."""
    if jwk.public.use != use:
        raise JoseError(f"the key is not {what}")
    return _jose.load_private(jwk.public.crv, jwk.d)


@attrs.frozen
class FileSigner:
    """A :class:`Signer` over a private key read from a JWK file."""

    kid: str
    alg: str
    _key: _jose.PrivateKey = attrs.field(repr=False, eq=False)

    @classmethod
    def from_jwk(cls, jwk: PrivateJwk) -> FileSigner:
        """The signer for ``jwk``; raises :class:`JoseError` if it is not a signing key."""
        return cls(jwk.kid, jwk.public.alg, _loaded(jwk, "sig", "a signing key"))

    def sign(self, data: bytes) -> bytes:
        """Sign ``data`` (see :class:`Signer`). Raises nothing."""
        return self._key.sign(data)


@attrs.frozen
class FileDecrypter:
    """A :class:`Decrypter` over a private key read from a JWK file."""

    kid: str
    crv: str
    _key: _jose.PrivateKey = attrs.field(repr=False, eq=False)

    @classmethod
    def from_jwk(cls, jwk: PrivateJwk) -> FileDecrypter:
        """The decrypter for ``jwk``; raises :class:`JoseError` if it is not an encryption key."""
        return cls(jwk.kid, jwk.public.crv, _loaded(jwk, "enc", "an encryption key"))

    def derive(self, peer: bytes) -> bytes:
        """ECDH with ``peer`` (see :class:`Decrypter`); raises :class:`CryptoError`."""
        return self._key.derive(peer)

    def _agree_loaded(self, peer: PublicKey) -> bytes:
        """ECDH with a public key the JWE layer has already loaded (and so checked); raises :class:`CryptoError`.

        Within the crypto package only: :func:`~concernshare.crypto.decrypt` hands a
        decrypter that has it the loaded point, and any other the raw point (``derive``).
        """
        return self._key.agree(peer)


def signer_from(keys: Sequence[PrivateJwk]) -> FileSigner:
    """The signer of an agency's private JWK Set, which must hold exactly one signing key.

    Raises :class:`JoseError` otherwise, :class:`~concernshare.errors.UsageError`
    if ``keys`` is not a sequence of private keys (a file name, public keys).
    """
    signing = [key for key in _private_keys(keys, "signer_from") if key.public.use == "sig"]
    if len(signing) != 1:
        raise JoseError("the private JWK Set must hold exactly one signing key")
    return FileSigner.from_jwk(signing[0])


def decrypters_from(keys: Sequence[PrivateJwk]) -> tuple[FileDecrypter, ...]:
    """A decrypter for every encryption key of a private JWK Set (old keys kept for rotation).

    Raises :class:`JoseError` if there is none, :class:`~concernshare.errors.UsageError`
    if ``keys`` is not a sequence of private keys (a file name, public keys).
    """
    decrypters = tuple(
        FileDecrypter.from_jwk(key) for key in _private_keys(keys, "decrypters_from") if key.public.use == "enc"
    )
    if not decrypters:
        raise JoseError("the private JWK Set holds no encryption key")
    return decrypters
