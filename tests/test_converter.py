"""The strict converter holds plain JSON to the declared types on any cattrs converter it configures."""

from __future__ import annotations

import datetime as dt
import uuid

import cattrs
import pytest

from concernshare.converter import ERRORS, TEXT_READERS, Refusal, configure_converter, problems_of
from concernshare.records import AgencyId, ChildIdentifiers, PartialDate


def _converter() -> cattrs.Converter:
    converter = cattrs.Converter(detailed_validation=True)
    configure_converter(converter)
    return converter


def test_reads_a_record_strictly() -> None:
    """A record of the format reads from plain JSON, and writes back with its absent members left out."""
    converter = _converter()
    record = converter.structure({"nhs_number": "9990000018"}, ChildIdentifiers)
    assert record.nhs_number == "9990000018"
    assert converter.unstructure(record) == {"nhs_number": "9990000018", "local_ids": []}


@pytest.mark.parametrize(
    ("data", "pointer", "code"),
    [
        ({"nhs_number": 9990000018}, "/nhs_number", "CS012"),
        ({"nhs_number": None}, "/nhs_number", "CS013"),
        ({"unknown": "x"}, "/unknown", "CS011"),
    ],
)
def test_refusals_have_pointers(data: object, pointer: str, code: str) -> None:
    """A wrong type, a null and an unknown member are each refused with the member's pointer and code."""
    with pytest.raises(ERRORS) as caught:
        _converter().structure(data, ChildIdentifiers)
    assert [(p.pointer, p.code) for p in problems_of(caught.value, "")] == [(pointer, code)]


def test_text_readers() -> None:
    """Each value type written as a string has its reader, which refuses what is not of its form."""
    assert set(TEXT_READERS) == {dt.datetime, dt.date, PartialDate, uuid.UUID, AgencyId}
    assert TEXT_READERS[dt.date]("2026-11-25") == dt.date(2026, 11, 25)
    with pytest.raises(Refusal) as caught:
        TEXT_READERS[dt.datetime]("2026-11-25T09:30:00")
    assert caught.value.code == "CS009"
