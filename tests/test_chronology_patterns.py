"""The chronology's patterns: each rule at its threshold, and the windowed ones against naive references."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from concernshare.chronology import Entry, EntryState, Pattern, PatternKind, Thresholds, build_chronology
from concernshare.chronology.build import _sort_key
from concernshare.chronology.extract import entries_of
from concernshare.chronology.patterns import (
    _ASSESSING,
    _duplicates,
    _missed,
    _overdue,
    _rising,
    _unassessed,
    _unseen,
    _withdrawn,
    find_patterns,
)
from concernshare.records import (
    AgencyId,
    DecisionOutcome,
    Message,
    NonEngagementKind,
    PartialDate,
    WithdrawalReason,
    YesNoUnknown,
)
from concernshare.validation import validate

EXAMPLES = Path(__file__).parent.parent / "examples" / "messages"
KAI = "9990000026"
BASE = dt.date(2013, 1, 1)
GP, HV, MASH = AgencyId("ods:Y99GP"), AgencyId("ods:Y99HV/health-visiting"), AgencyId("la:E06000032/mash")
PRIVATE = "Mother said the bus from Invented Road never came."
Runs = list[tuple[str, ...]]
MISSED = tuple(NonEngagementKind)  # cancellations and refusals count too


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def _id(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"


def _entry(number: int, day: int | PartialDate, **changes: object) -> Entry:
    """An entry ``day`` days after 1 January 2013 (or on the partial date given)."""
    date = day if isinstance(day, PartialDate) else PartialDate.parse((BASE + dt.timedelta(days=day)).isoformat())
    values: dict[str, object] = {
        "id": f"{_id(number)}#",
        "message_id": _id(number),
        "message_type": "concern",
        "agency": GP,
        "author_role": "Practice nurse",
        "event_date": date,
        "event_type": "observation",
        "summary": PRIVATE,
        "significance": PRIVATE,
        "recorded": dt.datetime.combine(date.earliest, dt.time(9), tzinfo=dt.UTC),
    }
    values.update(changes)
    return Entry(**values)  # type: ignore[arg-type]


def _contacts(*days: int, agencies: Sequence[AgencyId] = (GP, HV)) -> list[Entry]:
    """Was-not-brought contacts on ``days``, recorded by ``agencies`` in turn."""
    return [
        _entry(
            n,
            d,
            agency=agencies[n % len(agencies)],
            event_type="non_engagement",
            non_engagement=NonEngagementKind.WAS_NOT_BROUGHT,
            child_seen=YesNoUnknown.NO,
        )
        for n, d in enumerate(days)
    ]


def _ordered(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=_sort_key)


def _runs(patterns: Iterable[Pattern]) -> Runs:
    return [p.entries for p in patterns]


@functools.cache
def _example(prefix: str) -> Message:
    [path] = EXAMPLES.glob(f"{prefix}*.json")
    return validate(path.read_bytes())


def test_default_thresholds_are_the_documented_ones() -> None:
    """By default: 3 missed contacts in 90 days, 2 concerns unassessed, 42 days unseen, x2 over 90 days."""
    assert Thresholds() == Thresholds(
        missed_contacts=3,
        missed_window=dt.timedelta(days=90),
        concerns_without_assessment=2,
        unseen_gap=dt.timedelta(days=42),
        rising_window=dt.timedelta(days=90),
        rising_factor=2.0,
        rising_minimum=3,
    )


@pytest.mark.parametrize(
    ("days", "flagged"), [((0, 30, 60), True), ((0, 30), False), ((0, 45, 90), True), ((0, 45, 91), False)]
)
def test_three_missed_contacts_within_90_days_are_flagged(days: tuple[int, ...], flagged: bool) -> None:
    """Three missed contacts across agencies within 90 days (the 90th included) are a pattern; two are not."""
    entries = _contacts(*days, agencies=(GP, HV, MASH))
    expected = [(PatternKind.REPEATED_NON_ENGAGEMENT, tuple(e.id for e in entries))] if flagged else []
    assert [(p.kind, p.entries) for p in _missed(entries, Thresholds())] == expected


@pytest.mark.parametrize(
    ("days", "runs"),
    [
        ((0, 40, 80, 120, 160), [(0, 1, 2, 3, 4)]),  # overlapping windows
        ((0, 1, 2, 92, 93, 94), [(0, 1, 2, 3, 4, 5)]),  # flagged contacts 90 days apart
        ((0, 1, 2, 93, 94, 95), [(0, 1, 2), (3, 4, 5)]),  # 91 days apart
        ((0, 1, 2, 93, 200, 201, 202), [(0, 1, 2), (4, 5, 6)]),  # day 93 is in no window of three
    ],
)
def test_runs_join_within_the_window_and_part_beyond_it(days: tuple[int, ...], runs: list[tuple[int, ...]]) -> None:
    """Flagged contacts within the window of the previous flagged one are one run; further apart, separate runs."""
    entries = _contacts(*days)
    assert _runs(_missed(entries, Thresholds())) == [tuple(entries[i].id for i in run) for run in runs]


def test_the_explanation_names_count_window_and_agencies_and_no_personal_value() -> None:
    """The explanation gives the count, dates, threshold, window and agencies; never summary or role."""
    [pattern] = _missed(_contacts(0, 30, 60, 61, agencies=(GP, MASH)), Thresholds())
    for part in (
        "4 missed contacts",
        "between 2013-01-01 and 2013-03-03",
        "at least 3 within 90 days",
        "recorded by 2 agencies (la:E06000032/mash, ods:Y99GP)",
    ):
        assert part in pattern.explanation
    assert PRIVATE not in pattern.explanation
    assert "nurse" not in pattern.explanation


def test_missed_contacts_are_counted_by_the_service_missed() -> None:
    """A GP's record of a missed dietetics appointment counts for dietetics: the explanation counts the services
    missed (the recording agency only where no service is given), each kind of contact, and no service's name."""
    entries = _contacts(0, 10, 20, 30, agencies=(GP,))
    entries = [
        attrs.evolve(e, service=s, non_engagement=k)
        for e, s, k in zip(
            entries,
            ("Paediatric dietetics", "paediatric  Dietetics", "Health visiting", None),
            (
                NonEngagementKind.CANCELLED,
                NonEngagementKind.WAS_NOT_BROUGHT,
                NonEngagementKind.REFUSED,
                NonEngagementKind.NO_ACCESS_VISIT,
            ),
            strict=True,
        )
    ]
    [pattern] = _missed(entries, Thresholds())
    for part in (
        "4 missed contacts (1 cancelled, 1 no access visit, 1 refused, 1 was not brought)",
        "to 3 services missed (2, 1, 1 each)",
        "recorded by 1 agency (ods:Y99GP)",
    ):
        assert part in pattern.explanation
    assert "ietetics" not in pattern.explanation


