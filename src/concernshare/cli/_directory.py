"""``concernshare keygen`` and ``concernshare directory new|add|retire|revoke|show``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import attrs

from concernshare import codec
from concernshare._files import PUBLIC, existing_file, output_folder, write_file
from concernshare.cli._inputs import (
    EXIT_OK,
    days,
    load_directory,
    now,
    parse_time,
    read_bytes,
    read_private,
    slug,
    state_store,
    write_output,
)
from concernshare.crypto import keys
from concernshare.directory import (
    DIRECTORY_ID,
    DIRECTORY_VERSION,
    MESH_MAILBOX,
    MESH_WORKFLOW,
    Directory,
    DirectoryAgency,
    DirectoryKey,
    Jwk,
    MeshAddress,
    Revocation,
    open_directory,
    sign_directory,
)
from concernshare.errors import DirectoryRefused, UsageError
from concernshare.records import AgencyId, AgencyKind, RecipientRole, RevocationReason
from concernshare.records.types import utc_text

__all__ = ["register"]

_KIND_BY_SCHEME = {
    "la": AgencyKind.LOCAL_AUTHORITY,
    "ods": AgencyKind.HEALTH,
    "school": AgencyKind.EDUCATION,
    "police": AgencyKind.POLICE,
}


def register(commands: Any) -> None:
    """Add the keygen and directory commands."""
    keygen = commands.add_parser(
        "keygen",
        help="generate an agency's (or an authority's) keys",
        description="Generate a signing key and an encryption key for an agency (or a signing key for a "
        "directory authority). Writes NAME.private.jwks (mode 0600) and NAME.public.jwks; prints the key ids.",
    )
    who = keygen.add_mutually_exclusive_group(required=True)
    who.add_argument("--agency", metavar="ID", help="the agency id, for example la:E06000032/mash")
    who.add_argument("--authority", action="store_true", help="generate a directory authority's signing key")
    keygen.add_argument("--out", required=True, metavar="DIR", help="the folder to write the key files to")
    keygen.add_argument("--sig-alg", choices=keys.SIGNING_ALGS, default="Ed25519", help="default Ed25519")
    keygen.add_argument("--enc-curve", choices=keys.ENCRYPTION_CURVES, default="X25519", help="default X25519")
    keygen.set_defaults(run=_keygen)

    directory = commands.add_parser(
        "directory",
        help="build, sign and read the trust directory",
        description="Build and sign the trust directory, or verify and show it.",
    )
    actions = directory.add_subparsers(dest="action", metavar="ACTION", parser_class=type(directory))
    actions.required = True
    new = actions.add_parser("new", help="start an empty directory, signed by the authority")
    new.add_argument("--authority-key", required=True, metavar="FILE", help="the authority's private JWK Set")
    new.add_argument("-o", "--output", required=True, metavar="DIRECTORY", help="the file to write")
    new.add_argument("--id", help="the directory's stable name (default: a new unique one, cs-UUID)")
    new.add_argument("--valid-days", type=days, default=90, help="days until the edition expires (default 90)")
    new.set_defaults(run=_new)

    add = actions.add_parser("add", help="add an agency, or new keys of an agency (rotation)")
    add.add_argument("directory", metavar="DIRECTORY")
    add.add_argument("--agency", required=True, metavar="ID")
    add.add_argument("--name", required=True)
    add.add_argument("--roles", required=True, metavar="R1,R2", help="roles: " + ", ".join(RecipientRole))
    add.add_argument("--area", action="append", default=[], metavar="GSS", help="a GSS code the agency serves")
    add.add_argument("--kind", choices=[k.value for k in AgencyKind], help="default: from the id's scheme")
    add.add_argument("--keys", required=True, metavar="PUBLIC_JWKS", help="the agency's public JWK Set")
    _with_edition_arguments(add)
    _with_mesh_arguments(add).set_defaults(run=_add)

    retire = actions.add_parser(
        "retire",
        help="end the validity of old keys after a rotation (sets not_after)",
        description="Give keys an end of validity, not_after, in a new edition: senders stop encrypting to them "
        "and a live message signed with them after that time is refused; messages signed before it still verify. "
        "A key's end is only ever brought forward, never put back. For a key that may be compromised, use revoke.",
    )
    retire.add_argument("directory", metavar="DIRECTORY")
    which = retire.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--kid",
        action="append",
        metavar="KID",
        help="a key to retire, written --kid=KID (a kid may begin with -); may be repeated",
    )
    which.add_argument("--keys", metavar="PUBLIC_JWKS", help="retire every key in this public JWK Set")
    retire.add_argument("--at", metavar="RFC3339", help="the end of validity (default: now)")
    _with_edition_arguments(retire)
    retire.set_defaults(run=_retire)

    revoke = actions.add_parser("revoke", help="revoke a key, with the time it may have been compromised")
    revoke.add_argument("directory", metavar="DIRECTORY")
    revoke.add_argument("--kid", required=True, help="the key to revoke, written --kid=KID (a kid may begin with -)")
    revoke.add_argument("--compromised-at", metavar="RFC3339", help="default: now")
    revoke.add_argument(
        "--reason", choices=[r.value for r in RevocationReason], default=RevocationReason.KEY_COMPROMISE
    )
    _with_edition_arguments(revoke)
    revoke.set_defaults(run=_revoke)

    show = actions.add_parser("show", help="verify the directory and print it as JSON")
    show.add_argument("directory", metavar="DIRECTORY")
    show.add_argument("--authority", required=True, metavar="PUBLIC_JWKS")
    show.set_defaults(run=_show)


def _keygen(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    if args.agency is not None:
        try:
            AgencyId(args.agency)
        except ValueError as error:
            raise UsageError(f"concernshare keygen: --agency {error}") from None
    name = "authority" if args.authority else slug(args.agency)
    made = [keys.generate_signing_key(args.sig_alg)]
    if not args.authority:
        made.append(keys.generate_encryption_key(args.enc_curve))
    folder = output_folder(Path(args.out))
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"concernshare keygen: --out {folder} is a file: name a folder for the key files")
    folder.mkdir(parents=True, exist_ok=True)
    private, public = folder / f"{name}.private.jwks", folder / f"{name}.public.jwks"
    for path in (private, public):
        if existing_file(path):
            raise UsageError(f"concernshare keygen: {path} exists; keys are never overwritten")
    write_file(private, keys.dumps_private_jwk_set(made), new=True)
    write_file(public, keys.dumps_public_jwk_set([k.public for k in made]), mode=PUBLIC, new=True)
    for key in made:
        out.write(f"{key.public.use} {key.public.alg} {key.kid}\n")
    out.write(f"private: {private}\npublic: {public}\n")
    return EXIT_OK


@attrs.frozen
class _Authority:
    signer: keys.FileSigner
    public: keys.PublicJwk


def _authority(path: str) -> _Authority:
    private = read_private(path)
    signer = keys.signer_from(private)
    return _Authority(signer, next(k.public for k in private if k.kid == signer.kid))


def _publish(directory: Directory, authority: _Authority, path: str, valid_days: int, *, new: bool = False) -> None:
    """Sign a new edition and replace the file atomically (``new``: write a file that does not exist).

    Every edition is written in this version's format: an edit may add a member or a code that an older minor
    version lacks (a MESH address, the emergency duty team role), and a newer minor only adds, so an older
    edition's content is valid in it.
    """
    moment = now()
    edition = attrs.evolve(
        directory,
        format_version=DIRECTORY_VERSION,
        issued=moment,
        expires=moment + dt.timedelta(days=valid_days),
    )
    write_file(path, sign_directory(edition, authority.signer), mode=PUBLIC, new=new)


def _publish_next(
    directory: Directory, agencies: tuple[DirectoryAgency, ...], authority: _Authority, args: argparse.Namespace
) -> None:
    """Publish the next edition of ``directory`` (its serial one higher) with ``agencies`` to ``args.directory``."""
    _publish(
        attrs.evolve(directory, serial=directory.serial + 1, agencies=agencies),
        authority,
        args.directory,
        args.valid_days,
    )


def _with_keys(directory: Directory, change: Callable[[DirectoryKey], DirectoryKey]) -> tuple[DirectoryAgency, ...]:
    """The directory's agencies with ``change`` applied to every key (it returns a key it leaves alone as it is)."""
    return tuple(attrs.evolve(a, keys=tuple(change(k) for k in a.keys)) for a in directory.agencies)


