"""A throwaway world of agencies for tests and demos: keys, a directory, its authority.

Every key is generated afresh and lives only in memory (or in the folder a
test gives). Nothing here is fit for real use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import attrs

from concernshare.crypto import keys
from concernshare.directory import (
    DIRECTORY_VERSION,
    Directory,
    DirectoryAgency,
    DirectoryKey,
    Jwk,
    sign_directory,
)
from concernshare.records import AgencyId, AgencyKind, RecipientRole

__all__ = ["AgencyKeys", "World", "make_world"]

_KINDS = {
    "la": AgencyKind.LOCAL_AUTHORITY,
    "ods": AgencyKind.HEALTH,
    "school": AgencyKind.EDUCATION,
    "police": AgencyKind.POLICE,
}


@attrs.frozen(kw_only=True)
class AgencyKeys:
    """One agency's private keys."""

    id: AgencyId
    signing: keys.PrivateJwk
    encryption: keys.PrivateJwk

    @property
    def signer(self) -> keys.FileSigner:
        """The agency's signer."""
        return keys.signer_from([self.signing])

    @property
    def decrypters(self) -> tuple[keys.FileDecrypter, ...]:
        """The agency's decrypters."""
        return keys.decrypters_from([self.encryption])

    def directory_keys(self, not_before: dt.datetime) -> tuple[DirectoryKey, ...]:
        """The agency's public keys as directory entries."""
        return tuple(
            DirectoryKey(jwk=Jwk(**k.public.to_dict()), not_before=not_before) for k in (self.signing, self.encryption)
        )


@attrs.frozen(kw_only=True)
class World:
    """Agencies with keys, the directory naming them, and the authority that signed it."""

    now: dt.datetime
    authority: keys.PrivateJwk
    agencies: Mapping[str, AgencyKeys]
    directory: Directory
    signed_directory: bytes

    def __getitem__(self, agency: str) -> AgencyKeys:
        return self.agencies[agency]

    def resign(self, directory: Directory) -> bytes:
        """Sign another edition of the directory with this world's authority."""
        return sign_directory(directory, keys.signer_from([self.authority]))


def make_world(
    agencies: Mapping[str, Sequence[RecipientRole | str]],
    *,
    now: dt.datetime,
    sig_alg: str = "Ed25519",
    enc_curve: str = "X25519",
    directory_id: str = "test-directory",
) -> World:
    """Generate keys for each agency (id -> roles) and a directory signed by a fresh authority."""
    authority = keys.generate_signing_key()
    made = {
        agency: AgencyKeys(
            id=AgencyId(agency),
            signing=keys.generate_signing_key(sig_alg),
            encryption=keys.generate_encryption_key(enc_curve),
        )
        for agency in agencies
    }
    not_before = now - dt.timedelta(days=365)
    directory = Directory(
        format_version=DIRECTORY_VERSION,
        directory_id=directory_id,
        serial=1,
        issued=now,
        expires=now + dt.timedelta(days=90),
        agencies=tuple(
            DirectoryAgency(
                id=AgencyId(agency),
                name=f"Test agency {agency}",
                kind=_KINDS[AgencyId(agency).scheme],
                roles=tuple(RecipientRole(r) for r in roles),
                areas=("E06000032",),
                keys=made[agency].directory_keys(not_before),
            )
            for agency, roles in agencies.items()
        ),
    )
    return World(
        now=now,
        authority=authority,
        agencies=made,
        directory=directory,
        signed_directory=sign_directory(directory, keys.signer_from([authority])),
    )
