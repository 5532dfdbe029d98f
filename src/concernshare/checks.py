"""Semantic checks: what a schema cannot say, each with a stable code (``CS101`` ...).

Every check takes a :class:`~concernshare.records.Message` and yields
problems; MUST-level ones are errors, SHOULD-level ones warnings. No message
quotes a value from the document. Rules that need history (supersession,
withdrawal) are checked where history is kept, not here.

The checks that look everywhere in a message (NHS numbers, local-authority
ids, event dates, withholdable fields) share one traversal, which visits, in
the order of ``walk``, only the fields that can matter to them (found once per
record class from the declared types). :func:`iter_problems` makes it once
per message and hands it to each of them.
"""

from __future__ import annotations

import datetime as dt
import functools
import typing
import uuid
from collections.abc import Callable, Iterator
from typing import Any, Final

import attrs

from concernshare._compiled import Writer
from concernshare.catalogue import entry, problem
from concernshare.errors import Problem
from concernshare.records import (
    AcknowledgementBody,
    AcknowledgementOutcome,
    AssessmentFactor,
    AssessmentSummaryBody,
    ConcernBody,
    ConsentStatus,
    DecisionBody,
    DecisionOutcome,
    DomesticAbuseNotificationBody,
    EscalationBody,
    IdentityStatus,
    InformationRequestBody,
    LawfulCondition,
    Marking,
    Message,
    NonEngagementEvent,
    PartialDate,
    UpdateBody,
)
from concernshare.records.codes import PRIMARY_CONDITIONS
from concernshare.records.identifiers import councils, nhs_number_ok, upn_problem
from concernshare.records.people import age_on
from concernshare.records.types import CLOCK_SKEW as _SKEW
from concernshare.records.types import AgencyId, require_aware
from concernshare.shape import record_union, shape_of, wire_names
from concernshare.strictjson import escape_pointer

__all__ = ["CHECKS", "Check", "Facts", "TraversingCheck", "iter_problems", "traverse"]

#: A check: it takes the message and, for the clock-based checks, the time now.
Check = Callable[[Message, "dt.datetime | None"], Iterator[Problem]]
#: A check that reads the traversal :func:`iter_problems` makes of the message.
TraversingCheck = Callable[[Message, "dt.datetime | None", "Facts"], Iterator[Problem]]

#: Every check, in the order they run.
CHECKS: Final[list[Check | TraversingCheck]] = []
_TRAVERSING: Final[set[TraversingCheck]] = set()
_BODIES: Final[dict[Check | TraversingCheck, tuple[type, ...]]] = {}

_C = typing.TypeVar("_C", Check, TraversingCheck)


def _check(code: str, *, bodies: tuple[type, ...] | None = None) -> Callable[[_C], _C]:
    """Register a check of ``code``; what the code means, and its messages, are in :mod:`concernshare.catalogue`.

    ``bodies`` names the body classes the check can find a problem in; a
    message of another type is not given to it (the check still answers
    nothing for one, and the reference runs every check on every message).
    """
    entry(code)  # a code the catalogue does not declare is a mistake, found at import

    def register(function: _C) -> _C:
        CHECKS.append(function)
        if bodies is not None:
            _BODIES[function] = bodies
        return function

    return register


def _traversing(function: TraversingCheck) -> TraversingCheck:
    """Mark a check as one that reads the traversal (it is given it as a third argument)."""
    _TRAVERSING.add(function)
    return function


def walk(record: Any, pointer: str = "") -> Iterator[tuple[str, Any, attrs.Attribute[Any] | None]]:
    """Yield ``(pointer, value, attribute)`` for every value inside a record, depth first."""
    if attrs.has(type(record)):
        cls: Any = type(record)
        attributes = attrs.fields_dict(cls)
        for field in shape_of(cls):
            if field.name == "extensions":
                continue
            value = getattr(record, field.name)
            child = f"{pointer}/{escape_pointer(field.name)}"
            yield child, value, attributes[field.name]
            yield from walk(value, child)
    elif isinstance(record, tuple):
        for index, item in enumerate(record):
            child = f"{pointer}/{index}"
            yield child, item, None
            yield from walk(item, child)


# What a field can hold that one of the traversing checks reads.
_NHS, _EVENT, _WITHHOLDABLE, _AGENCY, _RECORDS = 1, 2, 4, 8, 16


