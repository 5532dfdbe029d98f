"""When a response is due: working days in England, and a setting's school days.

Everything here is a pure function of the times passed in; nothing reads the
wall clock. Times must be timezone-aware (a naive one raises
:class:`~concernshare.errors.UsageError`), and every due time comes back in
Europe/London time.

**Working days.** A working day is a weekday that is not a bank holiday in
England (with its observed, or substitute, day: Boxing Day 2026 falls on a
Saturday and is observed on Monday 28 December) and not one of a
:class:`WorkingCalendar`'s own closure dates. The bank holidays come from the
``holidays`` library, never from a list kept here, so that one-off holidays
such as a state funeral arrive with a library update.

"N working days" means *by the same Europe/London clock time on the Nth
following working day*. The days are counted from the calendar date of the
start, in London, whatever kind of day that is: a referral at 10:00 on a
Saturday is due one working day later at 10:00 on Monday (or Tuesday when
Monday is a bank holiday). The clock time is kept across a change of the
clocks, so the UTC offset of the due time may differ from that of the start:
Friday 27 March 2026 10:00 GMT plus one working day is Monday 30 March 10:00
BST, which is 09:00 UTC.

**School days.** Operation Encompass notifications are due before the start
of the setting's next school day. Each setting has its own
:class:`SchoolCalendar`: the time its day starts, the weekdays it opens, its
term dates and its closures (INSET days and the like); bank holidays are never
school days. :func:`next_school_day_start` gives the start of the first school
day that begins strictly after the incident, so an incident at 07:00 on a
school day is due by 08:45 that morning, and one on a Friday evening in
half-term is due at the start of the first day back.

**Hours.** A response needed sooner than a working day (a child in immediate
danger, a same-day response) is measured in hours on the calendar clock, 24
hours a day, 7 days a week: :func:`add_hours` counts elapsed time, so nights,
weekends and bank holidays count like any other hour. Whether a time falls
outside the office hours of a :class:`WorkingCalendar` (:func:`out_of_hours`)
is what routing rules use to send such a concern to an emergency duty team.

**Nations.** A :class:`WorkingCalendar` belongs to one nation of the UK
(:class:`Nation`): England, Wales, Scotland and Northern Ireland each have
their own bank holidays (the ``holidays`` library's GB subdivisions ENG, WLS,
SCT and NIR), and a deadline is reckoned in the calendar of the nation of the
agency that must respond.

**Timescales.** The statutory defaults are the :class:`Timescale` values
:data:`REFERRAL_DECISION`, :data:`CHILD_AND_FAMILY_ASSESSMENT`,
:data:`INITIAL_CHILD_PROTECTION_CONFERENCE` and :data:`POLICE_NOTIFICATION`,
also found by name in :data:`TIMESCALES`. Local rules may set other numbers
of working days by building their own :class:`Timescale`. :func:`due` applies
a timescale to a start time, and :func:`late` says whether something sent at
a given time missed its due time (a late notification is still sent; this
only reports the lateness).

A clock time that a change of the clocks makes ambiguous (01:30 on the last
Sunday of October happens twice) is taken at its first occurrence; one that
does not exist (01:30 on the last Sunday of March) is moved on by the hour
that the clocks skip. Working days are never Sundays, so this only ever
touches a school that opens on a Sunday.
"""

from __future__ import annotations

import enum
import functools
from calendar import monthrange
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import Final

import attrs
import holidays

from concernshare.errors import UsageError
from concernshare.records.types import LONDON

__all__ = [
    "CHILD_AND_FAMILY_ASSESSMENT",
    "FIRST_REVIEW_CONFERENCE",
    "INITIAL_CHILD_PROTECTION_CONFERENCE",
    "LONDON",
    "POLICE_NOTIFICATION",
    "REFERRAL_DECISION",
    "REVIEW_CONFERENCE",
    "TIMESCALES",
    "TRANSFER_IN_CONFERENCE",
    "WALES_REPORT_ACKNOWLEDGEMENT",
    "WALES_REPORT_DECISION",
    "WALES_REPORT_WRITTEN_CONFIRMATION",
    "Nation",
    "SchoolCalendar",
    "Term",
    "Timescale",
    "TimescaleKind",
    "WorkingCalendar",
    "add_hours",
    "add_months",
    "add_working_days",
    "due",
    "is_school_day",
    "is_working_day",
    "late",
    "nation_of",
    "next_school_day_start",
    "out_of_hours",
]

