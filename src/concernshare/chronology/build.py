"""Build a child's chronology from many agencies' messages, or one for each child they are about.

Identity: entries join on the NHS number; a weaker match (name and birth date,
or a local id) is shown as probable, for a person to confirm, never merged;
conflicting identifiers are never merged; an unborn child's entries link to
the child after birth through the mother's NHS number and the expected date of
delivery. Cleaning: copies of one message (two views of it) count once;
entries from the same source record are merged, the latest kept with the
others as history; entries that are merely alike are kept and flagged.
Supersession and withdrawal act as the design says: a superseded entry shows
its latest version with its history; a withdrawn one is marked, and one
withdrawn as "wrong child" shows nothing but the fact. A household event
about another child living with the child (a domestic abuse incident at the
home) is in the child's chronology too, marked as such
(:mod:`concernshare.chronology.history`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import attrs

from concernshare.chronology._cleaning import (
    _apply_history,
    _flag_alike,
    _merge_records,
    _sort_key,
    _unique,
    _wrong_child,
)
from concernshare.chronology.extract import entries_of
from concernshare.chronology.history import homes, household_events, household_of
from concernshare.chronology.model import (
    CHRONOLOGY_VERSION,
    Chronology,
    ChronologyChild,
    Match,
    Unreadable,
)
from concernshare.chronology.patterns import Thresholds, find_patterns
from concernshare.errors import UsageError
from concernshare.records import Child, Message, Relationship
from concernshare.records.types import require_aware

__all__ = ["UNPLACED", "build_chronologies", "build_chronology"]

_BEFORE_BIRTH = dt.timedelta(weeks=10)
_AFTER_BIRTH = dt.timedelta(weeks=6)


def _name_key(child: Child) -> tuple[str, str] | None:
    names = [child.name, *child.known_as] if child.name else list(child.known_as)
    if child.birth_date is None or not names:
        return None
    first = names[0]
    if first is None or first.family is None:
        return None
    return (f"{(first.given or '').strip().lower()} {first.family.strip().lower()}", child.birth_date.isoformat())


def _local_ids(child: Child) -> set[tuple[str, str]]:
    return {(local.agency, local.value) for local in child.identifiers.local_ids}


def _parents(messages: Iterable[Message]) -> set[str]:
    return {
        person.identifiers.nhs_number
        for message in messages
        for person in message.subject.related_people
        if person.relationship is Relationship.PARENT and person.identifiers and person.identifiers.nhs_number
    }


def _target(messages: Sequence[Message], child: str | None, unborn_mother: str | None) -> str | None:
    if child is not None or unborn_mother is not None:
        return child
    numbers = Counter(m.subject.identifiers.nhs_number for m in messages if m.subject.identifiers.nhs_number)
    if len(numbers) > 1:
        raise UsageError("the messages are about more than one child: name one with --child NHS_NUMBER")
    if not numbers:
        raise UsageError(
            "no message gives the child's NHS number: name the child with --child, or an unborn "
            "child's mother with --unborn"
        )
    return next(iter(numbers))


def _linked(message: Message, mothers: set[str], born: dt.date | None) -> bool:
    subject = message.subject
    if not subject.unborn or subject.mother is None or subject.mother.nhs_number not in mothers:
        return False
    due = subject.expected_delivery_date
    return born is None or due is None or due - _BEFORE_BIRTH <= born <= due + _AFTER_BIRTH


@attrs.frozen
class _Index:
    """The messages (one copy of each) by what identifies their child, each list in the messages' order.

    ``wrong_child`` holds the messages withdrawn as about the wrong child: they are shown only as the fact of
    their withdrawal, and nothing in them is evidence of who the child is.
    """

    order: dict[str, int]
    wrong_child: set[str]
    home: dict[str, frozenset[str]]
    household: dict[str, list[tuple[Message, str]]]
    by_number: dict[str, list[Message]]
    by_name: dict[tuple[str, str], list[Message]]
    by_local: dict[tuple[str, str], list[Message]]
    unborn: dict[str, list[Message]]

    @classmethod
    def of(cls, unique: Sequence[Message]) -> _Index:
        wrong = _wrong_child(unique)
        home = homes(unique, wrong_child=frozenset(wrong))
        index = cls(
            {str(m.id): n for n, m in enumerate(unique)},
            wrong,
            home,
            household_events(unique, home, wrong_child=frozenset(wrong)),
            {},
            {},
            {},
            {},
        )
        for message in unique:
            subject = message.subject
            if subject.identifiers.nhs_number:
                index.by_number.setdefault(subject.identifiers.nhs_number, []).append(message)
            if (key := _name_key(subject)) is not None:
                index.by_name.setdefault(key, []).append(message)
            for local in _local_ids(subject):
                index.by_local.setdefault(local, []).append(message)
            if subject.unborn and subject.mother is not None and subject.mother.nhs_number:
                index.unborn.setdefault(subject.mother.nhs_number, []).append(message)
        return index

    def evidence(self, messages: Iterable[Message]) -> list[Message]:
        """The messages whose subject may tell who the child is: all but those withdrawn as the wrong child."""
        return [m for m in messages if str(m.id) not in self.wrong_child]

    def ordered(self, messages: Iterable[Message]) -> list[Message]:
        return sorted({str(m.id): m for m in messages}.values(), key=lambda m: self.order[str(m.id)])


def _joined(index: _Index, target: str | None, unborn_mother: str | None) -> tuple[list[Message], list[Message]]:
    """The messages about the child by its NHS number, and those about it before birth that link to it."""
    exact = index.by_number.get(target, []) if target is not None else []
    ids = {str(m.id) for m in exact}
    evidence = index.evidence(exact)
    born = next((m.subject.birth_date for m in evidence if m.subject.birth_date), None)
    mothers = _parents(evidence) | ({unborn_mother} if unborn_mother else set())
    linked = index.ordered(
        m
        for mother in mothers
        for m in index.unborn.get(mother, ())
        if str(m.id) not in ids and _linked(m, mothers, born)
    )
    return exact, linked


def _assemble(
    index: _Index,
    exact: list[Message],
    linked: list[Message],
    *,
    target: str | None,
    unborn_mother: str | None,
    generated: dt.datetime,
    unreadable: Sequence[Unreadable],
    thresholds: Thresholds | None,
    as_of: dt.datetime | None = None,
    agency_names: Mapping[str, str] | None = None,
) -> tuple[Chronology, set[str]]:
    """One child's chronology from its joined messages; and the ids of every message it shows (probable ones too)."""
    joined = exact + linked
    joined_ids = {str(m.id) for m in joined}
    evidence = index.evidence(exact)
    known_names = {key for m in evidence if (key := _name_key(m.subject))}
    known_ids = set().union(*(_local_ids(m.subject) for m in evidence)) if evidence else set()
    candidates = index.ordered(
        m
        for group in (*(index.by_name.get(k, ()) for k in known_names), *(index.by_local.get(i, ()) for i in known_ids))
        for m in group
        if str(m.id) not in joined_ids
    )
    probable: list[tuple[Message, str]] = []
    conflicts: list[str] = []
    for message in candidates:
        number, key = message.subject.identifiers.nhs_number, _name_key(message.subject)
        if number is not None:  # another NHS number: a clash of identifiers for a person to look at, never merged
            if (key is not None and key in known_names) or _local_ids(message.subject) & known_ids:
                conflicts.append(str(message.id))
        elif key is not None and key in known_names:
            probable.append((message, "same name and birth date, no NHS number"))
        elif _local_ids(message.subject) & known_ids:
            probable.append((message, "same local case-system id, no NHS number"))
    by_message = {str(m.id): list(entries_of(m)) for m in joined}
    for message in linked:
        by_message[str(message.id)] = [attrs.evolve(e, match=Match.UNBORN_LINK) for e in by_message[str(message.id)]]
    household = [(m, why) for m, why in index.household.get(target or "", ()) if str(m.id) not in joined_ids]
    for message, why in household:
        by_message[str(message.id)] = [household_of(e, why) for e in entries_of(message)]
    _apply_history(joined + [m for m, _ in household], by_message)
    entries = _flag_alike(_merge_records([e for group in by_message.values() for e in group]))
    entries.sort(key=_sort_key)
    if agency_names:
        entries = [attrs.evolve(e, agency_name=agency_names.get(e.agency)) for e in entries]
    maybe = sorted(
        (
            attrs.evolve(e, match=Match.PROBABLE, match_reason=reason, agency_name=(agency_names or {}).get(e.agency))
            for m, reason in probable
            for e in entries_of(m)
        ),
        key=_sort_key,
    )
    subject = evidence[0].subject if evidence else None
    names = sorted(
        {f"{(m.subject.name.given or '')} {(m.subject.name.family or '')}".strip() for m in evidence if m.subject.name}
    )
    chronology = Chronology(
        format_version=CHRONOLOGY_VERSION,
        generated=generated,
        child=ChronologyChild(
            nhs_number=target,
            mother_nhs_number=unborn_mother,
            birth_date=subject.birth_date if subject else None,
            names=tuple(n for n in names if n),
            household=tuple(sorted(index.home.get(target, ()))) if target is not None else (),
        ),
        entries=tuple(entries),
        probable=tuple(maybe),
        conflicts=tuple(sorted(conflicts)),
        patterns=find_patterns(entries, joined, as_of or _latest(joined, generated), thresholds or Thresholds()),
        unreadable=tuple(unreadable),
        agencies=tuple(dict.fromkeys(e.agency for e in entries)),
        statuses=tuple(sorted({m.status for m in joined})),
    )
    return chronology, joined_ids | {str(m.id) for m, _ in probable}