def test_the_example_missed_contacts_carry_their_service() -> None:
    """Each missed contact extracted from a message keeps the service that was missed."""
    chronology = build_chronology([_example("01")], child=KAI, generated=_utc(2014, 1, 1))
    services = {e.service for e in chronology.entries if e.event_type == "non_engagement"}
    assert services == {"Health visiting", "Paediatric dietetics"}


def test_custom_missed_thresholds_are_honoured() -> None:
    """missed_contacts and missed_window set locally change what is flagged."""
    local = Thresholds(missed_contacts=2, missed_window=dt.timedelta(days=14))
    [pattern] = _missed(_contacts(0, 14), local)
    assert "at least 2 within 14 days" in pattern.explanation
    assert list(_missed(_contacts(0, 15), local)) == list(_missed(_contacts(0, 14), Thresholds())) == []


@pytest.mark.parametrize(
    ("changes", "counts"),
    [
        *(({"non_engagement": k}, True) for k in MISSED),
        ({"non_engagement": None}, True),  # a chronology entry of a missed contact, kind not given
        ({"non_engagement": None, "event_type": "appointment"}, False),
        ({"state": EntryState.WITHDRAWN}, False),
        ({"state": EntryState.SUPERSEDED}, False),
    ],
)
def test_which_entries_are_missed_contacts(changes: dict[str, object], counts: bool) -> None:
    """Current missed contacts of every kind count, cancellations and refusals included (or one of no kind);
    others do not."""
    entries = _contacts(0, 10, 20)
    entries[1] = attrs.evolve(entries[1], **changes)  # type: ignore[arg-type]
    assert bool(list(_missed(entries, Thresholds()))) is counts


_KINDS: list[tuple[NonEngagementKind | None, str]] = [
    *((k, "non_engagement") for k in MISSED),
    (None, "non_engagement"),
    (None, "observation"),
]


