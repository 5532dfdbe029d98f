"""Tests for concernshare.testing.strategies: each strategy yields what it promises."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import typing
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import attrs
import jsonschema
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from stdnum.gb import nhs
from stdnum.gb import upn as stdnum_upn

from concernshare import codec, schema, validation
from concernshare.errors import UsageError
from concernshare.records import (
    BODIES,
    AgencyId,
    Child,
    Message,
    MessageType,
    PartialDate,
    UnknownMember,
)
from concernshare.records._fields import field
from concernshare.records.envelope import EXTENSION_KEY
from concernshare.records.identifiers import councils, nhs_number_ok, upn_problem
from concernshare.records.types import AGENCY_SCHEMES, DATE_TIME, UPN
from concernshare.testing import strategies

T = TypeVar("T")
AT = dt.datetime(2013, 6, 3, 9, 15, tzinfo=dt.UTC)


def some(strategy: st.SearchStrategy[T], condition: Callable[[T], bool]) -> T:
    """The first generated value that meets ``condition``; fails if none does."""
    return find(
        strategy,
        condition,
        settings=settings(
            database=None,
            phases=[Phase.generate],
            max_examples=500,
        ),
    )


def _record_classes(cls: type = Message, seen: set[type] | None = None) -> Iterator[type]:
    """Every record class a message can hold, found from the type hints."""
    seen = set() if seen is None else seen
    hints = list(typing.get_type_hints(cls).values())
    while hints:
        hint = hints.pop()
        hints.extend(typing.get_args(hint))
        if attrs.has(hint) and hint not in seen and hint not in {PartialDate, UnknownMember}:
            seen.add(hint)
            yield hint
            yield from _record_classes(hint, seen)


RECORDS = sorted(_record_classes(), key=lambda cls: cls.__name__)


def test_nhs_numbers_are_in_the_test_range_with_a_right_check_digit() -> None:
    """NHS numbers start 999 and pass stdnum's modulus-11 check and the format's."""

    @given(strategies.nhs_numbers())
    def check(number: str) -> None:
        assert re.fullmatch("999[0-9]{7}", number)
        assert nhs.is_valid(number)
        assert nhs_number_ok(number)

    check()


@pytest.mark.parametrize("digit", "0123456789")
def test_nhs_numbers_use_every_check_digit(digit: str) -> None:
    """Every check digit from 0 to 9 occurs, so the digit is computed, not fixed."""
    assert some(strategies.nhs_numbers(), lambda n: n.endswith(digit))[-1] == digit


@given(strategies.upns())
def test_upns_pass_their_check(number: str) -> None:
    """UPNs have the canonical form, a right check letter and a DfE LA number."""
    assert re.fullmatch(UPN, number)
    assert upn_problem(number) is None
    assert number[1:4] in councils().dfe_numbers


@pytest.mark.parametrize("temporary", [False, True])
def test_upns_come_permanent_and_temporary(temporary: bool) -> None:
    """upns(temporary=...) yields only the kind asked for: temporary ones end in a letter."""

    @given(strategies.upns(temporary=temporary))
    def check(number: str) -> None:
        assert number[-1].isalpha() is temporary

    check()


def test_upns_use_la_numbers_stdnum_does_not_know() -> None:
    """Some UPNs carry an LA number newer than stdnum's list, yet pass the format's check."""
    number = some(strategies.upns(), lambda n: not stdnum_upn.is_valid(n))
    assert upn_problem(number) is None


@pytest.mark.parametrize("precision", ["year", "month", "day"])
def test_partial_dates_of_every_precision(precision: str) -> None:
    """Partial dates to the year, the month and the day all occur."""
    assert some(strategies.partial_dates(), lambda d: d.precision == precision)


@given(strategies.partial_dates(min_value=dt.date(2010, 3, 4), max_value=dt.date(2011, 5, 6)))
def test_partial_dates_keep_within_their_bounds(date: PartialDate) -> None:
    """A partial date's earliest day is never after the upper bound, nor its latest before the lower."""
    assert date.earliest <= dt.date(2011, 5, 6)
    assert date.latest >= dt.date(2010, 3, 4)


@given(strategies.datetimes())
def test_datetimes_are_aware_with_whole_minute_offsets(moment: dt.datetime) -> None:
    """Datetimes are aware, within ±14 hours in whole minutes, in 2000-2030, and on the wire pattern."""
    offset = moment.utcoffset()
    assert offset is not None
    assert abs(offset) <= dt.timedelta(hours=14)
    assert offset % dt.timedelta(minutes=1) == dt.timedelta(0)
    assert 2000 <= moment.astimezone(dt.UTC).year <= 2030
    assert re.fullmatch(DATE_TIME, moment.isoformat())


def test_datetimes_use_offsets_and_microseconds() -> None:
    """Some datetimes have both an offset other than UTC and a fraction of a second."""
    assert some(strategies.datetimes(), lambda d: d.utcoffset() != dt.timedelta(0) and d.microsecond != 0)


@given(st.data(), strategies.datetimes(), strategies.datetimes())
def test_datetimes_keep_within_their_bounds(
    data: st.DataObject,
    first: dt.datetime,
    second: dt.datetime,
) -> None:
    """The instant of a datetime lies between the bounds it was given."""
    low, high = sorted([first, second])
    assert low <= data.draw(strategies.datetimes(min_value=low, max_value=high)) <= high


def test_datetimes_refuse_a_naive_bound() -> None:
    """A naive bound is a usage error, not a silent guess at the time zone."""
    with pytest.raises(UsageError):
        strategies.datetimes(max_value=dt.datetime(2020, 1, 1))