_ONE_DAY: Final = timedelta(days=1)
_SATURDAY: Final = 6  # ISO weekday numbers: Monday is 1, Sunday is 7
_ISO_WEEKDAYS: Final = range(1, 8)


# -- calendars ----------------------------------------------------------------


class Nation(enum.StrEnum):
    """A nation of the UK, by its subdivision code in the ``holidays`` library (ISO 3166-2:GB)."""

    ENGLAND = "ENG"
    WALES = "WLS"
    SCOTLAND = "SCT"
    NORTHERN_IRELAND = "NIR"


@functools.cache
def _bank_holidays(year: int, nation: str = "ENG") -> frozenset[date]:
    """A nation's bank holidays and their observed days in ``year``, from the ``holidays`` library."""
    return frozenset(holidays.country_holidays("GB", subdiv=nation, years=year, observed=True).keys())


def _check_dates(what: str, values: object) -> None:
    if not isinstance(values, tuple):
        raise UsageError(f"{what} must be a tuple of dates")
    for value in values:
        if isinstance(value, datetime) or not isinstance(value, date):
            raise UsageError(f"{what} must hold dates (local to England), not times or other values")


@attrs.frozen(kw_only=True)
class WorkingCalendar:
    """The working days of an agency in England.

    Saturdays, Sundays and England's bank holidays (with their observed days)
    are never working days; ``closures`` adds the agency's own closure dates,
    local to England (for instance a council that closes between Christmas
    and New Year).

    Raises :class:`~concernshare.errors.UsageError` when ``closures`` is not a
    tuple of dates.
    """

    closures: tuple[date, ...] = ()
    nation: Nation = Nation.ENGLAND
    opens: time = time(9)
    closes: time = time(17)

    def __attrs_post_init__(self) -> None:
        _check_dates("closures", self.closures)
        if not isinstance(self.nation, Nation):
            raise UsageError("nation must be a Nation")
        if not (isinstance(self.opens, time) and isinstance(self.closes, time) and self.opens < self.closes):
            raise UsageError("office hours must be two times of day, opening before closing")


@attrs.frozen(kw_only=True)
class Term:
    """One term, or half-term, of a school: the dates of its first and last days, both included.

    Raises :class:`~concernshare.errors.UsageError` when either is not a date
    or the last day comes before the first.
    """

    first_day: date
    last_day: date

    def __attrs_post_init__(self) -> None:
        _check_dates("a term's first and last days", (self.first_day, self.last_day))
        if self.last_day < self.first_day:
            raise UsageError("a term's last day must not come before its first day")


@attrs.frozen(kw_only=True)
class SchoolCalendar:
    """The school days of one educational setting, for notifications due before its next school day.

    ``day_start`` is the London clock time its day starts. ``weekdays`` are
    the ISO weekday numbers it opens on (1 is Monday). ``terms`` are its term
    dates; when there are none, every such weekday counts, so a setting that
    only knows its closures can list them in ``closures`` (INSET days, a
    half-term week, a closure for an election). Bank holidays in England are
    never school days.

    With ``terms`` given, the calendar ends with the last of them: asking for
    a school day after it is an error rather than a guess.

    Raises :class:`~concernshare.errors.UsageError` when ``day_start`` is not
    a clock time without a zone, ``weekdays`` is empty or holds a number
    outside 1 to 7, or ``terms`` or ``closures`` hold the wrong kind of value.
    """

    day_start: time = time(8, 45)
    weekdays: tuple[int, ...] = (1, 2, 3, 4, 5)
    terms: tuple[Term, ...] = ()
    closures: tuple[date, ...] = ()

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.day_start, time) or self.day_start.tzinfo is not None:
            raise UsageError("a school day's start must be a clock time without a time zone (it is London time)")
        if not isinstance(self.weekdays, tuple) or not self.weekdays:
            raise UsageError("a school must open on at least one weekday, given as a tuple of ISO numbers")
        for day in self.weekdays:
            if isinstance(day, bool) or not isinstance(day, int) or day not in _ISO_WEEKDAYS:
                raise UsageError("weekdays are ISO numbers: 1 is Monday and 7 is Sunday")
        if not isinstance(self.terms, tuple) or not all(isinstance(term, Term) for term in self.terms):
            raise UsageError("terms must be a tuple of Term values")
        _check_dates("closures", self.closures)


