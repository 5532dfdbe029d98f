"""Hypothesis strategies for every record of the format.

Every message :func:`messages` generates is valid, warnings included:
``concernshare.validation.validate(codec.dumps(m), strict=True)`` returns it.
What a field's schema says — pattern, length, item count, bounds, constant,
whether a view may withhold it — is read from the field's metadata, so a new
field is covered without editing this module. The rules that tie fields
together (an unborn child has no birth date, no event is dated after the
message, consent not sought needs a reason) are written out here, one
strategy per record that has such rules; :func:`records` finds them by class.

Sizes are kept small for speed: free text of at most 8 characters, lists of
at most two items, patterns with each repetition capped at three more than
its minimum. Text is any Unicode that UTF-8 can encode (no lone
surrogates).

Strategies for records take ``at``, the moment the enclosing message was
written: no event inside the record is dated after it. Left out, it is the
end of 2030.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
import typing
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

import attrs
from hypothesis import strategies as st
from stdnum.gb import nhs, upn

from concernshare import FORMAT_VERSION
from concernshare.checks import walk
from concernshare.errors import UsageError
from concernshare.records import (
    BODIES,
    AbuseCategory,
    AccessNotificationBody,
    AcknowledgementBody,
    AcknowledgementOutcome,
    AssessmentFactor,
    AssessmentSummaryBody,
    Body,
    CaseClosureBody,
    Child,
    ChildProtectionConferenceBody,
    ChronologyBody,
    ChronologyEntry,
    ConcernBody,
    ConferenceDecision,
    ConferenceKind,
    ConsentNotSoughtReason,
    ConsentStatus,
    ContactOrReferral,
    DecisionBody,
    DecisionOutcome,
    DomesticAbuseNotificationBody,
    EscalationBody,
    Handling,
    IdentityStatus,
    InformationRequestBody,
    InformationResponseBody,
    LawfulBasis,
    LawfulCondition,
    Marking,
    Message,
    MessageType,
    NonEngagementEvent,
    PartialDate,
    PersonIdentifiers,
    PlanEndReason,
    PlanKind,
    PlanState,
    PlanStatusBody,
    RelatedPerson,
    ReportedProblem,
    Section47OutcomeBody,
    Sender,
    StrategyDiscussionBody,
    Thread,
    TransferInBody,
    UnknownMember,
    UpdateBody,
    View,
    WithdrawalBody,
    Withheld,
)
from concernshare.records._fields import META
from concernshare.records.envelope import EXTENSION_KEY
from concernshare.records.identifiers import councils
from concernshare.records.law import (
    PUBLIC_AUTHORITY_BARRED,
    WITHOUT_CONSENT_CONDITIONS,
    Article10Paragraph,
    WithoutConsentGround,
)
from concernshare.records.types import AGENCY_SCHEMES, LONDON, AgencyId
from concernshare.shape import FieldShape, shape_of
from concernshare.strictjson import MAX_SAFE_INTEGER

__all__ = [
    "access_notification_bodies",
    "acknowledgement_bodies",
    "agency_ids",
    "assessment_summary_bodies",
    "bodies",
    "case_closure_bodies",
    "child_protection_conference_bodies",
    "children",
    "chronology_bodies",
    "chronology_entries",
    "concern_bodies",
    "dates",
    "datetimes",
    "decision_bodies",
    "domestic_abuse_notification_bodies",
    "escalation_bodies",
    "extensions",
    "information_request_bodies",
    "information_response_bodies",
    "la_ids",
    "lawful_bases",
    "messages",
    "nhs_numbers",
    "non_engagement_events",
    "partial_dates",
    "plan_status_bodies",
    "records",
    "related_people",
    "section_47_outcome_bodies",
    "strategy_discussion_bodies",
    "transfer_in_bodies",
    "update_bodies",
    "upns",
    "withdrawal_bodies",
]

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


# -- records, derived from the field metadata ---------------------------------------------


def _when(at: dt.datetime | None) -> dt.datetime:
    return _LATEST if at is None else at


def _day(at: dt.datetime) -> dt.date:
    return at.astimezone(dt.UTC).date()


@functools.cache
def _shapes(cls: type) -> dict[str, FieldShape]:
    return {field.name: field for field in shape_of(cls)}


_REPEAT: Final = re.compile(r"\{([0-9]+)(,([0-9]*))?\}")


def _small(pattern: str) -> str:
    """The pattern with each repetition capped at three more than its minimum.

    It matches some of the strings the pattern matches: the short ones, which
    are quicker to generate.
    """
    out: list[str] = []
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        token = pattern[index : index + 2] if char == "\\" else char
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "*+":
            token = "{0,3}" if char == "*" else "{1,3}"
        elif char == "{" and (repeat := _REPEAT.match(pattern, index)):
            low = int(repeat[1])
            high = low if repeat[2] is None else min(int(repeat[3] or low + 3), low + 3)
            token, index = f"{{{low},{high}}}", repeat.end() - 1
        out.append(token)
        index += len(token) if char == "\\" else 1
    return "".join(out)


@functools.cache
def _strings(pattern: str | None, low: int, high: int | None) -> Strategy[str]:
    if pattern is None:
        size = max(low, min(high or _TEXT, _TEXT))
        return st.text(_CHARACTERS, min_size=low, max_size=size)
    return st.from_regex(_small(pattern), fullmatch=True, alphabet=_CHARACTERS).filter(
        lambda text: low <= len(text) <= (high or len(text)),
    )


def _of_type(hint: Any, facts: Mapping[str, Any], at: dt.datetime) -> Strategy[Any]:
    """A strategy for values of a type, within the schema facts of the field that holds them."""
    if hint is Body:
        return bodies(at=at)
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        low = facts.get("minItems", 0)
        high = min(facts.get("maxItems", _ITEMS), max(low, _ITEMS))
        unique = item is AgencyId or (isinstance(item, type) and issubclass(item, enum.Enum))
        # As in the schema: the length and pattern facts of an array field are its items'.
        each = {k: v for k, v in facts.items() if k in {"pattern", "minLength", "maxLength"}}
        items = st.lists(_of_type(item, each, at), min_size=low, max_size=high, unique=unique)
        return items.map(tuple)
    if hint == Mapping[str, Any]:
        return extensions(max_size=min(facts.get("maxItems", _ITEMS), _ITEMS))
    values: dict[Any, Callable[[], Strategy[Any]]] = {
        dt.datetime: lambda: datetimes(max_value=at),
        dt.date: lambda: dates(max_value=_day(at)),
        PartialDate: lambda: partial_dates(max_value=_day(at)),
        uuid.UUID: lambda: _UUIDS,
        AgencyId: agency_ids,
        bool: st.booleans,
        int: lambda: st.integers(
            facts.get("minimum", -MAX_SAFE_INTEGER),
            facts.get("maximum", MAX_SAFE_INTEGER),
        ),
        str: lambda: _strings(facts.get("pattern"), facts.get("minLength", 0), facts.get("maxLength")),
    }
    if hint in values:
        return values[hint]()
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(hint)
    if attrs.has(hint):
        return records(hint, at=at)
    raise TypeError(f"no strategy for values of {hint!r}")


@functools.cache
def _timeless(hint: Any) -> bool:
    """True if no value of the type holds a date or a time, so that its strategy never depends on ``at``."""
    if hint in (dt.datetime, dt.date, PartialDate) or hint is Body:
        return False
    if attrs.has(hint):
        return all(_timeless(f.declared) for f in shape_of(hint))
    return all(_timeless(arg) for arg in typing.get_args(hint))


def _field(cls: type, name: str, at: dt.datetime, *, present: bool = False) -> Strategy[Any]:
    """A strategy for one field of a record; absent values too if optional, unless ``present``.

    Strategies that do not depend on ``at`` are built once: hypothesis then
    validates them once, which is most of the cost of a fresh strategy.
    """
    if _timeless(_shapes(cls)[name].declared):
        return _timeless_field(cls, name, present=present)
    return _new_field(cls, name, at, present=present)


@functools.cache
def _timeless_field(cls: type, name: str, *, present: bool) -> Strategy[Any]:
    return _new_field(cls, name, _LATEST, present=present)


def _new_field(cls: type, name: str, at: dt.datetime, *, present: bool) -> Strategy[Any]:
    shape = _shapes(cls)[name]
    facts = shape.facts
    if "const" in facts:
        return st.just(facts["const"])
    named = _BY_NAME.get(name)
    strategy = named() if named else _of_type(shape.value, facts, at)
    if shape.optional and not present and not shape.withholdable:
        return st.none() | strategy
    return strategy


def _derive(cls: type[T], at: dt.datetime, **fixed: Strategy[Any]) -> Strategy[T]:
    """Records of ``cls`` with ``fixed`` strategies for some fields and derived ones for the rest."""
    kind: type = cls
    if not fixed and _timeless(kind):
        return typing.cast(Strategy[T], _timeless_record(kind))
    return _new_record(cls, at, fixed)


@functools.cache
def _timeless_record(cls: type) -> Strategy[Any]:
    return _new_record(cls, _LATEST, {})


def _new_record(cls: type[T], at: dt.datetime, fixed: dict[str, Strategy[Any]]) -> Strategy[T]:
    kind: type = cls
    fields = {f.name: fixed.pop(f.name) if f.name in fixed else _field(cls, f.name, at) for f in shape_of(kind)}
    if fixed:
        raise UsageError(f"{cls.__name__} has no field {', '.join(fixed)}")
    return st.fixed_dictionaries(fields).map(lambda values: cls(**values))


def records(cls: type[T], *, at: dt.datetime | None = None) -> Strategy[T]:
    """Records of any class of the format, valid by the schema and the semantic checks.

    Uses the class's own strategy where it has rules that tie fields together,
    and derives one from the field metadata otherwise. Raises
    :class:`~concernshare.errors.UsageError` for a class that is not a record.
    """
    if cls is Message:
        return typing.cast(Strategy[T], messages())
    if cls in _SPECIAL:
        return typing.cast(Strategy[T], _SPECIAL[cls](at=at))
    if cls is UnknownMember or not attrs.has(typing.cast(type, cls)):
        raise UsageError(f"{cls.__name__} is not a record of the format")
    return _derive(cls, _when(at))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# -- records with rules that tie fields together -----------------------------------------


@st.composite
def children(draw: st.DrawFn, *, at: dt.datetime | None = None) -> Child:
    """Children under 18 at ``at``, and unborn children with an expected delivery date and the mother's identifiers."""
    moment = _when(at)
    today = _day(moment)
    places: dict[str, Strategy[Any]] = {
        "local_authority": st.none() | la_ids(),
        "responsible_local_authority": st.none() | la_ids(),
        "school": st.none() | agency_ids("school"),
        "gp_practice": st.none() | agency_ids("ods"),
    }
    if draw(st.booleans()):
        return draw(
            _derive(
                Child,
                moment,
                unborn=st.just(True),
                name=st.none(),
                birth_date=st.none(),
                expected_delivery_date=dates(min_value=today, max_value=today + dt.timedelta(days=280)),
                mother=records(PersonIdentifiers, at=moment),
                **places,
            )
        )
    # Three days' margin: the age check counts from the date in the message's own offset.
    youngest = _years_before(today, 18) + dt.timedelta(days=3)
    return draw(
        _derive(
            Child,
            moment,
            unborn=st.just(False),
            expected_delivery_date=st.none(),
            birth_date=st.none() | dates(min_value=youngest, max_value=today),
            **places,
        )
    )


