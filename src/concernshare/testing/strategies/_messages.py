"""Strategies for whole messages, some of them views that withhold fields."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Final

import attrs
from hypothesis import strategies as st

from concernshare import FORMAT_VERSION
from concernshare.checks import walk
from concernshare.records import (
    Body,
    CaseClosureBody,
    ChildProtectionConferenceBody,
    DomesticAbuseNotificationBody,
    Handling,
    Marking,
    Message,
    MessageType,
    PlanStatusBody,
    Section47OutcomeBody,
    Sender,
    StrategyDiscussionBody,
    Thread,
    TransferInBody,
    View,
    Withheld,
)
from concernshare.records._fields import META
from concernshare.testing.strategies._bodies import _later, bodies
from concernshare.testing.strategies._derived import _derive, records
from concernshare.testing.strategies._people import lawful_bases
from concernshare.testing.strategies._values import _ITEMS, _UUIDS, Strategy, agency_ids, datetimes

# -- messages ------------------------------------------------------------------------------


def _without(record: Any, tokens: list[str]) -> Any:
    """The record with the value at ``tokens`` (a split JSON pointer) taken out."""
    head, *rest = tokens
    if isinstance(record, tuple):
        index = int(head)
        inner = _without(record[index], rest) if rest else None
        return (*record[:index], inner, *record[index + 1 :])
    inner = _without(getattr(record, head), rest) if rest else None
    return attrs.evolve(record, **{head: inner})


@st.composite
def _redacted(draw: st.DrawFn, message: Message) -> Message:
    """The message, or a view of it that withholds some of the fields a view may withhold."""
    if not draw(st.booleans()):
        return message
    withholdable = [
        pointer
        for pointer, value, attribute in walk(message)
        if attribute is not None and value is not None and attribute.metadata.get(META, {}).get("withholdable")
    ]
    chosen = draw(st.lists(st.sampled_from(withholdable), max_size=_ITEMS, unique=True))
    for pointer in chosen:
        message = _without(message, pointer.split("/")[1:])
    withheld = tuple(draw(_derive(Withheld, message.created, pointer=st.just(pointer))) for pointer in chosen)
    view = draw(_derive(View, message.created, withheld=st.just(withheld)))
    return attrs.evolve(message, view=view)


def _version_for(body: Body) -> str:
    """The format version a message of this body needs: the child-protection process types are new in 1.1."""
    if type(body) in _PROCESS_BODIES and tuple(map(int, FORMAT_VERSION.split("."))) < (1, 1):
        return "1.1"
    return FORMAT_VERSION


@st.composite
def _messages(draw: st.DrawFn, kinds: Strategy[MessageType]) -> Message:
    created = draw(datetimes())
    body = draw(bodies(draw(kinds), at=created))
    notification = isinstance(body, DomesticAbuseNotificationBody)
    sender = draw(_derive(Sender, created, agency=agency_ids("police") if notification else agency_ids()))
    named = (body.setting_notified,) if isinstance(body, DomesticAbuseNotificationBody) else ()
    others = draw(
        st.lists(
            agency_ids().filter(lambda agency: agency != sender.agency and agency not in named),
            min_size=0 if named else 1,
            max_size=_ITEMS - len(named),
            unique=True,
        )
    )
    handling = records(Handling, at=created)
    if notification:
        markings = st.lists(st.sampled_from(Marking), max_size=_ITEMS, unique=True).map(
            lambda chosen: tuple(dict.fromkeys((Marking.DO_NOT_APPROACH_PARENTS, *chosen))),
        )
        handling = _derive(Handling, created, markings=markings)
    thread = draw(records(Thread, at=created))
    taken = {value for _, value, _ in walk((body, thread)) if isinstance(value, uuid.UUID)}
    message = draw(
        _derive(
            Message,
            created,
            format_version=st.just(_version_for(body)),
            id=_UUIDS.filter(lambda candidate: candidate not in taken),
            created=st.just(created),
            sent=st.none() | _later(created, 2),
            sender=st.just(sender),
            recipients=st.just((*named, *others)),
            lawful_basis=lawful_bases(at=created, police=sender.agency.scheme == "police"),
            handling=handling,
            thread=st.just(thread),
            view=st.none(),
            body=st.just(body),
        )
    )
    return draw(_redacted(message))


def messages(type: MessageType | None = None) -> Strategy[Message]:
    """Valid messages of one type, or of any; some are views that withhold fields."""
    return _messages(st.sampled_from(MessageType) if type is None else st.just(MessageType(type)))


def _any_message(*, at: dt.datetime | None = None) -> Strategy[Message]:
    """Messages of any type, for :func:`records` (a message is dated by its own ``created``)."""
    del at
    return messages()


_PROCESS_BODIES: Final = frozenset(
    {
        StrategyDiscussionBody,
        Section47OutcomeBody,
        ChildProtectionConferenceBody,
        PlanStatusBody,
        TransferInBody,
        CaseClosureBody,
    }
)