class Facts:
    """What the traversing checks read, each list in walk() order: the one traversal of a message."""

    __slots__ = ("agencies", "events", "missing", "nhs_numbers")

    def __init__(self) -> None:
        self.nhs_numbers: list[tuple[str, str]] = []
        self.agencies: list[tuple[str, AgencyId]] = []
        self.events: list[tuple[str, Any]] = []
        self.missing: list[str] = []  # withholdable fields left out


def _kinds(type_: Any) -> int:
    """What a value of ``type_`` can be or hold that the traversing checks read: an agency id, records to enter."""
    args = typing.get_args(type_)
    if typing.get_origin(type_) is tuple or type(None) in args:
        kinds = 0
        for inner in args:
            if inner is not type(None) and inner is not Ellipsis:
                kinds |= _kinds(inner)
        return kinds | (_RECORDS if typing.get_origin(type_) is tuple and kinds & _AGENCY else 0)
    if record_union(type_):  # a union of records: the envelope's body
        return _RECORDS if any(_plan(a) for a in args) else 0
    if type_ is AgencyId:
        return _AGENCY
    return _RECORDS if attrs.has(type_) and type_ is not PartialDate and _plan(type_) else 0


@functools.cache
def _plan(cls: type) -> tuple[tuple[str, str, int], ...]:
    """The fields of a record class that the traversing checks visit: name, pointer segment, what to do.

    A field is left out when nothing the checks read can be in it (a record
    whose own fields hold none, a string, a code).
    """
    plan = []
    for field in shape_of(cls):
        if field.name == "extensions":
            continue
        flags = _kinds(field.declared)
        if field.name == "nhs_number":
            flags |= _NHS
        if field.event:
            flags |= _EVENT
        if field.withholdable:
            flags |= _WITHHOLDABLE
        if flags:
            plan.append((field.name, f"/{escape_pointer(field.name)}", flags))
    return tuple(plan)


def traverse(message: Message) -> Facts:
    """The facts the traversing checks read, found in one pass over ``message``."""
    facts = Facts()
    _SCANNERS[message.__class__](message, "", facts)
    return facts


Scanner = Callable[[Any, str, Facts], None]


class _Scanners(dict[type, Scanner]):
    """The scanning function of each record class, written out from its plan the first time it is needed.

    A scanner adds what one record holds (and, through the scanners of its
    records, what they hold) to the facts, in the order of ``walk``. Written
    out, it reads each planned field by name instead of looping over the plan
    and asking what each value is; :func:`concernshare._reference.check_problems`
    is the plain walk it is held to.
    """

    def __missing__(self, cls: type) -> Scanner:
        self[cls] = scanner = _write_scanner(cls) if attrs.has(cls) else _nothing
        return scanner


def _nothing(_record: Any, _pointer: str, _facts: Facts) -> None:
    return None


_SCANNERS: Final = _Scanners()


def _write_scanner(cls: type) -> Scanner:
    writer = Writer()
    agency, scanners = writer.name(AgencyId, "AgencyId"), writer.name(_SCANNERS, "scanners")
    lines = ["def scan(r, p, facts):"]
    for name, segment, flags in _plan(cls):
        lines.append(f"    v = r.{name}")
        present = []
        if flags & _NHS:
            present.append(f"if isinstance(v, str): facts.nhs_numbers.append((p + {segment!r}, v))")
        if flags & _EVENT:
            present.append(f"facts.events.append((p + {segment!r}, v))")
        if flags & _AGENCY:
            present.append(f"if isinstance(v, {agency}): facts.agencies.append((p + {segment!r}, v))")
        if flags & _RECORDS:
            present += [
                "if v.__class__ is tuple:",
                "    for i, item in enumerate(v):",
                f"        if isinstance(item, {agency}): facts.agencies.append((f'{{p}}{segment}/{{i}}', item))",
                f"        else: {scanners}[item.__class__](item, f'{{p}}{segment}/{{i}}', facts)",
                f"else: {scanners}[v.__class__](v, p + {segment!r}, facts)",
            ]
        if flags & _WITHHOLDABLE:
            lines.append(f"    if v is None: facts.missing.append(p + {segment!r})")
            if present:
                lines += ["    else:", *(f"        {line}" for line in present)]
        elif present:
            lines += ["    if v is not None:", *(f"        {line}" for line in present)]
    lines.append("    return None")
    writer.lines = lines
    scanner: Scanner = writer.build("scan", cls.__qualname__)
    return scanner


