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

from concernshare.errors import Problem, Severity
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

__all__ = ["CHECKS", "CODES", "Check", "Facts", "TraversingCheck", "iter_problems", "traverse"]

#: A check: it takes the message and, for the clock-based checks, the time now.
Check = Callable[[Message, "dt.datetime | None"], Iterator[Problem]]
#: A check that reads the traversal :func:`iter_problems` makes of the message.
TraversingCheck = Callable[[Message, "dt.datetime | None", "Facts"], Iterator[Problem]]

#: Every semantic code, with what it means; the docs site's reference is built from this.
CODES: Final[dict[str, str]] = {}
#: Every check, in the order they run.
CHECKS: Final[list[Check | TraversingCheck]] = []
_TRAVERSING: Final[set[TraversingCheck]] = set()

_C = typing.TypeVar("_C", Check, TraversingCheck)


def _check(code: str, meaning: str) -> Callable[[_C], _C]:
    def register(function: _C) -> _C:
        CODES[code] = meaning
        CHECKS.append(function)
        return function

    return register


def _traversing(function: TraversingCheck) -> TraversingCheck:
    """Mark a check as one that reads the traversal (it is given it as a third argument)."""
    _TRAVERSING.add(function)
    return function


def _error(pointer: str, code: str, message: str) -> Problem:
    return Problem(pointer=pointer, code=code, message=message)


def _warning(pointer: str, code: str, message: str) -> Problem:
    return Problem(pointer=pointer, code=code, message=message, severity=Severity.WARNING)


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
    _scan(message, "", facts)
    return facts


def _scan(record: Any, pointer: str, facts: Facts) -> None:
    for name, segment, flags in _plan(record.__class__):
        value = getattr(record, name)
        if value is None:
            if flags & _WITHHOLDABLE:
                facts.missing.append(pointer + segment)
            continue
        if flags & _NHS and isinstance(value, str):
            facts.nhs_numbers.append((pointer + segment, value))
        if flags & _EVENT:
            facts.events.append((pointer + segment, value))
        if flags & _AGENCY and isinstance(value, AgencyId):
            facts.agencies.append((pointer + segment, value))
        if flags & _RECORDS:
            if value.__class__ is tuple:
                for index, item in enumerate(value):
                    if isinstance(item, AgencyId):
                        facts.agencies.append((f"{pointer}{segment}/{index}", item))
                    elif attrs.has(item.__class__):
                        _scan(item, f"{pointer}{segment}/{index}", facts)
            elif attrs.has(value.__class__):
                _scan(value, pointer + segment, facts)


_NHS_WEIGHTS: Final = tuple(range(10, 0, -1))


def _nhs_ok(number: str) -> bool:
    """:func:`nhs_number_ok`, with the usual case (ten ASCII digits) worked out here: the weighted sum mod 11."""
    if len(number) == 10 and number.isascii() and number.isdigit():
        return sum(map(int.__mul__, _NHS_WEIGHTS, map(int, number))) % 11 == 0
    return nhs_number_ok(number)


@_check("CS101", "An NHS number fails its modulus-11 check.")
@_traversing
def _nhs_numbers(message: Message, _: dt.datetime | None, facts: Facts) -> Iterator[Problem]:
    for pointer, value in facts.nhs_numbers:
        if not _nhs_ok(value):
            yield _error(
                pointer,
                "CS101",
                "the NHS number fails its modulus-11 check; check it "
                "against the source record (a typing slip is the usual cause)",
            )