@st.composite
def _dated_entries(draw: st.DrawFn, concerns: bool = False) -> list[Entry]:
    """Entries over about 400 days (often weekly, so gaps recur), some dated to the month or year, build-ordered."""
    entries = []
    for number in range(draw(st.integers(0, 24))):
        day = BASE + dt.timedelta(days=draw(st.integers(0, 57).map(lambda w: 7 * w) | st.integers(0, 400)))
        date = draw(
            st.sampled_from(
                [PartialDate(day.year, day.month, day.day)] * 4
                + [PartialDate(day.year, day.month), PartialDate(day.year)]
            )
        )
        kind, event_type = draw(st.sampled_from(_KINDS))
        if concerns:
            kind, event_type = None, draw(st.sampled_from(["concern_raised"] * 4 + ["concern_updated"]))
        entries.append(
            _entry(
                number,
                date,
                agency=draw(st.sampled_from([GP, HV, MASH])),
                event_type=event_type,
                non_engagement=kind,
                state=draw(st.sampled_from([EntryState.CURRENT] * 5 + [EntryState.WITHDRAWN, EntryState.SUPERSEDED])),
                recorded=_utc(2013, 1, 1) + dt.timedelta(days=draw(st.integers(0, 20))),
            )
        )
    return _ordered(entries)


def _is_missed(entry: Entry) -> bool:
    return entry.state is EntryState.CURRENT and (
        entry.non_engagement in MISSED or (entry.event_type == "non_engagement" and entry.non_engagement is None)
    )


def _naive_missed(entries: Sequence[Entry], limits: Thresholds) -> Runs:
    """From the definition, quadratic and plain."""
    missed = [e for e in entries if _is_missed(e)]
    day = {e.id: e.event_date.earliest for e in missed}
    windows = [[o for o in missed if day[s.id] <= day[o.id] <= day[s.id] + limits.missed_window] for s in missed]
    flagged = [e for e in missed if any(e in w and len(w) >= limits.missed_contacts for w in windows)]
    runs: list[list[Entry]] = []
    for entry in flagged:
        if runs and entry.event_date.earliest - runs[-1][-1].event_date.earliest <= limits.missed_window:
            runs[-1].append(entry)
        else:
            runs.append([entry])
    return [tuple(e.id for e in run) for run in runs]


@given(_dated_entries(), st.data())
def test_missed_matches_the_naive_definition(entries: list[Entry], data: st.DataObject) -> None:
    """The linear _missed flags exactly the runs the definition gives, for any threshold and window.

    Half the time the window runs from one missed contact exactly to another, and the threshold is about what it
    holds, so that the boundaries are tried.
    """
    days = sorted(e.event_date.earliest for e in entries if _is_missed(e))
    pairs = [(a, b) for a in days for b in days if 1 <= (b - a).days <= 200]
    count, window = data.draw(st.integers(1, 6)), data.draw(st.integers(1, 200))
    if data.draw(st.booleans()) and pairs:
        start, end = data.draw(st.sampled_from(pairs))
        window = (end - start).days
        count = min(6, max(1, sum(start <= d <= end for d in days) + data.draw(st.integers(-1, 1))))
    limits = Thresholds(missed_contacts=count, missed_window=dt.timedelta(days=window))
    patterns = list(_missed(entries, limits))
    assert {p.kind for p in patterns} <= {PatternKind.REPEATED_NON_ENGAGEMENT}
    assert _runs(patterns) == _naive_missed(entries, limits)


def _message(prefix: str, created: dt.datetime, **body: object) -> Message:
    """Example message ``prefix``, written at ``created``, its body changed as given."""
    message = _example(prefix)
    return attrs.evolve(message, created=created, body=attrs.evolve(message.body, **body))  # type: ignore[arg-type]


def _concerns(*days: int) -> list[Entry]:
    return [_entry(n, d, event_type="concern_raised") for n, d in enumerate(days)]


def test_repeated_concerns_without_assessment_are_flagged_a_single_one_not() -> None:
    """Two concerns and no assessment since the first are a pattern; one concern is below the threshold."""
    entries = _concerns(0, 31)
    [pattern] = _unassessed(entries, [], Thresholds())
    assert pattern.kind is PatternKind.CONCERNS_WITHOUT_ASSESSMENT
    assert pattern.entries == tuple(e.id for e in entries)
    assert pattern.explanation == "2 concerns between 2013-01-01 and 2013-02-01 and no assessment since the first"
    assert list(_unassessed(entries[:1], [], Thresholds())) == []
    assert list(_unassessed(entries, [], Thresholds(concerns_without_assessment=3))) == []