@st.composite
def related_people(draw: st.DrawFn, *, at: dt.datetime | None = None) -> RelatedPerson:
    """People in a child's life, born from 1940 on; one whose identity is unknown or not disclosed has no name."""
    moment = _when(at)
    born = dates(min_value=dt.date(1940, 1, 1), max_value=_day(moment))
    identity = draw(st.none() | st.sampled_from(IdentityStatus))
    if identity in {IdentityStatus.UNKNOWN, IdentityStatus.NOT_DISCLOSED}:
        return draw(
            _derive(
                RelatedPerson,
                moment,
                identity=st.just(identity),
                name=st.none(),
                birth_date=st.none(),
                identifiers=st.none(),
            )
        )
    return draw(_derive(RelatedPerson, moment, identity=st.just(identity), birth_date=st.none() | born))


@st.composite
def non_engagement_events(draw: st.DrawFn, *, at: dt.datetime | None = None) -> NonEngagementEvent:
    """Missed contacts; one that was challenged says by whom, one that was not has no response."""
    moment = _when(at)
    if draw(st.booleans()):
        fixed = {
            "challenged": st.just(True),
            "challenged_by": _field(NonEngagementEvent, "challenged_by", moment, present=True).filter(bool),
        }
    else:
        fixed = {"challenged": st.just(False), "challenged_by": st.none(), "response": st.none()}
    return draw(_derive(NonEngagementEvent, moment, **fixed))


