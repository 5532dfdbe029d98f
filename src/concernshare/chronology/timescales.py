"""Statutory timescale breaches in a chronology: an assessment past 45 working days, a conference held late.

Working Together to Safeguard Children 2023 (see :mod:`concernshare.deadlines`
for the timescales and their sources): a child and family assessment within 45
working days of the referral; an initial child protection conference within 15
working days of the strategy discussion at which the section 47 enquiry
started; a transfer-in conference within 15 working days of the notification;
the first review conference within three months of the initial one, later
ones within six months of the previous. Each breach is flagged with the
entry it is about; an explanation names dates and kinds, never a value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from concernshare import deadlines
from concernshare.chronology.model import Entry, EntryState, Pattern, PatternKind
from concernshare.records import (
    ChildProtectionConferenceBody,
    ConferenceDecision,
    ConferenceKind,
    DecisionBody,
    DecisionOutcome,
    Message,
    StrategyDiscussionBody,
)
from concernshare.records.types import utc_minute

__all__ = ["timescale_breaches"]

_ASSESSING = frozenset(
    {DecisionOutcome.CHILD_IN_NEED_ASSESSMENT, DecisionOutcome.STRATEGY_DISCUSSION, DecisionOutcome.SECTION_47_ENQUIRY}
)
_PLANNED = frozenset({ConferenceDecision.PLAN, ConferenceDecision.PLAN_CONTINUES})


def _breach(entry: Entry, what: str, due: dt.datetime, done: dt.datetime | None, at: dt.datetime) -> Pattern | None:
    if done is not None and done <= due:
        return None
    if done is None and at <= due:
        return None
    how = f"was held or concluded on {done.date()}" if done is not None else f"had not happened by {at.date()}"
    return Pattern(
        kind=PatternKind.TIMESCALE_BREACH,
        entries=(entry.id,),
        explanation=f"{what} was due by {utc_minute(due)} and {how}",
    )


def timescale_breaches(entries: Sequence[Entry], messages: Sequence[Message], at: dt.datetime) -> Iterator[Pattern]:
    """Every statutory timescale the messages show missed, judged at ``at``."""
    calendar = deadlines.WorkingCalendar()
    head = {e.message_id: e for e in entries if e.id.endswith("#") and e.state is EntryState.CURRENT}
    concluded: dict[str, dt.datetime] = {}
    conferences: list[tuple[dt.datetime, Message, ChildProtectionConferenceBody]] = []
    for message in messages:
        body = message.body
        if isinstance(body, DecisionBody) and body.assessment_concluded:
            key = str(body.concern_id)
            concluded[key] = min(concluded.get(key, body.decided_at), body.decided_at)
        if isinstance(body, ChildProtectionConferenceBody) and str(message.id) in head:
            conferences.append((body.held_at, message, body))
    conferences.sort(key=lambda item: item[0])
    for message in messages:
        entry, body = head.get(str(message.id)), message.body
        if entry is None:
            continue
        if isinstance(body, DecisionBody) and body.referral_at is not None and body.outcome in _ASSESSING:
            due = deadlines.due(deadlines.CHILD_AND_FAMILY_ASSESSMENT, body.referral_at, calendar=calendar)
            if (
                found := _breach(entry, "the child and family assessment", due, concluded.get(str(body.concern_id)), at)
            ) is not None:
                yield found
        if isinstance(body, StrategyDiscussionBody) and body.section_47_started:
            due = deadlines.due(deadlines.INITIAL_CHILD_PROTECTION_CONFERENCE, body.held_at, calendar=calendar)
            held = next(
                (when for when, _, c in conferences if c.kind is ConferenceKind.INITIAL and when >= body.held_at), None
            )
            if (found := _breach(entry, "the initial child protection conference", due, held, at)) is not None:
                yield found
    for index, (held, message, body) in enumerate(conferences):
        entry = head[str(message.id)]
        if body.kind is not ConferenceKind.REVIEW and body.clock_started_at is not None:
            timescale = (
                deadlines.TRANSFER_IN_CONFERENCE
                if body.kind is ConferenceKind.TRANSFER_IN
                else deadlines.INITIAL_CHILD_PROTECTION_CONFERENCE
            )
            due = deadlines.due(timescale, body.clock_started_at, calendar=calendar)
            if held > due:
                yield Pattern(
                    kind=PatternKind.TIMESCALE_BREACH,
                    entries=(entry.id,),
                    explanation=f"the {body.kind.value.replace('_', '-')} conference was due by "
                    f"{utc_minute(due)} and was held on {held.date()}",
                )
        if body.decision in _PLANNED:
            review = (
                deadlines.FIRST_REVIEW_CONFERENCE
                if body.kind is not ConferenceKind.REVIEW
                else deadlines.REVIEW_CONFERENCE
            )
            due = deadlines.due(review, held, calendar=calendar)
            following = conferences[index + 1][0] if index + 1 < len(conferences) else None
            if (found := _breach(entry, "the next review conference", due, following, at)) is not None:
                yield found
