"""The build rules of a chronology: supersession, withdrawal, identity, order, cleaning, usage and determinism.

Each test builds a small set of messages from ``_samples.MINIMAL`` (all people invented; NHS numbers from the
999 test range, which ``validate`` checks for their modulus-11 digit) and asserts exactly what
``build_chronology`` makes of them.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import itertools
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _samples import MINIMAL
from concernshare.chronology import Chronology, EntryState, Match, PatternKind, Version, build_chronology
from concernshare.chronology.export import to_json
from concernshare.errors import UsageError
from concernshare.records import Message, PartialDate, WithdrawalReason
from concernshare.validation import validate

GENERATED = dt.datetime(2014, 1, 1, tzinfo=dt.UTC)
ADA = "9990000018"  # MINIMAL's child
OTHER = "9990000026"  # another child
MOTHER = "9990000042"  # Ada's mother
HV, GP = "ods:RYV01/hv", "ods:Y99GP"
BORN = dt.date(2012, 8, 1)
Json = dict[str, Any]


def _id(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"


def _subject(
    *,
    nhs: str | None = ADA,
    name: tuple[str, str] | None = ("Ada", "Invented"),
    birth: str | None = BORN.isoformat(),
    local: str | None = "EX-A-1",
) -> Json:
    """A born child, with Ada's mother as the parent (so that an unborn sibling's messages can link)."""
    subject: Json = {
        "identifiers": {},
        "related_people": [
            {
                "relationship": "parent",
                "name": {"given": "Bea", "family": "Invented"},
                "identifiers": {"nhs_number": MOTHER},
                "parental_responsibility": "yes",
                "lives_with_child": "yes",
            }
        ],
    }
    if nhs:
        subject["identifiers"]["nhs_number"] = nhs
    if local:
        subject["identifiers"]["local_ids"] = [{"agency": "la:E06000032", "value": local}]
    if name:
        subject["name"] = {"given": name[0], "family": name[1]}
    if birth:
        subject["birth_date"] = birth
    return subject


def _observation(text: str, day: str = "2013-05-20") -> Json:
    return {"observed": day, "observed_by": "Health visitor", "child_seen": True, "source": "seen", "description": text}


def _missed(day: str = "2013-05-22", ref: str | None = None, appointment: str = "Weight review") -> Json:
    return {
        "date": day,
        "service": "Health visiting",
        "appointment": appointment,
        "kind": "was_not_brought",
        "impact_on_child": "Growth went unmeasured.",
        "challenged": False,
        **({"source_record_reference": ref} if ref else {}),
    }


def _concern(summary: str, *, observations: tuple[Json, ...] = (), missed: tuple[Json, ...] = ()) -> Json:
    return {**MINIMAL["body"], "summary": summary, "observations": list(observations), "non_engagement": list(missed)}


def _item(day: str, summary: str, *, recorded: str = "2013-07-01", ref: str | None = None) -> Json:
    """One entry of a GP's chronology message."""
    return {
        "event_date": day,
        "recorded_date": recorded,
        "source_agency": GP,
        "author_role": "GP",
        "event_type": "appointment",
        "summary": summary,
        "significance": "Growth checked.",
        "child_seen": "yes",
        "impact": "neutral",
        **({"source_record_reference": ref} if ref else {}),
    }


def _message(
    number: int,
    body: Json | None = None,
    *,
    type: str = "concern",
    agency: str = HV,
    day: int = 3,
    created: str | None = None,
    subject: Json | None = None,
    thread: Json | None = None,
    view: Json | None = None,
) -> Message:
    """A valid message (``validate`` passes it), written at 10:00 UTC on ``day`` June 2013 unless ``created``."""
    document = copy.deepcopy(MINIMAL)
    when = created or f"2013-06-{day:02d}T10:00:00Z"
    document.update(
        id=_id(number),
        type=type,
        created=when,
        subject=subject or _subject(),
        body=body or _concern(f"Concern {number}."),
    )
    document["sender"]["agency"] = agency
    document["sharing_decision"]["decided_at"] = when
    document.update({k: v for k, v in (("thread", thread), ("view", view)) if v is not None})
    return validate(json.dumps(document))


def _withdrawal(number: int, target: int, reason: str, *, agency: str = HV, day: int = 20) -> Message:
    return _message(number, {"message_id": _id(target), "reason": reason}, type="withdrawal", agency=agency, day=day)


