"""Patterns of neglect in a chronology: faltering growth, and the Graded Care Profile missing, late or untrained.

Faltering growth follows the thresholds for concern of NICE guideline NG75,
*Faltering growth: recognition and management of faltering growth in
children* (2017): a fall in weight across 1 or more centile spaces where the
birth weight was below the 9th centile, across 2 or more where it was between
the 9th and the 91st, across 3 or more where it was above the 91st, and a
current weight below the 2nd centile whatever the birth weight. Centile
spaces are read from where the measurements plot on the UK-WHO charts
(:class:`~concernshare.records.Centile`). Where no weight is recorded on the
day of birth, the earliest recorded weight stands in for the birth weight,
and the explanation says so.

The Graded Care Profile patterns follow local practice, not statute: how soon
a neglect concern should be followed by a GCP (45 working days unless set
otherwise, the length of a child and family assessment) is a local choice, as
is the use of the tool at all. Every explanation names dates, counts and
kinds, never a measurement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Final

import attrs

from concernshare import deadlines
from concernshare.care_profiles import care_profile_of
from concernshare.chronology.model import Entry, EntryState, Pattern, PatternKind, first_written, words
from concernshare.records import (
    AbuseCategory,
    AssessmentFactor,
    AssessmentSummaryBody,
    Centile,
    ConcernBody,
    ConcernType,
    GrowthMeasurement,
    Message,
    UpdateBody,
)
from concernshare.records.types import require_aware, utc_minute

__all__ = ["CARE_PROFILE_AFTER_NEGLECT", "NeglectThresholds", "neglect_patterns"]

#: The local default: a Graded Care Profile within 45 working days of a neglect concern (the span of a child and
#: family assessment, which a GCP usually informs). Not a statutory timescale; set another in NeglectThresholds.
CARE_PROFILE_AFTER_NEGLECT: Final = deadlines.Timescale(
    name="care_profile_after_neglect",
    kind=deadlines.TimescaleKind.WORKING_DAYS,
    working_days=45,
    description="A Graded Care Profile within 45 working days of a concern about neglect (a local choice).",
    source="Local practice; no statute or statutory guidance sets it. The 45 working days are those of a child "
    "and family assessment (Working Together to Safeguard Children 2023), which the profile informs.",
)

_NINTH: Final = Centile.C9.position
_NINETY_FIRST: Final = Centile.C91.position
_SECOND: Final = Centile.C2.position


@attrs.frozen(kw_only=True)
class NeglectThresholds:
    """When the neglect patterns are flagged; each can be set locally."""

    care_profile_within: deadlines.Timescale = CARE_PROFILE_AFTER_NEGLECT


def _heads(entries: Sequence[Entry]) -> dict[str, Entry]:
    """Each current message's own entry, by message id."""
    return {e.message_id: e for e in entries if e.id.endswith("#") and e.state is EntryState.CURRENT}


def _spaces_allowed(birth: Centile) -> int:
    """NICE NG75's fall, in centile spaces, that is a concern for a birth weight at ``birth``."""
    if birth.position < _NINTH:
        return 1
    if birth.position > _NINETY_FIRST:
        return 3
    return 2


def _weights(messages: Sequence[Message], heads: dict[str, Entry]) -> list[tuple[dt.date, Centile, str]]:
    """Every plotted weight in current messages: (day, centile, entry id), by day; one per day and centile."""
    found: dict[tuple[dt.date, Centile], str] = {}
    for message in messages:
        head = heads.get(str(message.id))
        body = message.body
        if head is None or not isinstance(body, ConcernBody | UpdateBody) or not body.growth:
            continue
        for measurement in body.growth:
            if isinstance(measurement, GrowthMeasurement) and measurement.weight_centile is not None:
                found.setdefault((measurement.date, measurement.weight_centile), head.id)
    return sorted(((day, centile, entry) for (day, centile), entry in found.items()), key=lambda w: w[0])


def _birth_date(messages: Sequence[Message]) -> dt.date | None:
    return next((m.subject.birth_date for m in messages if m.subject.birth_date is not None), None)


def _faltering(messages: Sequence[Message], heads: dict[str, Entry]) -> Iterator[Pattern]:
    weights = _weights(messages, heads)
    if not weights:
        return
    born = _birth_date(messages)
    at_birth = [w for w in weights if w[0] == born]
    first = at_birth[0] if at_birth else weights[0]
    latest_day = weights[-1][0]
    latest = min((w for w in weights if w[0] == latest_day), key=lambda w: w[1].position)
    found: list[str] = []
    ids: list[str] = []
    allowed = _spaces_allowed(first[1])
    fall = first[1].position - latest[1].position  # in half centile spaces
    if latest[0] > first[0] and fall >= 2 * allowed:
        baseline = (
            "the birth weight plotted"
            if at_birth
            else "the earliest weight shared plotted (no birth weight was shared, so it stands in)"
        )
        found.append(
            f"the weight fell across at least {allowed} centile space{'s' if allowed > 1 else ''} between "
            f"{first[0]} and {latest[0]}, the NICE NG75 threshold for where {baseline}"
        )
        ids += [first[2], latest[2]]
    if latest[1].position < _SECOND:
        found.append(
            f"the latest weight, on {latest[0]}, is below the 2nd centile (a concern whatever the birth weight)"
        )
        ids.append(latest[2])
    if found:
        yield Pattern(
            kind=PatternKind.FALTERING_GROWTH,
            entries=tuple(dict.fromkeys(ids)),
            explanation="; ".join(found) + ": a threshold for concern about faltering growth in NICE guideline NG75",
        )