@st.composite
def chronology_entries(draw: st.DrawFn, *, at: dt.datetime | None = None) -> ChronologyEntry:
    """Chronology entries recorded on or after the event, neither after ``at``."""
    moment = _when(at)
    event = draw(partial_dates(max_value=_day(moment)))
    recorded = dates(min_value=event.earliest, max_value=_day(moment))
    return draw(_derive(ChronologyEntry, moment, event_date=st.just(event), recorded_date=recorded))


@st.composite
def lawful_bases(
    draw: st.DrawFn,
    *,
    at: dt.datetime | None = None,
    police: bool = False,
) -> LawfulBasis:
    """Lawful bases a sender may rely on (format 1.1), with the conditions for health and offending data.

    DPA 2018 Part 3 only where ``police``; never the recognised legitimate
    interest (every scheme's agencies may be public authorities); the
    safeguarding conditions only without consent, with their para 18(2)
    ground; Article 10 with its Schedule 1 paragraph; a reason exactly when
    consent was not sought; whose consent was sought, and who decided to share
    without it.
    """
    moment = _when(at)
    consent = draw(st.sampled_from(ConsentStatus))
    given = consent is ConsentStatus.GIVEN
    if police and not given and draw(st.booleans()):  # Sch 8 para 4 covers health data, without consent only
        required, pool = set(_PART3), set(_PART3)
    else:
        health = (
            LawfulCondition.UK_GDPR_9_2_H_DPA_SCH1_2_HEALTH_SOCIAL_CARE
            if given
            else LawfulCondition.UK_GDPR_9_2_G_DPA_SCH1_18_SAFEGUARDING
        )
        required = {LawfulCondition.UK_GDPR_6_1_E_PUBLIC_TASK, health, LawfulCondition.UK_GDPR_10_DPA_SCH1_PART3}
        pool = set(LawfulCondition) - _PART3 - PUBLIC_AUTHORITY_BARRED
    if given:
        pool -= WITHOUT_CONSENT_CONDITIONS
        required -= WITHOUT_CONSENT_CONDITIONS
    extra = draw(st.lists(st.sampled_from(sorted(pool)), max_size=_ITEMS, unique=True))
    conditions = tuple(dict.fromkeys((*sorted(required), *extra)))
    paragraphs = sorted(set(Article10Paragraph) - ({Article10Paragraph.SAFEGUARDING} if given else set()))
    article_10 = LawfulCondition.UK_GDPR_10_DPA_SCH1_PART3 in conditions
    reason = st.sampled_from(ConsentNotSoughtReason) if consent is ConsentStatus.NOT_SOUGHT else st.none()
    return draw(
        _derive(
            LawfulBasis,
            moment,
            conditions=st.just(conditions),
            consent=st.just(consent),
            consent_not_sought_reason=reason,
            without_consent_ground=st.none() if given else st.sampled_from(WithoutConsentGround),
            article_10_paragraph=st.sampled_from(paragraphs) if article_10 else st.none(),
            consent_sought_from=_field(
                LawfulBasis, "consent_sought_from", moment, present=consent is not ConsentStatus.NOT_SOUGHT
            ),
            shared_without_consent_by=(
                st.none() if given else _field(LawfulBasis, "shared_without_consent_by", moment, present=True)
            ),
        )
    )