def _build(*messages: Message, **options: Any) -> Chronology:
    return build_chronology(messages, generated=GENERATED, **options)


def _ids(chronology: Chronology) -> set[str]:
    return {e.message_id for e in chronology.entries}


# 1. Supersession


def test_a_superseded_entry_shows_its_latest_version_with_the_earlier_ones_as_history() -> None:
    """A chain of supersessions by the sending agency leaves the latest entry, the others as history, oldest first."""
    first = _message(1, _concern("First version."), day=3)
    second = _message(2, _concern("Second version."), day=4, thread={"supersedes": _id(1)})
    third = _message(3, _concern("Third version."), day=5, thread={"supersedes": _id(2)})
    chronology = _build(third, first, second)
    assert [(e.id, e.summary) for e in chronology.entries] == [(f"{_id(3)}#", "Third version.")]
    assert chronology.entries[0].history == (
        Version(message_id=_id(1), summary="First version.", recorded=first.created),
        Version(message_id=_id(2), summary="Second version.", recorded=second.created),
    )


def test_another_agencys_supersedes_replaces_nothing() -> None:
    """A message from another agency that claims to supersede one it did not send stands beside it."""
    original = _message(1, _concern("Health visiting's concern."))
    claimed = _message(2, _concern("The GP's concern."), agency=GP, day=4, thread={"supersedes": _id(1)})
    chronology = _build(original, claimed)
    assert [(e.message_id, e.summary, e.history) for e in chronology.entries] == [
        (_id(1), "Health visiting's concern.", ()),
        (_id(2), "The GP's concern.", ()),
    ]


# 2. Withdrawal


def test_a_withdrawn_message_is_marked_not_removed() -> None:
    """Every entry of a message withdrawn by its sender stays, marked withdrawn with the reason, its text intact."""
    chronology = _build(
        _message(1, _concern("Weight falling.", observations=(_observation("Thin."),))), _withdrawal(2, 1, "retracted")
    )
    assert [(e.id, e.summary, e.state, e.withdrawal_reason) for e in chronology.entries] == [
        (f"{_id(1)}#/body/observations/0", "Thin.", EntryState.WITHDRAWN, WithdrawalReason.RETRACTED),
        (f"{_id(1)}#", "Weight falling.", EntryState.WITHDRAWN, WithdrawalReason.RETRACTED),
    ]
    assert [p.entries for p in chronology.patterns if p.kind is PatternKind.WITHDRAWN_CONCERN] == [(f"{_id(1)}#",)]


def test_a_message_withdrawn_as_wrong_child_shows_nothing_but_the_fact() -> None:
    """Withdrawn as "wrong child", a message is one bare entry: no summary, observation or missed contact of it."""
    secrets = ("Bruise on the left cheek.", "Seen crying at the gate.", "Dental check", "HV-SECRET-1")
    original = _message(
        2,
        _concern(
            secrets[0],
            observations=(_observation(secrets[1]),),
            missed=(_missed(appointment=secrets[2], ref=secrets[3]),),
        ),
    )
    chronology = _build(_message(1), original, _withdrawal(3, 2, "wrong_child"))
    withdrawn = [e for e in chronology.entries if e.message_id == _id(2)]
    assert len(withdrawn) == 1
    entry = withdrawn[0]
    assert (entry.id, entry.state, entry.withdrawal_reason) == (
        f"{_id(2)}#",
        EntryState.WITHDRAWN,
        WithdrawalReason.WRONG_CHILD,
    )
    assert (entry.significance, entry.author_role, entry.source_record_reference, entry.history) == (
        None,
        None,
        None,
        (),
    )
    exported = to_json(chronology).decode()
    assert [s for s in secrets if s in exported] == []


def test_a_wrong_child_withdrawal_leaves_nothing_of_the_other_childs_identity() -> None:
    """The name and birth date on a message withdrawn as "wrong child" name no one in the chronology and make no
    probable match."""
    wrong = _message(
        1, _concern("About another child."), subject=_subject(name=("Ava", "Mistaken"), birth="2011-02-02")
    )
    other = _message(4, subject=_subject(nhs=None, name=("Ava", "Mistaken"), birth="2011-02-02", local=None))
    chronology = _build(wrong, _message(2), _withdrawal(3, 1, "wrong_child"), other)
    assert chronology.child.names == ("Ada Invented",)
    assert chronology.child.birth_date == BORN
    assert chronology.probable == ()


