"""The trust directory: which agencies exist, their roles and areas, and their keys.

A directory is signed by an authority key that receivers pin (one or several).
:func:`open_directory` verifies it against the pinned keys before anything is
read from it, and refuses a directory that is expired, rolled back (an older
serial than one seen before), or lists a key under two agencies. Keys come
only from the directory, never from a message.

Authority keys are scoped: a key publishes under one directory id only, the
one it was first seen to sign, and the serial memory is kept per authority
key. Pinned keys that sign the same directory id are one authority (rotating
its key): their serials form one sequence. An edition with a serial already
seen must be exactly the edition seen (the same signed payload).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterator, Sequence
from typing import Final

import attrs

from concernshare import codec, crypto, schema, strictjson
from concernshare.crypto.keys import PrivateJwk, PublicJwk, Signer, parse_public_jwk
from concernshare.errors import DirectoryRefused, InvalidDocument, SealError, UsageError
from concernshare.records._fields import field
from concernshare.records.codes import AgencyKind, RecipientRole, RevocationReason
from concernshare.records.types import AGENCY_ID, AGENCY_ID_MAX, CLOCK_SKEW, AgencyId, require_aware
from concernshare.replay import DirectoryEdition, ReplayStore

__all__ = [
    "DIRECTORY_ID",
    "DIRECTORY_VERSION",
    "MESH_MAILBOX",
    "MESH_WORKFLOW",
    "Directory",
    "DirectoryAgency",
    "DirectoryKey",
    "Jwk",
    "MeshAddress",
    "Revocation",
    "open_directory",
    "sign_directory",
]

DIRECTORY_VERSION: Final = "1.1"
_GSS: Final = "^(E(06|08|09|10)|W06|S12)[0-9]{6}$"
_B64URL: Final = "^[A-Za-z0-9_-]+$"
#: The pattern of a directory id.
DIRECTORY_ID: Final = "^[a-z0-9][a-z0-9._-]{0,63}$"


@attrs.frozen(kw_only=True)
class Jwk:
    """A public key as a JWK (RFC 7517, RFC 8037); ``kid`` is its RFC 7638 thumbprint."""

    kty: str = field("Key type: OKP (Ed25519, X25519) or EC (P-256).", pattern="^(OKP|EC)$", max_length=3)
    crv: str = field("Curve.", pattern="^(Ed25519|X25519|P-256)$", max_length=7)
    x: str = field("The public key (or its x coordinate), base64url.", pattern=_B64URL, max_length=64)
    y: str | None = field("For P-256, the y coordinate, base64url.", default=None, pattern=_B64URL, max_length=64)
    use: str = field("sig for a signing key, enc for an encryption key.", pattern="^(sig|enc)$", max_length=3)
    alg: str = field(
        "The algorithm the key is for: Ed25519, ES256 or ECDH-ES+A256KW.",
        pattern="^(Ed25519|ES256|ECDH-ES[+]A256KW)$",
        max_length=14,
    )
    kid: str = field("The key's RFC 7638 SHA-256 thumbprint, base64url.", pattern="^[A-Za-z0-9_-]{43}$", max_length=43)

    def public(self) -> PublicJwk:
        """The checked key; raises :class:`~concernshare.errors.SealError` if it is not one of the suite.

        The check (a valid point of the curve, ``kid`` its thumbprint) is made once per distinct key value:
        the verdict depends only on the value, and a key that fails is checked, and refused, every time.
        """
        return _checked(self)


@functools.lru_cache(maxsize=1024)
def _checked(jwk: Jwk) -> PublicJwk:
    return parse_public_jwk({k: v for k, v in attrs.asdict(jwk).items() if v is not None})


@attrs.frozen(kw_only=True)
class Revocation:
    """That a key was revoked, when, and since when it may have been compromised."""

    revoked_at: dt.datetime = field("When the key was revoked.")
    compromised_at: dt.datetime = field(
        "The earliest time the key may have been in someone else's hands. Archive reading accepts a "
        "signature by this key only for a message the receiver's own log shows arrived before then.",
    )
    reason: RevocationReason = field("Why the key was revoked.")


@attrs.frozen(kw_only=True)
class DirectoryKey:
    """One public key of an agency, with its validity and any revocation."""

    jwk: Jwk = field("The public key.")
    not_before: dt.datetime = field("The key may be used from this time.")
    not_after: dt.datetime | None = field("The key may not be used after this time.", default=None)
    revocation: Revocation | None = field("Present once the key is revoked.", default=None)

    def valid_at(self, moment: dt.datetime) -> bool:
        """True if the key's validity period covers ``moment`` (revocation aside); NaiveTime if it is naive."""
        require_aware(moment, "moment")
        return self.not_before <= moment and (self.not_after is None or moment <= self.not_after)

    def usable_at(self, moment: dt.datetime) -> bool:
        """True if the key is valid at ``moment`` and not revoked (by then or since)."""
        return self.valid_at(moment) and self.revocation is None


