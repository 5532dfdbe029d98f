"""The HTTP binding, sending side: POST each sealed view as a structured-mode CloudEvent to the recipient's door.

Each recipient's front door (``concernshare serve``) answers with the sealed
acknowledgement as a CloudEvent; :func:`post` hands it back, and
:func:`send_over_http` opens and records it in the sender's tracker (through
:func:`concernshare.transport.cloudevents.deliver`, with the same checks as
any received message). A refusal comes back as a problem document and raises
:class:`DeliveryFailed`, which quotes the problem's title and codes only.
Connections that fail before anything was sent are retried (httpx's
transport retries); a POST is never repeated blindly, because a repeat of a
message that arrived is a replay, refused like a forgery.
"""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import Mapping, Sequence
from typing import Final

import attrs
import httpx2 as httpx

from concernshare.errors import DeliveryFailed
from concernshare.records import AgencyId, Message
from concernshare.transport.cloudevents import (
    STRUCTURED_CONTENT_TYPE,
    EventRefused,
    Outcome,
    Receiver,
    deliver,
    events_for,
    from_event,
)

__all__ = ["DeliveryFailed", "Posted", "client", "post", "send_over_http"]

_TIMEOUT: Final = httpx.Timeout(30.0, connect=10.0)


def client(*, ca_file: str | None = None, cert: tuple[str, str] | None = None) -> httpx.Client:
    """An HTTP client for front doors, connection failures retried.

    TLS is verified against the system's certificates, or against ``ca_file``
    alone; ``cert`` (a certificate file and its key file) is presented if the
    door asks for a client certificate.
    """
    context = ssl.create_default_context(cafile=ca_file)
    if cert is not None:
        context.load_cert_chain(*cert)
    return httpx.Client(transport=httpx.HTTPTransport(retries=3, verify=context), timeout=_TIMEOUT)


def _refusal(url: str, response: httpx.Response) -> DeliveryFailed:
    title, kind, codes = "", None, ""
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        try:
            body = response.json()
        except ValueError:
            body = {}
        if isinstance(body, dict):
            title = str(body.get("title", ""))[:200]
            kind = str(body.get("type", ""))[:200] or None
            found = body.get("problems")
            if isinstance(found, list):
                codes = ", ".join(str(p.get("code", ""))[:10] for p in found[:20] if isinstance(p, dict))
    return DeliveryFailed(
        f"the front door {url} answered {response.status_code}"
        + (f": {title}" if title else "")
        + (f" [{codes}]" if codes else ""),
        status=response.status_code,
        problem=kind,
    )


def post(url: str, event: bytes, *, http: httpx.Client) -> bytes | None:
    """POST one structured-mode event; return the answer event, or None when nothing is owed (``204``).

    Raises :class:`DeliveryFailed` if the door refuses the event or cannot be reached.
    """
    try:
        response = http.post(url, content=event, headers={"Content-Type": STRUCTURED_CONTENT_TYPE})
    except httpx.HTTPError as error:
        raise DeliveryFailed(f"the front door {url} could not be reached: {type(error).__name__}") from None
    if response.status_code == 204:
        return None
    media = response.headers.get("content-type", "").split(";", 1)[0].strip()
    if response.status_code == 200 and media == STRUCTURED_CONTENT_TYPE:
        return response.content
    raise _refusal(url, response)


@attrs.frozen(kw_only=True)
class Posted:
    """One recipient's delivery over HTTP: the answer opened and recorded at the sender (None if none was owed)."""

    recipient: AgencyId
    answer: Outcome | None


def send_over_http(
    views: Sequence[tuple[Sequence[str], bytes]],
    message: Message,
    endpoints: Mapping[str, str],
    *,
    sender: Receiver,
    at: dt.datetime,
    http: httpx.Client,
) -> tuple[Posted, ...]:
    """POST each sealed view to each of its recipients' front doors and record each answer in ``sender``'s tracker.

    ``views`` are (recipients, sealed) pairs, as :func:`concernshare.exchange.send` made them; ``endpoints``
    maps each recipient agency to its door's ``/events`` URL. Raises :class:`DeliveryFailed` (for the first
    recipient that fails; those before it were delivered) and what ``deliver`` raises for a forged answer.
    """
    posted = []
    for recipient, event in events_for(views, message, at=at):
        url = endpoints.get(recipient)
        if url is None:
            raise DeliveryFailed(f"no front door is configured for {recipient}")
        answer = post(url, event, http=http)
        if answer is None:
            posted.append(Posted(recipient=recipient, answer=None))
            continue
        try:
            reply = from_event(answer)
        except EventRefused as error:
            raise DeliveryFailed(f"the front door {url} answered with an event that is not ours: {error}") from None
        posted.append(Posted(recipient=recipient, answer=deliver(reply, sender, at=at)))
    return tuple(posted)