def test_only_the_sending_agency_can_withdraw() -> None:
    """A withdrawal from another agency than the sender leaves the entry current."""
    chronology = _build(_message(1), _withdrawal(2, 1, "entered_in_error", agency=GP))
    assert [(e.id, e.state, e.withdrawal_reason) for e in chronology.entries] == [
        (f"{_id(1)}#", EntryState.CURRENT, None)
    ]


# 3. Identity


def test_weaker_matches_are_probable_with_their_reason_never_entries() -> None:
    """Only the NHS number joins; name and birth date, or a local id, without an NHS number is a probable match."""
    by_name = _message(2, subject=_subject(nhs=None, local=None))
    by_local = _message(3, subject=_subject(nhs=None, name=("Addy", "Otherwise")))
    stranger = _message(4, subject=_subject(nhs=None, name=("Sam", "Nobody"), local="EX-Z-9"))
    chronology = _build(_message(1), by_name, by_local, stranger)
    assert _ids(chronology) == {_id(1)}
    assert all(e.match is Match.NHS_NUMBER for e in chronology.entries)
    assert {(e.message_id, e.match, e.match_reason) for e in chronology.probable} == {
        (_id(2), Match.PROBABLE, "same name and birth date, no NHS number"),
        (_id(3), Match.PROBABLE, "same local case-system id, no NHS number"),
    }
    assert chronology.conflicts == ()


def test_conflicting_identifiers_are_never_merged() -> None:
    """Ada's name and birth date, or her local id, with another NHS number never join, and each is a conflict."""
    twin = _message(2, subject=_subject(nhs=OTHER, local=None))
    clash = _message(3, subject=_subject(nhs=OTHER, name=("Max", "Other"), birth="2010-01-01"))
    chronology = _build(_message(1), twin, clash, child=ADA)
    assert _ids(chronology) == {_id(1)}
    assert chronology.probable == ()
    assert chronology.conflicts == (_id(2), _id(3))


@pytest.mark.parametrize(
    ("due_after_birth", "linked"),
    [(19, True), (70, True), (71, False), (-42, True), (-43, False), (300, False), (-300, False)],
)
def test_an_unborn_childs_messages_link_only_when_born_near_the_due_date(due_after_birth: int, linked: bool) -> None:
    """Through the mother's NHS number, before-birth messages link if the birth is 10 weeks before to 6 weeks after
    the expected delivery date, and otherwise stay out."""
    due = BORN + dt.timedelta(days=due_after_birth)
    unborn = _message(
        2,
        _concern("Late booking."),
        created="2012-03-01T10:00:00Z",
        subject={"unborn": True, "expected_delivery_date": due.isoformat(), "mother": {"nhs_number": MOTHER}},
    )
    chronology = _build(_message(1), unborn)
    assert {(e.message_id, e.match) for e in chronology.entries} == {
        (_id(1), Match.NHS_NUMBER),
        *([(_id(2), Match.UNBORN_LINK)] if linked else []),
    }
    assert chronology.probable == ()


# 4. Order


def test_partial_dates_order_by_earliest_then_latest_and_stay_partial() -> None:
    """A year or month sorts by its first day, then its last: 2013-01-01, 2013-01, 2013; each keeps its precision."""
    days = [
        "2013-05",
        "2013",
        "2013-06-01",
        "2012-12",
        "2013-05-14",
        "2013-01",
        "2013-01-01",
        "2013-04-30",
        "2013-05-01",
    ]
    gp = _message(
        1,
        {"entries": [_item(d, f"Event {n}.") for n, d in enumerate(days)]},
        type="chronology",
        agency=GP,
        created="2013-07-02T10:00:00Z",
    )
    entries = [e for e in _build(gp).entries if e.event_type == "appointment"]
    assert [str(e.event_date) for e in entries] == [
        "2012-12",
        "2013-01-01",
        "2013-01",
        "2013",
        "2013-04-30",
        "2013-05-01",
        "2013-05",
        "2013-05-14",
        "2013-06-01",
    ]
    assert [e.event_date.precision for e in entries] == [
        "month",
        "day",
        "month",
        "year",
        "day",
        "day",
        "month",
        "day",
        "day",
    ]
    assert entries[3].event_date == PartialDate(2013)


# 5. Cleaning


