"""Tests for identifier checks, agency ids and the shipped council list."""

from __future__ import annotations

import pytest
from stdnum.gb import upn

from concernshare.records import AgencyId, PartialDate
from concernshare.records.identifiers import councils, nhs_number_ok, upn_problem


@pytest.mark.parametrize("number", ["9990000018", "9434765919"])
def test_nhs_numbers_that_pass(number: str) -> None:
    """NHS numbers whose modulus-11 check digit is right are accepted."""
    assert nhs_number_ok(number)


@pytest.mark.parametrize("number", ["9991234560", "9990000019", "999000001", "999 000 0018"])
def test_nhs_numbers_that_fail(number: str) -> None:
    """A wrong check digit, a wrong length or a non-canonical form is refused."""
    assert not nhs_number_ok(number)


def _with_check(body: str) -> str:
    return upn.calc_check_digit(body) + body


def test_upn_known_to_stdnum() -> None:
    """A UPN issued in Luton (821) with the right check letter passes."""
    assert upn_problem("B801200005001") is None
    assert upn_problem(_with_check("821123414001")) is None


def test_upn_from_a_council_created_since_2019() -> None:
    """Cumberland (942) is missing from python-stdnum's 2011 list but is accepted from ours."""
    assert upn_problem(_with_check("942123425001")) is None


def test_temporary_upn() -> None:
    """A temporary UPN (two-digit serial then a letter) passes its check."""
    assert upn_problem(_with_check("82112342501A")) is None


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("A801200005001", "check letter"),
        ("A" + "942123425001", "check letter"),
        (_with_check("999123425001"), "local-authority number"),
    ],
)
def test_upns_that_fail(number: str, words: str) -> None:
    """A wrong check letter or an unknown local-authority number is refused, and says which."""
    problem = upn_problem(number)
    assert problem is not None
    assert words in problem


def test_council_list_is_current_and_dated() -> None:
    """The list names Luton, has no district (E07) and carries its version."""
    listing = councils()
    assert listing.current["E06000032"].dfe == "821"
    assert all(gss[:3] in {"E06", "E08", "E09", "E10", "W06", "S12"} for gss in listing.current)
    english = [c for c in listing.current.values() if c.nation == "england"]
    assert len({c.dfe for c in english}) == len(english)
    assert listing.version >= "2025-05-01"
    assert "E10000021" in listing.former  # Northamptonshire, abolished 2021
    assert "E10000021" not in listing.current


@pytest.mark.parametrize("value", ["la:E06000032", "la:E06000032/mash", "ods:RYV01/hv", "school:123456", "police:40"])
def test_agency_ids_that_parse(value: str) -> None:
    """Each scheme's code pattern is accepted, with or without a unit."""
    assert AgencyId(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "la:E07000001",
        "LA:E06000032",
        "school:12345",
        "police:ABC",
        "ods:ry",
        "la:E06000032/",
        "la:E06000032/Mash",
        "gp:X1",
        "la:E06000032/mash/extra",
        "x" * 70,
    ],
)
def test_agency_ids_that_do_not(value: str) -> None:
    """A district, a wrong scheme, a bad code or a bad unit is refused."""
    with pytest.raises(ValueError, match="is not an agency id"):
        AgencyId(value)


def test_agency_ids_compare_exactly() -> None:
    """A council and its MASH unit are different agencies."""
    council, mash = AgencyId("la:E06000032"), AgencyId("la:E06000032/mash")
    assert council != mash
    assert mash.organisation == council
    assert (mash.scheme, mash.code, mash.unit) == ("la", "E06000032", "mash")
    assert council.unit is None


@pytest.mark.parametrize(
    ("text", "precision", "earliest", "latest"),
    [
        ("2013", "year", "2013-01-01", "2013-12-31"),
        ("2013-02", "month", "2013-02-01", "2013-02-28"),
        ("2012-12", "month", "2012-12-01", "2012-12-31"),
        ("2013-05-14", "day", "2013-05-14", "2013-05-14"),
    ],
)
def test_partial_dates(text: str, precision: str, earliest: str, latest: str) -> None:
    """A partial date knows its precision and the range of days it may mean, and prints as given."""
    date = PartialDate.parse(text)
    assert (date.precision, date.earliest.isoformat(), date.latest.isoformat()) == (precision, earliest, latest)
    assert str(date) == text


@pytest.mark.parametrize("text", ["13", "2013-2", "2013-02-30", "2013-00", "2013/05", "2013-05-14T00:00"])
def test_partial_dates_refused(text: str) -> None:
    """Malformed or impossible partial dates are refused."""
    with pytest.raises(ValueError, match="is not a date"):
        PartialDate.parse(text)