@_check("CS102", "A UPN has a wrong check letter or an unknown local-authority number.")
def _upns(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    number = message.subject.identifiers.upn
    if number is not None and (problem := upn_problem(number)) is not None:
        yield _error(
            "/subject/identifiers/upn",
            "CS102",
            f"the UPN is not valid: {problem}; check it against the school's record",
        )


@_check("CS103", "An la: agency id is not a council with children's services in the shipped list.")
@_traversing
def _local_authorities(message: Message, _: dt.datetime | None, facts: Facts) -> Iterator[Problem]:
    for pointer, value in facts.agencies:
        if (problem := _council_problem(message, pointer, value)) is not None:
            yield problem


def _council_problem(message: Message, pointer: str, value: AgencyId) -> Problem | None:
    """The problem of one agency id if it is an la: id of no council with children's services then."""
    if value.scheme != "la":
        return None
    listing = councils()
    if value.code in listing.current:
        return None
    former = listing.former.get(value.code)
    if former and former.ceased and message.created.date().isoformat() < former.ceased:
        return None  # the council existed when the message was written
    detail = (
        f"the council ceased on {former.ceased}; use its successor"
        if former
        else "it is not a council with children's services"
    )
    return _error(
        pointer,
        "CS103",
        f"the local-authority code is not current in the council list of {listing.version}: {detail}",
    )


def _latest(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, PartialDate):
        value = value.earliest
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time.min, tzinfo=dt.UTC)
    return None


@_check("CS104", "A past event is dated after the message was written, or the message after now.")
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
            yield _error(pointer, "CS104", "this event is dated after the message was written; check the date")
    if now is not None and message.created > now + _SKEW:
        yield _error("/created", "CS104", "the message is dated in the future; check the sending system's clock")


