"""Tests for due times in working days and school days (concernshare.deadlines)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from concernshare import deadlines
from concernshare.deadlines import (
    CHILD_AND_FAMILY_ASSESSMENT,
    INITIAL_CHILD_PROTECTION_CONFERENCE,
    LONDON,
    POLICE_NOTIFICATION,
    REFERRAL_DECISION,
    TIMESCALES,
    SchoolCalendar,
    Term,
    Timescale,
    TimescaleKind,
    WorkingCalendar,
    add_working_days,
    due,
    is_school_day,
    is_working_day,
    late,
    next_school_day_start,
)
from concernshare.errors import UsageError

CASES_FILE = Path(__file__).parent / "data" / "deadline_cases.json"
CASES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))["cases"]
ENGLAND = WorkingCalendar()


def _calendar(data: dict[str, Any]) -> WorkingCalendar:
    return WorkingCalendar(closures=tuple(date.fromisoformat(day) for day in data["closures"]))


def _school(data: dict[str, Any] | None) -> SchoolCalendar | None:
    if data is None:
        return None
    return SchoolCalendar(
        day_start=time.fromisoformat(data["day_start"]),
        weekdays=tuple(data["weekdays"]),
        terms=tuple(
            Term(first_day=date.fromisoformat(term["first_day"]), last_day=date.fromisoformat(term["last_day"]))
            for term in data["terms"]
        ),
        closures=tuple(date.fromisoformat(day) for day in data["closures"]),
    )


def _timescale(case: dict[str, Any]) -> Timescale:
    if "timescale" in case:
        return TIMESCALES[case["timescale"]]
    return Timescale(
        name=f"local_{case['working_days']}", kind=TimescaleKind.WORKING_DAYS, working_days=case["working_days"]
    )


# -- the shared cases -------------------------------------------------------------


def test_cases_are_self_describing() -> None:
    """Every shared case has a unique name, its settings, a reason and exactly one expectation."""
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names))
    for case in CASES:
        assert {"name", "start", "calendar", "school", "reason"} <= case.keys(), case["name"]
        assert ("timescale" in case) != ("working_days" in case), case["name"]
        assert ("expected_due" in case) != ("expected_error" in case), case["name"]
        assert ("sent" in case) == ("expected_late" in case), case["name"]
        assert case["reason"].strip(), case["name"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_shared_case(case: dict[str, Any]) -> None:
    """Each hand-worked case from tests/data/deadline_cases.json gives its expected due time, or is refused."""
    timescale = _timescale(case)
    calendar = _calendar(case["calendar"])
    school = _school(case["school"])
    start = datetime.fromisoformat(case["start"])
    if "expected_error" in case:
        assert case["expected_error"] == "usage"
        with pytest.raises(UsageError):
            due(timescale, start, calendar=calendar, school=school)
        return
    expected = datetime.fromisoformat(case["expected_due"])
    result = due(timescale, start, calendar=calendar, school=school)
    assert result == expected
    assert result.utcoffset() == expected.utcoffset()
    assert result.tzinfo == LONDON
    if "sent" in case:
        assert late(datetime.fromisoformat(case["sent"]), result) is case["expected_late"]


# -- bank holidays ---------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 4, 3),  # Good Friday 2026
        date(2026, 4, 6),  # Easter Monday 2026
        date(2026, 5, 4),  # early May bank holiday 2026
        date(2026, 5, 25),  # spring bank holiday 2026
        date(2026, 8, 31),  # summer bank holiday 2026
        date(2026, 12, 25),  # Christmas Day 2026, a Friday
        date(2026, 12, 28),  # Boxing Day 2026 (a Saturday), observed on Monday
        date(2027, 12, 27),  # Christmas Day 2027 (a Saturday), observed on Monday
        date(2027, 12, 28),  # Boxing Day 2027 (a Sunday), observed on Tuesday
        date(2028, 1, 3),  # New Year's Day 2028 (a Saturday), observed on Monday
        date(2022, 9, 19),  # one-off: the State Funeral of Queen Elizabeth II
        date(2023, 5, 8),  # one-off: the Coronation of King Charles III
    ],
)
def test_bank_holidays_are_not_working_days(day: date) -> None:
    """England's weekday bank holidays, observed days and one-off holidays are not working days."""
    assert day.isoweekday() < 6
    assert not is_working_day(day, ENGLAND)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 4, 2),  # the Thursday before Good Friday
        date(2026, 4, 7),  # the Tuesday after Easter Monday
        date(2026, 5, 26),  # the day after the spring bank holiday
        date(2026, 12, 24),  # Christmas Eve is not a bank holiday
        date(2026, 12, 29),  # the day after Boxing Day's observed day
        date(2027, 12, 29),  # the day after both observed days in 2027
        date(2026, 3, 17),  # St Patrick's Day is a bank holiday in Northern Ireland only
        date(2026, 11, 30),  # St Andrew's Day is a bank holiday in Scotland only
        date(2026, 8, 3),  # Scotland's summer bank holiday is not England's
    ],
)
def test_ordinary_weekdays_are_working_days(day: date) -> None:
    """Weekdays around the holidays, and holidays of the other UK nations, are working days in England."""
    assert is_working_day(day, ENGLAND)


