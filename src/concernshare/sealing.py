"""Seal and open: sign a message's exact bytes, then encrypt them to every recipient agency.

:func:`seal` sets ``sent``, signs the message's canonical JSON bytes (JWS),
and encrypts the JWS to every currently valid encryption key of every agency
in ``recipients`` (JWE). :func:`open_sealed` decrypts with the opener's key,
verifies the signature over the same bytes, reads from them only ``id``,
``sent``, ``sender``, ``recipients`` and ``status`` (strict JSON; a message
without them is refused unanswered, as
:class:`~concernshare.errors.MalformedMessage`), and then checks, in this
order: that the signing key belongs to the agency named as sender, was valid
when the message was sent (and, live, is not retired by the time it arrives,
allowing the clock skew) and is not revoked; that the opener is among the
recipients inside the signed message; that ``sent`` is fresh; that the status
is accepted; and that the message was not seen before. Only then is it
recorded as seen, and only then is its content validated: content refused
from a verified sender is answerable, and a replay of it is refused like any
other. :func:`sign_message` and :func:`verify_message` do the same for
signed-only documents (without the recipient, freshness and replay checks).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from typing import Any, Final

import attrs

from concernshare import codec, crypto, strictjson, validation
from concernshare.catalogue import problem
from concernshare.crypto.keys import Decrypter, PublicJwk, Signer
from concernshare.directory import Directory, DirectoryAgency, DirectoryKey
from concernshare.errors import (
    ContentRefused,
    Expired,
    InvalidDocument,
    MalformedMessage,
    NotForUs,
    RefusedStatus,
    Replayed,
    Revoked,
    SealError,
    UntrustedSender,
)
from concernshare.records import Message, MessageType, Status
from concernshare.records.types import CLOCK_SKEW, DATE_TIME, UUID, AgencyId, require_aware
from concernshare.replay import Receipt, ReplayStore

__all__ = ["OpenPolicy", "Opened", "open_sealed", "seal", "sign_message", "verify_message"]

_UUID: Final = re.compile(UUID)
_DATE_TIME: Final = re.compile(DATE_TIME)
_TYPES: Final = frozenset(MessageType)
_STATUSES: Final = frozenset(Status)
_NIL: Final = "00000000-0000-0000-0000-000000000000"


def _readable(payload: bytes) -> tuple[str | None, str | None, str | None]:
    """The id, type and status of a refused message, where they can be read, so that the rejection can name it."""
    try:
        document = json.loads(payload)
    except (ValueError, RecursionError):
        return None, None, None
    if not isinstance(document, dict):
        return None, None, None
    found = document.get("id")
    kind, status = document.get("type"), document.get("status")
    return (
        found if isinstance(found, str) and _UUID.fullmatch(found) else None,
        kind if isinstance(kind, str) and kind in _TYPES else None,
        status if isinstance(status, str) and status in _STATUSES else None,
    )


@attrs.frozen(kw_only=True)
class OpenPolicy:
    """How a receiver opens: the freshness window, the clock skew allowed, the statuses accepted."""

    window: dt.timedelta = dt.timedelta(days=7)
    skew: dt.timedelta = CLOCK_SKEW
    accept_status: frozenset[Status] = frozenset({Status.ACTUAL})


@attrs.frozen(kw_only=True)
class Opened:
    """A message opened and verified, with the exact bytes that were signed."""

    message: Message
    payload: bytes = attrs.field(repr=False)
    sender: AgencyId
    kid: str


def _signing_key(directory: Directory, agency: str, kid: str, moment: dt.datetime) -> DirectoryKey:
    found = directory.key(kid)
    if found is None or found[0].id != agency or found[1].jwk.use != "sig" or not found[1].usable_at(moment):
        raise UntrustedSender(
            "the signing key is not a current signing key of the sending agency in the directory",
        )
    return found[1]


def sign_message(message: Message, signer: Signer, *, directory: Directory, now: dt.datetime) -> bytes:
    """Set ``sent``, validate, and sign a message; return the JWS (general JSON serialization).

    Raises :class:`~concernshare.errors.UntrustedSender` if ``signer`` is not a
    current key of the message's sender in the directory, and
    :class:`~concernshare.errors.InvalidDocument` if the message is invalid,
    :class:`~concernshare.errors.NaiveTime` if ``now`` is naive.
    """
    require_aware(now, "now")
    _signing_key(directory, message.sender.agency, signer.kid, now)
    written = codec.write(attrs.evolve(message, sent=now))
    validation.validate(written, now=now)
    return crypto.sign(written.payload, signer, typ=crypto.MESSAGE_TYP, cty=crypto.MESSAGE_CTY)


def seal(message: Message, signer: Signer, *, directory: Directory, now: dt.datetime) -> bytes:
    """Sign a message, then encrypt it to every current encryption key of each of its recipients.

    Raises what :func:`sign_message` raises, and
    :class:`~concernshare.errors.SealError` if a recipient has no current
    encryption key in the directory.
    """
    require_aware(now, "now")
    keys: list[PublicJwk] = []
    for recipient in message.recipients:
        found = directory.encryption_keys(recipient, now)
        if not found:
            raise SealError(f"the recipient {recipient} has no current encryption key in the directory")
        keys.extend(found)
    signed = sign_message(message, signer, directory=directory, now=now)
    return crypto.encrypt(signed, keys, typ=crypto.SEALED_TYP, cty=crypto.SEALED_CTY)


@attrs.frozen(kw_only=True)
class _Envelope:
    """What the trust checks read from the signed bytes before the content is validated.

    ``document`` is the whole payload as strict parsing read it, kept for the
    validation of the content, so that the signed bytes are parsed once.
    """

    id: str
    sent: dt.datetime
    sender: str
    recipients: tuple[str, ...]
    status: str
    document: dict[str, Any] = attrs.field(repr=False, eq=False)


def _malformed(pointer: str, code: str, what: str) -> MalformedMessage:
    return MalformedMessage(
        f"the signed message's {what}, which the trust checks need, cannot be read; it is refused unanswered",
        (problem(pointer, code, "sealed", what=what),),
    )


def _time(value: object) -> dt.datetime | None:
    """An RFC 3339 date-time with an offset, as the format writes it; None if it is not one."""
    if not isinstance(value, str) or len(value) > 32 or not _DATE_TIME.fullmatch(value):
        return None
    try:
        return dt.datetime.fromisoformat(value).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None


def _envelope(payload: bytes) -> _Envelope:
    """Read ``id``, ``sent``, ``sender.agency``, ``recipients`` and ``status`` strictly, nothing else.

    Raises :class:`~concernshare.errors.MalformedMessage` where the bytes are
    not a JSON object or one of these members is missing or malformed.
    """
    try:
        document = strictjson.parse(payload)
    except InvalidDocument as error:
        raise MalformedMessage(
            "the signed message is not well-formed JSON; it is refused unanswered", error.problems
        ) from None
    if not isinstance(document, dict):
        raise _malformed("", "CS012", "message (a JSON object)")
    found = document.get("id")
    if not isinstance(found, str) or not _UUID.fullmatch(found) or found == _NIL:
        raise _malformed("/id", "CS012", "id")
    sent = document.get("sent")
    moment = _time(sent)
    if moment is None:
        raise _malformed("/sent", "CS010" if sent is None else "CS018", "sent time")
    sender = document.get("sender")
    agency = sender.get("agency") if isinstance(sender, dict) else None
    if not isinstance(agency, str):
        raise _malformed("/sender/agency", "CS012", "sending agency")
    recipients = document.get("recipients")
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        raise _malformed("/recipients", "CS012", "list of recipients")
    status = document.get("status")
    if not isinstance(status, str):
        raise _malformed("/status", "CS012", "status")
    return _Envelope(
        id=found, sent=moment, sender=agency, recipients=tuple(recipients), status=status, document=document
    )


def _content(payload: bytes, envelope: _Envelope, agency: DirectoryAgency, now: dt.datetime) -> Message:
    """Validate the signed message, parsed once by :func:`_envelope`; refuse the content (but name the signer)."""
    try:
        message = validation.validate(envelope.document, now=now)  # the receiver's clock: one dated after it is refused
    except InvalidDocument as error:
        message_id, kind, status = _readable(payload)
        raise ContentRefused(
            "the message was signed by a known agency but its content is refused",
            sender=agency.id,
            message_id=message_id,
            problems=error.problems,
            message_type=kind,
            status=status,
        ) from None
    return message


def _trusted(
    jws: bytes,
    *,
    directory: Directory,
    store: ReplayStore | None,
    now: dt.datetime,
    archive: bool,
    policy: OpenPolicy,
) -> tuple[bytes, str, DirectoryAgency, _Envelope]:
    """Verify the signature and every check on the signer that needs no content; return what was read."""

    def resolve(kid: str) -> PublicJwk | None:
        found = directory.key(kid)
        return found[1].jwk.public() if found and found[1].jwk.use == "sig" else None

    payload, kid, _alg = crypto.verify(jws, resolve, typ=crypto.MESSAGE_TYP, cty=crypto.MESSAGE_CTY)
    found = directory.key(kid)
    if found is None:  # the directory answered resolve(), so this cannot happen; refuse all the same
        raise UntrustedSender("the signing key is not in the directory")
    agency, key = found
    envelope = _envelope(payload)
    if envelope.sender != agency.id:
        raise UntrustedSender("the message was signed with a key of another agency than its sender")
    if not key.valid_at(envelope.sent):
        raise Revoked("the signing key was not valid when the message was sent")
    if not archive and key.not_after is not None and now - policy.skew > key.not_after:
        raise Revoked(
            "the signing key was retired before the message arrived; a live receiver judges a key's "
            "validity when the message arrives as well as when it says it was sent"
        )
    if key.revocation is not None:
        _vouched(
            payload,
            envelope,
            store.receipt(agency.id, envelope.id) if store is not None else None,
            key.revocation.compromised_at,
            archive=archive,
        )
    return payload, kid, agency, envelope


def _vouched(
    payload: bytes, envelope: _Envelope, receipt: Receipt | None, compromised_at: dt.datetime, *, archive: bool
) -> None:
    """Accept a revoked key's signature only in an archive whose receipt shows these very bytes arrived in time."""
    if not (archive and receipt is not None and receipt.received < compromised_at):
        raise Revoked(
            "the signing key has been revoked; in an archive, a message signed with it is accepted "
            "only if this receiver's log shows it arrived before the key's compromise",
        )
    if receipt.digest is None:
        raise Revoked(
            "the signing key has been revoked, and this receiver's receipt of the message was recorded before "
            "receipts kept a digest of the content, so it cannot vouch for these bytes: unverifiable",
        )
    if receipt.digest != _digest(payload) or receipt.sent != envelope.sent:
        raise Revoked(
            "the signing key has been revoked, and this message's content or sent time differs from what "
            "this receiver's log shows arrived under its id before the key's compromise",
        )


