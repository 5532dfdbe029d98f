"""Small value types with one canonical wire form: partial dates, agency ids, and the patterns.

Every pattern here is portable (ECMA-262: ``[0-9]`` rather than ``\\d``) and is
paired with a ``maxLength``, so that jsonschema, jsonschema-rs and Ajv agree.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Final
from zoneinfo import ZoneInfo

import attrs

from concernshare.errors import InvalidValue, NaiveTime

__all__ = [
    "AGENCY_ID",
    "CLOCK_SKEW",
    "DATE",
    "DATE_TIME",
    "EARLIEST",
    "LATEST",
    "LONDON",
    "NAIVE_DATE_TIME",
    "NHS_NUMBER",
    "PARTIAL_DATE",
    "UPN",
    "UUID",
    "AgencyId",
    "PartialDate",
    "require_aware",
    "utc_minute",
    "utc_text",
]

#: How far two agencies' clocks may disagree before a time is taken to be wrong (sent before created,
#: created after now): the checks and the receiving side share it.
CLOCK_SKEW: Final = dt.timedelta(minutes=5)
#: The earliest and latest times the format carries: years 0001 to 9999, a day short of either end, so that
#: any offset keeps a time inside the calendar.
EARLIEST: Final = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
LATEST: Final = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)
#: The clock of England: ages, working days and deadlines are counted by it.
LONDON: Final = ZoneInfo("Europe/London")

UUID: Final = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_MONTH_DAY: Final = "(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
DATE: Final = f"^[0-9]{{4}}-{_MONTH_DAY}$"
DATE_TIME: Final = (
    f"^[0-9]{{4}}-{_MONTH_DAY}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    "([.][0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
#: A date-time without an offset: refused, but recognised so that the problem can say so.
NAIVE_DATE_TIME: Final = DATE_TIME.removesuffix("(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$") + "$"
PARTIAL_DATE: Final = "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
NHS_NUMBER: Final = "^[0-9]{10}$"
#: A check letter (the 23 letters without I, O and S), eleven digits, then a digit or a letter.
UPN: Final = "^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$"

#: The regions of the Probation Service of England and Wales (HM Prison and Probation Service, since 2021).
PROBATION_REGIONS: Final = (
    "north-east",
    "north-west",
    "yorkshire-and-the-humber",
    "greater-manchester",
    "east-midlands",
    "west-midlands",
    "east-of-england",
    "wales",
    "south-west",
    "south-central",
    "kent-surrey-and-sussex",
    "london",
)

#: Agency id schemes and the pattern of each code (format 1.1 added ofsted, probation, rsh, charity and the
#: Welsh and Scottish councils).
AGENCY_SCHEMES: Final = {
    "ods": "[A-Z0-9]{3,10}",
    "la": "(E(06|08|09|10)|W06|S12)[0-9]{6}",
    "school": "[1-9][0-9]{5}",
    "police": "[0-9]{2}",
    # An Ofsted early years URN: EY and six digits, or a number of six or seven digits (DfE early years census).
    "ofsted": "EY[0-9]{6}|[1-9][0-9]{5,6}",
    "probation": "|".join(PROBATION_REGIONS),
    "rsh": "(L|LH)[0-9]{4}|[0-9]{4}",
    "charity": "[1-9][0-9]{5,6}|SC0[0-9]{5}|NIC1[0-9]{5}",
}
_UNIT: Final = "[a-z0-9]+(-[a-z0-9]+)*"
AGENCY_ID: Final = "^(" + "|".join(f"{s}:({c})" for s, c in AGENCY_SCHEMES.items()) + f")(/{_UNIT})?$"
AGENCY_ID_MAX: Final = 64
_AGENCY_RE: Final = re.compile(AGENCY_ID)
_PARTIAL_RE: Final = re.compile(PARTIAL_DATE)


def require_aware(moment: object, name: str) -> None:
    """Refuse anything but a timezone-aware datetime for the argument ``name``.

    Raises :class:`~concernshare.errors.NaiveTime` (a ``ValueError``): a naive
    time would be read in the host's own zone, so the same call could mean
    different moments on different machines.
    """
    if not isinstance(moment, dt.datetime) or moment.utcoffset() is None:
        raise NaiveTime(
            f"{name} must be a timezone-aware datetime, such as datetime.now(timezone.utc); a naive time is ambiguous"
        )


def utc_text(moment: dt.datetime) -> str:
    """An aware time in its one wire form: RFC 3339 in UTC, with ``Z``; raises NaiveTime for a naive one."""
    require_aware(moment, "a time")
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def utc_minute(moment: dt.datetime) -> str:
    """An aware time as people read it in a report: ``2026-11-27 09:30 UTC``."""
    return f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"


def _partial_parts(text: str) -> tuple[int, int | None, int | None]:
    if len(text) > 10 or _PARTIAL_RE.fullmatch(text) is None:
        raise InvalidValue("is not a date written as YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = [*(int(p) for p in text.split("-")), None, None][:3]
    assert year is not None  # noqa: S101  (the pattern requires the year)
    return year, month, day


class AgencyId(str):
    """An agency id, ``SCHEME:CODE`` with an optional ``/UNIT``; ids compare exactly.

    ``la:E06000032`` and ``la:E06000032/mash`` are different agencies.
    """

    __slots__ = ()

    def __new__(cls, value: str) -> AgencyId:
        """Check the form of ``value``; raise ``ValueError`` if it is not an agency id."""
        if len(value) > AGENCY_ID_MAX or _AGENCY_RE.fullmatch(value) is None:
            raise ValueError(
                "is not an agency id: write SCHEME:CODE or SCHEME:CODE/UNIT with a scheme of "
                "ods, la, school, police, ofsted, probation, rsh or charity (for example la:E06000032/mash)"
            )
        return super().__new__(cls, value)

    @property
    def scheme(self) -> str:
        """The scheme: ``ods``, ``la``, ``school``, ``police``, ``ofsted``, ``probation``, ``rsh`` or ``charity``."""
        return self.split(":", 1)[0]

    @property
    def code(self) -> str:
        """The organisation code, without the unit."""
        return self.split(":", 1)[1].split("/", 1)[0]

    @property
    def unit(self) -> str | None:
        """The unit within the organisation, if any."""
        _, _, unit = self.partition("/")
        return unit or None

    @property
    def organisation(self) -> AgencyId:
        """The same agency without its unit."""
        return AgencyId(f"{self.scheme}:{self.code}")


_NEW: Final = object.__new__


@attrs.frozen(order=False, init=False)
class PartialDate:
    """A date of a past event known only to the year, the month or the day (``2013``, ``2013-05``, ``2013-05-14``).

    Made from its parts, ``PartialDate(2013, 5)``, or from its wire form,
    ``PartialDate("2013-05")``. Raises :class:`~concernshare.errors.InvalidValue`
    (a ``ValueError``) for a date that is not one.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __init__(self, year: int | str, month: int | None = None, day: int | None = None) -> None:
        if isinstance(year, str):
            if month is not None or day is not None:
                raise InvalidValue("a partial date written as text takes no month or day besides")
            year, month, day = _partial_parts(year)
        self.__attrs_init__(year, month, day)

    def __attrs_post_init__(self) -> None:
        for part in (self.year, self.month, self.day):
            if part is not None and (not isinstance(part, int) or isinstance(part, bool)):
                raise InvalidValue("a partial date is made of whole numbers, or written as YYYY, YYYY-MM or YYYY-MM-DD")
        if self.day is not None and self.month is None:
            raise InvalidValue("a partial date with a day needs a month")
        if not 1 <= self.year <= 9999:
            raise InvalidValue("is not a year between 1 and 9999")
        try:
            dt.date(self.year, self.month or 1, self.day or 1)
        except ValueError:
            raise InvalidValue("is not a date in the calendar") from None

    @classmethod
    def of(cls, day: dt.date) -> PartialDate:
        """The partial date known to the day ``day``; a date is always a valid partial date, so nothing is checked."""
        made = _NEW(cls)
        _set_year(made, day.year)
        _set_month(made, day.month)
        _set_day(made, day.day)
        return made

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raise :class:`~concernshare.errors.InvalidValue` otherwise."""
        return cls(text)

    @property
    def precision(self) -> str:
        """``year``, ``month`` or ``day``."""
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def earliest(self) -> dt.date:
        """The first day the partial date may mean."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        """The last day the partial date may mean."""
        if self.day is not None:
            return self.earliest
        if self.month is None:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text


# A frozen class's slots are written through their descriptors (as attrs's own __init__ does, by another way).
_set_year, _set_month, _set_day = (PartialDate.__dict__[name].__set__ for name in ("year", "month", "day"))