def test_weekends_are_not_working_days() -> None:
    """A Saturday and a Sunday with no holiday are not working days."""
    assert not is_working_day(date(2026, 3, 28), ENGLAND)
    assert not is_working_day(date(2026, 3, 29), ENGLAND)


def test_closures_are_not_working_days() -> None:
    """A calendar's own closure date is not a working day, while the same date is one in the plain calendar."""
    closed = WorkingCalendar(closures=(date(2026, 12, 29),))
    assert is_working_day(date(2026, 12, 29), ENGLAND)
    assert not is_working_day(date(2026, 12, 29), closed)


def test_working_day_refuses_a_datetime() -> None:
    """Asking whether a datetime is a working day is refused: its date depends on the time zone."""
    with pytest.raises(UsageError, match="date"):
        is_working_day(datetime(2026, 4, 3, 10, tzinfo=LONDON), ENGLAND)


# -- adding working days ---------------------------------------------------------------


def test_saturday_plus_one_is_monday() -> None:
    """Saturday 10:00 plus one working day is Monday 10:00."""
    result = add_working_days(datetime(2026, 5, 16, 10, tzinfo=LONDON), 1, ENGLAND)
    assert result == datetime(2026, 5, 18, 10, tzinfo=LONDON)


def test_saturday_plus_one_is_tuesday_after_a_bank_holiday_monday() -> None:
    """Saturday 10:00 plus one working day is Tuesday 10:00 when Monday is a bank holiday."""
    result = add_working_days(datetime(2026, 5, 23, 10, tzinfo=LONDON), 1, ENGLAND)
    assert result == datetime(2026, 5, 26, 10, tzinfo=LONDON)


def test_spring_clock_change_keeps_the_clock_time() -> None:
    """Friday 27 March 2026 10:00 GMT plus one working day is Monday 10:00 BST, which is 09:00 UTC."""
    result = add_working_days(datetime(2026, 3, 27, 10, tzinfo=UTC), 1, ENGLAND)
    assert result.astimezone(UTC) == datetime(2026, 3, 30, 9, tzinfo=UTC)
    assert (result.hour, result.minute) == (10, 0)
    assert result.utcoffset() == timedelta(hours=1)
    assert result.tzinfo == LONDON


def test_autumn_clock_change_keeps_the_clock_time() -> None:
    """Friday 23 October 2026 10:00 BST plus one working day is Monday 10:00 GMT, which is 10:00 UTC."""
    result = add_working_days(datetime(2026, 10, 23, 9, tzinfo=UTC), 1, ENGLAND)
    assert result.astimezone(UTC) == datetime(2026, 10, 26, 10, tzinfo=UTC)
    assert result.utcoffset() == timedelta(0)


def test_zero_working_days_is_the_start() -> None:
    """Adding no working days gives the start back, in London time, even on a Sunday."""
    start = datetime(2026, 3, 29, 12, tzinfo=UTC)
    result = add_working_days(start, 0, ENGLAND)
    assert result == start
    assert result.tzinfo == LONDON


@pytest.mark.parametrize("n", [-1, 1.0, True, "1", None])
def test_bad_numbers_of_days_are_refused(n: Any) -> None:
    """A negative, fractional, boolean or non-numeric number of working days is refused."""
    with pytest.raises(UsageError, match="whole number"):
        add_working_days(datetime(2026, 5, 18, 10, tzinfo=LONDON), n, ENGLAND)


def test_naive_start_is_refused() -> None:
    """A naive start is refused with a usage error rather than taken as London or UTC time."""
    with pytest.raises(UsageError, match="timezone-aware"):
        add_working_days(datetime(2026, 5, 18, 10), 1, ENGLAND)


