"""The front door's refusals as problem documents (RFC 9457, ``application/problem+json``).

No problem quotes a value from the request. Cryptographic failures, unknown
senders, replays, stale messages and events whose attributes disagree with
the signed message all get one answer, :func:`not_accepted`, so that the
front door is never an oracle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from starlette.responses import JSONResponse

from concernshare import catalogue
from concernshare.errors import Problem

__all__ = ["MEDIA_TYPE", "not_accepted", "problem"]

MEDIA_TYPE: Final = "application/problem+json"
_TYPE: Final = "urn:concernshare:problem:"


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    problems: Sequence[Problem] = (),
    *,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem document: ``type`` is ``urn:concernshare:problem:<slug>``; ``problems`` lists pointers and codes."""
    body: dict[str, object] = {"type": _TYPE + slug, "title": title, "status": status, "detail": detail}
    if problems:
        body["problems"] = [{"pointer": p.pointer, "code": p.code, "detail": p.message} for p in problems]
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def not_accepted() -> JSONResponse:
    """The one answer for every refusal that must not tell the sender why."""
    return problem(
        422,
        "not-accepted",
        "The message was not accepted",
        "The sealed message could not be accepted. A cryptographic failure, a sender the directory does not "
        "know, a message received before, a stale message, a status this front door does not accept and an "
        "event whose source, subject or id disagree with the signed message all get this same answer. Check "
        "the keys, the directory and the message; do not resend the same message unchanged.",
        [catalogue.problem("", "CS410")],
    )
