"""Patterns across a chronology, each with configurable thresholds and the entries behind it.

No explanation names a personal value: counts, kinds of event, agencies and
dates only.
"""

from __future__ import annotations

import bisect
import collections
import datetime as dt
import itertools
from collections.abc import Iterator, Sequence

import attrs

from concernshare import deadlines
from concernshare.chronology.model import Entry, EntryState, Pattern, PatternKind, first_written, words
from concernshare.chronology.neglect import neglect_patterns
from concernshare.chronology.timescales import timescale_breaches
from concernshare.records import (
    AssessmentSummaryBody,
    DecisionBody,
    DecisionOutcome,
    EscalationBody,
    InformationRequestBody,
    InformationResponseBody,
    Message,
    NonEngagementKind,
    YesNoUnknown,
)
from concernshare.records.types import require_aware, utc_minute

__all__ = ["Thresholds", "find_patterns"]

#: Every kind of missed contact counts: cancellations and refusals too, since repeated cancelling and
#: rescheduling may be disguised compliance (RCGP and NSPCC on "was not brought"; DOMAIN.md section 3).
_MISSED = frozenset(NonEngagementKind)
_ASSESSING = frozenset(
    {
        DecisionOutcome.CHILD_IN_NEED_ASSESSMENT,
        DecisionOutcome.STRATEGY_DISCUSSION,
        DecisionOutcome.SECTION_47_ENQUIRY,
        DecisionOutcome.IMMEDIATE_PROTECTION,
    }
)


@attrs.frozen(kw_only=True)
class Thresholds:
    """When a pattern is flagged; every number can be set locally."""

    missed_contacts: int = 3
    missed_window: dt.timedelta = dt.timedelta(days=90)
    concerns_without_assessment: int = 2
    unseen_gap: dt.timedelta = dt.timedelta(days=42)
    rising_window: dt.timedelta = dt.timedelta(days=90)
    rising_factor: float = 2.0
    rising_minimum: int = 3


def _current(entries: Sequence[Entry]) -> list[Entry]:
    return [e for e in entries if e.state is EntryState.CURRENT]


def _span(first: Entry, last: Entry) -> str:
    return f"between {first.event_date} and {last.event_date}"


def _missed(entries: Sequence[Entry], limits: Thresholds) -> Iterator[Pattern]:
    """Runs of missed contacts: every one in some window holding the threshold, overlapping windows joined.

    Linear in the missed contacts: in date order, each window is a contiguous slice, so its end only moves
    forward, and the flagged contacts are the union of those slices.
    """
    missed = sorted(
        (
            e
            for e in _current(entries)
            if e.non_engagement in _MISSED or (e.event_type == "non_engagement" and e.non_engagement is None)
        ),
        key=lambda e: e.event_date.earliest,
    )
    dates = [e.event_date.earliest for e in missed]
    flagged = [False] * len(missed)
    end = covered = 0
    for index, start in enumerate(dates):
        end = max(end, index)
        while end < len(dates) and dates[end] - start <= limits.missed_window:
            end += 1
        if end - index >= limits.missed_contacts:
            flagged[max(covered, index) : end] = [True] * (end - max(covered, index))
            covered = end
    runs: list[list[Entry]] = []
    last = dt.date.min
    for entry, date, is_flagged in zip(missed, dates, flagged, strict=True):
        if not is_flagged:
            continue
        if runs and date - last <= limits.missed_window:
            runs[-1].append(entry)
        else:
            runs.append([entry])
        last = date
    for run in runs:
        agencies = sorted({e.agency for e in run})
        per_service = sorted(collections.Counter(_service(e) for e in run).values(), reverse=True)
        kinds = collections.Counter((e.non_engagement or NonEngagementKind.WAS_NOT_BROUGHT).value for e in run)
        yield Pattern(
            kind=PatternKind.REPEATED_NON_ENGAGEMENT,
            entries=tuple(e.id for e in run),
            explanation=f"{len(run)} missed contacts ("
            + ", ".join(f"{n} {words(kind)}" for kind, n in sorted(kinds.items()))
            + ") "
            f"{_span(run[0], run[-1])}, at least {limits.missed_contacts} within {limits.missed_window.days} days, "
            f"to {len(per_service)} {'service' if len(per_service) == 1 else 'services'} missed "
            f"({', '.join(map(str, per_service))} each), "
            f"recorded by {len(agencies)} {'agency' if len(agencies) == 1 else 'agencies'} ({', '.join(agencies)}); "
            "each should prompt a look at its impact on the child",
        )


