"""Delivery over NHS England's MESH, on the ``mesh-client`` library.

Each agency's MESH mailbox and workflow id come from the signed directory
(:class:`~concernshare.directory.MeshAddress`); the credentials of one's own
mailbox (password, shared key, client certificate) come from
:class:`MeshSettings`, read from a file or the environment, never from the
directory.

:func:`send` seals as :func:`concernshare.exchange.send` does and uploads each
recipient's sealed view to its mailbox, with a MESH local id derived from the
message id and the recipient; a delivery is recorded in the tracker only after
its upload. Sending again after a crash uploads nothing twice: a delivery
already recorded is skipped, and an upload that happened before the crash is
found by its local id in the sender's MESH outbox.

:func:`poll` reads the inbox. Each message is opened by
:func:`concernshare.exchange.receive` (every trust check, recorded in the
tracker) and acknowledged in MESH only after that returned, so a crash before
leaves it in the inbox to be read again; a replay of a message already
recorded is acknowledged, and so is a message refused before it could be
opened (a cryptographic failure, an unknown sender), so that it cannot block
the inbox. A sealed rejection owed to a sender goes back over MESH. A MESH
non-delivery report marks the delivery failed in the tracker.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import os
import tomllib
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Final

import attrs
from mesh_client import MeshClient, MeshError

from concernshare import deadlines, exchange
from concernshare.crypto import MAX_INPUT_BYTES
from concernshare.crypto.keys import Decrypter, Signer
from concernshare.directory import Directory, MeshAddress
from concernshare.errors import Replayed, SealError, TransportError, UsageError
from concernshare.records import AgencyId, Message
from concernshare.routing.rules import RuleSet
from concernshare.sealing import OpenPolicy
from concernshare.stores.interface import ReplayStore
from concernshare.tracker import Tracker

__all__ = [
    "SEALED_MEDIA_TYPE",
    "MeshSent",
    "MeshSettings",
    "Outcome",
    "Polled",
    "TransportError",
    "connect",
    "load_settings",
    "local_id",
    "poll",
    "send",
    "with_mailboxes",
]

#: The MESH content type of a sealed message (a JWE in the general JSON serialization).
SEALED_MEDIA_TYPE: Final = "application/jose+json"
_ENV: Final = "CONCERNSHARE_MESH_"
_SETTINGS: Final = ("url", "mailbox", "password", "shared_key", "client_cert", "client_key", "ca_bundle", "chunk_size")
#: mesh-client's default: MESH's largest chunk is 100 MB.
_CHUNK: Final = 75 * 1024 * 1024
_REPORT: Final = "REPORT"
_UNAUTHORISED: Final = 401
_FORBIDDEN: Final = 403
_MULTIPLE: Final = 300


@attrs.frozen(kw_only=True)
class MeshSettings:
    """How to reach one's own MESH mailbox; secrets never appear in a repr."""

    url: str
    mailbox: str
    password: str = attrs.field(repr=False)
    shared_key: bytes | None = attrs.field(default=None, repr=False)
    client_cert: str | None = None
    client_key: str | None = None
    ca_bundle: str | None = None
    chunk_size: int = _CHUNK


def load_settings(path: Path | None = None, environ: Mapping[str, str] | None = None) -> MeshSettings:
    """Settings from the ``[mesh]`` table of a TOML file, each overridden by ``CONCERNSHARE_MESH_<NAME>``.

    Names: ``url``, ``mailbox``, ``password``, ``shared_key``, ``client_cert``,
    ``client_key``, ``ca_bundle``, ``chunk_size``. Raises
    :class:`~concernshare.errors.UsageError` for an unreadable file, an
    unknown name, or a missing ``url``, ``mailbox`` or ``password``.
    """
    values: dict[str, object] = {}
    if path is not None:
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8")).get("mesh", {})
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise UsageError(
                f"{path}: cannot read the MESH settings ({type(error).__name__}); write a TOML file with a [mesh] table"
            ) from None
        unknown = sorted(set(table) - set(_SETTINGS)) if isinstance(table, dict) else ["mesh"]
        if unknown:
            raise UsageError(f"{path}: unknown MESH setting {unknown[0]!r}; known: {', '.join(_SETTINGS)}")
        values.update(table)
    env = os.environ if environ is None else environ
    values.update({name: env[_ENV + name.upper()] for name in _SETTINGS if _ENV + name.upper() in env})
    missing = [name for name in ("url", "mailbox", "password") if not values.get(name)]
    if missing:
        raise UsageError(
            f"the MESH setting {missing[0]!r} is missing: set {_ENV}{missing[0].upper()} "
            "or put it in the [mesh] table of the settings file"
        )
    try:
        chunk_size = int(str(values.get("chunk_size", _CHUNK)))
    except ValueError:
        raise UsageError("the MESH setting 'chunk_size' must be a whole number of bytes") from None
    key = values.get("shared_key")
    return MeshSettings(
        url=str(values["url"]),
        mailbox=str(values["mailbox"]).upper(),
        password=str(values["password"]),
        shared_key=str(key).encode() if key else None,
        chunk_size=chunk_size,
        client_cert=_optional(values, "client_cert"),
        client_key=_optional(values, "client_key"),
        ca_bundle=_optional(values, "ca_bundle"),
    )