@pytest.mark.parametrize(
    ("prefix", "body"),
    [
        ("08", {}),
        ("10", {}),  # a GCP2 assessment summary; an early-help decision that concludes an assessment
        *(("03", {"outcome": o, "assessment_concluded": False}) for o in sorted(_ASSESSING)),
    ],
)
def test_an_assessment_between_concerns_ends_the_run(prefix: str, body: dict[str, object]) -> None:
    """An assessment summary, or a decision that assesses or concludes one, starts the count again."""
    entries = _concerns(0, 10, 20)
    assessed = _message(prefix, _utc(2013, 1, 5), **body)
    assert _runs(_unassessed(entries, [assessed], Thresholds())) == [(entries[1].id, entries[2].id)]
    later = _message(prefix, _utc(2013, 1, 25), **body)
    assert list(_unassessed(entries, [later], Thresholds())) == []


@pytest.mark.parametrize("outcome", sorted(set(DecisionOutcome) - _ASSESSING))
def test_a_decision_that_does_not_assess_leaves_the_run(outcome: DecisionOutcome) -> None:
    """A decision that neither assesses nor concludes an assessment does not end the run."""
    entries = _concerns(0, 10, 20)
    decided = _message("03", _utc(2013, 1, 5), outcome=outcome, assessment_concluded=False)
    assert _runs(_unassessed(entries, [decided, _message("01", _utc(2013, 1, 6))], Thresholds())) == [
        tuple(e.id for e in entries)
    ]


def test_an_assessment_at_the_moment_of_a_concern_counts_and_withdrawn_concerns_do_not() -> None:
    """An assessment at a concern's own time ends the run before the next; a withdrawn concern is not counted."""
    entries = _concerns(0, 10, 20)
    at_first, at_second = (_message("08", e.recorded) for e in entries[:2])
    assert _runs(_unassessed(entries, [at_first], Thresholds())) == [(entries[1].id, entries[2].id)]
    assert list(_unassessed(entries, [at_second], Thresholds())) == []
    assert list(_unassessed(entries[:1], [at_first], Thresholds(concerns_without_assessment=1))) == []
    entries[1] = attrs.evolve(entries[1], state=EntryState.WITHDRAWN)
    assert _runs(_unassessed(entries, [], Thresholds())) == [(entries[0].id, entries[2].id)]


def _naive_unassessed(entries: Sequence[Entry], times: Sequence[dt.datetime], limits: Thresholds) -> Runs:
    """From the definition: any assessment between two concerns (inclusive) ends the run; then the last run."""
    run: list[Entry] = []
    for entry in (e for e in entries if e.state is EntryState.CURRENT and e.event_type == "concern_raised"):
        if run and any(run[-1].recorded <= t <= entry.recorded for t in times):
            run = []
        run.append(entry)
    if len(run) >= limits.concerns_without_assessment and not any(t >= run[0].recorded for t in times):
        return [tuple(e.id for e in run)]
    return []


def _raised(*days: int) -> list[Entry]:
    """Concerns on days 0, 1, 2..., recorded at midnight ``days`` days into 2013."""
    return [_entry(n, n, event_type="concern_raised", recorded=_utc(2013, 1, 1 + d)) for n, d in enumerate(days)]


Made = tuple[tuple[str, dict[str, object], bool], int]  # an example message, a change to its body, assesses; when
_MESSAGES = [
    ("08", {}, True),
    ("03", {}, True),
    ("10", {}, True),
    ("01", {}, False),
    ("03", {"outcome": DecisionOutcome.EARLY_HELP}, False),
]


@given(
    _dated_entries(concerns=True),
    st.lists(st.tuples(st.sampled_from(_MESSAGES), st.integers(0, 20)), max_size=4),
    st.integers(1, 6),
)
@example(_raised(10, 1, 2), [(_MESSAGES[0], 2)], 1)  # recorded out of order; an assessment as the last is recorded
@example(_raised(0, 1, 2), [(_MESSAGES[0], 0)], 1)  # an assessment as the first concern is recorded
def test_unassessed_matches_the_naive_definition(entries: list[Entry], made: list[Made], count: int) -> None:
    """The bisecting _unassessed flags exactly what the definition does, for any threshold."""
    messages = [_message(p, _utc(2013, 1, 1) + dt.timedelta(days=d), **b) for (p, b, _), d in made]
    times = [m.created for m, ((_, _, assesses), _) in zip(messages, made, strict=True) if assesses]
    limits = Thresholds(concerns_without_assessment=count)
    assert _runs(_unassessed(entries, messages, limits)) == _naive_unassessed(entries, times, limits)


