"""Strategies for the values of the format: times, dates, NHS numbers, UPNs, agency ids, extensions."""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from collections.abc import Callable
from typing import Any, Final, TypeVar

from hypothesis import strategies as st
from stdnum.gb import nhs, upn

from concernshare.errors import UsageError
from concernshare.records import (
    LawfulCondition,
    PartialDate,
)
from concernshare.records.envelope import EXTENSION_KEY
from concernshare.records.identifiers import councils
from concernshare.records.types import AGENCY_SCHEMES, AgencyId
from concernshare.strictjson import MAX_SAFE_INTEGER

T = TypeVar("T")
Strategy = st.SearchStrategy

_TEXT: Final = 8
_ITEMS: Final = 2
_FIRST_DAY: Final = dt.date(2000, 1, 1)
_LAST_DAY: Final = dt.date(2030, 12, 31)
_EARLIEST: Final = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_LATEST: Final = dt.datetime(2030, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC)
_OFFSET_MINUTES: Final = 14 * 60
_DIGITS: Final = "0123456789"
#: Namespaces of extension keys: a few are enough, and far quicker than generating them.
_NAMESPACES: Final = ("uk.gov.luton", "uk.nhs.example-trust", "org.example.mash")
_UPN_LETTERS: Final = "ABCDEFGHJKLMNPQRTUVWXYZ"
_CHARACTERS: Final = st.characters(codec="utf-8")
_PART3: Final = frozenset(
    {LawfulCondition.DPA_PART3_S35_LAW_ENFORCEMENT, LawfulCondition.DPA_PART3_SCH8_4_SAFEGUARDING}
)
#: Random (version 4) UUIDs from one choice each; st.uuids() makes many, which is slow.
_UUIDS: Final = st.integers(0, 2**128 - 1).map(lambda bits: uuid.UUID(int=bits, version=4))
_JSON: Final[Strategy[Any]] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(_CHARACTERS, max_size=_TEXT),
    lambda inner: (
        st.lists(inner, max_size=_ITEMS) | st.dictionaries(st.text(_CHARACTERS, max_size=8), inner, max_size=_ITEMS)
    ),
    max_leaves=4,
)


# -- values ---------------------------------------------------------------------------------


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise UsageError("datetimes() takes timezone-aware bounds")
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _in_offset(instant: dt.datetime, minutes: int) -> dt.datetime:
    offset = dt.timezone(dt.timedelta(minutes=minutes))
    return instant.replace(tzinfo=dt.UTC).astimezone(offset)


def datetimes(
    *,
    min_value: dt.datetime | None = None,
    max_value: dt.datetime | None = None,
) -> Strategy[dt.datetime]:
    """Timezone-aware datetimes to the microsecond, in a fixed offset of whole minutes within ±14 hours.

    The instant lies between the aware bounds ``min_value`` and ``max_value``
    (by default the start of 2000 and the end of 2030, UTC). Raises
    :class:`~concernshare.errors.UsageError` for a naive bound.
    """
    high = _naive_utc(max_value or _LATEST)
    low = _naive_utc(min_value) if min_value else min(_naive_utc(_EARLIEST), high)
    return st.builds(
        _in_offset,
        st.datetimes(min_value=low, max_value=high),
        st.integers(-_OFFSET_MINUTES, _OFFSET_MINUTES),
    )


def dates(*, min_value: dt.date | None = None, max_value: dt.date | None = None) -> Strategy[dt.date]:
    """Dates between ``min_value`` and ``max_value`` (by default 2000 to 2030)."""
    high = max_value or _LAST_DAY
    return st.dates(min_value=min_value or min(_FIRST_DAY, high), max_value=high)


def _truncate(day: dt.date, precision: str) -> PartialDate:
    if precision == "year":
        return PartialDate(day.year)
    if precision == "month":
        return PartialDate(day.year, day.month)
    return PartialDate(day.year, day.month, day.day)


def partial_dates(
    *,
    min_value: dt.date | None = None,
    max_value: dt.date | None = None,
) -> Strategy[PartialDate]:
    """Partial dates to the day, the month or the year, of a day between the bounds (as :func:`dates`).

    The partial date's earliest day is never after ``max_value``.
    """
    return st.builds(
        _truncate,
        dates(min_value=min_value, max_value=max_value),
        st.sampled_from(("day", "month", "year")),
    )