def _optional(values: Mapping[str, object], name: str) -> str | None:
    value = values.get(name)
    return None if value in (None, "") else str(value)


def connect(settings: MeshSettings) -> MeshClient:
    """A MESH client for one's own mailbox (close it, or use it in a ``with`` block)."""
    cert = (settings.client_cert, settings.client_key) if settings.client_cert and settings.client_key else None
    return MeshClient(
        settings.url,
        settings.mailbox,
        settings.password,
        shared_key=settings.shared_key,
        cert=cert,
        verify=settings.ca_bundle,
        max_chunk_size=settings.chunk_size,
        application_name="concernshare",
    )


def local_id(message_id: uuid.UUID | str, recipient: str) -> str:
    """The MESH local id of one recipient's view: the message id and a digest of the recipient's agency id."""
    digest = hashlib.sha256(recipient.encode()).hexdigest()[:16]
    return f"{message_id}.{digest}"


def _address(directory: Directory, agency: str) -> MeshAddress:
    entry = directory.agency(agency)
    if entry is None or entry.mesh is None:
        raise UsageError(
            f"{agency} has no MESH mailbox in the directory; add its 'mesh' member "
            "(mailbox and workflow) and sign the directory again"
        )
    return entry.mesh


def _uploaded_before(client: MeshClient, local: str) -> bool:
    """Whether the outbox already holds a message with this local id (MESH's tracking by local id).

    Where a MESH server no longer offers this look-up, the answer is "no": a
    second copy is then possible, and the receiver's replay store refuses it,
    which is better than a message never sent.
    """
    # mesh-client has no call for this lookup; its session carries the mailbox's authentication.
    answer = client._session.get(f"{client.mailbox_url}/outbox/tracking/{local}", timeout=60)
    if answer.status_code in (200, _MULTIPLE):
        return True
    if answer.status_code in (_UNAUTHORISED, _FORBIDDEN):
        raise TransportError(f"MESH refused the mailbox's credentials ({answer.status_code}); nothing was uploaded")
    return False


def _upload(client: MeshClient, address: MeshAddress, sealed: bytes, local: str) -> str | None:
    """Upload one sealed view unless it was uploaded before; return the MESH message id of a new upload."""
    try:
        if _uploaded_before(client, local):
            return None
        mesh_id: str = client.send_message(
            address.mailbox, sealed, workflow_id=address.workflow, local_id=local, content_type=SEALED_MEDIA_TYPE
        )
    except (MeshError, OSError) as error:
        raise TransportError(
            f"MESH refused or did not take the upload ({type(error).__name__}); "
            "nothing was recorded for this recipient, send again"
        ) from None
    return mesh_id


#: Told each point that :func:`send` or :func:`poll` reaches, and the recipient or MESH message id concerned.
Observer = Callable[[str, str], None]


@attrs.frozen(kw_only=True)
class MeshSent:
    """What :func:`send` did: the exchange result, and the MESH message id of each new upload by recipient."""

    sent: exchange.Sent
    uploads: Mapping[AgencyId, str]
    skipped: tuple[AgencyId, ...]