def _check_day(day: object) -> None:
    if isinstance(day, datetime) or not isinstance(day, date):
        raise UsageError("pass a date in England; for a time, take .astimezone(LONDON).date() first")


def is_working_day(day: date, calendar: WorkingCalendar) -> bool:
    """Whether ``day`` is a working day: a weekday, not a bank holiday in England, not one of ``calendar``'s closures.

    Raises :class:`~concernshare.errors.UsageError` when ``day`` is not a date
    (a datetime is refused too: its date depends on the time zone).
    """
    _check_day(day)
    return (
        day.isoweekday() < _SATURDAY
        and day not in _bank_holidays(day.year, calendar.nation)
        and day not in calendar.closures
    )


def out_of_hours(moment: datetime, calendar: WorkingCalendar) -> bool:
    """Whether ``moment`` falls outside the office hours of ``calendar`` (or on a day that is not a working day).

    Raises :class:`~concernshare.errors.UsageError` when ``moment`` is naive.
    """
    local = _in_london(moment, "moment")
    return not is_working_day(local.date(), calendar) or not calendar.opens <= local.time() < calendar.closes


def is_school_day(day: date, school: SchoolCalendar) -> bool:
    """Whether the setting is open on ``day``: one of its weekdays, in a term, not a closure, not a bank holiday.

    Raises :class:`~concernshare.errors.UsageError` when ``day`` is not a date.
    """
    _check_day(day)
    return (
        day.isoweekday() in school.weekdays
        and day not in _bank_holidays(day.year)
        and day not in school.closures
        and (not school.terms or any(term.first_day <= day <= term.last_day for term in school.terms))
    )


# -- arithmetic ---------------------------------------------------------------