def _service(entry: Entry) -> str:
    """The service missed, as one key (case and spacing aside); the recording agency where none is given."""
    return " ".join(entry.service.casefold().split()) if entry.service else f"agency {entry.agency}"


def _assessed(message: Message) -> bool:
    body = message.body
    return isinstance(body, AssessmentSummaryBody) or (
        isinstance(body, DecisionBody) and (body.assessment_concluded or body.outcome in _ASSESSING)
    )


def _unassessed(entries: Sequence[Entry], messages: Sequence[Message], limits: Thresholds) -> Iterator[Pattern]:
    assessments = sorted(m.created for m in messages if _assessed(m))
    run: list[Entry] = []
    for entry in (e for e in _current(entries) if e.event_type == "concern_raised"):
        if run:  # an assessment between the last concern and this one ends the run
            after = bisect.bisect_left(assessments, run[-1].recorded)
            if after < len(assessments) and assessments[after] <= entry.recorded:
                run = []
        run.append(entry)
    if len(run) >= limits.concerns_without_assessment and not (assessments and assessments[-1] >= run[0].recorded):
        yield Pattern(
            kind=PatternKind.CONCERNS_WITHOUT_ASSESSMENT,
            entries=tuple(e.id for e in run),
            explanation=f"{len(run)} concerns {_span(run[0], run[-1])} and no assessment since the first",
        )


def _overdue(entries: Sequence[Entry], messages: Sequence[Message], at: dt.datetime) -> Iterator[Pattern]:
    calendar = deadlines.WorkingCalendar()
    by_id = {e.message_id: e for e in entries if e.id.endswith("#")}
    decided: dict[str, dt.datetime] = {}
    answered: dict[str, dt.datetime] = {}
    replies: dict[str, dt.datetime] = {}
    for m in sorted(messages, key=lambda m: m.created, reverse=True):  # the first answer wins
        if isinstance(m.body, DecisionBody):
            decided[str(m.body.concern_id)] = m.created
        if isinstance(m.body, InformationResponseBody):
            answered[str(m.body.request_id)] = m.created
        if m.thread.in_reply_to:
            replies[str(m.thread.in_reply_to)] = m.created
    for message in messages:
        entry = by_id.get(str(message.id))
        if entry is None or entry.state is not EntryState.CURRENT:
            continue
        # A corrected message is judged from its first version: an answer to any version answers it.
        versions = (str(message.id), *(v.message_id for v in entry.history))
        first = first_written(entry, message.created)
        due: dt.datetime | None = None
        answers: dict[str, dt.datetime] = {}
        what = ""
        if message.type == "concern":
            due = deadlines.due(deadlines.REFERRAL_DECISION, first, calendar=calendar)
            answers, what = decided, "a decision on the concern"
        elif isinstance(message.body, InformationRequestBody):
            due, answers, what = message.body.respond_by, answered, "an information response"
        elif isinstance(message.body, EscalationBody):
            due, answers, what = message.body.respond_by, replies, "a response to the escalation"
        answer = min((answers[v] for v in versions if v in answers), default=None)
        if due is not None and ((answer is None and at > due) or (answer is not None and answer > due)):
            late = "came late" if answer is not None else f"had not come by {at.date()}"
            yield Pattern(
                kind=PatternKind.OVERDUE_RESPONSE,
                entries=(entry.id,),
                explanation=f"{what} was due by {utc_minute(due)} and {late}",
            )