@given(strategies.agency_ids())
def test_agency_ids_parse_and_name_current_councils(agency: AgencyId) -> None:
    """Agency ids are AgencyId values that parse again, and la: ids are current councils."""
    assert isinstance(agency, AgencyId)
    assert AgencyId(str(agency)) == agency
    if agency.scheme == "la":
        assert agency.code in councils().current


@pytest.mark.parametrize("scheme", list(AGENCY_SCHEMES))
def test_agency_ids_of_one_scheme(scheme: str) -> None:
    """agency_ids(scheme) yields ids of that scheme only, with and without a unit."""

    @given(strategies.agency_ids(scheme))
    def check(agency: AgencyId) -> None:
        assert agency.scheme == scheme

    check()
    assert some(strategies.agency_ids(scheme), lambda a: a.unit is not None)


@given(strategies.la_ids())
def test_la_ids_are_current_councils_without_a_unit(agency: AgencyId) -> None:
    """la_ids yields la: ids of current councils, without a unit by default."""
    assert agency.scheme == "la"
    assert agency.unit is None
    assert agency.code in councils().current


def test_agency_ids_refuse_an_unknown_scheme() -> None:
    """Asking for a scheme the format does not have is a usage error."""
    with pytest.raises(UsageError):
        strategies.agency_ids("nhs")


@given(strategies.extensions())
def test_extension_keys_are_namespaced(members: dict[str, Any]) -> None:
    """Extension keys match the format's pattern for them."""
    for key in members:
        assert re.fullmatch(EXTENSION_KEY, key)
        assert len(key) <= 128


@given(strategies.children(at=AT))
def test_children_follow_the_rules_for_unborn_and_born(child: Child) -> None:
    """An unborn child has an expected delivery date and the mother, a born one is under 18."""
    if child.unborn:
        assert child.expected_delivery_date is not None
        assert child.birth_date is None
        assert child.mother is not None
    else:
        assert child.expected_delivery_date is None
        if child.birth_date is not None:
            assert dt.date(1995, 6, 3) < child.birth_date <= AT.date()


@pytest.mark.parametrize("unborn", [False, True])
def test_children_come_born_and_unborn(unborn: bool) -> None:
    """Both born and unborn children occur."""
    assert some(strategies.children(), lambda c: c.unborn is unborn)


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: cls.__name__)
def test_every_record_type_has_a_strategy(cls: type) -> None:
    """records(cls) yields records that the codec round-trips and the schema's definition accepts."""
    name = re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()
    definition = jsonschema.Draft202012Validator(
        {"$ref": f"#/$defs/{name}", "$defs": schema.load()["$defs"]},
    )

    @settings(max_examples=max(5, settings.default.max_examples // 4))
    @given(strategies.records(cls, at=AT))
    def check(record: Any) -> None:
        assert isinstance(record, cls)
        data = codec.unstructure(record)
        assert codec.structure(data, cls) == record
        assert list(definition.iter_errors(data)) == []

    check()


def test_records_refuse_what_is_not_a_record() -> None:
    """records() of a class that is not on the wire is a usage error."""
    with pytest.raises(UsageError):
        strategies.records(UnknownMember)
    with pytest.raises(UsageError):
        strategies.records(int)


@attrs.frozen(kw_only=True)
class _Future:
    """A record with a field of every kind of constraint, as a new field might bring."""

    code: str = field("A code.", pattern="^[A-Z]{2}[0-9]{3}$", max_length=5)
    tags: tuple[str, ...] = field("Tags.", min_items=2, max_items=4, min_length=1, max_length=3)
    grade: int = field("A grade.", minimum=3, maximum=4)
    note: str | None = field("A note.", default=None, min_length=2, max_length=5)
    name: str | None = field("A name a view may withhold.", default=None, withholdable=True)
    final: bool = field("Always true.", const=True, default=True)


@given(strategies.records(_Future))
def test_new_fields_are_covered_from_their_metadata(record: _Future) -> None:
    """A record the module has never seen gets values within every constraint of its metadata."""
    assert re.fullmatch("[A-Z]{2}[0-9]{3}", record.code)
    assert 2 <= len(record.tags) <= 4
    assert all(1 <= len(tag) <= 3 for tag in record.tags)
    assert 3 <= record.grade <= 4
    assert record.note is None or 2 <= len(record.note) <= 5
    assert record.name is not None
    assert record.final is True


@pytest.mark.parametrize("kind", list(MessageType), ids=str)
def test_bodies_of_a_type_are_of_its_class(kind: MessageType) -> None:
    """bodies(kind) yields bodies of the class the type names."""

    @settings(max_examples=max(5, settings.default.max_examples // 4))
    @given(strategies.bodies(kind, at=AT))
    def check(body: Any) -> None:
        assert isinstance(body, BODIES[kind])

    check()


@given(st.data())
def test_messages_of_a_type_have_that_type(data: st.DataObject) -> None:
    """messages(kind) yields messages of that type."""
    kind = data.draw(st.sampled_from(MessageType))
    assert data.draw(strategies.messages(kind)).type is kind


@given(strategies.messages())
def test_messages_are_free_of_warnings_too(message: Message) -> None:
    """Generated messages validate even when warnings count as errors."""
    assert validation.validate(codec.dumps(message), strict=True) == message


def test_some_messages_are_views_that_withhold_fields() -> None:
    """Some messages are redacted views whose withheld fields are absent."""
    message = some(strategies.messages(), lambda m: m.view is not None and bool(m.view.withheld))
    assert message.view is not None
    assert validation.validate(codec.dumps(message)) == message


def test_importing_testing_does_not_import_hypothesis() -> None:
    """concernshare.testing imports without hypothesis; only its strategies module needs it."""
    code = "import sys, concernshare.testing; sys.exit('hypothesis' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