MESH_MAILBOX: Final = "^[A-Z0-9]{1,20}$"
MESH_WORKFLOW: Final = "^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$"


@attrs.frozen(kw_only=True)
class MeshAddress:
    """Where an agency receives over NHS England's MESH: its mailbox and the workflow its messages carry."""

    mailbox: str = field("The agency's MESH mailbox id.", pattern=MESH_MAILBOX, max_length=20)
    workflow: str = field(
        "The MESH workflow id that concernshare messages to this agency carry.", pattern=MESH_WORKFLOW, max_length=100
    )


@attrs.frozen(kw_only=True)
class DirectoryAgency:
    """An agency in the directory."""

    id: AgencyId = field("The agency's id.", pattern=AGENCY_ID, max_length=AGENCY_ID_MAX)
    name: str = field("The agency's name, for people to read.", min_length=1, max_length=200)
    kind: AgencyKind = field("What kind of organisation the agency is.")
    roles: tuple[RecipientRole, ...] = field(
        "The roles in which the agency receives messages.",
        min_items=1,
        max_items=len(RecipientRole),
    )
    areas: tuple[str, ...] = field(
        "The ONS GSS codes of the local authorities whose children the agency serves.",
        default=(),
        max_items=200,
        pattern=_GSS,
        max_length=9,
    )
    keys: tuple[DirectoryKey, ...] = field("The agency's public keys.", default=(), max_items=50)
    mesh: MeshAddress | None = field("Where the agency receives over MESH, if it does.", default=None)


@attrs.frozen(kw_only=True)
class Directory:
    """The trust directory, as signed by its authority."""

    format_version: str = field("The directory format version.", pattern="^1[.](0|[1-9][0-9]{0,3})$", max_length=6)
    directory_id: str = field(
        "A stable name for this directory; rollback is checked per name.",
        pattern=DIRECTORY_ID,
        max_length=64,
    )
    serial: int = field("Rises by at least one with every edition.", minimum=1, maximum=2**53 - 1)
    issued: dt.datetime = field("When this edition was signed.")
    expires: dt.datetime = field("After this time the edition is refused: publish a new one before then.")
    agencies: tuple[DirectoryAgency, ...] = field("Every agency.", default=(), max_items=5000)

    def agency(self, agency_id: str) -> DirectoryAgency | None:
        """The agency with exactly this id."""
        return next((a for a in self.agencies if a.id == agency_id), None)

    def key(self, kid: str) -> tuple[DirectoryAgency, DirectoryKey] | None:
        """The agency holding the key with this ``kid``, and the key."""
        for agency in self.agencies:
            for key in agency.keys:
                if key.jwk.kid == kid:
                    return agency, key
        return None

    def encryption_keys(self, agency_id: str, moment: dt.datetime) -> tuple[PublicJwk, ...]:
        """Every encryption key of an agency that is usable at ``moment``."""
        agency = self.agency(agency_id)
        if agency is None:
            return ()
        return tuple(k.jwk.public() for k in agency.keys if k.jwk.use == "enc" and k.usable_at(moment))


def _problems(directory: Directory) -> Iterator[str]:
    seen_ids: set[str] = set()
    kids: dict[str, str] = {}
    for agency in directory.agencies:
        if agency.id in seen_ids:
            yield "an agency id is listed twice"
        seen_ids.add(agency.id)
        for key in agency.keys:
            owner = kids.setdefault(key.jwk.kid, agency.id)
            if owner != agency.id:
                yield "a key id is listed under two agencies"
            elif sum(k.jwk.kid == key.jwk.kid for k in agency.keys) > 1:
                yield "a key id is listed twice"
            try:
                key.jwk.public()
            except SealError:
                yield "a key is not a valid key of the suite, or its kid is not its thumbprint"