def _about_neglect(body: ConcernBody) -> bool:
    return (
        ConcernType.NEGLECT in body.concern_types
        or AbuseCategory.NEGLECT in body.abuse_categories
        or AssessmentFactor.NEGLECT in (body.suspected_factors or ())
    )


def _profiles(messages: Sequence[Message], heads: dict[str, Entry]) -> list[tuple[Message, AssessmentSummaryBody]]:
    """Current Graded Care Profiles, by the day they were made."""
    found = [
        (m, m.body)
        for m in messages
        if str(m.id) in heads and isinstance(m.body, AssessmentSummaryBody) and care_profile_of(m.body.tool)
    ]
    return sorted(found, key=lambda pair: pair[1].assessed_on)


def _without_profile(
    messages: Sequence[Message],
    heads: dict[str, Entry],
    profiles: list[tuple[Message, AssessmentSummaryBody]],
    at: dt.datetime,
    limits: NeglectThresholds,
) -> Iterator[Pattern]:
    calendar = deadlines.WorkingCalendar()
    timescale = limits.care_profile_within
    for message in messages:
        head, body = heads.get(str(message.id)), message.body
        if head is None or not isinstance(body, ConcernBody) or not _about_neglect(body):
            continue
        first = first_written(head, message.created)  # a correction does not restart the clock
        due = deadlines.due(timescale, first, calendar=calendar)
        raised = first.astimezone(deadlines.LONDON).date()
        made = next((p.assessed_on for _, p in profiles if p.assessed_on >= raised), None)
        if _kept(made, due.astimezone(deadlines.LONDON).date(), waiting=at <= due):
            continue
        how = f"the first came on {made}" if made is not None else f"none had been made by {at.date()}"
        yield Pattern(
            kind=PatternKind.NEGLECT_WITHOUT_CARE_PROFILE,
            entries=(head.id,),
            explanation=f"a concern about neglect on {raised} was not followed by a Graded Care Profile within "
            f"{_span(timescale)} (by {utc_minute(due)}, a local choice): {how}",
        )


def _kept(done: dt.date | None, by: dt.date, *, waiting: bool) -> bool:
    """True if what was due was done by ``by``, or is not done but not yet late (``waiting``)."""
    return done <= by if done is not None else waiting


def _span(timescale: deadlines.Timescale) -> str:
    if timescale.kind is deadlines.TimescaleKind.WORKING_DAYS:
        return f"{timescale.working_days} working days"
    if timescale.kind is deadlines.TimescaleKind.CALENDAR_MONTHS:
        return f"{timescale.months} months"
    return f"the {words(timescale.name)} timescale"


def _reviews(
    heads: dict[str, Entry], profiles: list[tuple[Message, AssessmentSummaryBody]], at: dt.datetime
) -> Iterator[Pattern]:
    today = at.astimezone(deadlines.LONDON).date()
    for index, (message, body) in enumerate(profiles):
        if body.review_date is None:
            continue
        later = next((p.assessed_on for _, p in profiles[index + 1 :] if p.assessed_on > body.assessed_on), None)
        if _kept(later, body.review_date, waiting=today <= body.review_date):
            continue
        how = f"it was repeated on {later}" if later is not None else f"it had not been repeated by {today}"
        yield Pattern(
            kind=PatternKind.CARE_PROFILE_REVIEW_OVERDUE,
            entries=(heads[str(message.id)].id,),
            explanation=f"the {body.tool} made on {body.assessed_on} was due for review by {body.review_date}; {how}",
        )


def _untrained(heads: dict[str, Entry], profiles: list[tuple[Message, AssessmentSummaryBody]]) -> Iterator[Pattern]:
    for message, body in profiles:
        if not body.assessor.trained:
            yield Pattern(
                kind=PatternKind.UNTRAINED_ASSESSOR,
                entries=(heads[str(message.id)].id,),
                explanation=f"the {body.tool} made on {body.assessed_on} was graded by an assessor recorded as "
                "not trained in the tool; its grades may not compare with a trained assessor's",
            )


def neglect_patterns(
    entries: Sequence[Entry],
    messages: Sequence[Message],
    at: dt.datetime,
    limits: NeglectThresholds | None = None,
) -> tuple[Pattern, ...]:
    """The neglect patterns in ordered ``entries`` (from ``messages``), judged at ``at`` (NaiveTime if naive)."""
    require_aware(at, "at")
    chosen = NeglectThresholds() if limits is None else limits
    heads = _heads(entries)
    profiles = _profiles(messages, heads)
    return (
        *_faltering(messages, heads),
        *_without_profile(messages, heads, profiles, at, chosen),
        *_reviews(heads, profiles, at),
        *_untrained(heads, profiles),
    )
