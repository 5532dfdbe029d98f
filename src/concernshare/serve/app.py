"""The front door: an ASGI application (Starlette) that receives sealed messages as CloudEvents over HTTP.

``POST /events`` takes one structured-mode CloudEvent
(``application/cloudevents+json``; binary mode and batches are refused with
a problem). The body is read up to the size limit before anything parses it.
The event is opened with the receiving agency's keys, checked, recorded
(:func:`concernshare.transport.cloudevents.deliver`) and answered with the
format's acknowledgement as a CloudEvent: the sealed ``accepted``
acknowledgement, or the sealed ``rejected`` one for refused content (both
``200``; ``204`` when nothing is owed, for an acknowledgement). Every other
refusal is a problem document (:mod:`concernshare.serve.problems`).

``GET /inbox`` is the read-only inbox page (:mod:`concernshare.serve.inbox`).

Opening, recording and reading the tracker run on one worker thread, which
owns the store (a SQLite connection serves one thread); the event loop only
reads requests and writes answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final, TypeVar

import attrs
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from concernshare.crypto.keys import Decrypter
from concernshare.errors import SealError, StoreError
from concernshare.records import Message
from concernshare.serve import inbox
from concernshare.serve.problems import not_accepted, problem
from concernshare.transport.cloudevents import (
    MAX_EVENT_BYTES,
    STRUCTURED_CONTENT_TYPE,
    AttributesDisagree,
    EventRefused,
    Outcome,
    Receiver,
    SealedEvent,
    deliver,
    from_event,
)

__all__ = ["FrontDoor", "close", "create_app"]

LOGGER: Final = logging.getLogger("concernshare.serve")
_T = TypeVar("_T")


@attrs.frozen(kw_only=True)
class FrontDoor:
    """What a front door needs: how to open its receiver (keys, directory, tracker), a clock, and its limits.

    ``open_receiver`` is called once, on the worker thread that then owns the
    tracker's store. ``spool`` keeps each accepted message, still sealed;
    ``inbox_decrypters`` (the operator's own key) let the inbox page open
    those and show the child's name. ``on_accepted`` is told of each accepted
    message (a case management system's hook; the demo's chronology).
    """

    open_receiver: Callable[[], Receiver]
    clock: Callable[[], dt.datetime]
    max_body_bytes: int = MAX_EVENT_BYTES
    spool: Path | None = None
    inbox_decrypters: tuple[Decrypter, ...] = ()
    on_accepted: Callable[[Message], None] | None = None


class _Worker:
    """The one thread that opens, records and reads the tracker, with the receiver it made there."""

    def __init__(self, door: FrontDoor) -> None:
        self.door = door
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="concernshare-front-door")
        self._receiver: Receiver | None = None
        self.closed = False

    @property
    def receiver(self) -> Receiver:
        if self._receiver is None:
            self._receiver = self.door.open_receiver()
        return self._receiver

    async def run(self, work: Callable[[], _T]) -> _T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, work)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True

        def closing() -> None:
            if self._receiver is not None:
                self._receiver.tracker.store.close()

        self.executor.submit(closing).result()
        self.executor.shutdown()


async def _body(request: Request, limit: int) -> bytes | Response:
    """The request body, read no further than ``limit`` bytes; a problem if it is larger."""
    too_large = problem(
        413, "too-large", "The event is too large", f"This front door accepts events of at most {limit} bytes."
    )
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        return (
            too_large
            if declared.isdigit()
            else problem(400, "bad-length", "Bad Content-Length", "Content-Length must be a number of bytes.")
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _mode_problem(request: Request) -> Response | None:
    """A problem if the request is not one structured-mode CloudEvent in JSON."""
    if any(name.lower().startswith("ce-") for name in request.headers):
        return problem(
            415,
            "binary-mode",
            "Binary mode is not accepted",
            f"Send the event in structured mode: the whole event as JSON in the body, with "
            f"Content-Type {STRUCTURED_CONTENT_TYPE} and no ce- headers.",
        )
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != STRUCTURED_CONTENT_TYPE:
        return problem(
            415,
            "unsupported-media-type",
            "Unsupported media type",
            f"Send one structured-mode CloudEvent with Content-Type {STRUCTURED_CONTENT_TYPE} "
            "(batches are not accepted).",
        )
    return None


def _keep(spool: Path, event: SealedEvent) -> None:
    """Keep an accepted message, still sealed, readable by this user only; a copy kept already stays."""
    spool.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = spool / inbox.spool_name(event.source, event.id)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with contextlib.suppress(FileExistsError):
        descriptor = os.open(path, flags, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(event.sealed)


def _received(worker: _Worker, event: SealedEvent) -> Outcome:
    door = worker.door
    outcome = deliver(event, worker.receiver, at=door.clock())
    if outcome.accepted:
        if door.spool is not None:
            _keep(door.spool, event)
        if door.on_accepted is not None and outcome.message is not None:
            door.on_accepted(outcome.message)
    return outcome


async def _events(request: Request) -> Response:
    worker: _Worker = request.app.state.worker
    refused = _mode_problem(request)
    if refused is not None:
        return refused
    body = await _body(request, worker.door.max_body_bytes)
    if isinstance(body, Response):
        return body
    try:
        event = from_event(body, max_bytes=worker.door.max_body_bytes)
    except EventRefused as error:
        return problem(
            400,
            "not-a-concernshare-event",
            "Not a concernshare event",
            "The body is not a structured-mode CloudEvent of the concernshare mapping; each problem "
            "says where and why.",
            error.problems,
        )
    try:
        outcome = await worker.run(lambda: _received(worker, event))
    except (SealError, AttributesDisagree) as error:
        LOGGER.info("not accepted: %s", type(error).__name__)
        return not_accepted()
    except StoreError:
        LOGGER.exception("the tracker failed")
        return problem(
            503,
            "tracker-unavailable",
            "The tracker is unavailable",
            "Nothing was acknowledged; send the event again later.",
            headers={"Retry-After": "30"},
        )
    LOGGER.info(
        "%s %s %s from %s",
        "accepted" if outcome.accepted else "refused the content of",
        event.subject,
        event.id,
        outcome.sender,
    )
    if outcome.reply is None:
        return Response(status_code=204)
    return Response(outcome.reply, status_code=200, media_type=STRUCTURED_CONTENT_TYPE)


async def _inbox(request: Request) -> Response:
    worker: _Worker = request.app.state.worker
    door = worker.door
    page = await worker.run(
        lambda: inbox.page(worker.receiver, at=door.clock(), spool=door.spool, decrypters=door.inbox_decrypters)
    )
    return HTMLResponse(page, headers=inbox.HEADERS)


def create_app(door: FrontDoor) -> Starlette:
    """The front door as an ASGI application; its store is closed when the application shuts down."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        close(app)

    app = Starlette(
        routes=[Route("/events", _events, methods=["POST"]), Route("/inbox", _inbox, methods=["GET"])],
        lifespan=lifespan,
    )
    app.state.worker = _Worker(door)
    return app


def close(app: Any) -> None:
    """Close a front door's store and stop its worker (for an application mounted where no lifespan runs)."""
    worker: _Worker = app.state.worker
    worker.close()