def test_a_date_is_not_a_start() -> None:
    """A date where a datetime is wanted is refused."""
    with pytest.raises(UsageError, match="datetime"):
        add_working_days(date(2026, 5, 18), 1, ENGLAND)  # type: ignore[arg-type]


# -- school days ------------------------------------------------------------------


AUTUMN_2026 = SchoolCalendar(
    terms=(
        Term(first_day=date(2026, 9, 3), last_day=date(2026, 10, 23)),
        Term(first_day=date(2026, 11, 2), last_day=date(2026, 12, 18)),
    ),
    closures=(date(2026, 9, 3),),
)


def test_incident_before_school_starts_is_due_that_morning() -> None:
    """An incident at 07:00 on a school day is due by 08:45 that day."""
    result = next_school_day_start(datetime(2026, 10, 6, 7, tzinfo=LONDON), AUTUMN_2026)
    assert result == datetime(2026, 10, 6, 8, 45, tzinfo=LONDON)


def test_incident_in_the_evening_is_due_next_school_day() -> None:
    """An incident at 20:00 on a school day is due by the next school day's start."""
    result = next_school_day_start(datetime(2026, 10, 6, 20, tzinfo=LONDON), AUTUMN_2026)
    assert result == datetime(2026, 10, 7, 8, 45, tzinfo=LONDON)


def test_friday_evening_in_half_term_is_due_on_the_first_day_back() -> None:
    """A Friday evening incident in half-term is due at the start of the first day back."""
    result = next_school_day_start(datetime(2026, 10, 30, 21, tzinfo=LONDON), AUTUMN_2026)
    assert result == datetime(2026, 11, 2, 8, 45, tzinfo=LONDON)


def test_inset_day_is_not_a_school_day() -> None:
    """An INSET day inside a term is not a school day; the next day is."""
    assert not is_school_day(date(2026, 9, 3), AUTUMN_2026)
    assert is_school_day(date(2026, 9, 4), AUTUMN_2026)


def test_bank_holiday_is_never_a_school_day() -> None:
    """A bank holiday inside a term, on one of the school's weekdays, is not a school day."""
    school = SchoolCalendar(terms=(Term(first_day=date(2026, 4, 20), last_day=date(2026, 5, 22)),))
    assert not is_school_day(date(2026, 5, 4), school)
    assert is_school_day(date(2026, 5, 5), school)


def test_school_calendar_that_has_ended_is_refused() -> None:
    """Asking for a school day after the last known term is refused, not guessed."""
    with pytest.raises(UsageError, match="next terms"):
        next_school_day_start(datetime(2026, 12, 18, 16, tzinfo=LONDON), AUTUMN_2026)


def test_naive_incident_time_is_refused() -> None:
    """A naive incident time is refused with a usage error."""
    with pytest.raises(UsageError, match="timezone-aware"):
        next_school_day_start(datetime(2026, 10, 6, 7), AUTUMN_2026)


@pytest.mark.parametrize(
    "settings",
    [
        {"weekdays": ()},
        {"weekdays": (0, 1)},
        {"weekdays": (1, 8)},
        {"weekdays": [1, 2, 3]},
        {"day_start": time(8, 45, tzinfo=UTC)},
        {"day_start": "08:45"},
        {"terms": ((date(2026, 9, 3), date(2026, 10, 23)),)},
        {"closures": (datetime(2026, 9, 3, tzinfo=LONDON),)},
        {"closures": ("2026-09-03",)},
    ],
)
def test_bad_school_calendars_are_refused(settings: dict[str, Any]) -> None:
    """A school calendar with no weekdays, a weekday outside 1-7, a zoned or textual start, or bad dates is refused."""
    with pytest.raises(UsageError):
        SchoolCalendar(**settings)


def test_term_ending_before_it_starts_is_refused() -> None:
    """A term whose last day comes before its first day is refused."""
    with pytest.raises(UsageError, match="last day"):
        Term(first_day=date(2026, 10, 23), last_day=date(2026, 9, 3))


def test_working_calendar_closures_must_be_dates() -> None:
    """A working calendar's closures must be dates, not datetimes."""
    with pytest.raises(UsageError, match="dates"):
        WorkingCalendar(closures=(datetime(2026, 12, 29, tzinfo=LONDON),))


# -- timescales and due times -------------------------------------------------------


