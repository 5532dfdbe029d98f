"""Cleaning a chronology's messages and entries: one copy per message, history applied, records merged, alike flagged.

Copies of one message (two views of it) count once; a superseding message
replaces the entries of the one it supersedes, keeping them as history; a
withdrawal marks the entries withdrawn (one withdrawn as "wrong child" shows
nothing but the fact), each only by the agency that sent the original;
entries from the same source record are merged, the latest kept with the
others as history; entries that are merely alike are kept and flagged.
:mod:`concernshare.chronology.build` applies them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import attrs

from concernshare.chronology.model import Entry, EntryState, Version
from concernshare.records import Message, PartialDate, WithdrawalBody, WithdrawalReason

__all__: list[str] = []


def _withheld(message: Message) -> tuple[int, tuple[str, ...]]:
    withheld = sorted(str(pointer) for pointer in message.view.withheld) if message.view else []
    return (len(withheld), tuple(withheld))


def _unique(messages: Iterable[Message]) -> list[Message]:
    """One copy per message id: the one that withholds least (two views of one message are one message).

    In order of creation, then id, whatever order the messages came in: the chronology depends only on which
    messages there are.
    """
    best: dict[str, Message] = {}
    for message in messages:
        key = str(message.id)
        current = best.get(key)
        if current is None or _withheld(message) < _withheld(current):
            best[key] = message
    return sorted(best.values(), key=lambda m: (m.created, str(m.id)))


def _wrong_child(messages: Iterable[Message]) -> set[str]:
    """The ids of messages withdrawn by their own sender as about the wrong child."""
    sender = {str(m.id): m.sender.agency for m in messages}
    return {
        str(m.body.message_id)
        for m in messages
        if isinstance(m.body, WithdrawalBody)
        and m.body.reason is WithdrawalReason.WRONG_CHILD
        and sender.get(str(m.body.message_id)) == m.sender.agency
    }


def _sort_key(entry: Entry) -> tuple[dt.date, dt.date, dt.datetime, str, str]:
    return (entry.event_date.earliest, entry.event_date.latest, entry.recorded, entry.agency, entry.id)


def _apply_history(messages: list[Message], entries: dict[str, list[Entry]]) -> None:
    """Supersession and withdrawal, each only by the agency that sent the original."""
    sender = {str(m.id): m.sender.agency for m in messages}
    for message in sorted(messages, key=lambda m: m.created):
        old = str(message.thread.supersedes) if message.thread.supersedes else None
        if old in entries and sender.get(old) == message.sender.agency and entries[str(message.id)]:
            replaced = entries.pop(old)
            head, *rest = entries[str(message.id)]
            earlier = [
                Version(message_id=e.message_id, summary=e.summary, recorded=e.recorded)
                for e in replaced
                if e.id.endswith("#")
            ]
            history = tuple(v for e in replaced for v in e.history) + tuple(earlier)
            entries[str(message.id)] = [attrs.evolve(head, history=history), *rest]
    for message in messages:
        body = message.body
        if not isinstance(body, WithdrawalBody):
            continue
        target = str(body.message_id)
        if target not in entries or sender.get(target) != message.sender.agency:
            continue
        if body.reason is WithdrawalReason.WRONG_CHILD:
            entries[target] = [
                Entry(
                    id=f"{target}#",
                    message_id=target,
                    message_type="withdrawal",
                    agency=message.sender.agency,
                    event_date=PartialDate(message.created.year, message.created.month, message.created.day),
                    recorded=message.created,
                    event_type="withdrawn",
                    summary="A message was withdrawn as about the wrong child; its content is not shown.",
                    state=EntryState.WITHDRAWN,
                    withdrawal_reason=body.reason,
                )
            ]
        else:
            entries[target] = [
                attrs.evolve(e, state=EntryState.WITHDRAWN, withdrawal_reason=body.reason) for e in entries[target]
            ]


def _merge_records(entries: list[Entry]) -> list[Entry]:
    """Entries from the same source record are one event: keep the latest, the others as history.

    Only entries that stand are merged: a withdrawn one stays as it is, marked, so that it neither hides a record
    another message still holds nor lends its text to the history of one that stands.
    """
    by_record: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    rest: list[Entry] = []
    for entry in entries:
        if entry.source_record_reference and entry.state is EntryState.CURRENT:
            by_record[(entry.agency, entry.source_record_reference)].append(entry)
        else:
            rest.append(entry)
    for group in by_record.values():
        if len(group) == 1:  # one entry from its record: nothing to merge
            rest.append(group[0])
            continue
        group.sort(key=lambda e: (e.recorded, e.id))
        *older, latest = group
        history = tuple(
            Version(message_id=e.message_id, summary=e.summary, recorded=e.recorded)
            for e in older
            if e.summary != latest.summary
        )
        rest.append(attrs.evolve(latest, history=latest.history + history))
    return rest


def _flag_alike(entries: list[Entry]) -> list[Entry]:
    """Entries alike in day, agency, kind and text, from different records: kept, and flagged."""
    groups: dict[tuple[object, ...], list[str]] = defaultdict(list)
    for entry in (e for e in entries if e.state is EntryState.CURRENT):
        key = (str(entry.event_date), entry.agency, entry.event_type, " ".join(entry.summary.lower().split()))
        groups[key].append(entry.id)
    alike = {i: tuple(j for j in ids if j != i) for ids in groups.values() if len(ids) > 1 for i in ids}
    return [attrs.evolve(e, possible_duplicates=alike[e.id]) if e.id in alike else e for e in entries]