def _edit(path: str, authority: _Authority) -> Directory:
    """Open the directory with the authority's own public key before editing it."""
    store = state_store("directories")
    try:
        return open_directory(read_bytes(path, "directory"), [authority.public], now=now(), store=store)
    finally:
        store.close()


def _new(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    if existing_file(Path(args.output)):
        raise UsageError(f"concernshare directory new: {args.output} exists")
    moment = now()
    directory_id = args.id or f"cs-{uuid.uuid4()}"
    if not re.fullmatch(DIRECTORY_ID, directory_id):
        raise UsageError(
            "concernshare directory new: --id takes 1 to 64 of a-z 0-9 . _ -, beginning with a letter or digit"
        )
    directory = Directory(
        format_version=DIRECTORY_VERSION,
        directory_id=directory_id,
        serial=1,
        issued=moment,
        expires=moment,
        agencies=(),
    )
    _publish(directory, _authority(args.authority_key), args.output, args.valid_days, new=True)
    out.write(f"{args.output}: directory {directory_id}, serial 1, no agencies\n")
    return EXIT_OK


def _roles(text: str) -> tuple[RecipientRole, ...]:
    try:
        return tuple(RecipientRole(r.strip()) for r in text.split(",") if r.strip())
    except ValueError:
        raise UsageError("concernshare directory add: --roles takes: " + ", ".join(RecipientRole)) from None


def _with_edition_arguments(command: argparse.ArgumentParser) -> None:
    """Add the options of a command that signs a new edition: the authority's key and the days it is valid."""
    command.add_argument("--authority-key", required=True, metavar="FILE", help="the authority's private JWK Set")
    command.add_argument("--valid-days", type=days, default=90, help="days until the edition expires (default 90)")


def _with_mesh_arguments(add: argparse.ArgumentParser) -> argparse.ArgumentParser:
    add.add_argument("--mesh-mailbox", metavar="MAILBOX", help="the agency's MESH mailbox id (with --mesh-workflow)")
    add.add_argument("--mesh-workflow", metavar="WORKFLOW", help="the MESH workflow id of messages to the agency")
    return add


def _mesh_address(mailbox: str | None, workflow: str | None) -> MeshAddress | None:
    if mailbox is None and workflow is None:
        return None
    if not (mailbox and re.fullmatch(MESH_MAILBOX, mailbox) and workflow and re.fullmatch(MESH_WORKFLOW, workflow)):
        raise UsageError(
            "concernshare directory add: --mesh-mailbox takes a MESH mailbox id (1 to 20 upper-case "
            "letters and digits) and needs --mesh-workflow (letters, digits, _ and -)"
        )
    return MeshAddress(mailbox=mailbox, workflow=workflow)


def _add(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    authority = _authority(args.authority_key)
    directory = _edit(args.directory, authority)
    try:
        agency_id = AgencyId(args.agency)
    except ValueError as error:
        raise UsageError(f"concernshare directory add: --agency {error}") from None
    public = keys.loads_public_jwk_set(read_bytes(args.keys, "public key file"))
    mesh = _mesh_address(args.mesh_mailbox, args.mesh_workflow)
    moment = now()
    new_keys = tuple(DirectoryKey(jwk=Jwk(**k.to_dict()), not_before=moment) for k in public)
    existing = directory.agency(agency_id)
    if existing is None:
        agency = DirectoryAgency(
            id=agency_id,
            name=args.name,
            kind=args.kind or _KIND_BY_SCHEME[agency_id.scheme],
            roles=_roles(args.roles),
            areas=tuple(args.area),
            keys=new_keys,
            mesh=mesh,
        )
        agencies = (*directory.agencies, agency)
    else:
        known = {k.jwk.kid for k in existing.keys}
        agency = attrs.evolve(
            existing,
            name=args.name,
            roles=_roles(args.roles),
            areas=tuple(args.area) or existing.areas,
            keys=existing.keys + tuple(k for k in new_keys if k.jwk.kid not in known),
            mesh=mesh or existing.mesh,
        )
        agencies = tuple(agency if a.id == agency_id else a for a in directory.agencies)
    _publish_next(directory, agencies, authority, args)
    out.write(f"{args.directory}: serial {directory.serial + 1}, {agency_id} with {len(agency.keys)} keys\n")
    return EXIT_OK


def _time(text: str | None, option: str, default: dt.datetime) -> dt.datetime:
    """An RFC 3339 time given as ``option``, with its offset; ``default`` when not given."""
    return default if text is None else parse_time(text, option)


def _retire(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    authority = _authority(args.authority_key)
    directory = _edit(args.directory, authority)
    end = _time(args.at, "concernshare directory retire: --at", now())
    kids = set(args.kid or ()) or {k.kid for k in keys.loads_public_jwk_set(read_bytes(args.keys, "public key file"))}
    listed = {k.jwk.kid: k for a in directory.agencies for k in a.keys}
    missing = sorted(kids - listed.keys())
    if missing:
        raise DirectoryRefused(f"no key with kid {', '.join(missing)} is in the directory; nothing was changed")
    early = sorted(kid for kid in kids if end < listed[kid].not_before)
    if early:
        raise UsageError(
            f"concernshare directory retire: --at is before key {', '.join(early)} became valid; give a later time"
        )
    agencies = _with_keys(
        directory,
        lambda k: (
            attrs.evolve(k, not_after=end) if k.jwk.kid in kids and (k.not_after is None or end < k.not_after) else k
        ),
    )
    _publish_next(directory, agencies, authority, args)
    out.write(f"{args.directory}: serial {directory.serial + 1}\n")
    for agency in agencies:
        for key in (k for k in agency.keys if k.jwk.kid in kids):
            out.write(f"{agency.id} {key.jwk.use} key {key.jwk.kid} valid until {utc_text(key.not_after or end)}\n")
    return EXIT_OK


def _revoke(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    authority = _authority(args.authority_key)
    directory = _edit(args.directory, authority)
    moment = now()
    compromised = _time(args.compromised_at, "concernshare directory revoke: --compromised-at", moment)
    if directory.key(args.kid) is None:
        raise DirectoryRefused("no key with that kid is in the directory")
    revocation = Revocation(revoked_at=moment, compromised_at=compromised, reason=RevocationReason(args.reason))
    agencies = _with_keys(
        directory,
        lambda k: attrs.evolve(k, revocation=revocation) if k.jwk.kid == args.kid and k.revocation is None else k,
    )
    _publish_next(directory, agencies, authority, args)
    out.write(f"{args.directory}: serial {directory.serial + 1}, key {args.kid} revoked\n")
    return EXIT_OK


def _show(args: argparse.Namespace, out: IO[str], _err: IO[str], _stdin: IO[bytes]) -> int:
    directory = load_directory(args)
    write_output(json.dumps(codec.unstructure(directory), indent=2, ensure_ascii=False).encode(), None, out)
    return EXIT_OK