def test_copies_of_one_message_count_once_keeping_the_one_that_withholds_least() -> None:
    """Whatever their order, a full copy and two views of one message give its entries once, from the full copy;
    of two views, the one withholding less."""
    body = _concern(
        "Weight falling.", observations=(_observation("At clinic.", "2013-05-02"), _observation("At home."))
    )
    full = _message(1, body)
    gone = [{"pointer": f"/body/observations/{n}", "reason": "not_needed_for_role"} for n in (1, 0)]
    one = _message(1, {**body, "observations": body["observations"][:1]}, view={"name": "health", "withheld": gone[:1]})
    both = _message(1, {**body, "observations": []}, view={"name": "education", "withheld": gone})
    for order in itertools.permutations([full, one, both]):
        assert [e.summary for e in _build(*order).entries] == ["At clinic.", "At home.", "Weight falling."]
    for order in itertools.permutations([one, both]):
        assert [e.summary for e in _build(*order).entries] == ["At clinic.", "Weight falling."]


def test_entries_from_one_source_record_merge_keeping_the_latest() -> None:
    """The same record sent twice by its agency is one entry: the latest recorded, the earlier as history; another
    agency's record with the same reference is another record."""
    june = _message(
        1,
        {"entries": [_item("2013-05-20", "Seen; 8.9 kg.", recorded="2013-05-20", ref="EMIS-1")]},
        type="chronology",
        agency=GP,
        day=10,
    )
    july = _message(
        2,
        {"entries": [_item("2013-05-20", "Seen; 8.9 kg (corrected).", recorded="2013-06-30", ref="EMIS-1")]},
        type="chronology",
        agency=GP,
        day=30,
    )
    elsewhere = _message(3, _concern("Not brought.", missed=(_missed(ref="EMIS-1"),)), day=30)
    chronology = _build(july, elsewhere, june)
    entries = [e for e in chronology.entries if e.event_type == "appointment"]
    assert [(e.id, e.summary) for e in entries] == [(f"{_id(2)}#/body/entries/0", "Seen; 8.9 kg (corrected).")]
    assert [(e.agency, e.history) for e in chronology.entries if e.event_type == "non_engagement"] == [(HV, ())]
    assert entries[0].history == (
        Version(message_id=_id(1), summary="Seen; 8.9 kg.", recorded=dt.datetime(2013, 5, 20, tzinfo=dt.UTC)),
    )


def test_entries_merely_alike_are_all_kept_counted_and_flagged() -> None:
    """Missed appointments alike in day, agency and text but from different records are all kept, each naming the
    others as possible duplicates, and all are counted in the pattern."""
    first = _message(1, _concern("Not brought.", missed=(_missed(ref="A-1"), _missed(ref="A-2"), _missed())))
    second = _message(2, _concern("Not brought again.", missed=(_missed(),)), day=4)
    chronology = _build(first, second)
    missed = {e.id: e for e in chronology.entries if e.event_type == "non_engagement"}
    assert len(missed) == 4
    for entry in missed.values():
        assert set(entry.possible_duplicates) == set(missed) - {entry.id}
    repeated = [p for p in chronology.patterns if p.kind is PatternKind.REPEATED_NON_ENGAGEMENT]
    assert [set(p.entries) for p in repeated] == [set(missed)]


def test_a_withdrawn_duplicate_does_not_hide_the_standing_missed_appointment() -> None:
    """An update sent twice, the second withdrawn as a duplicate, still leaves its missed appointment current."""
    update: Json = {
        "concern_id": _id(1),
        "what_changed": "Not brought again.",
        "non_engagement": [_missed(ref="HV-APPT-1")],
    }
    messages = (
        _message(1),
        _message(2, update, type="update", day=5),
        _message(3, update, type="update", day=6),
        _withdrawal(4, 3, "duplicate"),
    )
    chronology = _build(*messages)
    current = [e for e in chronology.entries if e.event_type == "non_engagement" and e.state is EntryState.CURRENT]
    assert [(e.message_id, e.source_record_reference) for e in current] == [(_id(2), "HV-APPT-1")]
    withdrawn = [e for e in chronology.entries if e.state is EntryState.WITHDRAWN]
    assert {(e.message_id, e.withdrawal_reason) for e in withdrawn} == {(_id(3), WithdrawalReason.DUPLICATE)}
    assert all(not e.history for e in current)  # the withdrawn copy lends nothing to the one that stands


