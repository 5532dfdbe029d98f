"""Routing: who receives a message, and by when a response is due.

``deadlines`` reckons due times in working days in England and in a
setting's school days, in Europe/London time, and holds the statutory
timescales.
"""

from __future__ import annotations

from concernshare.routing.deadlines import (
    CHILD_AND_FAMILY_ASSESSMENT,
    FIRST_REVIEW_CONFERENCE,
    INITIAL_CHILD_PROTECTION_CONFERENCE,
    LONDON,
    POLICE_NOTIFICATION,
    REFERRAL_DECISION,
    REVIEW_CONFERENCE,
    TIMESCALES,
    TRANSFER_IN_CONFERENCE,
    WALES_REPORT_ACKNOWLEDGEMENT,
    WALES_REPORT_DECISION,
    WALES_REPORT_WRITTEN_CONFIRMATION,
    Nation,
    SchoolCalendar,
    Term,
    Timescale,
    TimescaleKind,
    WorkingCalendar,
    add_hours,
    add_months,
    add_working_days,
    due,
    is_school_day,
    is_working_day,
    late,
    nation_of,
    next_school_day_start,
    out_of_hours,
)

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
