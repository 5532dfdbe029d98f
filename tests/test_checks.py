"""The semantic checks share one traversal of a message, made by iter_problems and handed to them."""

from __future__ import annotations

import datetime as dt
import linecache
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from concernshare import checks, codec
from concernshare.errors import Problem
from concernshare.records import ConcernBody, DecisionBody, Message

EXAMPLE = sorted((Path(__file__).resolve().parent.parent / "examples" / "messages").glob("*.json"))[0]
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def _message() -> Message:
    return codec.loads(EXAMPLE.read_bytes())


def test_one_traversal_per_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each call of iter_problems traverses the message once, however many checks read the traversal."""
    made: list[checks.Facts] = []
    traverse = checks.traverse

    def counting(message: Message) -> checks.Facts:
        made.append(traverse(message))
        return made[-1]

    monkeypatch.setattr(checks, "traverse", counting)
    message = _message()
    list(checks.iter_problems(message, now=NOW))
    list(checks.iter_problems(message, now=NOW))
    assert len(made) == 2
    assert len(checks._TRAVERSING) >= 4


def test_the_traversal_is_the_only_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """A traversing check reads what it is handed, not a memo: a traversal naming a bad NHS number is reported."""
    message = _message()
    facts = checks.traverse(message)
    facts.nhs_numbers.append(("/subject/identifiers/nhs_number", "9990000019"))
    monkeypatch.setattr(checks, "traverse", lambda _: facts)
    assert "CS101" in {p.code for p in checks.iter_problems(message)}


def test_traversal_finds_the_facts() -> None:
    """The traversal of an example holds its agencies and event dates, each with its pointer."""
    facts = checks.traverse(_message())
    assert any(pointer.startswith("/sender/") for pointer, _ in facts.agencies)
    assert all(pointer.startswith("/") for pointer, _ in facts.events)


def test_the_traversal_is_compiled() -> None:
    """The traversal runs through a scanner written out for each record class, with its source in linecache."""
    message = _message()
    checks.traverse(message)
    scanner = checks._SCANNERS[Message]
    assert scanner.__code__.co_filename.startswith("<concernshare scan Message")
    assert linecache.getlines(scanner.__code__.co_filename)


def test_a_check_is_given_only_the_bodies_it_names() -> None:
    """A check registered for decisions is not run on a concern; every check without bodies is."""
    for_concern = {check for check, _ in checks._checks_for(ConcernBody)}
    for_decision = {check for check, _ in checks._checks_for(DecisionBody)}
    assert checks._factors not in for_concern
    assert checks._factors in for_decision
    unrestricted = {check for check in checks.CHECKS if check not in checks._BODIES}
    assert unrestricted <= for_concern
    assert unrestricted <= for_decision


def test_a_check_registered_later_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks chosen for a body class are worked out again when a check has been registered since."""
    message = _message()
    list(checks.iter_problems(message))
    calls: list[Message] = []

    def late(checked: Message, _: dt.datetime | None) -> Iterator[Problem]:
        calls.append(checked)
        return iter(())

    monkeypatch.setattr(checks, "CHECKS", [*checks.CHECKS])
    checks._check("CS101")(late)
    list(checks.iter_problems(message))
    assert calls == [message]


def test_an_nhs_number_of_a_str_subclass_is_checked() -> None:
    """The traversal reads an NHS number held in a subclass of str, as the reference walk does."""

    class NhsText(str):
        __slots__ = ()

    message = _message()
    identifiers = attrs.evolve(message.subject.identifiers, nhs_number=NhsText("9990000019"))
    odd = attrs.evolve(message, subject=attrs.evolve(message.subject, identifiers=identifiers))
    assert ("/subject/identifiers/nhs_number", "9990000019") in checks.traverse(odd).nhs_numbers
    assert "CS101" in {p.code for p in checks.iter_problems(odd)}


def test_a_check_replaced_in_place_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks chosen for a body class are worked out again when a check is replaced, not only added."""
    message = _message()
    list(checks.iter_problems(message))
    calls: list[Message] = []

    def spy(checked: Message, _: dt.datetime | None) -> Iterator[Problem]:
        calls.append(checked)
        return iter(())

    replaced = [*checks.CHECKS]
    replaced[-1] = spy
    monkeypatch.setattr(checks, "CHECKS", replaced)
    list(checks.iter_problems(message))
    assert calls == [message]


def test_a_record_whose_version_is_not_a_version_gets_no_traceback() -> None:
    """A record made in Python with a format_version that is no version is checked without a ValueError."""
    message = attrs.evolve(_message(), format_version="0001-01-01")
    assert "CS140" not in {p.code for p in checks.iter_problems(message)}