# -- bodies -------------------------------------------------------------------------------


def _later(at: dt.datetime, days: int) -> Strategy[dt.datetime]:
    return datetimes(min_value=at, max_value=at + dt.timedelta(days=days))


@st.composite
def concern_bodies(draw: st.DrawFn, *, at: dt.datetime | None = None) -> ConcernBody:
    """Concerns; where the parents are not aware, the reason is given."""
    moment = _when(at)
    aware = draw(st.booleans())
    reason = st.none() if aware else _field(ConcernBody, "parents_not_aware_reason", moment, present=True)
    return draw(
        _derive(
            ConcernBody,
            moment,
            parents_aware=st.just(aware),
            parents_not_aware_reason=reason,
            abuse_categories=st.just(()),
        )
    )


@st.composite
def acknowledgement_bodies(draw: st.DrawFn, *, at: dt.datetime | None = None) -> AcknowledgementBody:
    """Acknowledgements; a rejection lists problems, an acceptance none."""
    moment = _when(at)
    outcome = draw(st.sampled_from(AcknowledgementOutcome))
    problems = (
        st.lists(records(ReportedProblem), min_size=1, max_size=_ITEMS).map(tuple)
        if outcome is AcknowledgementOutcome.REJECTED
        else st.just(())
    )
    return draw(
        _derive(
            AcknowledgementBody,
            moment,
            outcome=st.just(outcome),
            problems=problems,
            next_steps_due=st.none() | _later(moment, 30),
        )
    )