def _in_london(value: object, what: str) -> datetime:
    if not isinstance(value, datetime):
        raise UsageError(f"{what} must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise UsageError(f"{what} must be timezone-aware; a naive datetime does not say when it happened")
    return value.astimezone(LONDON)


def _at(day: date, clock: time) -> datetime:
    """``clock`` on ``day`` in London, with a skipped clock time moved on by the skipped hour."""
    return datetime.combine(day, clock, tzinfo=LONDON).astimezone(UTC).astimezone(LONDON)


def add_hours(start: datetime, hours: int) -> datetime:
    """``hours`` of elapsed time after ``start``, on the calendar clock (24/7), in Europe/London.

    Raises :class:`~concernshare.errors.UsageError` when ``start`` is naive or
    ``hours`` is not a whole number, 1 or more.
    """
    local = _in_london(start, "start")
    if isinstance(hours, bool) or not isinstance(hours, int) or hours < 1:
        raise UsageError("the number of hours must be a whole number, 1 or more")
    return (local.astimezone(UTC) + timedelta(hours=hours)).astimezone(LONDON)


def add_working_days(start: datetime, n: int, calendar: WorkingCalendar) -> datetime:
    """The same London clock time as ``start`` on the ``n``-th working day after ``start``'s London date.

    A start on a weekend or a holiday counts from the next working days all
    the same: Saturday 10:00 plus one working day is Monday 10:00. ``n`` of 0
    gives ``start`` back in London time. The result is in Europe/London.

    Raises :class:`~concernshare.errors.UsageError` when ``start`` is naive
    or ``n`` is not a whole number of days, 0 or more.
    """
    local = _in_london(start, "start")
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise UsageError("the number of working days must be a whole number, 0 or more")
    if n == 0:
        return local
    day = local.date()
    remaining = n
    while remaining:
        day += _ONE_DAY
        if is_working_day(day, calendar):
            remaining -= 1
    return _at(day, local.time().replace(fold=0))


def next_school_day_start(after: datetime, school: SchoolCalendar) -> datetime:
    """The start of the setting's first school day whose start is strictly after ``after``, in Europe/London.

    An incident at 07:00 on a school day is due by that day's start; at the
    very start or later, by the next school day's start.

    Raises :class:`~concernshare.errors.UsageError` when ``after`` is naive,
    or when ``school`` has term dates and none of them holds a school day
    starting after ``after`` (add the next terms' dates).
    """
    local = _in_london(after, "after")
    last = max((term.last_day for term in school.terms), default=None)
    day = local.date()
    while last is None or day <= last:
        if is_school_day(day, school):
            begins = _at(day, school.day_start)
            if begins > local:
                return begins
        day += _ONE_DAY
    raise UsageError(
        f"the school calendar has no school day after {local.isoformat()}; its last term ends on "
        f"{last.isoformat()}, so add the next terms' dates"
    )


# -- timescales ---------------------------------------------------------------


class TimescaleKind(enum.StrEnum):
    """How a timescale runs: a number of working days, or to the start of the next school day."""

    WORKING_DAYS = "working_days"
    NEXT_SCHOOL_DAY = "next_school_day"
    HOURS = "hours"
    CALENDAR_MONTHS = "calendar_months"


@attrs.frozen(kw_only=True)
class Timescale:
    """A named time limit for a response, with what it means and where it comes from.

    A ``working_days`` timescale needs ``working_days`` (1 or more); a
    ``next_school_day`` timescale has none. Local rules build their own, for
    instance from a routing rule's ``{"working_days": 2}``.

    Raises :class:`~concernshare.errors.UsageError` when the fields do not fit
    together.
    """

    name: str
    kind: TimescaleKind
    working_days: int | None = None
    months: int | None = None
    description: str = ""
    source: str = ""
    hours: int | None = None

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise UsageError("a timescale needs a name")
        if not isinstance(self.kind, TimescaleKind):
            raise UsageError("a timescale's kind must be a TimescaleKind")
        days = self.working_days
        if self.kind is TimescaleKind.HOURS:
            if days is not None or isinstance(self.hours, bool) or not isinstance(self.hours, int) or self.hours < 1:
                raise UsageError(f"the {self.name} timescale runs in hours: a whole number, 1 or more, and no days")
            return
        if self.hours is not None:
            raise UsageError(f"the {self.name} timescale runs in days and takes no hours")
        if self.kind is TimescaleKind.CALENDAR_MONTHS:
            if days is not None or isinstance(self.months, bool) or not isinstance(self.months, int) or self.months < 1:
                raise UsageError(
                    f"the {self.name} timescale needs a whole number of months, 1 or more, and no working days"
                )
            return
        if self.months is not None:
            raise UsageError(f"only a calendar-months timescale takes months; {self.name} does not")
        if self.kind is TimescaleKind.NEXT_SCHOOL_DAY:
            if days is not None:
                raise UsageError(f"the {self.name} timescale runs to the next school day and takes no working days")
        elif isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise UsageError(f"the {self.name} timescale needs a whole number of working days, 1 or more")


REFERRAL_DECISION: Final = Timescale(
    name="referral_decision",
    kind=TimescaleKind.WORKING_DAYS,
    working_days=1,
    description=(
        "The local authority acknowledges a referral to the referrer and decides the next steps and the type of "
        "response within one working day. The clock runs from when the front door decides that a contact is a "
        "referral."
    ),
    source="Working Together to Safeguard Children 2023 (statutory guidance, s7 Local Authority Social Services "
    "Act 1970): responding to referrals.",
)
"""A decision on a referral within 1 working day of it (WT2023; from when a contact is decided to be a referral)."""

CHILD_AND_FAMILY_ASSESSMENT: Final = Timescale(
    name="child_and_family_assessment",
    kind=TimescaleKind.WORKING_DAYS,
    working_days=45,
    description=(
        "A child and family assessment concludes within 45 working days of the point of referral (not of its "
        "acceptance); when it takes longer, the social worker records why."
    ),
    source="Working Together to Safeguard Children 2023: assessment timescales; the DfE children in need census "
    "validation uses the same 45 working days (query 8670Q).",
)
"""An assessment within 45 working days of the referral (WT2023; DfE CIN census query 8670Q)."""

INITIAL_CHILD_PROTECTION_CONFERENCE: Final = Timescale(
    name="initial_child_protection_conference",
    kind=TimescaleKind.WORKING_DAYS,
    working_days=15,
    description=(
        "The initial child protection conference is held within 15 working days of the strategy discussion; where "
        "there was more than one, of the one at which the section 47 enquiry was started."
    ),
    source="Working Together to Safeguard Children 2023: initial child protection conferences; the DfE children "
    "in need census validation counts 15 working days from the s47 enquiry's start (query 8675Q).",
)
"""An ICPC within 15 working days of the strategy discussion that started the s47 enquiry (WT2023; CIN 8675Q)."""

_WT2023_CP: Final = (
    "Working Together to Safeguard Children 2023, chapter 3 (child protection conferences); paragraph numbers not "
    "verified against the gov.uk text. The same figure in partnership procedures: "
)
_REVIEW_CONFERENCES: Final = (
    _WT2023_CP + "https://liverpoolscp.trixonline.co.uk/chapter/child-protection-review-conferences."
)

FIRST_REVIEW_CONFERENCE: Final = Timescale(
    name="first_review_child_protection_conference",
    kind=TimescaleKind.CALENDAR_MONTHS,
    months=3,
    description="The first review child protection conference is held within three months of the initial "
    "conference (or of the transfer-in conference).",
    source=_REVIEW_CONFERENCES,
)
"""The first review conference within 3 months of the initial conference (WT2023)."""

REVIEW_CONFERENCE: Final = Timescale(
    name="review_child_protection_conference",
    kind=TimescaleKind.CALENDAR_MONTHS,
    months=6,
    description="Further review conferences are held no more than six months apart while the child is on a "
    "child protection plan.",
    source=_REVIEW_CONFERENCES,
)
"""Each later review conference within 6 months of the previous one (WT2023)."""

TRANSFER_IN_CONFERENCE: Final = Timescale(
    name="transfer_in_child_protection_conference",
    kind=TimescaleKind.WORKING_DAYS,
    working_days=15,
    description="When a child on a child protection plan moves into its area, the receiving authority holds a "
    "transfer-in conference within 15 working days of the written notification from the other authority.",
    source=_WT2023_CP + "https://norfolklscp.org.uk/about/policies-procedures/managing-individual-cases-where-"
    "there-are-concerns-about-a-childs-safety-and-welfare/38-transfer-in-child-protection-conferences; "
    "http://www.teescpp.org.uk/transfer-in-out.",
)
"""A transfer-in conference within 15 working days of the notification (WT2023; partnership procedures)."""

POLICE_NOTIFICATION: Final = Timescale(
    name="police_notification",
    kind=TimescaleKind.NEXT_SCHOOL_DAY,
    description=(
        "Police tell the child's educational setting (its designated safeguarding lead) about a police-attended "
        "domestic abuse incident that relates to the child before the start of the setting's next school day, "
        "weekends and holidays included. A late notification is still sent, and flagged."
    ),
    source="Operation Encompass: Victims and Prisoners Act 2024 and the Home Office statutory guidance, Duty on "
    "police forces in England and Wales to notify education establishments of domestic abuse incidents "
    "(7 November 2025).",
)
"""An Operation Encompass notification before the start of the setting's next school day (VPA 2024)."""

_ALL_WALES: Final = (
    "All Wales Safeguarding Procedures (Safeguarding Wales, https://safeguarding.wales), under the "
    "Social Services and Well-being (Wales) Act 2014"
)

WALES_REPORT_DECISION: Final = Timescale(
    name="wales_report_decision",
    kind=TimescaleKind.WORKING_DAYS,
    working_days=1,
    description="In Wales a concern is a 'report'; once it is received, social services decide and record the next "
    "actions within one working day.",
    source=_ALL_WALES + ": section 3 part 1, action following a report: initial checks and decisions "
    "(https://safeguarding.wales/en/chi-i/chi-i-c3pt1/c3pt1-p4).",
)
"""A Welsh social services decision on a report within 1 working day (All Wales Safeguarding Procedures)."""

WALES_REPORT_WRITTEN_CONFIRMATION: Final = Timescale(
    name="wales_report_written_confirmation",
    kind=TimescaleKind.HOURS,
    hours=24,
    description="A practitioner who reports a child at risk by telephone confirms the report in writing within 24 "
    "hours.",
    source=_ALL_WALES + ": section 2, the process following a report (https://safeguarding.wales/chi/c2/c2.p18.html).",
)
"""A telephone report confirmed in writing within 24 hours (All Wales Safeguarding Procedures)."""

WALES_REPORT_ACKNOWLEDGEMENT: Final = Timescale(
    name="wales_report_acknowledgement",
    kind=TimescaleKind.WORKING_DAYS,
    working_days=7,
    description="A practitioner who has had no acknowledgement of a written report within 7 working days contacts "
    "social services again.",
    source=_ALL_WALES + ": section 2, the process following a report (https://safeguarding.wales/chi/c2/c2.p18.html).",
)
"""No acknowledgement of a written report within 7 working days: follow it up (All Wales Safeguarding Procedures)."""

#: The statutory timescales by name.
TIMESCALES: Final[Mapping[str, Timescale]] = MappingProxyType(
    {
        timescale.name: timescale
        for timescale in (
            REFERRAL_DECISION,
            CHILD_AND_FAMILY_ASSESSMENT,
            INITIAL_CHILD_PROTECTION_CONFERENCE,
            POLICE_NOTIFICATION,
            WALES_REPORT_DECISION,
            WALES_REPORT_WRITTEN_CONFIRMATION,
            WALES_REPORT_ACKNOWLEDGEMENT,
            FIRST_REVIEW_CONFERENCE,
            REVIEW_CONFERENCE,
            TRANSFER_IN_CONFERENCE,
        )
    }
)


#: Agency-id prefixes (scheme and start of the code) whose agencies are not in England.
_NATION_PREFIXES: Final = (
    ("la:W06", Nation.WALES),
    ("la:S12", Nation.SCOTLAND),
    ("probation:wales", Nation.WALES),
    ("ods:ZT", Nation.NORTHERN_IRELAND),  # the Health and Social Care Trusts (ZT001 to ZT005)
    ("charity:SC", Nation.SCOTLAND),
    ("charity:NIC", Nation.NORTHERN_IRELAND),
)


def nation_of(agency: str) -> Nation:
    """The nation whose calendar an agency keeps, from its id (a Welsh or Scottish council, an NI trust); else England.

    Agencies whose id does not say (an ODS code in Wales, a school) are taken
    to be in England; give them a calendar of their own nation explicitly.
    """
    for prefix, nation in _NATION_PREFIXES:
        if agency.startswith(prefix):
            return nation
    return Nation.ENGLAND


def due(
    timescale: Timescale,
    start: datetime,
    *,
    calendar: WorkingCalendar,
    school: SchoolCalendar | None = None,
) -> datetime:
    """When a response under ``timescale`` that started at ``start`` is due, in Europe/London.

    A working-days timescale uses ``calendar``; a next-school-day timescale
    needs the receiving setting's ``school``.

    Raises :class:`~concernshare.errors.UsageError` when ``start`` is naive,
    when a next-school-day timescale has no ``school``, or as
    :func:`next_school_day_start` does.
    """
    if timescale.kind is TimescaleKind.NEXT_SCHOOL_DAY:
        if school is None:
            raise UsageError(f"the {timescale.name} timescale runs to the setting's next school day: pass its school")
        return next_school_day_start(start, school)
    if timescale.kind is TimescaleKind.HOURS and timescale.hours is not None:
        return add_hours(start, timescale.hours)
    if timescale.kind is TimescaleKind.CALENDAR_MONTHS:
        return add_months(start, timescale.months or 0)
    if timescale.working_days is None:  # pragma: no cover - Timescale refuses this when it is built
        raise UsageError(f"the {timescale.name} timescale has no number of working days")
    return add_working_days(start, timescale.working_days, calendar)


def add_months(start: datetime, n: int) -> datetime:
    """The same Europe/London clock time ``n`` calendar months after ``start``; the 31st becomes a shorter
    month's last day (31 August plus 6 months is 28 or 29 February).

    Raises :class:`~concernshare.errors.UsageError` when ``start`` is naive.
    """
    local = _in_london(start, "start")
    months = local.year * 12 + local.month - 1 + n
    year, month = divmod(months, 12)
    day = min(local.day, monthrange(year, month + 1)[1])
    return _at(date(year, month + 1, day), local.time().replace(tzinfo=None))


def late(sent: datetime, due: datetime) -> bool:
    """Whether something sent at ``sent`` missed its ``due`` time; sent exactly at ``due`` is on time.

    It only reports: a late notification is still sent, and flagged.

    Raises :class:`~concernshare.errors.UsageError` when either time is naive.
    """
    return _in_london(sent, "sent") > _in_london(due, "due")
