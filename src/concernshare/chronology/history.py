"""The household: events that concern every child of a home, and the household chronology beside each child's.

A domestic abuse incident concerns every child living in the home, not only the
child a police notification is about. Since the Domestic Abuse Act 2021, s3(2),
a child who "sees or hears, or experiences the effects of" domestic abuse, and
is related to the abuser or the person abused, is a victim of it in their own
right. So the entries of a household event (:data:`HOUSEHOLD_EVENTS`) about one
child also appear in the chronology of every other child:

* the message names, by NHS number, among the people in the child's life
  (a sibling, or any related person who is a child), unless it records that
  they do not live with the child; or
* the messages record, by NHS number, as living with the child
  (``lives_with_child`` 'yes' on any message about either child).

Such an entry keeps its id and its words, and is marked ``household`` with the
reason in words; it is shown in the timeline and the tables like any other. The
household chronology (:func:`build_households`) puts the chronologies of the
children who live together side by side: every entry once, with the children
whose chronologies hold it.

Nothing is guessed: a child is linked to another only by an NHS number a
message gives; a message withdrawn as about the wrong child links nobody.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Final

import attrs

from concernshare.chronology.model import (
    CHRONOLOGY_VERSION,
    Chronology,
    ChronologyChild,
    Entry,
    Match,
    Unreadable,
    words,
)
from concernshare.records import Message, RelatedPerson, Relationship, WithdrawalBody
from concernshare.records._fields import field
from concernshare.records.codes import AgeGroup, Relation, Status, YesNoUnknown

__all__ = [
    "HOUSEHOLD_EVENTS",
    "Household",
    "HouseholdEntry",
    "build_households",
    "homes",
    "household_events",
    "household_of",
]

#: The message types whose events concern every child of the household, not only the child they are about.
HOUSEHOLD_EVENTS: Final = frozenset({"domestic_abuse_notification"})
_ADULT: Final = 18  # years: a "child" in the Domestic Abuse Act 2021, s3(4), and the Children Act 1989, s105
_NHS: Final = "^[0-9]{10}$"


#: The relations to the child (format 1.1) that name another child where neither age nor birth date is given.
_CHILD_RELATIONS: Final = frozenset(
    {Relation.SIBLING, Relation.HALF_SIBLING, Relation.STEP_SIBLING, Relation.OTHER_CHILD}
)


def _is_child(person: RelatedPerson, on: dt.date) -> bool:
    if person.birth_date is not None:
        born = person.birth_date
        return (on.year - born.year - ((on.month, on.day) < (born.month, born.day))) < _ADULT
    if person.age_group is not None:
        return person.age_group is AgeGroup.CHILD
    return person.relationship is Relationship.SIBLING or person.relation in _CHILD_RELATIONS


def _children_named(message: Message) -> Iterator[tuple[str, YesNoUnknown]]:
    """The other children a message names by NHS number, each with whether they live with its child."""
    own = message.subject.identifiers.nhs_number
    on = message.created.date()
    for person in message.subject.related_people:
        number = person.identifiers.nhs_number if person.identifiers else None
        if number and number != own and _is_child(person, on):
            yield number, person.lives_with_child


def _superseded(messages: Sequence[Message]) -> frozenset[str]:
    """The ids of the messages a later version from their own sender replaces: their latest version speaks for them."""
    senders = {str(m.id): m.sender.agency for m in messages}
    return frozenset(
        str(m.thread.supersedes)
        for m in messages
        if m.thread.supersedes is not None and senders.get(str(m.thread.supersedes)) == m.sender.agency
    )


def homes(messages: Iterable[Message], *, wrong_child: frozenset[str] = frozenset()) -> dict[str, frozenset[str]]:
    """For each child's NHS number, the other children the messages record as living with them.

    A child is recorded as living with another where a message about either
    names the other by NHS number with ``lives_with_child`` 'yes', or where a
    household event (:data:`HOUSEHOLD_EVENTS`) names them without saying
    they live elsewhere. The relation goes both ways. Messages whose ids are
    in ``wrong_child`` (withdrawn as about the wrong child), and messages a
    later version from their sender replaces, count for nothing. Raises
    nothing.
    """
    messages = list(messages)
    ignored = wrong_child | _superseded(messages)
    linked: dict[str, set[str]] = defaultdict(set)
    for message in messages:
        own = message.subject.identifiers.nhs_number
        if own is None or str(message.id) in ignored:
            continue
        event = message.type in HOUSEHOLD_EVENTS
        for number, lives in _children_named(message):
            if lives is YesNoUnknown.YES or (event and lives is not YesNoUnknown.NO):
                linked[own].add(number)
                linked[number].add(own)
    return {number: frozenset(others) for number, others in linked.items()}


def household_events(
    messages: Sequence[Message],
    home: Mapping[str, frozenset[str]],
    *,
    wrong_child: frozenset[str] = frozenset(),
) -> dict[str, list[tuple[Message, str]]]:
    """For each child's NHS number, the messages about other children whose events concern them too, with reasons.

    Each is a household event (:data:`HOUSEHOLD_EVENTS`) about another child
    that names the child (unless it records that they live elsewhere) or
    whose child ``home`` records as living with them; with them come the
    withdrawals of those messages by their senders, so that a withdrawn event
    shows as withdrawn. A message a later version from its sender replaces is
    judged by that version alone (a correction saying a child lives elsewhere
    takes the event out of that child's chronology). Each list is in the
    order of ``messages``; one pass over them, whatever the number of
    children. Raises nothing.
    """
    versions = _superseded(messages)
    ignored = wrong_child | versions
    found: dict[str, dict[str, tuple[Message, str]]] = defaultdict(dict)
    shared: dict[str, tuple[str, list[str]]] = {}
    for message in messages:
        own = message.subject.identifiers.nhs_number
        if message.type not in HOUSEHOLD_EVENTS or own is None or str(message.id) in ignored:
            continue
        named = dict(_children_named(message))
        children = [c for c in dict.fromkeys([*named, *sorted(home.get(own, ()))]) if c != own]
        for child in children:
            if named.get(child) is YesNoUnknown.NO:
                continue
            how = (
                "and names this child as one of the children of the home"
                if child in named
                else "who is recorded as living with this child"
            )
            found[child][str(message.id)] = (
                message,
                f"a household event: the {words(message.type)} is about another child (NHS number "
                f"{own}) {how}; a child who sees or hears, or experiences the effects of, domestic abuse is a victim "
                "of it (Domestic Abuse Act 2021, s3)",
            )
            shared.setdefault(str(message.id), (message.sender.agency, []))[1].append(child)
    by_id = {str(m.id): m for m in messages}
    for events in found.values():  # the versions a shared event replaces come with it, so it shows its history
        for message, why in list(events.values()):
            earlier = message.thread.supersedes
            while earlier is not None and str(earlier) in versions and str(earlier) in by_id:
                events.setdefault(str(earlier), (by_id[str(earlier)], why))
                earlier = by_id[str(earlier)].thread.supersedes
    for message in messages:
        body = message.body
        if isinstance(body, WithdrawalBody) and str(body.message_id) in shared:
            sender, children = shared[str(body.message_id)]
            if sender == message.sender.agency:
                for child in children:
                    found[child][str(message.id)] = (message, "the withdrawal of a household event")
    order = {str(m.id): index for index, m in enumerate(messages)}
    return {child: sorted(events.values(), key=lambda pair: order[str(pair[0].id)]) for child, events in found.items()}


def household_of(entry: Entry, reason: str) -> Entry:
    """``entry`` as it appears in the chronology of another child of the household.

    Marked ``household`` with ``reason``; whether the child was seen is
    unknown, since the message says so only of the child it is about. Raises
    nothing.
    """
    return attrs.evolve(entry, match=Match.HOUSEHOLD, match_reason=reason[:500], child_seen=YesNoUnknown.UNKNOWN)


@attrs.frozen(kw_only=True)
class HouseholdEntry:
    """One entry of the household chronology, with the children whose chronologies hold it."""

    children: tuple[str, ...] = field(
        "The NHS numbers of the children in whose chronologies the entry is, in the household's order.",
        min_items=1,
        pattern=_NHS,
        max_length=10,
    )
    entry: Entry = field("The entry, as it stands in the chronology of the child it is about.")


@attrs.frozen(kw_only=True)
class Household:
    """The chronologies of the children who live together, side by side: every entry once."""

    format_version: str = field(
        "The chronology export format version (the household export is new in 1.1).",
        pattern="^1[.](0|[1-9][0-9]{0,3})$",
        max_length=6,
    )
    generated: dt.datetime = field("When the household chronology was built.")
    children: tuple[ChronologyChild, ...] = field(
        "The children of the household, each as their own chronology names them.", min_items=1
    )
    entries: tuple[HouseholdEntry, ...] = field("Every entry of the children's chronologies once, in order.")
    unreadable: tuple[Unreadable, ...] = field("Inputs that could not be used.", default=())
    statuses: tuple[Status, ...] = field(
        "The statuses of the messages the chronologies were built from; a report built from exercise or test "
        "messages says so.",
        default=(),
    )


def _groups(chronologies: Sequence[Chronology]) -> list[list[Chronology]]:
    """The chronologies of children linked, directly or through another child, as living together."""
    by_number = {c.child.nhs_number: c for c in chronologies if c.child.nhs_number}
    seen: set[str] = set()
    groups: list[list[Chronology]] = []
    for chronology in chronologies:
        start = chronology.child.nhs_number
        if start is None or start in seen:
            continue
        group, todo = [], [start]
        while todo:
            number = todo.pop()
            if number in seen or number not in by_number:
                continue
            seen.add(number)
            group.append(by_number[number])
            todo.extend(by_number[number].child.household)
        groups.append(sorted(group, key=chronologies.index))
    return groups


def _sort_key(item: HouseholdEntry) -> tuple[dt.date, dt.date, dt.datetime, str, str]:
    entry = item.entry
    return (entry.event_date.earliest, entry.event_date.latest, entry.recorded, entry.agency, entry.id)


def _household(group: Sequence[Chronology], generated: dt.datetime) -> Household:
    holders: dict[str, list[str]] = defaultdict(list)
    own: dict[str, Entry] = {}
    for chronology in group:
        number = chronology.child.nhs_number or ""
        for entry in chronology.entries:
            holders[entry.id].append(number)
            if entry.id not in own or own[entry.id].match is Match.HOUSEHOLD:
                own[entry.id] = entry
    entries = sorted(
        (HouseholdEntry(children=tuple(holders[key]), entry=entry) for key, entry in own.items()), key=_sort_key
    )
    return Household(
        format_version=CHRONOLOGY_VERSION,
        generated=generated,
        children=tuple(c.child for c in group),
        entries=tuple(entries),
        unreadable=group[0].unreadable,
        statuses=tuple(sorted({s for c in group for s in c.statuses})),
    )


def build_households(
    chronologies: Sequence[Chronology], *, generated: dt.datetime, child: str | None = None
) -> tuple[Household, ...]:
    """The household chronologies of the children whose chronologies are given.

    Children are in one household when their chronologies record them as
    living together (``child.household``), directly or through another child.
    Without ``child``, every household of two children or more, in the order
    of the chronologies given; with it, only that child's household (a
    household of one where none is recorded), or none if no chronology is that
    child's. A chronology begun before birth (no NHS number of its own) is in
    none. Raises nothing.
    """
    groups = _groups(chronologies)
    if child is not None:
        return tuple(_household(g, generated) for g in groups if any(c.child.nhs_number == child for c in g))
    return tuple(_household(g, generated) for g in groups if len(g) > 1)