def _overdue_at(messages: Sequence[Message], at: dt.datetime) -> list[Pattern]:
    return list(_overdue(_ordered(e for m in messages for e in entries_of(m)), messages, at))


def test_an_undecided_concern_is_overdue_one_working_day_after_it() -> None:
    """Monday 13:05 UTC concern needs a decision by Tuesday 13:05 UTC; none by then is overdue (unless withdrawn)."""
    concern = _example("01")
    [pattern] = _overdue_at([concern], _utc(2013, 9, 17, 13, 6))
    assert pattern.kind is PatternKind.OVERDUE_RESPONSE
    assert pattern.entries == (f"{concern.id}#",)
    assert pattern.explanation == (
        "a decision on the concern was due by 2013-09-17 13:05 UTC and had not come by 2013-09-17"
    )
    assert _overdue_at([concern], _utc(2013, 9, 17, 13, 5)) == []
    withdrawn = [attrs.evolve(e, state=EntryState.WITHDRAWN) for e in entries_of(concern)]
    assert list(_overdue(withdrawn, [concern], _utc(2014, 1, 1))) == []


def test_a_decision_in_time_is_not_overdue_a_late_one_came_late_and_the_first_wins() -> None:
    """A decision within the working day clears the concern; only a late one is flagged "came late"."""
    concern, decision = _example("01"), _example("03")
    late = attrs.evolve(decision, id=uuid.UUID(_id(90)), created=_utc(2013, 9, 18, 9))
    assert _overdue_at([concern, decision], _utc(2014, 1, 1)) == []
    assert _overdue_at([concern, late, decision], _utc(2014, 1, 1)) == []
    [pattern] = _overdue_at([concern, late], _utc(2014, 1, 1))
    assert pattern.explanation.endswith("and came late")


def test_the_deadline_counts_working_days_past_a_weekend_and_bank_holiday() -> None:
    """A concern on Friday 23 August 2013 is due on Tuesday 27th: Monday 26th was a bank holiday."""
    concern = attrs.evolve(_example("01"), created=_utc(2013, 8, 23, 10))
    assert _overdue_at([concern], _utc(2013, 8, 26, 23)) == []
    [pattern] = _overdue_at([concern], _utc(2013, 8, 27, 10, 1))
    assert "due by 2013-08-27 10:00 UTC" in pattern.explanation


@pytest.mark.parametrize(
    ("answered", "late"),
    [(_utc(2013, 9, 18, 10, 45), False), (_utc(2013, 9, 18, 16), False), (_utc(2013, 9, 19, 9), True)],
)
def test_an_information_response_after_respond_by_came_late(answered: dt.datetime, late: bool) -> None:
    """A response after the request's respond_by is flagged "came late"; one by it is not."""
    request, response = _example("04"), attrs.evolve(_example("05"), created=answered)
    patterns = _overdue_at([request, response], _utc(2014, 1, 1))
    assert _runs(patterns) == ([(f"{request.id}#",)] if late else [])
    assert all(
        p.explanation == "an information response was due by 2013-09-18 16:00 UTC and came late" for p in patterns
    )


def test_an_unanswered_escalation_is_overdue_until_a_reply_comes() -> None:
    """An escalation with no reply by its respond_by is overdue; a reply in time clears it."""
    escalation, decision = _example("11"), _example("03")
    assert len(_overdue_at([escalation], _utc(2013, 12, 1))) == 1
    reply = attrs.evolve(
        decision,
        id=uuid.UUID(_id(91)),
        created=_utc(2013, 11, 25),
        thread=attrs.evolve(decision.thread, in_reply_to=escalation.id),
    )
    assert _overdue_at([escalation, reply], _utc(2013, 12, 1)) == []


