"""Seal and open: sign a message's exact bytes, then encrypt them to every recipient agency.

:func:`seal` sets ``sent``, signs the message's canonical JSON bytes (JWS),
and encrypts the JWS to every currently valid encryption key of every agency
in ``recipients`` (JWE). :func:`open_sealed` decrypts with the opener's key,
verifies the signature over the same bytes, validates those bytes, and then
checks, in this order: that the signing key belongs to the agency named as
sender and was valid when the message was sent and is not revoked; that the
opener is among the recipients inside the signed message; that ``sent`` is
fresh; that the status is accepted; and that the message was not seen
before. Only then is it recorded as seen. :func:`sign_message` and
:func:`verify_message` do the same for signed-only documents.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import Final

import attrs

from concernshare import codec, validation
from concernshare.crypto import _jose
from concernshare.crypto.keys import Decrypter, PublicJwk, Signer
from concernshare.directory import Directory, DirectoryAgency, DirectoryKey
from concernshare.errors import (
    ContentRefused,
    Expired,
    InvalidDocument,
    NotForUs,
    Problem,
    RefusedStatus,
    Replayed,
    Revoked,
    SealError,
    UntrustedSender,
)
from concernshare.records import Message, MessageType, Status
from concernshare.records.types import UUID, AgencyId
from concernshare.stores.interface import Receipt, ReplayStore

__all__ = ["OpenPolicy", "Opened", "open_sealed", "seal", "sign_message", "verify_message"]

_UUID: Final = re.compile(UUID)
_TYPES: Final = frozenset(MessageType)
_STATUSES: Final = frozenset(Status)


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
    skew: dt.timedelta = dt.timedelta(minutes=5)
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
    :class:`~concernshare.errors.InvalidDocument` if the message is invalid.
    """
    _signing_key(directory, message.sender.agency, signer.kid, now)
    payload = codec.dumps(attrs.evolve(message, sent=now))
    validation.validate(payload, now=now)
    return _jose.sign(payload, signer, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)


def seal(message: Message, signer: Signer, *, directory: Directory, now: dt.datetime) -> bytes:
    """Sign a message, then encrypt it to every current encryption key of each of its recipients.

    Raises what :func:`sign_message` raises, and
    :class:`~concernshare.errors.SealError` if a recipient has no current
    encryption key in the directory.
    """
    keys: list[PublicJwk] = []
    for recipient in message.recipients:
        found = directory.encryption_keys(recipient, now)
        if not found:
            raise SealError(f"the recipient {recipient} has no current encryption key in the directory")
        keys.extend(found)
    signed = sign_message(message, signer, directory=directory, now=now)
    return _jose.encrypt(signed, keys, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)


def _content(payload: bytes, agency: DirectoryAgency, now: dt.datetime) -> Message:
    """Parse and validate the signed bytes; refuse the content (but name the signer) if invalid."""
    try:
        message = validation.validate(payload, now=None)
    except InvalidDocument as error:
        message_id, kind, status = _readable(payload)
        raise ContentRefused(
            "the message was signed by a known agency but its content is refused",
            sender=agency.id, message_id=message_id, problems=error.problems, message_type=kind, status=status,
        ) from None
    if message.sent is None:
        problem = Problem(pointer="/sent", code="CS010", message="a signed message must say when it was sent")
        raise ContentRefused("the signed message has no sent time", sender=agency.id, message_id=str(message.id),
                             problems=(problem,), message_type=message.type, status=message.status)
    if message.created > now + dt.timedelta(minutes=5):
        problem = Problem(pointer="/created", code="CS104", message="the message is dated in the future")
        raise ContentRefused("the message is dated in the future", sender=agency.id, message_id=str(message.id),
                             problems=(problem,), message_type=message.type, status=message.status)
    return message


def _verified(
    jws: bytes, *, directory: Directory, store: ReplayStore | None, now: dt.datetime, archive: bool,
) -> Opened:
    """Verify the signature and the signer's right to speak for the sender."""

    def resolve(kid: str) -> PublicJwk | None:
        found = directory.key(kid)
        return found[1].jwk.public() if found and found[1].jwk.use == "sig" else None

    payload, kid, _alg = _jose.verify(jws, resolve, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)
    found = directory.key(kid)
    if found is None:  # the directory answered resolve(), so this cannot happen; refuse all the same
        raise UntrustedSender("the signing key is not in the directory")
    agency, key = found
    message = _content(payload, agency, now)
    sent = message.sent
    assert sent is not None  # noqa: S101  (_content refused a message without it)
    if message.sender.agency != agency.id:
        raise UntrustedSender("the message was signed with a key of another agency than its sender")
    if not key.valid_at(sent):
        raise Revoked("the signing key was not valid when the message was sent")
    if key.revocation is not None:
        receipt = store.receipt(agency.id, str(message.id)) if store is not None else None
        if not (archive and receipt is not None and receipt.received < key.revocation.compromised_at):
            raise Revoked(
                "the signing key has been revoked; in an archive, a message signed with it is accepted "
                "only if this receiver's log shows it arrived before the key's compromise",
            )
    return Opened(message=message, payload=payload, sender=agency.id, kid=kid)


def verify_message(
    jws: bytes,
    *,
    directory: Directory,
    now: dt.datetime,
    store: ReplayStore | None = None,
    archive: bool = False,
    policy: OpenPolicy = OpenPolicy(),
) -> Opened:
    """Verify a signed-only message: signature, signer, key validity and revocation, status.

    Raises a :class:`~concernshare.errors.SealError`: ``CryptoError``,
    ``UntrustedSender``, ``Revoked``, ``ContentRefused``, ``RefusedStatus``.
    """
    opened = _verified(jws, directory=directory, store=store, now=now, archive=archive)
    _check_status(opened.message, policy)
    return opened


def _check_status(message: Message, policy: OpenPolicy) -> None:
    if message.status not in policy.accept_status:
        raise RefusedStatus(
            f"this receiver does not accept {message.status} messages; accept them explicitly to open one",
        )


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

    A live open (the default) needs ``store``, records the message as seen only
    after every check passed, and refuses stale and replayed messages. An
    archive open skips freshness and replay, and accepts a signature by a key
    revoked since only where ``store``'s receipt log shows the message arrived
    before the key's compromise.

    Raises :class:`~concernshare.errors.SealError`: ``CryptoError`` (uniform,
    for every cryptographic failure), ``JoseError`` (a malformed or
    disallowed document), ``UntrustedSender``, ``Revoked``, ``ContentRefused``,
    ``NotForUs``, ``Expired``, ``RefusedStatus`` or ``Replayed``.
    """
    if not archive and store is None:
        raise SealError("a live open needs a replay store")
    jws = _jose.decrypt(sealed, decrypters, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)
    opened = _verified(jws, directory=directory, store=store, now=now, archive=archive)
    message = opened.message
    if me not in message.recipients:
        raise NotForUs("this agency is not among the recipients named inside the signed message")
    sent = message.sent
    assert sent is not None  # noqa: S101  (checked when the content was read)
    if not archive and not now - policy.window - policy.skew <= sent <= now + policy.skew:
        raise Expired("the message was sent outside the freshness window")
    _check_status(message, policy)
    if not archive and store is not None:
        receipt = Receipt(sender=opened.sender, message_id=str(message.id), sent=sent, received=now)
        if not store.record(receipt, keep_until=sent + policy.window + policy.skew):
            raise Replayed("this message has been received before")
    return opened