def _latest(messages: Sequence[Message], generated: dt.datetime) -> dt.datetime:
    """When patterns are judged without an explicit time: the latest message, never today for a historic record."""
    return max((m.created for m in messages), default=generated)


def build_chronology(
    messages: Iterable[Message],
    *,
    generated: dt.datetime,
    child: str | None = None,
    unborn_mother: str | None = None,
    unreadable: Sequence[Unreadable] = (),
    thresholds: Thresholds | None = None,
    as_of: dt.datetime | None = None,
    agency_names: Mapping[str, str] | None = None,
) -> Chronology:
    """Build the chronology of the child with NHS number ``child`` (or of an unborn child by its mother).

    Without either, the messages must be about one child by NHS number (for
    messages about several, see :func:`build_chronologies`). ``generated`` is
    the time the chronology is built. Patterns (overdue responses, missed
    statutory timescales) are judged at ``as_of`` or, without it, at the
    latest message's time: never at today's date for a historic record.
    ``agency_names`` (agency id to name, from the trust directory) puts each
    agency's name beside its id, so that people read names, not codes.
    Raises :class:`~concernshare.errors.UsageError` if the child cannot be
    told, :class:`~concernshare.errors.NaiveTime` if ``generated`` is naive.
    """
    require_aware(generated, "generated")
    unique = _unique(messages)
    target = _target(unique, child, unborn_mother)
    index = _Index.of(unique)
    exact, linked = _joined(index, target, unborn_mother)
    return _assemble(
        index,
        exact,
        linked,
        target=target,
        unborn_mother=unborn_mother,
        generated=generated,
        unreadable=unreadable,
        thresholds=thresholds,
        as_of=as_of,
        agency_names=agency_names,
    )[0]


