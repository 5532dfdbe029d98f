"""Write the example trust directory: test-only keys for the story's agencies, signed by an example authority.

Run from the repository root: ``.venv/bin/python examples/generate/directory.py``. Keys that
already exist are kept (delete ``examples/directory/keys`` to make new ones); the directory is
signed afresh each run. THE PRIVATE KEYS ARE PUBLISHED: they are for tests and the examples only.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from concernshare.crypto import keys
from concernshare.directory import DIRECTORY_VERSION, Directory, DirectoryAgency, DirectoryKey, Jwk, sign_directory
from concernshare.records import AgencyId, AgencyKind, RecipientRole

HERE = Path(__file__).resolve().parent.parent / "directory"
KEYS = HERE / "keys"
ISSUED = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
EXPIRES = dt.datetime(2036, 1, 1, tzinfo=dt.UTC)
NOT_BEFORE = dt.datetime(2012, 1, 1, tzinfo=dt.UTC)
LUTON = "E06000032"

AGENCIES = [
    ("ods:Y99HV/health-visiting", "Example 0-19 health visiting service", AgencyKind.HEALTH,
     [RecipientRole.HEALTH_VISITING]),
    ("la:E06000032/mash", "Luton Multi-Agency Safeguarding Hub (example)", AgencyKind.LOCAL_AUTHORITY,
     [RecipientRole.MASH]),
    ("la:E06000032/childrens-social-care", "Luton children's social care (example)", AgencyKind.LOCAL_AUTHORITY,
     [RecipientRole.CHILDRENS_SOCIAL_CARE]),
    ("la:E06000032/early-help", "Luton early help (example)", AgencyKind.LOCAL_AUTHORITY,
     [RecipientRole.EARLY_HELP]),
    ("la:E06000032/emergency-duty-team", "Luton emergency duty team, out of hours (example)",
     AgencyKind.LOCAL_AUTHORITY, [RecipientRole.EMERGENCY_DUTY_TEAM]),
    ("ods:Y99GP", "Example Road Surgery", AgencyKind.HEALTH, [RecipientRole.GP]),
    ("ods:Y99AC/emergency-department", "Example Acute Trust emergency department", AgencyKind.HEALTH,
     [RecipientRole.HOSPITAL]),
    ("ods:Y99AC/midwifery", "Example Acute Trust midwifery", AgencyKind.HEALTH, [RecipientRole.MIDWIFERY]),
    ("school:999101", "Example Primary School", AgencyKind.EDUCATION, [RecipientRole.SCHOOL]),
    ("police:99", "Example Constabulary public protection unit", AgencyKind.POLICE, [RecipientRole.POLICE]),
]


def slug(agency: str) -> str:
    return agency.replace(":", "_").replace("/", "_")


def agency_keys(name: str, *, authority: bool = False) -> tuple[keys.PrivateJwk, ...]:
    private = KEYS / f"{name}.private.jwks"
    if private.exists():
        return keys.read_private_jwk_set(private)
    made = [keys.generate_signing_key()] + ([] if authority else [keys.generate_encryption_key()])
    keys.write_private_jwk_set(private, made)
    (KEYS / f"{name}.public.jwks").write_bytes(keys.dumps_public_jwk_set([k.public for k in made]))
    return tuple(made)


def main() -> None:
    KEYS.mkdir(parents=True, exist_ok=True)
    authority = agency_keys("authority", authority=True)
    agencies = []
    for agency, name, kind, roles in AGENCIES:
        private = agency_keys(slug(agency))
        agencies.append(DirectoryAgency(
            id=AgencyId(agency), name=name, kind=kind, roles=tuple(roles), areas=(LUTON,),
            keys=tuple(DirectoryKey(jwk=Jwk(**k.public.to_dict()), not_before=NOT_BEFORE) for k in private),
        ))
    # Serial 2: the edition at directory format 1.1 (serial 1 was the 1.0 one; a changed edition needs a higher serial).
    directory = Directory(format_version=DIRECTORY_VERSION, directory_id="example-luton", serial=2,
                          issued=ISSUED, expires=EXPIRES, agencies=tuple(agencies))
    (HERE / "directory.jws").write_bytes(sign_directory(directory, keys.signer_from(authority)) + b"\n")
    print(f"{HERE / 'directory.jws'}: {len(agencies)} agencies")


if __name__ == "__main__":
    main()