def test_statutory_timescales() -> None:
    """The statutory defaults are 1, 45 and 15 working days and the next school day, each with its source."""
    assert REFERRAL_DECISION.working_days == 1
    assert CHILD_AND_FAMILY_ASSESSMENT.working_days == 45
    assert INITIAL_CHILD_PROTECTION_CONFERENCE.working_days == 15
    assert POLICE_NOTIFICATION.kind is TimescaleKind.NEXT_SCHOOL_DAY
    assert POLICE_NOTIFICATION.working_days is None
    assert set(TIMESCALES) == {
        "referral_decision",
        "child_and_family_assessment",
        "initial_child_protection_conference",
        "police_notification",
        "wales_report_decision",
        "wales_report_written_confirmation",
        "wales_report_acknowledgement",
        "first_review_child_protection_conference",
        "review_child_protection_conference",
        "transfer_in_child_protection_conference",
    }
    for name, timescale in TIMESCALES.items():
        assert timescale.name == name
        assert timescale.description
        assert timescale.source


def test_timescales_cannot_be_changed() -> None:
    """The statutory mapping and its timescales are read-only."""
    with pytest.raises(TypeError):
        TIMESCALES["referral_decision"] = CHILD_AND_FAMILY_ASSESSMENT  # type: ignore[index]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        REFERRAL_DECISION.working_days = 2  # type: ignore[misc]


def test_local_rule_overrides_the_number_of_days() -> None:
    """A local rule of 2 working days, built by the caller, gives a later due time than the statutory 1."""
    local = Timescale(
        name="local_referral_decision", kind=TimescaleKind.WORKING_DAYS, working_days=2, source="a local routing rule"
    )
    start = datetime(2026, 5, 18, 10, tzinfo=LONDON)
    assert due(REFERRAL_DECISION, start, calendar=ENGLAND) == datetime(2026, 5, 19, 10, tzinfo=LONDON)
    assert due(local, start, calendar=ENGLAND) == datetime(2026, 5, 20, 10, tzinfo=LONDON)


@pytest.mark.parametrize(
    "settings",
    [
        {"kind": TimescaleKind.WORKING_DAYS},
        {"kind": TimescaleKind.WORKING_DAYS, "working_days": 0},
        {"kind": TimescaleKind.WORKING_DAYS, "working_days": True},
        {"kind": TimescaleKind.WORKING_DAYS, "working_days": 2.5},
        {"kind": TimescaleKind.NEXT_SCHOOL_DAY, "working_days": 1},
        {"kind": "working_days", "working_days": 2},
        {"kind": TimescaleKind.WORKING_DAYS, "working_days": 2, "name": ""},
    ],
)
def test_inconsistent_timescales_are_refused(settings: dict[str, Any]) -> None:
    """A timescale whose kind and number of working days do not fit, or that has no name, is refused."""
    with pytest.raises(UsageError):
        Timescale(**{"name": "local", **settings})


def test_police_notification_needs_a_school() -> None:
    """A next-school-day timescale without the setting's calendar is refused."""
    with pytest.raises(UsageError, match="school"):
        due(POLICE_NOTIFICATION, datetime(2026, 10, 6, 7, tzinfo=LONDON), calendar=ENGLAND)


def test_police_notification_uses_the_school() -> None:
    """The police notification is due at the start of the setting's next school day."""
    result = due(POLICE_NOTIFICATION, datetime(2026, 10, 23, 19, tzinfo=LONDON), calendar=ENGLAND, school=AUTUMN_2026)
    assert result == datetime(2026, 11, 2, 8, 45, tzinfo=LONDON)


def test_late_compares_instants() -> None:
    """Sending after the due instant is late, at or before it is not, whatever zone each time is in."""
    deadline = datetime(2026, 3, 30, 10, tzinfo=LONDON)
    assert not late(datetime(2026, 3, 30, 9, tzinfo=UTC), deadline)
    assert late(datetime(2026, 3, 30, 9, 0, 1, tzinfo=UTC), deadline)
    assert late(datetime(2026, 3, 30, 9, 30, tzinfo=UTC), deadline)
    assert not late(datetime(2026, 3, 30, 8, 59, tzinfo=UTC), deadline)


def test_late_refuses_naive_times() -> None:
    """Lateness of a naive time, or against a naive due time, is refused."""
    aware = datetime(2026, 3, 30, 10, tzinfo=LONDON)
    naive = datetime(2026, 3, 30, 10)
    with pytest.raises(UsageError, match="sent"):
        late(naive, aware)
    with pytest.raises(UsageError, match="due"):
        late(aware, naive)