@st.composite
def decision_bodies(draw: st.DrawFn, *, at: dt.datetime | None = None) -> DecisionBody:
    """Decisions; transfers name an authority, referrals their time, factors only a concluded assessment."""
    moment = _when(at)
    outcome = draw(st.sampled_from(DecisionOutcome))
    kind = draw(st.sampled_from(ContactOrReferral))
    concluded = draw(st.booleans())
    others = sorted(set(AssessmentFactor) - {AssessmentFactor.NO_FACTORS})
    factors = (
        st.just((AssessmentFactor.NO_FACTORS,))
        | st.lists(st.sampled_from(others), max_size=_ITEMS, unique=True).map(tuple)
        if concluded
        else st.just(())
    )
    transfer = outcome is DecisionOutcome.TRANSFERRED_TO_ANOTHER_AUTHORITY
    return draw(
        _derive(
            DecisionBody,
            moment,
            outcome=st.just(outcome),
            contact_or_referral=st.just(kind),
            referral_at=(datetimes(max_value=moment) if kind is ContactOrReferral.REFERRAL else st.none()),
            assessment_concluded=st.just(concluded),
            assessment_factors=factors,
            transferred_to=la_ids() if transfer else st.none(),
        )
    )


def update_bodies(*, at: dt.datetime | None = None) -> Strategy[UpdateBody]:
    """Updates to a concern."""
    return _derive(UpdateBody, _when(at))


def withdrawal_bodies(*, at: dt.datetime | None = None) -> Strategy[WithdrawalBody]:
    """Withdrawals, always permanent."""
    return _derive(WithdrawalBody, _when(at))


def chronology_bodies(*, at: dt.datetime | None = None) -> Strategy[ChronologyBody]:
    """Chronologies of a few entries."""
    return _derive(ChronologyBody, _when(at))


def information_request_bodies(
    *,
    at: dt.datetime | None = None,
) -> Strategy[InformationRequestBody]:
    """Information requests due within 30 days of ``at``."""
    moment = _when(at)
    return _derive(InformationRequestBody, moment, respond_by=_later(moment, 30))


