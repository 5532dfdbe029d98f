"""The errors concernshare raises, and the :class:`Problem` that explains them.

Every problem points at the place in the document (an RFC 6901 JSON pointer),
says what is wrong in words a person can act on, and never quotes a personal
value: these lines end up in logs.
"""

from __future__ import annotations

import enum
import re
from typing import Final

import attrs

__all__ = [
    "AttributesDisagree",
    "ConcernshareError",
    "ContentRefused",
    "CryptoError",
    "DeliveryFailed",
    "DirectoryRefused",
    "EventRefused",
    "Expired",
    "InvalidDocument",
    "InvalidRecord",
    "InvalidValue",
    "JoseError",
    "MalformedMessage",
    "NaiveTime",
    "NotForUs",
    "OutputRefused",
    "Problem",
    "Refusal",
    "RefusedStatus",
    "Replayed",
    "ReplyRefused",
    "Revoked",
    "RoutingError",
    "SandboxUnavailable",
    "SchemaViolation",
    "SealError",
    "Severity",
    "StoreError",
    "TransportError",
    "UntrustedSender",
    "UsageError",
    "shown_pointer",
]


class Severity(enum.StrEnum):
    """How much a problem matters: a MUST broken is an error, a SHOULD a warning."""

    ERROR = "error"
    WARNING = "warning"


#: A reference token shown as it is in a problem's pointer: an array index, or a name such as the format's own
#: (lower-case ASCII letters, digits, ``_ . : -`` and the escapes ``~0 ~1``, at most 64 characters, with no run
#: of more than six digits, which could be an NHS number, a UPN or a telephone number).
_PLAIN_TOKEN: Final = re.compile(r"(?!.*[0-9]{7})(?:[a-z0-9_.:-]|~[01]){1,64}")


def shown_pointer(pointer: str) -> str:
    """The pointer as a problem shows it: cut before the first token that is not a plain name.

    A member name the format does not know comes from the document, and a
    hostile or mistaken one may hold control characters, personal data or
    megabytes of text. Such a name is never echoed: the pointer stops at the
    object that holds the member, so it is still a valid RFC 6901 pointer and
    still resolves, to the nearest place that can be named safely.
    """
    tokens = pointer.split("/")[1:]
    for index, token in enumerate(tokens):
        if _PLAIN_TOKEN.fullmatch(token) is None:
            return "".join(f"/{t}" for t in tokens[:index])
    return pointer


@attrs.frozen(kw_only=True)
class Problem:
    """One thing wrong with a document.

    ``pointer`` is an RFC 6901 JSON pointer into the document ("" is the whole
    document), ``code`` a stable code (``CS101``; see the docs site), and
    ``message`` a sentence that says what to do. A message never contains a
    value taken from the document, and a pointer never a member name that is
    not a plain name (see :func:`shown_pointer`).
    """

    pointer: str = attrs.field(converter=shown_pointer)
    code: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: [{self.code}] {self.message}"


class ConcernshareError(Exception):
    """The base of every error concernshare raises on purpose."""