def test_a_decided_concern_corrected_later_is_not_overdue() -> None:
    """A concern decided in time and then corrected (superseded by its sender) is still decided in time."""
    concern, decision = _example("01"), _example("03")
    correction = attrs.evolve(
        concern,
        id=uuid.UUID(_id(92)),
        created=_utc(2013, 9, 20, 9),
        thread=attrs.evolve(concern.thread, supersedes=concern.id),
    )
    chronology = build_chronology([concern, decision, correction], child=KAI, generated=_utc(2013, 12, 1))
    assert [p for p in chronology.patterns if p.kind is PatternKind.OVERDUE_RESPONSE] == []


def test_an_information_request_answered_in_time_then_corrected_is_not_overdue() -> None:
    """A response to the first version of a request answers the correction too; without it, the correction is
    overdue at its own respond_by."""
    request, response = _example("04"), _example("05")
    correction = attrs.evolve(
        request,
        id=uuid.UUID(_id(93)),
        created=_utc(2013, 9, 18, 12),
        thread=attrs.evolve(request.thread, supersedes=request.id),
    )
    patterns = build_chronology(
        [request, response, correction], child=KAI, generated=_utc(2026, 12, 1), as_of=_utc(2013, 12, 1)
    ).patterns
    assert [p for p in patterns if p.kind is PatternKind.OVERDUE_RESPONSE] == []
    patterns = build_chronology(
        [request, correction], child=KAI, generated=_utc(2026, 12, 1), as_of=_utc(2013, 12, 1)
    ).patterns
    assert [p.entries for p in patterns if p.kind is PatternKind.OVERDUE_RESPONSE] == [(f"{correction.id}#",)]


def _seen(number: int, day: int | PartialDate, **changes: object) -> Entry:
    return _entry(number, day, child_seen=YesNoUnknown.YES, **changes)


@pytest.mark.parametrize(("days", "flagged"), [(43, True), (42, False), (10, False)])
def test_a_gap_longer_than_the_threshold_with_the_child_unseen_is_flagged(days: int, flagged: bool) -> None:
    """More than 42 days between two days the child was seen is a gap; 42 or fewer is not."""
    entries = [_seen(1, 0), _seen(2, days)]
    patterns = list(_unseen(entries, Thresholds()))
    assert _runs(patterns) == ([(entries[0].id, entries[1].id)] if flagged else [])
    assert all(p.kind is PatternKind.UNSEEN_GAP and f"for {days} days" in p.explanation for p in patterns)
    assert bool(list(_unseen(entries, Thresholds(unseen_gap=dt.timedelta(days=days - 1))))) is True


def test_only_current_day_dated_sightings_break_a_gap() -> None:
    """A sighting dated to the month, a not-seen entry or a withdrawn sighting does not end an unseen gap."""
    entries = _ordered(
        [
            _seen(1, 0),
            _seen(2, PartialDate(2013, 2)),
            _entry(3, 30, child_seen=YesNoUnknown.NO),
            _seen(4, 40, state=EntryState.WITHDRAWN),
            _seen(5, 73),
        ]
    )
    assert _runs(_unseen(entries, Thresholds())) == [(entries[0].id, entries[-1].id)]


@pytest.mark.parametrize(("days", "flagged"), [(43, True), (42, False)])
def test_the_open_gap_from_the_last_sighting_to_the_latest_entry_is_flagged(days: int, flagged: bool) -> None:
    """Entries that go on after the child was last seen, for longer than the threshold, are an open gap."""
    entries = _ordered([_seen(1, 0), _entry(2, 20), _entry(3, days), _entry(4, PartialDate(2013, 12))])
    patterns = list(_unseen(entries, Thresholds()))
    assert _runs(patterns) == ([(entries[0].id, entries[2].id)] if flagged else [])
    assert all(f"for {days} days" in p.explanation and "to the latest entry" in p.explanation for p in patterns)


def test_with_no_sighting_no_gap_is_judged() -> None:
    """Without any entry saying the child was seen, there is nothing to measure a gap from."""
    assert list(_unseen([_entry(1, 0), _entry(2, 400)], Thresholds())) == []