def _nhs_ok(number: str) -> bool:
    """:func:`nhs_number_ok`, with the usual case (ten ASCII digits) worked out here: the weighted sum mod 11.

    The ten digits weighted 10 to 1 sum to a multiple of 11 exactly when the
    check digit is right (a check digit that would be 10 cannot be written).
    """
    if len(number) == 10 and number.isascii() and number.isdigit():
        d = number.encode("ascii")
        total = 10 * d[0] + 9 * d[1] + 8 * d[2] + 7 * d[3] + 6 * d[4] + 5 * d[5] + 4 * d[6] + 3 * d[7] + 2 * d[8] + d[9]
        return (total - 55 * ord("0")) % 11 == 0
    return nhs_number_ok(number)


@_check("CS101")
@_traversing
def _nhs_numbers(message: Message, _: dt.datetime | None, facts: Facts) -> Iterator[Problem]:
    for pointer, value in facts.nhs_numbers:
        if not _nhs_ok(value):
            yield problem(pointer, "CS101")


@_check("CS102")
def _upns(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    number = message.subject.identifiers.upn
    if number is not None and (reason := upn_problem(number)) is not None:
        yield problem("/subject/identifiers/upn", "CS102", reason=reason)


@_check("CS103")
@_traversing
def _local_authorities(message: Message, _: dt.datetime | None, facts: Facts) -> Iterator[Problem]:
    for pointer, value in facts.agencies:
        if (found := _council_problem(message, pointer, value)) is not None:
            yield found


def _council_problem(message: Message, pointer: str, value: AgencyId) -> Problem | None:
    """The problem of one agency id if it is an la: id of no council with children's services then."""
    if not value.startswith("la:"):
        return None
    listing = councils()
    if value.code in listing.current:
        return None
    former = listing.former.get(value.code)
    if former and former.ceased and message.created.date().isoformat() < former.ceased:
        return None  # the council existed when the message was written
    if former:
        return problem(pointer, "CS103", "ceased", listing=listing.version, ceased=former.ceased)
    return problem(pointer, "CS103", listing=listing.version)


def _latest(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, PartialDate):
        value = value.earliest
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time.min, tzinfo=dt.UTC)
    return None


@_check("CS104")
@_traversing
def _future_dates(message: Message, now: dt.datetime | None, facts: Facts) -> Iterator[Problem]:
    limit = message.created + dt.timedelta(days=1)
    day = limit.astimezone(dt.UTC).date()  # a day's start (UTC) is after limit exactly when the day is after day
    last = (day.year, day.month, day.day)
    for pointer, value in facts.events:
        if value.__class__ is PartialDate:
            late = (value.year, value.month or 1, value.day or 1) > last
        elif value.__class__ is dt.date:
            late = value > day
        else:
            moment = _latest(value)
            late = moment is not None and moment > limit
        if late:
            yield problem(pointer, "CS104", "event")
    if now is not None and message.created > now + _SKEW:
        yield problem("/created", "CS104", "future")