class InvalidDocument(ConcernshareError, ValueError):
    """A document was refused; ``problems`` lists every reason, in document order."""

    def __init__(self, problems: tuple[Problem, ...] | list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        if not self.problems:
            return "the document is invalid"
        first = str(self.problems[0])
        more = len(self.problems) - 1
        return first if more == 0 else f"{first} (and {more} more)"


class InvalidRecord(InvalidDocument):
    """Refused by the strict codec or by a semantic check."""


class Refusal(ValueError):
    """A value the codec refuses, with the problem's code and message.

    Raised by the codec's structuring hooks and caught by the codec, which
    reports it as a :class:`Problem` of an :class:`InvalidRecord`; it does not
    leave the codec.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class SchemaViolation(InvalidDocument):
    """Refused by the JSON Schema; ``str()`` is the most relevant problem."""


class EventRefused(InvalidDocument):
    """The event is not a structured-mode concernshare CloudEvent; ``problems`` say where and why."""


class SealError(ConcernshareError):
    """A sealed or signed document could not be opened or was refused.

    None of these errors carries plaintext or a personal value.
    """


class CryptoError(SealError):
    """The cryptography failed: one message for every cause, so that it tells an attacker nothing."""

    def __init__(self) -> None:
        super().__init__("the message could not be decrypted or verified")


class JoseError(SealError):
    """The JOSE document's shape (a JWS, a JWE or a JWK) is refused; raised before any cryptography runs."""


class NotForUs(SealError):
    """The opening agency is not among the recipients named inside the signed message."""


class UntrustedSender(SealError):
    """The signing key is unknown, or does not belong to the agency named as sender."""


class Replayed(SealError):
    """This sender's message with this id has been received before."""


class Expired(SealError):
    """``sent`` lies outside the freshness window."""


class Revoked(SealError):
    """The signing key was revoked, or was not valid when the message was sent."""


class RefusedStatus(SealError):
    """An ``exercise`` or ``test`` message reached a receiver that does not accept them."""


class MalformedMessage(SealError):
    """The signed bytes are not a JSON object whose ``id``, ``sent``, ``sender``, ``recipients`` and ``status``
    can be read, so no trust check can run on them.

    Refused without an answer: a message that cannot be named or checked for replay is not answered.
    ``problems`` says where (pointers and codes only).
    """

    def __init__(self, message: str, problems: tuple[Problem, ...]) -> None:
        super().__init__(message)
        self.problems = problems


class ContentRefused(SealError):
    """The signature and the sender were verified, but the content is refused.

    The sender is owed a ``rejected`` acknowledgement naming ``problems``
    (pointers and codes only), so that nothing is lost silently.
    """

    def __init__(
        self,
        message: str,
        *,
        sender: str,
        message_id: str | None,
        problems: tuple[Problem, ...],
        message_type: str | None = None,
        status: str | None = None,
    ) -> None:
        super().__init__(message)
        self.sender = sender
        self.message_id = message_id
        self.problems = problems
        self.message_type = message_type
        self.status = status


class DirectoryRefused(SealError):
    """The trust directory is unsigned, wrongly signed, expired, rolled back or inconsistent."""


class AttributesDisagree(SealError):
    """A CloudEvent's ``source``, ``subject`` or ``id`` disagrees with the signed message it carries."""


class StoreError(ConcernshareError):
    """The store could not be opened or could not read or write (its database failed)."""


class RoutingError(ConcernshareError):
    """The message cannot be routed: no rule applies, or a rule's target names no agency."""


class DeliveryFailed(ConcernshareError):
    """A front door did not take the event: it refused it (``status``, ``problem`` type) or could not be reached."""

    def __init__(self, message: str, *, status: int | None = None, problem: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.problem = problem


class OutputRefused(ConcernshareError):
    """A file was not written: its name is a symbolic link or not a regular file, or it must be new and exists."""


class UsageError(ConcernshareError):
    """The command line or the configuration was used wrongly."""


class ReplyRefused(UsageError, ValueError):
    """A reply that makes no sense was asked for (answering an acknowledgement, withdrawing another's message).

    ``pointer`` is an RFC 6901 JSON pointer into the message answered, at what
    rules the reply out.
    """

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(f"{pointer or '/'}: {message}")
        self.pointer = pointer


class InvalidValue(UsageError, ValueError):
    """A value given to the library is not of its type's form (a partial date written wrongly, a naive time)."""


class NaiveTime(InvalidValue):
    """A datetime without a UTC offset was given where the library needs an aware one: a naive time is ambiguous."""


class TransportError(UsageError):
    """MESH refused a request or could not be reached; the message stays where it was (outbox or inbox)."""


class SandboxUnavailable(UsageError):
    """The MESH sandbox could not be started: the package is missing or the server did not answer."""