def test_routing_package_reexports() -> None:
    """The routing package offers the deadlines API under the same names."""
    from concernshare import routing  # noqa: PLC0415 - the import is what is tested

    for name in deadlines.__all__:
        assert getattr(routing, name) is getattr(deadlines, name)


# -- properties -------------------------------------------------------------------


ZONES = st.sampled_from([LONDON, UTC, ZoneInfo("America/New_York"), timezone(timedelta(hours=5, minutes=30))])
STARTS = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2060, 12, 31),
    timezones=ZONES,
    allow_imaginary=False,
)
NEAR = st.frozensets(st.integers(min_value=0, max_value=120), max_size=15)


def _near(start: datetime, offsets: frozenset[int]) -> tuple[date, ...]:
    first = start.astimezone(LONDON).date()
    return tuple(sorted(first + timedelta(days=offset) for offset in offsets))


@given(start=STARTS, n=st.integers(min_value=1, max_value=80), offsets=NEAR)
def test_result_is_the_nth_working_day_at_the_same_clock_time(
    start: datetime,
    n: int,
    offsets: frozenset[int],
) -> None:
    """The due time is on a working day, at the start's London clock time, with exactly n working days counted."""
    calendar = WorkingCalendar(closures=_near(start, offsets))
    result = add_working_days(start, n, calendar)
    local = start.astimezone(LONDON)
    assert result.tzinfo == LONDON
    assert result > start
    assert is_working_day(result.date(), calendar)
    assert result.time() == local.time()
    days = (result.date() - local.date()).days
    counted = sum(is_working_day(local.date() + timedelta(days=k), calendar) for k in range(1, days + 1))
    assert counted == n


@given(
    start=STARTS,
    m=st.integers(min_value=0, max_value=60),
    n=st.integers(min_value=0, max_value=60),
    offsets=NEAR,
)
def test_adding_m_then_n_is_adding_m_plus_n(start: datetime, m: int, n: int, offsets: frozenset[int]) -> None:
    """Adding m working days and then n gives the same due time as adding m + n at once."""
    calendar = WorkingCalendar(closures=_near(start, offsets))
    once = add_working_days(start, m + n, calendar)
    twice = add_working_days(add_working_days(start, m, calendar), n, calendar)
    assert twice == once
    assert twice.utcoffset() == once.utcoffset()


@given(
    after=STARTS,
    start_at=st.builds(time, st.integers(min_value=5, max_value=11), st.integers(min_value=0, max_value=59)),
    weekdays=st.frozensets(st.integers(min_value=1, max_value=7), min_size=1),
    offsets=NEAR,
    term_bounds=st.none() | st.tuples(st.integers(-30, 60), st.integers(0, 120)),
)
def test_next_school_day_start_is_the_first_start_after(
    after: datetime,
    start_at: time,
    weekdays: frozenset[int],
    offsets: frozenset[int],
    term_bounds: tuple[int, int] | None,
) -> None:
    """The due time is the start of a school day, after the incident, with no school day starting in between."""
    first = after.astimezone(LONDON).date()
    terms: tuple[Term, ...] = ()
    if term_bounds is not None:
        begin = first + timedelta(days=term_bounds[0])
        terms = (Term(first_day=begin, last_day=begin + timedelta(days=term_bounds[1])),)
    school = SchoolCalendar(
        day_start=start_at,
        weekdays=tuple(sorted(weekdays)),
        terms=terms,
        closures=_near(after, offsets),
    )
    try:
        result = next_school_day_start(after, school)
    except UsageError:
        assert terms
        last = terms[-1].last_day
        candidates = [first + timedelta(days=k) for k in range((last - first).days + 1)]
        assert not any(
            is_school_day(day, school) and datetime.combine(day, start_at, tzinfo=LONDON) > after for day in candidates
        )
        return
    assert result > after
    assert result.tzinfo == LONDON
    assert result.time() == start_at
    assert is_school_day(result.date(), school)
    between = [first + timedelta(days=k) for k in range((result.date() - first).days)]
    assert not any(
        is_school_day(day, school) and datetime.combine(day, start_at, tzinfo=LONDON) > after for day in between
    )


# -- hours, office hours and nations (format 1.1) -----------------------------------