@_check("CS105", "Consent was not sought and no reason is given (or a reason is given although it was).")
def _consent(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    basis = message.lawful_basis
    pointer = "/lawful_basis/consent_not_sought_reason"
    if basis.consent is ConsentStatus.NOT_SOUGHT and basis.consent_not_sought_reason is None:
        yield _error(
            pointer,
            "CS105",
            "consent was not sought: give the DPA 2018 Sch 1 para "
            "18(2) ground (cannot_be_given, cannot_reasonably_be_obtained or would_prejudice)",
        )
    elif basis.consent is not ConsentStatus.NOT_SOUGHT and basis.consent_not_sought_reason:
        yield _warning(
            pointer,
            "CS105",
            "a reason for not seeking consent is given although "
            "consent was sought; remove it or correct the consent status",
        )


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


@_check("CS106", "A field that only a view may leave out is missing, and view.withheld does not name it.")
@_traversing
def _withholdable(message: Message, _: dt.datetime | None, facts: Facts) -> Iterator[Problem]:
    withheld = _withheld(message)
    unnamed = _unnamed(message)
    for pointer in facts.missing:
        if not _covered(pointer, withheld) and pointer not in unnamed:
            yield _error(
                pointer,
                "CS106",
                "this member is required unless a view withholds it (and lists it in view.withheld); add it",
            )


@_check("CS107", "sent is earlier than created.")
def _sent(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    if message.sent is not None and message.sent < message.created - _SKEW:
        yield _error(
            "/sent", "CS107", "the message was sent before it was written; check the clocks of the sending system"
        )


@_check("CS108", "An unborn child lacks an expected delivery date or has a birth date.")
def _unborn(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    child = message.subject
    if child.unborn:
        if child.expected_delivery_date is None:
            yield _error("/subject/expected_delivery_date", "CS108", "an unborn child needs an expected delivery date")
        if child.birth_date is not None:
            yield _error(
                "/subject/birth_date",
                "CS108",
                "an unborn child has no birth date; set unborn to false once the child is born",
            )
        if child.mother is None:
            yield _warning(
                "/subject/mother",
                "CS108",
                "give the mother's identifiers so that the record links to the child after birth",
            )
    elif child.expected_delivery_date is not None and child.birth_date is not None:
        yield _warning(
            "/subject/expected_delivery_date", "CS108", "a born child needs no expected delivery date; remove it"
        )


@_check("CS109", "CIN assessment factors are given without a concluded assessment, or contradict each other.")
def _factors(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, DecisionBody) or not body.assessment_factors:
        return
    if not body.assessment_concluded:
        yield _error(
            "/body/assessment_factors",
            "CS109",
            "assessment factors are recorded only "
            "when an assessment concludes; set assessment_concluded or remove them",
        )
    if AssessmentFactor.NO_FACTORS in body.assessment_factors and len(body.assessment_factors) > 1:
        yield _error(
            "/body/assessment_factors", "CS109", "factor 21 (no factors identified) cannot stand beside other factors"
        )


@_check("CS110", "A rejected acknowledgement names no problem, or an accepted one names some.")
def _acknowledgement(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, AcknowledgementBody):
        return
    if body.outcome is AcknowledgementOutcome.REJECTED and not body.problems:
        yield _error(
            "/body/problems", "CS110", "a rejection must list the problems found, each with its pointer and code"
        )
    if body.outcome is AcknowledgementOutcome.ACCEPTED and body.problems:
        yield _warning(
            "/body/problems", "CS110", "an accepted message lists problems; remove them or reject the message"
        )


@_check("CS111", "A domestic-abuse notification is not marked do_not_approach_parents, or is not sent to a setting.")
def _notification(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, DomesticAbuseNotificationBody):
        return
    if Marking.DO_NOT_APPROACH_PARENTS not in message.handling.markings:
        yield _warning(
            "/handling/markings",
            "CS111",
            "a domestic-abuse notification should be marked do_not_approach_parents unless the police say otherwise",
        )
    if body.setting_notified.scheme not in {"school", "la"}:
        yield _error(
            "/body/setting_notified",
            "CS111",
            "the setting notified must be a school "
            "(school:) or, for a child educated at home, the local authority (la:)",
        )
    if message.sender.agency.scheme != "police":
        yield _warning("/sender/agency", "CS111", "domestic-abuse notifications are sent by the police")
    if body.deliver_before < body.incident_at:
        yield _error("/body/deliver_before", "CS111", "the notification cannot be due before the incident happened")


@_check("CS112", "Parents are not aware of the concern and no reason is given.")
def _parents(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if isinstance(body, ConcernBody) and not body.parents_aware and not (body.parents_not_aware_reason):
        yield _error("/body/parents_not_aware_reason", "CS112", "say why the parents or carers have not been told")


@_check("CS113", "A recipient is listed twice, or the sender is among the recipients.")
def _recipients(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, recipient in enumerate(message.recipients):
        if recipient in seen:
            yield _error(f"/recipients/{index}", "CS113", "this recipient is listed twice")
        seen.add(recipient)
        if recipient == message.sender.agency:
            yield _warning(f"/recipients/{index}", "CS113", "the sender is among the recipients")


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


@_check("CS114", "A view names a withheld field that the message still carries.")
def _view(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    if message.view is None or not message.view.withheld:
        return
    for index, item in enumerate(message.view.withheld):
        if _present(message, item.pointer):
            yield _error(
                f"/view/withheld/{index}/pointer",
                "CS114",
                "the view says this field is withheld but the message carries it; remove the field or the entry",
            )


@_check("CS115", "The lawful basis has no Article 6 basis (nor DPA 2018 Part 3 s35), or mixes regimes.")
def _lawful_basis(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    conditions = set(message.lawful_basis.conditions)
    if not conditions & PRIMARY_CONDITIONS:
        yield _error(
            "/lawful_basis/conditions",
            "CS115",
            "name an Article 6 basis (or, for police law-enforcement processing, DPA 2018 Part 3 s35)",
        )
    part3 = {LawfulCondition.DPA_PART3_S35_LAW_ENFORCEMENT, LawfulCondition.DPA_PART3_SCH8_4_SAFEGUARDING}
    if conditions & part3 and conditions - part3:
        yield _warning(
            "/lawful_basis/conditions",
            "CS115",
            "UK GDPR conditions and DPA 2018 Part 3 conditions are mixed; one share is usually under one regime",
        )
    if len(conditions) != len(message.lawful_basis.conditions):
        yield _warning("/lawful_basis/conditions", "CS115", "a condition is listed twice")


@_check("CS116", "A decision is inconsistent: a transfer without its authority, a referral without its time.")
def _decision(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, DecisionBody):
        return
    transfer = body.outcome is DecisionOutcome.TRANSFERRED_TO_ANOTHER_AUTHORITY
    if transfer and body.transferred_to is None:
        yield _error("/body/transferred_to", "CS116", "name the authority the case was transferred to")
    if body.transferred_to is not None and body.transferred_to.scheme != "la":
        yield _error("/body/transferred_to", "CS116", "a case is transferred to a local authority (an la: agency id)")
    if body.contact_or_referral.value == "referral" and body.referral_at is None:
        yield _warning(
            "/body/referral_at",
            "CS116",
            "give the time the contact became a referral: the statutory clocks run from it",
        )


_REFERENCES: Final = (
    "message_id",
    "concern_id",
    "request_id",
    "challenged_message_id",
    "strategy_discussion_id",
    "conference_id",
)


@_check("CS118", "A message refers to itself (in its body or thread).")
def _self_reference(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    for name in _REFERENCES:
        if getattr(message.body, name, None) == message.id:
            yield _error(f"/body/{name}", "CS118", "a message cannot refer to itself; give the id of the other message")
    for name in ("in_reply_to", "supersedes"):
        if getattr(message.thread, name) == message.id:
            yield _error(
                f"/thread/{name}", "CS118", "a message cannot refer to itself; give the id of the other message"
            )


@_check("CS119", "The child is 18 or over when the message was written.")
def _age(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    born = message.subject.birth_date
    if born is not None and age_on(born, message.created) >= 18:
        yield _warning(
            "/subject/birth_date",
            "CS119",
            "the subject is 18 or over; concernshare is for children, so check the birth date",
        )


@_check("CS120", "Dates are out of order: a review before its assessment, a response due before the message.")
def _order(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if (
        isinstance(body, AssessmentSummaryBody)
        and body.review_date is not None
        and (body.review_date < body.assessed_on)
    ):
        yield _error("/body/review_date", "CS120", "the review cannot come before the assessment")
    if isinstance(body, EscalationBody | InformationRequestBody) and (body.respond_by < message.created):
        yield _error("/body/respond_by", "CS120", "the response cannot be due before the message was written")


@_check("CS121", "A non-engagement event was challenged but does not say by whom.")
def _challenge(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, ConcernBody | UpdateBody):
        return
    for index, event in enumerate(body.non_engagement):
        if isinstance(event, NonEngagementEvent) and event.challenged and not event.challenged_by:
            yield _warning(
                f"/body/non_engagement/{index}/challenged_by", "CS121", "say who challenged the non-engagement"
            )


@_check("CS122", "A message id (the message's own, or one it refers to) is the nil UUID, which names no message.")
def _nil_id(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    if message.id.int == 0:
        yield _error(
            "/id", "CS122", "the message id is the nil UUID, which names no message; give it a random (version 4) UUID"
        )
    referred = [(f"/thread/{name}", getattr(message.thread, name)) for name in ("in_reply_to", "supersedes")]
    referred += [(f"/body/{name}", getattr(message.body, name, None)) for name in _REFERENCES]
    for pointer, value in referred:
        if isinstance(value, uuid.UUID) and value.int == 0:
            yield _error(pointer, "CS122", "the nil UUID names no message; give the id of the message meant")


_NAMELESS: Final = frozenset({IdentityStatus.UNKNOWN, IdentityStatus.NOT_DISCLOSED})


@_check("CS141", "A person whose identity is unknown or not disclosed carries a name, birth date or identifiers.")
def _nameless(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    for index, person in enumerate(message.subject.related_people):
        if person.identity not in _NAMELESS:
            continue
        for member in ("name", "birth_date", "identifiers"):
            if getattr(person, member) is not None:
                yield _error(
                    f"/subject/related_people/{index}/{member}",
                    "CS141",
                    "the person's "
                    "identity is recorded as unknown or not disclosed: remove this member, "
                    "or set identity to 'known' (never write a placeholder name)",
                )


def iter_problems(message: Message, *, now: dt.datetime | None = None) -> Iterator[Problem]:
    """Yield every semantic problem of ``message``; ``now`` enables the clock-based checks.

    Raises :class:`~concernshare.errors.NaiveTime` if ``now`` is naive.
    """
    if now is not None:
        require_aware(now, "now")
    facts = traverse(message)
    for check in CHECKS:
        if check in _TRAVERSING:
            yield from check(message, now, facts)
        else:
            yield from typing.cast(Check, check)(message, now)


# The checks of format 1.1 live in modules of their own; importing them registers them, after the checks above:
# the law and code lists (CS130-CS135), and the child-protection process messages (CS140, CS142-CS145).
from concernshare import _lawchecks, _process_checks  # noqa: E402, F401
