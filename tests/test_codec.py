"""Tests for the strict codec: records from JSON and back."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from _samples import MINIMAL
from concernshare import FORMAT_VERSION, codec
from concernshare.errors import InvalidRecord, Severity
from concernshare.records import ConcernBody, EscalationBody, Message, PartialDate, RiskLevel


def _doc(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(MINIMAL)
    document.update(changes)
    return document


def _codes(document: Any) -> list[tuple[str, str]]:
    with pytest.raises(InvalidRecord) as caught:
        codec.loads(json.dumps(document))
    return [(p.pointer, p.code) for p in caught.value.problems]


def test_minimal_message_loads_as_records() -> None:
    """A valid message becomes typed records with aware times and partial dates."""
    message = codec.loads(json.dumps(MINIMAL).encode())
    assert isinstance(message.body, ConcernBody)
    assert message.type == "concern"
    assert message.body.risk_level is RiskLevel.MEDIUM
    assert message.created == dt.datetime(2013, 6, 3, 9, 15, tzinfo=dt.UTC)
    assert message.body.observations[0].observed == PartialDate(2013, 5)


def test_dumps_is_canonical_and_round_trips() -> None:
    """dumps writes UTC times with Z, type after id, and loads(dumps(m)) == m."""
    message = codec.loads(json.dumps(MINIMAL))
    data = codec.dumps(message)
    assert b'"created":"2013-06-03T09:15:00Z"' in data
    assert data.startswith(b'{"format_version":"1.0","id":"6f1c1a4e-3b9d-4c55-9a77-0d2f3e4b5c6d","type":"concern"')
    assert codec.loads(data) == message
    assert codec.dumps(codec.loads(data)) == data


def test_extensions_round_trip_untouched() -> None:
    """Whatever sits under extensions comes back exactly."""
    out = json.loads(codec.dumps(codec.loads(json.dumps(MINIMAL))))
    assert out["extensions"] == MINIMAL["extensions"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(extra=1), [("/extra", "CS011")]),
        (lambda d: d["body"].update(extra=1), [("/body/extra", "CS011")]),
        (lambda d: d.update(created="2013-06-03T10:15:00"), [("/created", "CS009")]),
        (lambda d: d.update(created="2013-06-03 10:15:00Z"), [("/created", "CS018")]),
        (lambda d: d.update(created="2013-02-30T10:15:00Z"), [("/created", "CS018")]),
        (lambda d: d.pop("sender"), [("/sender", "CS010")]),
        (lambda d: d.update(recipients="la:E06000032"), [("/recipients", "CS012")]),
        (lambda d: d["subject"].update(name=None), [("/subject/name", "CS013")]),
        (lambda d: d.update(type="rumour"), [("/type", "CS014")]),
        (lambda d: d.pop("type"), [("", "CS014")]),
        (lambda d: d.update(format_version="2.0"), [("/format_version", "CS015")]),
        (lambda d: d["body"].update(risk_level="extreme"), [("/body/risk_level", "CS017")]),
        (lambda d: d.update(id="6F1C1A4E-3B9D-4C55-9A77-0D2F3E4B5C6D"), [("/id", "CS018")]),
        (
            lambda d: d["body"]["observations"][0].update(observed="2013-13"),
            [("/body/observations/0/observed", "CS018")],
        ),
        (lambda d: d["body"].update(immediate_danger="no"), [("/body/immediate_danger", "CS012")]),
        (lambda d: d["body"].update(concern_types="neglect"), [("/body/concern_types", "CS012")]),
        (lambda d: d.update(extensions={"Bad Key": 1}), [("/extensions", "CS018")]),
        (lambda d: d.update(recipients=["la:E06000032", "nowhere"]), [("/recipients/1", "CS018")]),
    ],
)
def test_each_refusal_has_its_pointer_and_code(change: Any, expected: list[tuple[str, str]]) -> None:
    """The codec refuses each kind of bad input with the right pointer and code."""
    document = _doc()
    change(document)
    assert _codes(document) == expected


def test_all_codec_problems_are_reported_together() -> None:
    """Problems in the envelope and the body, and unknown members, are reported at once."""
    document = _doc(created="2013-06-03T10:15:00", extra=1)
    document["body"]["risk_level"] = "extreme"
    document["body"]["bogus"] = 2
    assert _codes(document) == [
        ("/body/bogus", "CS011"),
        ("/body/risk_level", "CS017"),
        ("/created", "CS009"),
        ("/extra", "CS011"),
    ]


def test_integer_fields_refuse_booleans() -> None:
    """true is not an integer, even though Python's bool is an int."""
    with pytest.raises(InvalidRecord):
        codec.structure(
            {
                "challenged_message_id": MINIMAL["id"],
                "level": True,
                "reason": "r",
                "outcome_sought": "o",
                "respond_by": "2013-06-04T10:00:00Z",
            },
            EscalationBody,
        )


def test_newer_minor_version_keeps_unknown_members() -> None:
    """A 1.x message with members this reader does not know is accepted, and they are kept."""
    document = _doc(format_version="1.7", future_member={"a": 1})
    document["body"]["future_field"] = [1, 2]
    message = codec.loads(json.dumps(document))
    assert [m.pointer for m in message.unknown_members] == ["/body/future_field", "/future_member"]
    problems = codec.unknown_member_problems(message.unknown_members)
    assert {p.severity for p in problems} == {Severity.WARNING}
    out = json.loads(codec.dumps(message))
    assert out["future_member"] == {"a": 1}
    assert out["body"]["future_field"] == [1, 2]


@pytest.mark.parametrize("version", [FORMAT_VERSION, "1.0"])
def test_own_and_older_minor_versions_refuse_unknown_members(version: str) -> None:
    """In a message of this reader's own version, or an older minor, an unknown member is an error."""
    assert FORMAT_VERSION == "1.1"
    assert _codes(_doc(format_version=version, future_member=1)) == [("/future_member", "CS011")]


def test_messages_quote_no_personal_value() -> None:
    """No codec problem repeats a value from the message."""
    document = _doc()
    document["subject"]["identifiers"]["nhs_number"] = 12345
    document["subject"]["name"]["given"] = ["Ada"]
    with pytest.raises(InvalidRecord) as caught:
        codec.loads(json.dumps(document))
    assert caught.value.problems
    assert all("12345" not in p.message and "Ada" not in p.message for p in caught.value.problems)


def test_message_type_is_derived_from_the_body() -> None:
    """A Message's type comes from its body and cannot disagree with it."""
    message = codec.loads(json.dumps(MINIMAL))
    assert isinstance(message, Message)
    assert str(message.type) == "concern"


@pytest.mark.parametrize("moment", ["9999-12-31T12:00:00Z", "0001-01-01T00:30:00+01:00", "0001-01-01T00:00:00-23:00"])
def test_times_at_the_edge_of_the_calendar_are_refused(moment: str) -> None:
    """A time that cannot be written in UTC, or leaves no day's headroom, is refused rather than crash later."""
    assert _codes(_doc(created=moment)) == [("/created", "CS018")]