def _nhs_check_digit(nine: str) -> int:
    """The digit that makes stdnum's modulus-11 checksum zero; 10 means no number has these nine."""
    return (-nhs.checksum(nine + "0")) % 11


_NHS_NUMBERS: Final = (
    st.text(_DIGITS, min_size=6, max_size=6)
    .map(lambda six: "999" + six)
    .filter(lambda nine: _nhs_check_digit(nine) != 10)
    .map(lambda nine: f"{nine}{_nhs_check_digit(nine)}")
)


def nhs_numbers() -> Strategy[str]:
    """NHS numbers from the 999 test range (never issued to a patient), with a right check digit."""
    return _NHS_NUMBERS


def upns(*, temporary: bool | None = None) -> Strategy[str]:
    """UPNs with a right check letter and a DfE LA number from the shipped council list.

    A temporary UPN ends in a letter; ``temporary`` picks one kind, None both.
    """
    return _upns(temporary)


@functools.cache
def _upns(temporary: bool | None) -> Strategy[str]:
    permanent = st.text(_DIGITS, min_size=3, max_size=3)
    provisional = st.tuples(
        st.text(_DIGITS, min_size=2, max_size=2),
        st.sampled_from(_UPN_LETTERS),
    ).map("".join)
    serials = {None: permanent | provisional, False: permanent, True: provisional}[temporary]
    numbers = st.tuples(
        st.sampled_from(sorted(councils().dfe_numbers)),
        st.text(_DIGITS, min_size=6, max_size=6),  # establishment number and year of issue
        serials,
    ).map("".join)
    return numbers.map(lambda number: upn.calc_check_digit(number) + number)


_UNITS: Final = st.lists(
    st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6),
    min_size=1,
    max_size=3,
).map("-".join)


def _codes(scheme: str) -> Strategy[str]:
    if scheme == "la":
        return st.sampled_from(sorted(councils().current))
    return st.from_regex(AGENCY_SCHEMES[scheme], fullmatch=True)


def _agency(organisation: str, unit: str | None) -> AgencyId:
    return AgencyId(organisation if unit is None else f"{organisation}/{unit}")


def agency_ids(*schemes: str, units: bool = True) -> Strategy[AgencyId]:
    """Agency ids of the given schemes (all by default), each with or without a unit if ``units``.

    ``la`` codes are current councils of the shipped list. Raises
    :class:`~concernshare.errors.UsageError` for an unknown scheme.
    """
    chosen = schemes or tuple(AGENCY_SCHEMES)
    if unknown := sorted(set(chosen) - set(AGENCY_SCHEMES)):
        raise UsageError(f"no agency id scheme {', '.join(unknown)}")
    return _agency_ids(chosen, units=units)


@functools.cache
def _agency_ids(chosen: tuple[str, ...], *, units: bool) -> Strategy[AgencyId]:
    organisations = st.one_of([_codes(s).map(f"{s}:".__add__) for s in chosen])
    return st.builds(_agency, organisations, st.none() | _UNITS if units else st.none())


def la_ids(*, units: bool = False) -> Strategy[AgencyId]:
    """``la:`` ids of councils with children's services that are current in the shipped list."""
    return agency_ids("la", units=units)


def extensions(*, max_size: int = _ITEMS) -> Strategy[dict[str, Any]]:
    """Extension members: namespaced keys, any JSON values (integers within plus or minus 2^53-1)."""
    return _extensions(max_size)


@functools.cache
def _extensions(max_size: int) -> Strategy[dict[str, Any]]:
    keys = st.tuples(st.sampled_from(_NAMESPACES), st.from_regex("[a-z][a-z0-9_]{0,5}", fullmatch=True))
    return st.dictionaries(keys.map(":".join).filter(re.compile(EXTENSION_KEY).fullmatch), _JSON, max_size=max_size)


#: Fields whose strategy follows from their name wherever they appear.
_BY_NAME: Final[dict[str, Callable[[], Strategy[str]]]] = {
    "nhs_number": nhs_numbers,
    "upn": upns,
}