@st.composite
def information_response_bodies(
    draw: st.DrawFn,
    *,
    at: dt.datetime | None = None,
) -> InformationResponseBody:
    """Information responses; one that knows nothing carries no information and no entries."""
    moment = _when(at)
    if draw(st.booleans()):
        return draw(
            _derive(
                InformationResponseBody, moment, nothing_known=st.just(True), information=st.none(), entries=st.just(())
            )
        )
    return draw(_derive(InformationResponseBody, moment, nothing_known=st.just(False)))


@st.composite
def domestic_abuse_notification_bodies(
    draw: st.DrawFn,
    *,
    at: dt.datetime | None = None,
) -> DomesticAbuseNotificationBody:
    """Domestic-abuse notifications to a school or a local authority, due after the incident."""
    moment = _when(at)
    incident = draw(datetimes(max_value=moment))
    return draw(
        _derive(
            DomesticAbuseNotificationBody,
            moment,
            incident_at=st.just(incident),
            deliver_before=_later(incident, 3),
            setting_notified=agency_ids("school", "la"),
        )
    )


@st.composite
def assessment_summary_bodies(
    draw: st.DrawFn,
    *,
    at: dt.datetime | None = None,
) -> AssessmentSummaryBody:
    """Assessment summaries reviewed, if at all, within a year after the assessment."""
    moment = _when(at)
    assessed = draw(dates(max_value=_day(moment)))
    review = dates(min_value=assessed, max_value=assessed + dt.timedelta(days=365))
    return draw(_derive(AssessmentSummaryBody, moment, assessed_on=st.just(assessed), review_date=st.none() | review))


def escalation_bodies(*, at: dt.datetime | None = None) -> Strategy[EscalationBody]:
    """Escalations due for a response within 30 days of ``at``."""
    moment = _when(at)
    return _derive(EscalationBody, moment, respond_by=_later(moment, 30))


def access_notification_bodies(
    *,
    at: dt.datetime | None = None,
) -> Strategy[AccessNotificationBody]:
    """Notices that a child's record was looked at."""
    return _derive(AccessNotificationBody, _when(at))


def strategy_discussion_bodies(*, at: dt.datetime | None = None) -> Strategy[StrategyDiscussionBody]:
    """Strategy discussions (format 1.1)."""
    return _derive(StrategyDiscussionBody, _when(at))


@st.composite
def section_47_outcome_bodies(draw: st.DrawFn, *, at: dt.datetime | None = None) -> Section47OutcomeBody:
    """Section 47 enquiry outcomes completed on or after the day they started (format 1.1)."""
    moment = _when(at)
    started = draw(datetimes(max_value=moment))
    first = started.astimezone(LONDON).date()
    completed = dates(min_value=first, max_value=max(first, _day(moment)))
    return draw(_derive(Section47OutcomeBody, moment, started_at=st.just(started), completed_on=completed))


_CATEGORIES: Final = st.lists(st.sampled_from(AbuseCategory), min_size=1, max_size=_ITEMS, unique=True).map(tuple)


@st.composite
def child_protection_conference_bodies(
    draw: st.DrawFn,
    *,
    at: dt.datetime | None = None,
) -> ChildProtectionConferenceBody:
    """Conferences whose decision fits their kind and categories, with their timescale's start (format 1.1)."""
    moment = _when(at)
    kind = draw(st.sampled_from(ConferenceKind))
    review = kind is ConferenceKind.REVIEW
    decision = draw(
        st.sampled_from(
            [ConferenceDecision.PLAN_CONTINUES, ConferenceDecision.PLAN_ENDS]
            if review
            else [ConferenceDecision.PLAN, ConferenceDecision.NO_PLAN]
        )
    )
    plan = decision in {ConferenceDecision.PLAN, ConferenceDecision.PLAN_CONTINUES}
    held = draw(datetimes(max_value=moment))
    clock = datetimes(max_value=held)
    return draw(
        _derive(
            ChildProtectionConferenceBody,
            moment,
            kind=st.just(kind),
            decision=st.just(decision),
            held_at=st.just(held),
            clock_started_at=(st.none() | clock) if review else clock,
            categories=_CATEGORIES if plan else st.just(()),
            next_review_by=st.none()
            | dates(
                min_value=held.astimezone(LONDON).date(),
                max_value=held.astimezone(LONDON).date() + dt.timedelta(days=200),
            ),
        )
    )