def _unseen(entries: Sequence[Entry], limits: Thresholds) -> Iterator[Pattern]:
    """Gaps between sightings, and the open gap from the last sighting to the latest entry that did not see the child.

    Only entries that say the child was seen on a known day count as sightings; with none, nothing is judged.
    """
    current = [e for e in _current(entries) if e.event_date.precision == "day"]
    seen = [e for e in current if e.child_seen is YesNoUnknown.YES]
    gaps = [(before, after, _span(before, after)) for before, after in itertools.pairwise(seen)]
    if seen:
        last = seen[-1]
        latest = max(current, key=lambda e: e.event_date.earliest)
        gaps.append((last, latest, f"from {last.event_date} to the latest entry, on {latest.event_date}"))
    for before, after, when in gaps:
        gap = after.event_date.earliest - before.event_date.latest
        if gap > limits.unseen_gap:
            yield Pattern(
                kind=PatternKind.UNSEEN_GAP,
                entries=(before.id, after.id),
                explanation=f"no agency recorded seeing the child for {gap.days} days, {when}",
            )


def _rising(entries: Sequence[Entry], limits: Thresholds) -> Iterator[Pattern]:
    concerns = [e for e in _current(entries) if e.event_type == "concern_raised"]
    if not concerns:
        return
    end = concerns[-1].event_date.earliest
    recent = [e for e in concerns if end - e.event_date.earliest < limits.rising_window]
    earlier = [e for e in concerns if limits.rising_window <= end - e.event_date.earliest < 2 * limits.rising_window]
    if len(recent) >= limits.rising_minimum and len(recent) >= limits.rising_factor * max(len(earlier), 1):
        yield Pattern(
            kind=PatternKind.RISING_FREQUENCY,
            entries=tuple(e.id for e in recent),
            explanation=f"{len(recent)} concerns in the last {limits.rising_window.days} days against "
            f"{len(earlier)} in the {limits.rising_window.days} days before",
        )


def _withdrawn(entries: Sequence[Entry]) -> Iterator[Pattern]:
    withdrawn = [
        e for e in entries if e.state is EntryState.WITHDRAWN and e.message_type == "concern" and e.id.endswith("#")
    ]
    if withdrawn:
        reasons = sorted({str(e.withdrawal_reason) for e in withdrawn})
        yield Pattern(
            kind=PatternKind.WITHDRAWN_CONCERN,
            entries=tuple(e.id for e in withdrawn),
            explanation=f"{len(withdrawn)} concern{'s' if len(withdrawn) > 1 else ''} withdrawn "
            f"({', '.join(reasons)}); a withdrawn concern is kept and marked, not removed",
        )


def _duplicates(entries: Sequence[Entry]) -> Iterator[Pattern]:
    done: set[str] = set()
    for entry in entries:
        if entry.possible_duplicates and entry.id not in done:
            group = (entry.id, *entry.possible_duplicates)
            done.update(group)
            yield Pattern(
                kind=PatternKind.POSSIBLE_DUPLICATE,
                entries=group,
                explanation=f"{len(group)} entries look alike (same day, agency, kind and text) but come "
                "from different records: all are kept and counted; a person should check them",
            )


def find_patterns(
    entries: Sequence[Entry],
    messages: Sequence[Message],
    at: dt.datetime,
    limits: Thresholds,
) -> tuple[Pattern, ...]:
    """Every pattern found in ordered ``entries`` (from ``messages``), judged at time ``at`` (NaiveTime if naive)."""
    require_aware(at, "at")
    return (
        *_missed(entries, limits),
        *_unassessed(entries, messages, limits),
        *_overdue(entries, messages, at),
        *_unseen(entries, limits),
        *_rising(entries, limits),
        *_withdrawn(entries),
        *_duplicates(entries),
        *timescale_breaches(entries, messages, at),
        *neglect_patterns(entries, messages, at),
    )