def test_hours_run_on_the_calendar_clock_across_a_change_of_the_clocks() -> None:
    """Two hours after 00:30 BST on the night the clocks go back is 01:30 GMT: elapsed time, day or night."""
    start = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)  # Sunday 25 October 00:30 BST
    due_at = deadlines.add_hours(start, 2)
    assert due_at.tzinfo == deadlines.LONDON
    assert due_at.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # (a time in the fold: PEP 495)
    assert (due_at.hour, due_at.fold) == (1, 1)


@pytest.mark.parametrize("hours", [0, -1, 1.5, True])
def test_hours_must_be_a_whole_number_of_one_or_more(hours: Any) -> None:
    """A number of hours that is not a whole number, 1 or more, is refused."""
    with pytest.raises(UsageError, match="hours"):
        deadlines.add_hours(datetime(2026, 11, 25, 10, tzinfo=UTC), hours)


def test_an_hours_timescale_is_due_that_many_hours_later() -> None:
    """A Timescale of kind hours gives the same answer as add_hours, weekends included."""
    same_day = deadlines.Timescale(name="same_day", kind=deadlines.TimescaleKind.HOURS, hours=4)
    start = datetime(2026, 11, 28, 22, 0, tzinfo=UTC)  # a Saturday night
    assert deadlines.due(same_day, start, calendar=deadlines.WorkingCalendar()) == start + timedelta(hours=4)
    with pytest.raises(UsageError, match="hours"):
        deadlines.Timescale(name="bad", kind=deadlines.TimescaleKind.HOURS, working_days=1)
    with pytest.raises(UsageError, match="no hours"):
        deadlines.Timescale(name="bad", kind=deadlines.TimescaleKind.WORKING_DAYS, working_days=1, hours=2)


@pytest.mark.parametrize(
    ("moment", "outside"),
    [
        (datetime(2026, 11, 25, 9, 0, tzinfo=UTC), False),  # Wednesday 09:00, opening time
        (datetime(2026, 11, 25, 16, 59, tzinfo=UTC), False),
        (datetime(2026, 11, 25, 17, 0, tzinfo=UTC), True),  # closing time
        (datetime(2026, 6, 3, 8, 30, tzinfo=UTC), False),  # 09:30 BST
        (datetime(2026, 11, 28, 12, 0, tzinfo=UTC), True),  # a Saturday
        (datetime(2026, 12, 28, 12, 0, tzinfo=UTC), True),  # Boxing Day observed
    ],
)
def test_out_of_hours_is_outside_office_hours_on_working_days(moment: datetime, outside: bool) -> None:
    """Office hours are 09:00 to 17:00 London time on working days; everything else is out of hours."""
    assert deadlines.out_of_hours(moment, deadlines.WorkingCalendar()) is outside


@pytest.mark.parametrize(
    ("nation", "day"),
    [
        (deadlines.Nation.SCOTLAND, date(2026, 1, 2)),  # 2 January
        (deadlines.Nation.SCOTLAND, date(2026, 11, 30)),  # St Andrew's Day
        (deadlines.Nation.NORTHERN_IRELAND, date(2026, 3, 17)),  # St Patrick's Day
        (deadlines.Nation.NORTHERN_IRELAND, date(2026, 7, 13)),  # Battle of the Boyne, observed on Monday
    ],
)
def test_each_nation_has_its_own_bank_holidays(nation: deadlines.Nation, day: date) -> None:
    """A bank holiday of Scotland or Northern Ireland is a working day in England, and not in its own nation."""
    assert deadlines.is_working_day(day, deadlines.WorkingCalendar())
    assert not deadlines.is_working_day(day, deadlines.WorkingCalendar(nation=nation))


def test_wales_keeps_englands_bank_holidays() -> None:
    """Wales has the same bank holidays as England (Easter Monday 2026, 6 April, is one in both)."""
    wales = deadlines.WorkingCalendar(nation=deadlines.Nation.WALES)
    assert not deadlines.is_working_day(date(2026, 4, 6), wales)
    assert deadlines.add_working_days(datetime(2026, 4, 2, 10, tzinfo=UTC), 1, wales).date() == date(2026, 4, 7)


def test_a_calendar_refuses_a_nation_or_hours_of_the_wrong_kind() -> None:
    """The nation is a Nation and the office opens before it closes."""
    with pytest.raises(UsageError, match="nation"):
        deadlines.WorkingCalendar(nation="WLS")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="office hours"):
        deadlines.WorkingCalendar(opens=time(17), closes=time(9))