@st.composite
def plan_status_bodies(draw: st.DrawFn, *, at: dt.datetime | None = None) -> PlanStatusBody:
    """Plan statuses: an ended plan has its end date and reason, a protection plan its category (format 1.1)."""
    moment = _when(at)
    plan = draw(st.sampled_from(PlanKind))
    status = draw(st.sampled_from(PlanState))
    started = draw(dates(max_value=_day(moment)))
    ended = status is PlanState.ENDED
    protection = plan is PlanKind.CHILD_PROTECTION
    return draw(
        _derive(
            PlanStatusBody,
            moment,
            plan=st.just(plan),
            status=st.just(status),
            started_on=st.just(started),
            ended_on=dates(min_value=started, max_value=max(started, _day(moment))) if ended else st.none(),
            end_reason=st.sampled_from(PlanEndReason) if ended else st.none(),
            categories=(_CATEGORIES if not ended else st.just(()) | _CATEGORIES) if protection else st.just(()),
        )
    )


@st.composite
def transfer_in_bodies(draw: st.DrawFn, *, at: dt.datetime | None = None) -> TransferInBody:
    """Transfers in between two different local authorities (format 1.1)."""
    moment = _when(at)
    source = draw(la_ids())
    plan = draw(st.sampled_from(PlanKind))
    return draw(
        _derive(
            TransferInBody,
            moment,
            from_authority=st.just(source),
            plan=st.just(plan),
            to_authority=la_ids().filter(lambda other: other.organisation != source.organisation),
            categories=_CATEGORIES if plan is PlanKind.CHILD_PROTECTION else st.just(()),
        )
    )


def case_closure_bodies(*, at: dt.datetime | None = None) -> Strategy[CaseClosureBody]:
    """Case closures and step-downs (format 1.1)."""
    return _derive(CaseClosureBody, _when(at))


_BODY_STRATEGIES: Final[dict[type[Any], Callable[..., Strategy[Any]]]] = {
    ConcernBody: concern_bodies,
    AcknowledgementBody: acknowledgement_bodies,
    DecisionBody: decision_bodies,
    UpdateBody: update_bodies,
    WithdrawalBody: withdrawal_bodies,
    ChronologyBody: chronology_bodies,
    InformationRequestBody: information_request_bodies,
    InformationResponseBody: information_response_bodies,
    DomesticAbuseNotificationBody: domestic_abuse_notification_bodies,
    AssessmentSummaryBody: assessment_summary_bodies,
    EscalationBody: escalation_bodies,
    AccessNotificationBody: access_notification_bodies,
    StrategyDiscussionBody: strategy_discussion_bodies,
    Section47OutcomeBody: section_47_outcome_bodies,
    ChildProtectionConferenceBody: child_protection_conference_bodies,
    PlanStatusBody: plan_status_bodies,
    TransferInBody: transfer_in_bodies,
    CaseClosureBody: case_closure_bodies,
}


def bodies(type: MessageType | None = None, *, at: dt.datetime | None = None) -> Strategy[Body]:
    """Bodies of one message type, or of any."""
    kinds = list(MessageType) if type is None else [MessageType(type)]
    return st.one_of([_BODY_STRATEGIES[BODIES[kind]](at=at) for kind in kinds])


# -- messages ------------------------------------------------------------------------------


def _without(record: Any, tokens: list[str]) -> Any:
    """The record with the value at ``tokens`` (a split JSON pointer) taken out."""
    head, *rest = tokens
    if isinstance(record, tuple):
        index = int(head)
        inner = _without(record[index], rest) if rest else None
        return (*record[:index], inner, *record[index + 1 :])
    inner = _without(getattr(record, head), rest) if rest else None
    return attrs.evolve(record, **{head: inner})