def sign_directory(directory: Directory, signer: Signer) -> bytes:
    """Sign a directory with the authority's key and return the JWS (general JSON serialization).

    Raises :class:`~concernshare.errors.DirectoryRefused` if the directory is inconsistent.
    """
    problems = sorted(set(_problems(directory)))
    if problems:
        raise DirectoryRefused("the directory cannot be signed: " + "; ".join(problems))
    payload = json.dumps(codec.unstructure(directory), ensure_ascii=False, separators=(",", ":")).encode()
    return crypto.sign(payload, signer, typ=crypto.DIRECTORY_TYP, cty=crypto.DIRECTORY_CTY)


def open_directory(
    data: bytes,
    authorities: Sequence[PublicJwk],
    *,
    now: dt.datetime,
    store: ReplayStore | None = None,
) -> Directory:
    """Verify a signed directory against the pinned authority keys, then read it.

    Raises :class:`~concernshare.errors.DirectoryRefused` if it is unsigned,
    signed by a key not pinned, badly signed, malformed, expired, or lists a
    key under two agencies; and, with a ``store``, if the signing key was seen
    to sign another directory id, if the serial is older than the highest the
    pinned keys were seen to sign for this id, or if it equals that serial with
    different content; :class:`~concernshare.errors.NaiveTime` if ``now`` is naive.
    A directory declaring ``1.0`` is held to the 1.0 schema as released, so a
    member or code added in 1.1 (a MESH address, the emergency duty team role)
    is refused in it, with its pointer and code in the refusal.
    """
    require_aware(now, "now")
    if any(isinstance(key, PrivateJwk) for key in authorities):
        raise UsageError(
            "a private key was given as a pinned authority key: pin only the authority's public "
            "keys (its public JWK Set), and keep the private key with the authority"
        )
    if not all(isinstance(key, PublicJwk) for key in authorities):
        raise UsageError("authorities takes the pinned public keys (PublicJwk), as read_public_jwk_set returns")
    pinned = {key.kid: key for key in authorities if key.use == "sig"}
    if not pinned:
        raise DirectoryRefused("no authority signing key is pinned; pass the authority's public JWK Set")
    try:
        payload, kid, _alg = crypto.verify(data, pinned.get, typ=crypto.DIRECTORY_TYP, cty=crypto.DIRECTORY_CTY)
    except SealError:
        raise DirectoryRefused(
            "the directory is not signed by a pinned authority key, or its signature is not valid",
        ) from None
    try:
        document = strictjson.parse(payload)
        schema.check(document, "directory")
        directory = codec.structure(document, Directory)
    except InvalidDocument as error:
        where = ", ".join(f"{p.pointer or '/'} [{p.code}]" for p in error.problems[:5])
        raise DirectoryRefused(f"the directory's content is not valid: {where}") from None
    problems = sorted(set(_problems(directory)))
    if problems:
        raise DirectoryRefused("the directory is refused: " + "; ".join(problems))
    if directory.expires <= now:
        raise DirectoryRefused("the directory has expired; fetch the current edition from its authority")
    if directory.issued > now + CLOCK_SKEW:
        raise DirectoryRefused("the directory is dated in the future; check the clocks")
    if store is not None:
        edition = DirectoryEdition(
            directory_id=directory.directory_id, serial=directory.serial, digest=hashlib.sha256(payload).hexdigest()
        )
        _check_history(store, kid, edition, tuple(pinned))
        store.note_directory_serial(kid, edition)
    return directory


def _check_history(store: ReplayStore, kid: str, edition: DirectoryEdition, pinned: Sequence[str]) -> None:
    """Refuse an edition outside the signing key's scope, rolled back, or a different one under a seen serial."""
    own = store.directory_serial(kid)
    if own is not None and own.directory_id != edition.directory_id:
        raise DirectoryRefused(
            f"the authority key {kid} publishes directory {own.directory_id}, not {edition.directory_id}: "
            "an authority key signs one directory only",
        )
    seen = [e for e in map(store.directory_serial, pinned) if e is not None and e.directory_id == edition.directory_id]
    highest = max((e.serial for e in seen), default=None)
    if highest is not None and edition.serial < highest:
        raise DirectoryRefused(
            f"the directory's serial {edition.serial} is older than serial {highest} seen before: "
            "a rolled-back directory could hide a revocation",
        )
    if any(e.serial == edition.serial and e.digest != edition.digest for e in seen):
        raise DirectoryRefused(
            f"the directory's serial {edition.serial} was seen before with different content: an authority "
            "publishes each serial once; a changed edition needs a higher serial",
        )