def send(
    message: Message,
    signer: Signer,
    *,
    client: MeshClient,
    rules: RuleSet,
    directory: Directory,
    tracker: Tracker,
    at: dt.datetime,
    calendar: deadlines.WorkingCalendar | None = None,
    schools: Mapping[str, deadlines.SchoolCalendar] | None = None,
    passes_on: uuid.UUID | None = None,
    holders: Sequence[str] | None = None,
    observe: Observer | None = None,
) -> MeshSent:
    """Route, seal and upload each recipient's view over MESH, recording each delivery after its upload.

    ``calendar``, ``schools``, ``passes_on`` and ``holders`` are :func:`concernshare.exchange.send`'s.
    ``observe(point, recipient)`` hears ``"uploaded"`` and ``"recorded"``. Raises
    :class:`~concernshare.errors.UsageError` before any upload if a recipient
    has no MESH address in the directory, :class:`TransportError` if MESH
    refuses an upload (the deliveries uploaded before it are recorded), and
    what :func:`concernshare.exchange.send` raises.
    """
    sent = exchange.seal_views(
        message, signer, rules=rules, directory=directory, at=at, calendar=calendar, schools=schools, holders=holders
    )
    recorded = {delivery.recipient for delivery, _ in tracker.store.deliveries(str(message.id))}
    addresses = {recipient: _address(directory, recipient) for view in sent.views for recipient in view.recipients}
    uploads: dict[AgencyId, str] = {}
    skipped: list[AgencyId] = []
    for view in sent.views:
        for recipient in view.recipients:
            if recipient in recorded:
                skipped.append(recipient)
                continue
            mesh_id = _upload(client, addresses[recipient], view.sealed, local_id(message.id, recipient))
            if mesh_id is None:
                skipped.append(recipient)
            else:
                uploads[recipient] = mesh_id
            if observe:
                observe("uploaded", recipient)
            exchange.record_sent(tracker, message, sent, passes_on=passes_on, recipients=(recipient,))
            if observe:
                observe("recorded", recipient)
    return MeshSent(sent=sent, uploads=uploads, skipped=tuple(skipped))


class Outcome(enum.StrEnum):
    """What :func:`poll` did with one MESH message; every one of them is acknowledged in MESH."""

    ACCEPTED = "accepted"
    """Opened, every check passed, recorded."""
    REJECTED = "rejected"
    """Opened from a verified sender, content refused, recorded; a sealed rejection went back over MESH."""
    REPLAYED = "replayed"
    """Already recorded (read before a crash, or uploaded twice): nothing new."""
    REFUSED = "refused"
    """Not opened (a cryptographic failure, an unknown sender, stale...): no reply, nothing recorded."""
    NON_DELIVERY = "non_delivery"
    """A MESH report that a message of ours was not delivered: the delivery is marked failed."""
    UNKNOWN_REPORT = "unknown_report"
    """A MESH report about no delivery this tracker knows."""


@attrs.frozen(kw_only=True)
class Polled:
    """One MESH message handled by :func:`poll`; ``message`` is the accepted message, kept out of the repr."""

    mesh_id: str
    outcome: Outcome
    message_id: str | None = None
    sender: AgencyId | None = None
    detail: str | None = None
    message: Message | None = attrs.field(default=None, repr=False)


def _failed_delivery(tracker: Tracker, local: str | None) -> tuple[str, AgencyId] | None:
    message_id, _, digest = (local or "").partition(".")
    try:
        deliveries = tracker.store.deliveries(str(uuid.UUID(message_id)))
    except ValueError:
        return None
    for delivery, _answer in deliveries:
        if local_id(delivery.message_id, delivery.recipient).endswith("." + digest):
            return delivery.message_id, delivery.recipient
    return None


def _report(tracker: Tracker, mesh_id: str, headers: Mapping[str, str], at: dt.datetime) -> Polled:
    # MESH's status code, reduced to a short token: it goes into the tracker and onto screens.
    code = "".join(c for c in headers.get("statuscode", "") if c.isascii() and c.isalnum())[:20] or "unknown"
    found = _failed_delivery(tracker, headers.get("localid"))
    if found is None:
        return Polled(mesh_id=mesh_id, outcome=Outcome.UNKNOWN_REPORT, detail=f"mesh:{code}")
    message_id, recipient = found
    tracker.record_non_delivery(
        report_id=uuid.uuid5(uuid.NAMESPACE_URL, f"mesh:{mesh_id}"),
        message_id=message_id,
        recipient=recipient,
        at=at,
        reasons=[f"mesh:{code}"],
    )
    return Polled(
        mesh_id=mesh_id, outcome=Outcome.NON_DELIVERY, message_id=message_id, sender=recipient, detail=f"mesh:{code}"
    )