#: The problem named for a message that joins no chronology of :func:`build_chronologies`.
UNPLACED: Final = (
    "names no NHS number for the child (nor, before birth, for the mother) and matches none of the "
    "children here by name and birth date or local id: it is in none of these chronologies"
)


def build_chronologies(
    messages: Iterable[Message],
    *,
    generated: dt.datetime,
    unreadable: Sequence[Unreadable] = (),
    thresholds: Thresholds | None = None,
    as_of: dt.datetime | None = None,
    agency_names: Mapping[str, str] | None = None,
) -> tuple[Chronology, ...]:
    """One chronology per child the messages are about, each built as :func:`build_chronology` builds it.

    Identities are never guessed or merged. Each NHS number among the
    messages' children has its own chronology, exactly the one
    ``build_chronology(messages, child=number)`` gives: its own probable
    matches and conflicts, and the messages about an unborn child that link to
    it by the mother's NHS number and the expected date of delivery. Messages
    about an unborn child that link to no child born form one chronology per
    mother, keyed by her NHS number (as ``--unborn`` gives it, less those
    linked to a born child).

    Every chronology lists all of ``unreadable``: any input that could not be
    read may have been about any of the children, so each may be incomplete.
    A message that joins no chronology (no NHS number for its child, nor for
    the mother of an unborn child, and no probable match to any child) is
    added to them too, named ``message <id>`` with the problem
    :data:`UNPLACED`: nothing is dropped silently.

    The chronologies are ordered by number of entries, most first, then by
    NHS number (the child's, or the mother's for an unborn child). The result
    is empty when no message identifies a child. Raises
    :class:`~concernshare.errors.NaiveTime` if ``generated`` is naive, nothing else.
    """
    require_aware(generated, "generated")
    unique = _unique(messages)
    index = _Index.of(unique)
    built: list[Chronology] = []
    placed: set[str] = set()
    linked_somewhere: set[str] = set()

    def assemble(exact: list[Message], linked: list[Message], number: str | None, mother: str | None) -> None:
        chronology, shown = _assemble(
            index,
            exact,
            linked,
            target=number,
            unborn_mother=mother,
            generated=generated,
            unreadable=(),
            thresholds=thresholds,
            as_of=as_of,
            agency_names=agency_names,
        )
        built.append(chronology)
        placed.update(shown)

    for number in index.by_number:
        exact, linked = _joined(index, number, None)
        assemble(exact, linked, number, None)
        linked_somewhere.update(str(m.id) for m in linked)
    for mother, group in index.unborn.items():
        own = [m for m in group if str(m.id) not in linked_somewhere and m.subject.identifiers.nhs_number is None]
        if own:
            assemble([], own, None, mother)
    unplaced = tuple(Unreadable(source=f"message {m.id}", problem=UNPLACED) for m in unique if str(m.id) not in placed)
    everything = (*unreadable, *unplaced)
    built.sort(
        key=lambda c: (
            -len(c.entries),
            c.child.nhs_number or c.child.mother_nhs_number or "",
            c.child.nhs_number is None,
        )
    )
    return tuple(attrs.evolve(c, unreadable=everything) for c in built)