@pytest.mark.parametrize(
    ("recent", "earlier", "flagged"),
    [((0, 30, 60), (100,), True), ((0, 30, 60, 89), (), True), ((0, 30, 60), (90, 95), False), ((0, 60), (), False)],
)
def test_rising_frequency_of_concerns(recent: tuple[int, ...], earlier: tuple[int, ...], flagged: bool) -> None:
    """3 or more concerns in the 90 days to the latest concern, and twice those of the 90 days before, are rising."""
    concerns = [_entry(n, 200 - d, event_type="concern_raised") for n, d in enumerate(recent + earlier)]
    entries = _ordered([*concerns, _entry(99, 250, event_type="decision")])
    patterns = list(_rising(entries, Thresholds()))
    assert _runs(patterns) == ([tuple(e.id for e in reversed(concerns[: len(recent)]))] if flagged else [])
    assert all(
        p.kind is PatternKind.RISING_FREQUENCY
        and p.explanation == f"{len(recent)} concerns in the last 90 days against {len(earlier)} in the 90 days before"
        for p in patterns
    )
    assert bool(list(_rising(entries, Thresholds(rising_minimum=2, rising_factor=1.0)))) is True
    assert list(_rising(entries[:1], Thresholds(rising_minimum=1))) == []  # none before counts as one


def test_withdrawn_concerns_are_one_pattern_naming_the_reasons() -> None:
    """Withdrawn concerns (not their details, not other messages, not current ones) make one pattern."""
    entries = [
        _entry(1, 0, state=EntryState.WITHDRAWN, withdrawal_reason=WithdrawalReason.RETRACTED),
        _entry(
            1,
            0,
            id=f"{_id(1)}#/body/observations/0",
            state=EntryState.WITHDRAWN,
            withdrawal_reason=WithdrawalReason.RETRACTED,
        ),
        _entry(2, 5, state=EntryState.WITHDRAWN, withdrawal_reason=WithdrawalReason.DUPLICATE),
        _entry(
            3,
            6,
            message_type="access_notification",
            state=EntryState.WITHDRAWN,
            withdrawal_reason=WithdrawalReason.DUPLICATE,
        ),
        _entry(4, 7),
    ]
    [pattern] = _withdrawn(entries)
    assert pattern.kind is PatternKind.WITHDRAWN_CONCERN
    assert pattern.entries == (f"{_id(1)}#", f"{_id(2)}#")
    assert pattern.explanation.startswith("2 concerns withdrawn (duplicate, retracted)")
    assert list(_withdrawn(entries[3:])) == []


def test_possible_duplicates_are_one_pattern_per_group() -> None:
    """Three alike entries are one pattern of three, not three patterns; another pair is a second pattern."""
    ids = [f"{_id(n)}#" for n in range(5)]
    entries = [_entry(n, 0, possible_duplicates=tuple(i for i in ids[:3] if i != ids[n])) for n in range(3)]
    entries += [_entry(3, 1, possible_duplicates=(ids[4],)), _entry(4, 1, possible_duplicates=(ids[3],)), _entry(5, 2)]
    patterns = list(_duplicates(entries))
    assert {p.kind for p in patterns} == {PatternKind.POSSIBLE_DUPLICATE}
    assert _runs(patterns) == [tuple(ids[:3]), tuple(ids[3:])]
    assert patterns[0].explanation.startswith("3 entries look alike")


def test_find_patterns_passes_its_thresholds_to_every_rule() -> None:
    """find_patterns gathers the rules' patterns in a fixed order, each judged with the thresholds given."""
    entries = _ordered(
        [*_contacts(0, 10), _entry(7, 5, state=EntryState.WITHDRAWN, withdrawal_reason=WithdrawalReason.RETRACTED)]
    )
    found = find_patterns(entries, [], _utc(2014, 1, 1), Thresholds(missed_contacts=2))
    assert [p.kind for p in found] == [PatternKind.REPEATED_NON_ENGAGEMENT, PatternKind.WITHDRAWN_CONCERN]
    assert [p.kind for p in find_patterns(entries, [], _utc(2014, 1, 1), Thresholds())] == [
        PatternKind.WITHDRAWN_CONCERN
    ]


def test_the_example_chronology_flags_its_missed_contacts_as_one_run() -> None:
    """Kai's five missed contacts, from the health visitor and the GP's chronology, are one run."""
    messages = [_example(n) for n in ("01", "06-chronology-gp", "07")]
    chronology = build_chronology(messages, child=KAI, generated=_utc(2014, 1, 1))
    [pattern] = [p for p in chronology.patterns if p.kind is PatternKind.REPEATED_NON_ENGAGEMENT]
    assert len(pattern.entries) == 5
    assert "recorded by 2 agencies (ods:Y99GP, ods:Y99HV/health-visiting)" in pattern.explanation
