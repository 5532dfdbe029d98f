"""No repr shows a personal value: every record, and what sealing and the exchange return.

Two tests hold it. The first is structural: every attrs class in
``concernshare.records`` and ``concernshare.chronology.model`` shows each of
its fields through :func:`concernshare.records._fields.redacted` (which
:func:`~concernshare.records._fields.field` sets), so a class declared
another way fails it even before any value is drawn. The second draws
instances with the hypothesis strategies, replaces every value that may be
personal (strings, numbers, dates, partial dates, mapping keys and values)
with a marker, and checks that no marker appears in the repr.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import pkgutil
import uuid
from collections.abc import Mapping
from typing import Any, Final

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import concernshare.records
from concernshare import codec
from concernshare.chronology import model
from concernshare.errors import Problem
from concernshare.exchange import Received, SealedView, Sent
from concernshare.records import AgencyId, Message, PartialDate
from concernshare.records._fields import WITHHELD, redacted
from concernshare.records.envelope import UnknownMember
from concernshare.records.identifiers import Council, CouncilList
from concernshare.routing.plan import Plan
from concernshare.sealing import Opened
from concernshare.testing import strategies

#: Classes whose values are not personal data, or that are the value itself, and why.
EXEMPT: Final = {
    PartialDate: "a value type: its repr is the date itself, and records withhold it",
    Council: "the published list of councils: no personal data",
    CouncilList: "the published list of councils: no personal data",
}
MARKER: Final = "Zq7marker"
MARKED_NUMBER: Final = 987654321
MARKED_DATE: Final = dt.date(1907, 3, 29)
MARKED_TEXTS: Final = (MARKER, str(MARKED_NUMBER), "datetime.date(1907, 3, 29)", "1907-03-29", "year=1907")


def _classes(*modules: Any) -> list[type]:
    found = []
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, type) and attrs.has(value) and value.__module__ == module.__name__:
                found.append(value)
    return found


def _record_modules() -> list[Any]:
    names = [info.name for info in pkgutil.iter_modules(concernshare.records.__path__)]
    return [importlib.import_module(f"concernshare.records.{name}") for name in names]


RECORD_CLASSES: Final = sorted(_classes(*_record_modules(), model), key=lambda cls: cls.__qualname__)
CHECKED: Final = [cls for cls in RECORD_CLASSES if cls not in EXEMPT]


def test_the_walk_finds_the_records() -> None:
    """The walk finds the message, its parts and the chronology model, so the tests below are not vacuous."""
    names = {cls.__name__ for cls in CHECKED}
    assert {
        "Message",
        "Child",
        "PersonName",
        "Address",
        "ConcernBody",
        "UnknownMember",
        "Entry",
        "ChronologyChild",
    } <= names


@pytest.mark.parametrize("cls", CHECKED, ids=lambda cls: cls.__qualname__)
def test_every_record_field_is_shown_redacted(cls: type) -> None:
    """Each field a record's repr shows goes through redacted(): declare fields with field()."""
    shown = [a.name for a in attrs.fields(cls) if a.repr is not False and a.repr is not redacted]
    assert shown == [], f"{cls.__qualname__} shows these fields unredacted: declare them with field()"


def test_a_class_declared_another_way_is_caught() -> None:
    """A record declared with plain attrs fields fails the structural test, whatever values it holds."""

    @attrs.frozen(kw_only=True)
    class Stray:
        name: str

    assert [a.name for a in attrs.fields(Stray) if a.repr is not False and a.repr is not redacted] == ["name"]


class _Marker:
    """Replaces every value that may be personal with a marker, keeping codes, ids, agencies and times."""

    def __call__(self, value: Any) -> Any:
        if value is None or isinstance(value, bool | enum.Enum | AgencyId | uuid.UUID | dt.datetime):
            return value
        if isinstance(value, str):
            return MARKER
        if isinstance(value, int | float):
            return MARKED_NUMBER
        if isinstance(value, PartialDate):
            return PartialDate(MARKED_DATE.year, MARKED_DATE.month, MARKED_DATE.day)
        if isinstance(value, dt.date):
            return MARKED_DATE
        if isinstance(value, tuple | list):
            return type(value)(self(item) for item in value)
        if isinstance(value, Mapping):
            return {self(key): self(item) for key, item in value.items()}
        if attrs.has(type(value)):
            return attrs.evolve(
                value, **{a.name.lstrip("_"): self(getattr(value, a.name)) for a in attrs.fields(type(value)) if a.init}
            )
        return value


def _assert_nothing_marked(shown: str) -> None:
    leaked = [text for text in MARKED_TEXTS if text in shown]
    assert leaked == [], f"the repr shows {leaked}: {shown[:300]}"


def _instances(cls: type) -> st.SearchStrategy[Any]:
    if cls is UnknownMember:
        return st.builds(UnknownMember, pointer=st.text(), value=st.text() | st.integers())
    return strategies.records(cls)


@pytest.mark.parametrize(
    "cls", [cls for cls in CHECKED if cls.__module__ != model.__name__], ids=lambda cls: cls.__qualname__
)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_no_record_repr_shows_a_personal_value(cls: type, data: st.DataObject) -> None:
    """Every record drawn by the strategies, its personal values marked, shows no marker in its repr."""
    record = _Marker()(data.draw(_instances(cls)))
    _assert_nothing_marked(repr(record))
    _assert_nothing_marked(str(record))


def _entry(**changes: Any) -> model.Entry:
    fields: dict[str, Any] = {
        "id": MARKER,
        "message_id": MARKER,
        "message_type": "concern",
        "agency": AgencyId("ods:Y99GP"),
        "author_role": MARKER,
        "event_date": PartialDate(1907, 3, 29),
        "recorded": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        "event_type": "concern",
        "summary": MARKER,
        "significance": MARKER,
        "source_record_reference": MARKER,
        "match_reason": MARKER,
        "history": (model.Version(message_id=MARKER, summary=MARKER, recorded=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),),
        "possible_duplicates": (MARKER,),
    }
    fields.update(changes)
    return model.Entry(**fields)


def test_chronology_entries_and_children_show_no_personal_value() -> None:
    """A chronology entry and child, filled with markers, show none of them."""
    _assert_nothing_marked(repr(_entry()))
    child = model.ChronologyChild(nhs_number=MARKER, mother_nhs_number=MARKER, birth_date=MARKED_DATE, names=(MARKER,))
    _assert_nothing_marked(repr(child))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(message=strategies.messages())
def test_opened_received_sent_show_no_personal_value(message: Message) -> None:
    """What open_sealed, receive and send return shows no personal value of the message, nor its bytes."""
    marked = _Marker()(message)
    payload = codec.dumps(message)
    opened = Opened(message=marked, payload=payload, sender=AgencyId("ods:Y99GP"), kid="k")
    received = Received(
        message=marked,
        sender=AgencyId("ods:Y99GP"),
        problems=(Problem(pointer="/subject", code="CS001", message="is wrong"),),
        rejection=payload,
    )
    view = SealedView(view="full", recipients=(AgencyId("ods:Y99GP"),), sealed=payload)
    sent = Sent(
        plan=Plan(message_id=str(message.id), at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), deliveries=()), views=(view,)
    )
    for shown in (repr(opened), repr(received), repr(sent), repr(view)):
        _assert_nothing_marked(shown)
        assert repr(payload)[2:40] not in shown
    assert WITHHELD in repr(opened)