# 6. Usage


def test_several_children_with_none_named_is_a_usage_error() -> None:
    """Without ``child``, messages about two NHS numbers are refused; naming one builds its chronology."""
    messages = (_message(1), _message(2, subject=_subject(nhs=OTHER, name=("Max", "Other"), local=None)))
    with pytest.raises(UsageError, match="more than one child: name one with --child"):
        _build(*messages)
    assert _ids(_build(*messages, child=OTHER)) == {_id(2)}


def test_no_nhs_number_is_a_usage_error_saying_what_to_do() -> None:
    """Messages that give no NHS number are refused with a message naming --child and --unborn."""
    with pytest.raises(
        UsageError,
        match=r"no message gives the child's NHS number: name the child with --child, "
        r"or an unborn child's mother with --unborn",
    ):
        _build(_message(1, subject=_subject(nhs=None)))


# 7. Determinism


@functools.cache
def _everything() -> tuple[Message, ...]:
    """Messages that exercise every rule at once: supersession, withdrawal, views, weak matches, an unborn link,
    partial dates, a merged record, alike entries and two concerns still waiting for a decision."""
    gp = [_item(d, f"Event {d}.", ref=f"EMIS-{d}") for d in ("2013", "2013-05", "2013-05-14")]
    body = _concern("Concern 9.", observations=(_observation("Seen."),))
    return (
        _message(1, _concern("First.", missed=(_missed(),))),
        _message(2, _concern("Second.", missed=(_missed(), _missed())), day=4, thread={"supersedes": _id(1)}),
        _message(3, _concern("Again.", missed=(_missed(),)), day=5),
        _message(4, _concern("Withdrawn.")),
        _withdrawal(5, 4, "duplicate"),
        _message(6, _concern("Wrong child.")),
        _withdrawal(7, 6, "wrong_child", day=21),
        _message(8, {"entries": gp}, type="chronology", agency=GP, created="2013-07-10T10:00:00Z"),
        _message(9, body),
        _message(
            9,
            {**body, "observations": []},
            view={"name": "health", "withheld": [{"pointer": "/body/observations/0", "reason": "not_needed_for_role"}]},
        ),
        _message(
            10,
            {"entries": [_item("2013-05", "Event 2013-05, corrected.", recorded="2013-07-05", ref="EMIS-2013-05")]},
            type="chronology",
            agency=GP,
            created="2013-07-11T10:00:00Z",
        ),
        _message(11, subject=_subject(nhs=None, local=None)),
        _message(12, subject=_subject(nhs=OTHER, local=None)),
        _message(13, subject=_subject(nhs=None, name=("Addy", "Otherwise"))),
        _message(
            14,
            created="2012-03-01T10:00:00Z",
            subject={"unborn": True, "expected_delivery_date": "2012-08-10", "mother": {"nhs_number": MOTHER}},
        ),
    )


@functools.cache
def _same_record_twice() -> tuple[Message, ...]:
    """The same GP record (same reference and recorded date) in two chronology messages, and two open concerns."""
    gp = {"entries": [_item("2013-05-20", "Seen.", recorded="2013-05-20", ref="EMIS-1")]}
    return (
        _message(1),
        _message(2, day=4),
        _message(3, gp, type="chronology", agency=GP, day=10),
        _message(4, gp, type="chronology", agency=GP, day=11),
    )


def _orders(messages: tuple[Message, ...]) -> list[tuple[Message, ...]]:
    """Fixed reorderings: every rotation, and the reverse."""
    return [*(messages[k:] + messages[:k] for k in range(1, len(messages))), messages[::-1]]


@settings(max_examples=25)
@given(order=st.permutations(range(len(_everything()))))
def test_the_rules_do_not_depend_on_the_order_of_the_messages(order: list[int]) -> None:
    """The whole chronology, the order of possible duplicates and patterns included, is the same for the messages
    in any order."""
    expected = _build(*_everything(), child=ADA)
    assert _build(*(_everything()[n] for n in order), child=ADA) == expected


def test_the_kept_copy_of_a_record_sent_twice_does_not_depend_on_the_order() -> None:
    """A record sent twice with one recorded date keeps the same copy, and open concerns are listed the same, in
    every order."""
    for messages in (_everything(), _same_record_twice()):
        expected = _build(*messages, child=ADA)
        for order in _orders(messages):
            assert _build(*order, child=ADA) == expected