@st.composite
def _redacted(draw: st.DrawFn, message: Message) -> Message:
    """The message, or a view of it that withholds some of the fields a view may withhold."""
    if not draw(st.booleans()):
        return message
    withholdable = [
        pointer
        for pointer, value, attribute in walk(message)
        if attribute is not None and value is not None and attribute.metadata.get(META, {}).get("withholdable")
    ]
    chosen = draw(st.lists(st.sampled_from(withholdable), max_size=_ITEMS, unique=True))
    for pointer in chosen:
        message = _without(message, pointer.split("/")[1:])
    withheld = tuple(draw(_derive(Withheld, message.created, pointer=st.just(pointer))) for pointer in chosen)
    view = draw(_derive(View, message.created, withheld=st.just(withheld)))
    return attrs.evolve(message, view=view)


def _version_for(body: Body) -> str:
    """The format version a message of this body needs: the child-protection process types are new in 1.1."""
    if type(body) in _PROCESS_BODIES and tuple(map(int, FORMAT_VERSION.split("."))) < (1, 1):
        return "1.1"
    return FORMAT_VERSION


@st.composite
def _messages(draw: st.DrawFn, kinds: Strategy[MessageType]) -> Message:
    created = draw(datetimes())
    body = draw(bodies(draw(kinds), at=created))
    notification = isinstance(body, DomesticAbuseNotificationBody)
    sender = draw(_derive(Sender, created, agency=agency_ids("police") if notification else agency_ids()))
    named = (body.setting_notified,) if isinstance(body, DomesticAbuseNotificationBody) else ()
    others = draw(
        st.lists(
            agency_ids().filter(lambda agency: agency != sender.agency and agency not in named),
            min_size=0 if named else 1,
            max_size=_ITEMS - len(named),
            unique=True,
        )
    )
    handling = records(Handling, at=created)
    if notification:
        markings = st.lists(st.sampled_from(Marking), max_size=_ITEMS, unique=True).map(
            lambda chosen: tuple(dict.fromkeys((Marking.DO_NOT_APPROACH_PARENTS, *chosen))),
        )
        handling = _derive(Handling, created, markings=markings)
    thread = draw(records(Thread, at=created))
    taken = {value for _, value, _ in walk((body, thread)) if isinstance(value, uuid.UUID)}
    message = draw(
        _derive(
            Message,
            created,
            format_version=st.just(_version_for(body)),
            id=_UUIDS.filter(lambda candidate: candidate not in taken),
            created=st.just(created),
            sent=st.none() | _later(created, 2),
            sender=st.just(sender),
            recipients=st.just((*named, *others)),
            lawful_basis=lawful_bases(at=created, police=sender.agency.scheme == "police"),
            handling=handling,
            thread=st.just(thread),
            view=st.none(),
            body=st.just(body),
        )
    )
    return draw(_redacted(message))


def messages(type: MessageType | None = None) -> Strategy[Message]:
    """Valid messages of one type, or of any; some are views that withhold fields."""
    return _messages(st.sampled_from(MessageType) if type is None else st.just(MessageType(type)))


_SPECIAL: Final[dict[type[Any], Callable[..., Strategy[Any]]]] = {
    Child: children,
    RelatedPerson: related_people,
    NonEngagementEvent: non_engagement_events,
    ChronologyEntry: chronology_entries,
    LawfulBasis: lawful_bases,
    **_BODY_STRATEGIES,
}

_PROCESS_BODIES: Final = frozenset(
    {
        StrategyDiscussionBody,
        Section47OutcomeBody,
        ChildProtectionConferenceBody,
        PlanStatusBody,
        TransferInBody,
        CaseClosureBody,
    }
)

#: Fields whose strategy follows from their name wherever they appear.
_BY_NAME: Final[dict[str, Callable[[], Strategy[str]]]] = {
    "nhs_number": nhs_numbers,
    "upn": upns,
}