@_check("CS105")
def _consent(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    basis = message.lawful_basis
    pointer = "/lawful_basis/consent_not_sought_reason"
    if basis.consent is ConsentStatus.NOT_SOUGHT and basis.consent_not_sought_reason is None:
        yield problem(pointer, "CS105")
    elif basis.consent is not ConsentStatus.NOT_SOUGHT and basis.consent_not_sought_reason:
        yield problem(pointer, "CS105", "needless")


def _withheld(message: Message) -> set[str]:
    return {w.pointer for w in message.view.withheld} if message.view else set()


def _covered(pointer: str, withheld: set[str]) -> bool:
    return any(pointer == w or pointer.startswith(w + "/") for w in withheld)


def _unnamed(message: Message) -> set[str]:
    """The name pointers of related people whose identity is unknown or not disclosed: no name is due."""
    return {
        f"/subject/related_people/{index}/name"
        for index, person in enumerate(message.subject.related_people)
        if person.identity in _NAMELESS
    }


@_check("CS106")
@_traversing
def _withholdable(message: Message, _: dt.datetime | None, facts: Facts) -> Iterator[Problem]:
    withheld = _withheld(message)
    unnamed = _unnamed(message)
    for pointer in facts.missing:
        if not _covered(pointer, withheld) and pointer not in unnamed:
            yield problem(pointer, "CS106")


@_check("CS107")
def _sent(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    if message.sent is not None and message.sent < message.created - _SKEW:
        yield problem("/sent", "CS107")


@_check("CS108")
def _unborn(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    child = message.subject
    if child.unborn:
        if child.expected_delivery_date is None:
            yield problem("/subject/expected_delivery_date", "CS108", "due_date")
        if child.birth_date is not None:
            yield problem("/subject/birth_date", "CS108", "birth_date")
        if child.mother is None:
            yield problem("/subject/mother", "CS108", "mother")
    elif child.expected_delivery_date is not None and child.birth_date is not None:
        yield problem("/subject/expected_delivery_date", "CS108", "born")


@_check("CS109", bodies=(DecisionBody,))
def _factors(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, DecisionBody) or not body.assessment_factors:
        return
    if not body.assessment_concluded:
        yield problem("/body/assessment_factors", "CS109", "unconcluded")
    if AssessmentFactor.NO_FACTORS in body.assessment_factors and len(body.assessment_factors) > 1:
        yield problem("/body/assessment_factors", "CS109", "none_beside")


@_check("CS110", bodies=(AcknowledgementBody,))
def _acknowledgement(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, AcknowledgementBody):
        return
    if body.outcome is AcknowledgementOutcome.REJECTED and not body.problems:
        yield problem("/body/problems", "CS110", "rejected")
    if body.outcome is AcknowledgementOutcome.ACCEPTED and body.problems:
        yield problem("/body/problems", "CS110", "accepted")


@_check("CS111", bodies=(DomesticAbuseNotificationBody,))
def _notification(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, DomesticAbuseNotificationBody):
        return
    if Marking.DO_NOT_APPROACH_PARENTS not in message.handling.markings:
        yield problem("/handling/markings", "CS111", "marking")
    if body.setting_notified.scheme not in {"school", "la"}:
        yield problem("/body/setting_notified", "CS111", "setting")
    if message.sender.agency.scheme != "police":
        yield problem("/sender/agency", "CS111", "police")
    if body.deliver_before < body.incident_at:
        yield problem("/body/deliver_before", "CS111", "due")


@_check("CS112", bodies=(ConcernBody,))
def _parents(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if isinstance(body, ConcernBody) and not body.parents_aware and not (body.parents_not_aware_reason):
        yield problem("/body/parents_not_aware_reason", "CS112")


@_check("CS113")
def _recipients(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, recipient in enumerate(message.recipients):
        if recipient in seen:
            yield problem(f"/recipients/{index}", "CS113", "twice")
        seen.add(recipient)
        if recipient == message.sender.agency:
            yield problem(f"/recipients/{index}", "CS113", "sender")


@functools.cache
def _walked(cls: type) -> frozenset[str]:
    """The fields of a record class that :func:`walk` goes into."""
    return wire_names(cls) - {"extensions"}


def _present(message: Message, pointer: str) -> bool:
    """True if :func:`walk` yields ``pointer`` with a value that is not None or empty; found without walking."""
    if not pointer.startswith("/"):
        return False
    node: Any = message
    for token in pointer[1:].split("/"):
        if attrs.has(node.__class__):
            if token not in _walked(node.__class__):
                return False
            node = getattr(node, token)
        elif isinstance(node, tuple) and token.isascii() and token.isdigit() and str(int(token)) == token:
            if int(token) >= len(node):
                return False
            node = node[int(token)]
        else:
            return False
    return node not in (None, ())


@_check("CS114")
def _view(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    if message.view is None or not message.view.withheld:
        return
    for index, item in enumerate(message.view.withheld):
        if _present(message, item.pointer):
            yield problem(f"/view/withheld/{index}/pointer", "CS114")


@_check("CS115")
def _lawful_basis(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    conditions = set(message.lawful_basis.conditions)
    if not conditions & PRIMARY_CONDITIONS:
        yield problem("/lawful_basis/conditions", "CS115", "article_6")
    part3 = {LawfulCondition.DPA_PART3_S35_LAW_ENFORCEMENT, LawfulCondition.DPA_PART3_SCH8_4_SAFEGUARDING}
    if conditions & part3 and conditions - part3:
        yield problem("/lawful_basis/conditions", "CS115", "mixed")
    if len(conditions) != len(message.lawful_basis.conditions):
        yield problem("/lawful_basis/conditions", "CS115", "twice")


@_check("CS116", bodies=(DecisionBody,))
def _decision(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, DecisionBody):
        return
    transfer = body.outcome is DecisionOutcome.TRANSFERRED_TO_ANOTHER_AUTHORITY
    if transfer and body.transferred_to is None:
        yield problem("/body/transferred_to", "CS116", "transferred_to")
    if body.transferred_to is not None and body.transferred_to.scheme != "la":
        yield problem("/body/transferred_to", "CS116", "not_an_authority")
    if body.contact_or_referral.value == "referral" and body.referral_at is None:
        yield problem("/body/referral_at", "CS116", "referral_at")


_REFERENCES: Final = (
    "message_id",
    "concern_id",
    "request_id",
    "challenged_message_id",
    "strategy_discussion_id",
    "conference_id",
)


_THREAD_REFERENCES: Final = tuple((f"/thread/{name}", name) for name in ("in_reply_to", "supersedes"))


@functools.cache
def _body_references(cls: type) -> tuple[tuple[str, str], ...]:
    """The members of a body class that may name another message, as (pointer, name), in document order."""
    names = attrs.fields_dict(cls) if attrs.has(cls) else {}
    return tuple((f"/body/{name}", name) for name in _REFERENCES if name in names)


def _references(message: Message) -> list[tuple[str, Any]]:
    """Every member that may name another message, as (pointer, value), in document order: the thread, then the body.

    A body class without a member is left out (its value would be None).
    """
    thread, body = message.thread, message.body
    kind: type = body.__class__
    found = [(pointer, getattr(thread, name)) for pointer, name in _THREAD_REFERENCES]
    found += [(pointer, getattr(body, name)) for pointer, name in _body_references(kind)]
    return found


@_check("CS118")
def _self_reference(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    own = message.id
    for pointer, value in _references(message):
        if value is not None and value == own:
            yield problem(pointer, "CS118")


@_check("CS119")
def _age(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    born = message.subject.birth_date
    if born is not None and age_on(born, message.created) >= 18:
        yield problem("/subject/birth_date", "CS119")


@_check("CS120", bodies=(AssessmentSummaryBody, EscalationBody, InformationRequestBody))
def _order(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if (
        isinstance(body, AssessmentSummaryBody)
        and body.review_date is not None
        and (body.review_date < body.assessed_on)
    ):
        yield problem("/body/review_date", "CS120", "review")
    if isinstance(body, EscalationBody | InformationRequestBody) and (body.respond_by < message.created):
        yield problem("/body/respond_by", "CS120", "respond_by")


@_check("CS121", bodies=(ConcernBody, UpdateBody))
def _challenge(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, ConcernBody | UpdateBody):
        return
    for index, event in enumerate(body.non_engagement):
        if isinstance(event, NonEngagementEvent) and event.challenged and not event.challenged_by:
            yield problem(f"/body/non_engagement/{index}/challenged_by", "CS121")


@_check("CS122")
def _nil_id(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    if message.id.int == 0:
        yield problem("/id", "CS122", "own")
    for pointer, value in _references(message):
        if isinstance(value, uuid.UUID) and value.int == 0:
            yield problem(pointer, "CS122", "reference")


_NAMELESS: Final = frozenset({IdentityStatus.UNKNOWN, IdentityStatus.NOT_DISCLOSED})


@_check("CS141")
def _nameless(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    for index, person in enumerate(message.subject.related_people):
        if person.identity not in _NAMELESS:
            continue
        for member in ("name", "birth_date", "identifiers"):
            if getattr(person, member) is not None:
                yield problem(f"/subject/related_people/{index}/{member}", "CS141")


def iter_problems(message: Message, *, now: dt.datetime | None = None) -> Iterator[Problem]:
    """Yield every semantic problem of ``message``; ``now`` enables the clock-based checks.

    Raises :class:`~concernshare.errors.NaiveTime` if ``now`` is naive.
    """
    if now is not None:
        require_aware(now, "now")
    facts = traverse(message)
    for check, traversing in _checks_for(message.body.__class__):
        if traversing:
            yield from check(message, now, facts)
        else:
            yield from typing.cast(Check, check)(message, now)


_FOR_BODY: Final[dict[type, tuple[list[Any], tuple[tuple[Any, bool], ...]]]] = {}


def _checks_for(body: type) -> tuple[tuple[Any, bool], ...]:
    """The checks that can find a problem in a message with a body of class ``body``, each with whether it traverses.

    Worked out once per body class, and again whenever :data:`CHECKS` has changed since.
    """
    known = _FOR_BODY.get(body)
    if known is None or known[0] != CHECKS:
        chosen = tuple(
            (check, check in _TRAVERSING)
            for check in CHECKS
            if check not in _BODIES or issubclass(body, _BODIES[check])
        )
        known = _FOR_BODY[body] = (list(CHECKS), chosen)
    return known[1]


# The checks of format 1.1 live in modules of their own; importing them registers them, after the checks above:
# the law and code lists (CS130-CS135), the child-protection process messages (CS140, CS142-CS145), and growth
# and the Graded Care Profile (CS150-CS155).
from concernshare import _lawchecks, _neglect_checks, _process_checks  # noqa: E402, F401