def _digest(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def _check_status(status: str, policy: OpenPolicy) -> None:
    if status not in policy.accept_status:
        named = f"{status} messages" if status in _STATUSES else "messages of an unknown status"
        raise RefusedStatus(f"this receiver does not accept {named}; accept them explicitly to open one")


def verify_message(
    jws: bytes,
    *,
    directory: Directory,
    now: dt.datetime,
    store: ReplayStore | None = None,
    archive: bool = False,
    policy: OpenPolicy = OpenPolicy(),
) -> Opened:
    """Verify a signed-only message: signature, signer, key validity and revocation, status, then content.

    Raises a :class:`~concernshare.errors.SealError`: ``CryptoError``,
    ``MalformedMessage``, ``UntrustedSender``, ``Revoked``,
    ``RefusedStatus``, ``ContentRefused``;
    :class:`~concernshare.errors.NaiveTime` if ``now`` is naive.
    """
    require_aware(now, "now")
    payload, kid, agency, envelope = _trusted(
        jws, directory=directory, store=store, now=now, archive=archive, policy=policy
    )
    _check_status(envelope.status, policy)
    return Opened(message=_content(payload, envelope, agency, now), payload=payload, sender=agency.id, kid=kid)


def open_sealed(
    sealed: bytes,
    decrypters: Decrypter | Sequence[Decrypter],
    *,
    me: str,
    directory: Directory,
    store: ReplayStore | None,
    now: dt.datetime,
    archive: bool = False,
    policy: OpenPolicy = OpenPolicy(),
) -> Opened:
    """Open a sealed message addressed to the agency ``me``; see the module for the checks, in order.

    A live open (the default) needs ``store``, refuses stale and replayed
    messages, and records the message as seen once every trust check passed,
    before its content is validated: content refused from a verified sender
    is seen too, so that a replay of it gets nothing. Inside
    ``store.atomic()`` that record is part of the caller's transaction. An
    archive open skips freshness and replay, and accepts a signature by a key
    revoked since only where ``store``'s receipt log shows the message arrived
    before the key's compromise, with the same ``sent`` and the same digest of
    the signed bytes.

    Raises :class:`~concernshare.errors.SealError`: ``CryptoError`` (uniform,
    for every cryptographic failure), ``JoseError`` (a malformed or
    disallowed document), ``MalformedMessage``, ``UntrustedSender``,
    ``Revoked``, ``NotForUs``, ``Expired``, ``RefusedStatus``, ``Replayed``
    or ``ContentRefused``; :class:`~concernshare.errors.NaiveTime` if ``now`` is naive.
    """
    require_aware(now, "now")
    if not archive and store is None:
        raise SealError("a live open needs a replay store")
    jws = crypto.decrypt(sealed, decrypters, typ=crypto.SEALED_TYP, cty=crypto.SEALED_CTY)
    payload, kid, agency, envelope = _trusted(
        jws, directory=directory, store=store, now=now, archive=archive, policy=policy
    )
    if me not in envelope.recipients:
        raise NotForUs("this agency is not among the recipients named inside the signed message")
    sent = envelope.sent
    if not archive and not now - policy.window - policy.skew <= sent <= now + policy.skew:
        raise Expired("the message was sent outside the freshness window")
    _check_status(envelope.status, policy)
    if not archive and store is not None:
        receipt = Receipt(sender=agency.id, message_id=envelope.id, sent=sent, received=now, digest=_digest(payload))
        if not store.record(receipt, keep_until=sent + policy.window + policy.skew):
            raise Replayed("this message has been received before")
    return Opened(message=_content(payload, envelope, agency, now), payload=payload, sender=agency.id, kid=kid)