def poll(
    client: MeshClient,
    decrypters: Decrypter | Sequence[Decrypter],
    signer: Signer,
    *,
    me: AgencyId,
    directory: Directory,
    store: ReplayStore,
    tracker: Tracker,
    clock: Callable[[], dt.datetime],
    policy: OpenPolicy = OpenPolicy(),  # noqa: B008  (immutable)
    limit: int | None = None,
    observe: Observer | None = None,
) -> tuple[Polled, ...]:
    """Read, open, record and acknowledge every message in the inbox (at most ``limit``); report each.

    ``clock`` gives the time of each receipt. ``observe(point, mesh_id)``
    hears ``"read"``, ``"recorded"`` and ``"acknowledged"``. Raises
    :class:`TransportError` if MESH fails (the message being read stays in
    the inbox), and the tracker's or the store's errors (likewise).
    """
    done: list[Polled] = []
    try:
        mesh_ids = list(client.iterate_message_ids())
    except (MeshError, OSError) as error:
        raise TransportError(f"cannot list the MESH inbox ({type(error).__name__})") from None
    for mesh_id in mesh_ids[:limit]:
        try:
            # Not a with block: mesh-client's message acknowledges itself on leaving one, before anything is recorded.
            incoming = client.retrieve_message(mesh_id)
            try:
                kind, headers = incoming.message_type, dict(incoming.mex_headers())  # type: ignore[no-untyped-call]
                # Never more than a sealed message may be: a bigger one is refused unread past the limit.
                body = incoming.read(MAX_INPUT_BYTES + 1)
            finally:
                incoming.close()  # type: ignore[no-untyped-call]
        except (MeshError, OSError) as error:
            raise TransportError(f"cannot read MESH message {mesh_id} ({type(error).__name__})") from None
        if observe:
            observe("read", mesh_id)
        if kind == _REPORT:
            polled = _report(tracker, mesh_id, headers, clock())
        elif len(body) > MAX_INPUT_BYTES:
            polled = Polled(mesh_id=mesh_id, outcome=Outcome.REFUSED, detail="TooLarge")
        else:
            polled = _open(
                client,
                body,
                decrypters,
                signer,
                mesh_id=mesh_id,
                me=me,
                directory=directory,
                store=store,
                tracker=tracker,
                at=clock(),
                policy=policy,
            )
        if observe:
            observe("recorded", mesh_id)
        try:
            client.acknowledge_message(mesh_id)
        except (MeshError, OSError) as error:
            raise TransportError(
                f"cannot acknowledge MESH message {mesh_id} ({type(error).__name__}); "
                "it will be read again and found replayed"
            ) from None
        if observe:
            observe("acknowledged", mesh_id)
        done.append(polled)
    return tuple(done)


def _open(
    client: MeshClient,
    body: bytes,
    decrypters: Decrypter | Sequence[Decrypter],
    signer: Signer,
    *,
    mesh_id: str,
    me: AgencyId,
    directory: Directory,
    store: ReplayStore,
    tracker: Tracker,
    at: dt.datetime,
    policy: OpenPolicy,
) -> Polled:
    try:
        received = exchange.receive(
            body, decrypters, signer, me=me, directory=directory, store=store, tracker=tracker, at=at, policy=policy
        )
    except Replayed:
        return Polled(mesh_id=mesh_id, outcome=Outcome.REPLAYED)
    except SealError as refused:
        return Polled(mesh_id=mesh_id, outcome=Outcome.REFUSED, detail=type(refused).__name__)
    if received.rejection is None:
        message_id = str(received.message.id) if received.message else None
        return Polled(
            mesh_id=mesh_id,
            outcome=Outcome.ACCEPTED,
            message_id=message_id,
            sender=received.sender,
            message=received.message,
        )
    # Keyed by the incoming MESH id: read again after a crash, the same rejection is found in the outbox.
    _upload(client, _address(directory, received.sender), received.rejection, local_id(mesh_id, received.sender))
    return Polled(
        mesh_id=mesh_id,
        outcome=Outcome.REJECTED,
        sender=received.sender,
        detail=",".join(p.code for p in received.problems),
    )


def with_mailboxes(directory: Directory, addresses: Mapping[str, MeshAddress]) -> Directory:
    """The directory with each named agency's MESH address set (to be signed again by its authority).

    Raises :class:`~concernshare.errors.UsageError` if an agency named is not in the directory.
    """
    unknown = sorted(set(addresses) - {agency.id for agency in directory.agencies})
    if unknown:
        raise UsageError(f"{unknown[0]} is not in the directory; add the agency before its MESH address")
    agencies = tuple(attrs.evolve(a, mesh=addresses[a.id]) if a.id in addresses else a for a in directory.agencies)
    return attrs.evolve(directory, agencies=agencies)
