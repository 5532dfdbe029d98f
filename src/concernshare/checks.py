"""Semantic checks: what a schema cannot say, each with a stable code (``CS101`` ...).

Every check takes a :class:`~concernshare.records.Message` and yields
problems; MUST-level ones are errors, SHOULD-level ones warnings. No message
quotes a value from the document. Rules that need history (supersession,
withdrawal) are checked where history is kept, not here.
"""

from __future__ import annotations

import datetime as dt
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
    InformationRequestBody,
    LawfulCondition,
    Marking,
    Message,
    NonEngagementEvent,
    PartialDate,
    UpdateBody,
)
from concernshare.records._fields import META
from concernshare.records.codes import PRIMARY_CONDITIONS
from concernshare.records.identifiers import councils, nhs_number_ok, upn_problem
from concernshare.records.people import age_on
from concernshare.records.types import AgencyId
from concernshare.strictjson import escape_pointer

__all__ = ["CHECKS", "CODES", "iter_problems"]

Check = Callable[[Message, "dt.datetime | None"], Iterator[Problem]]

#: Every semantic code, with what it means; the docs site's reference is built from this.
CODES: Final[dict[str, str]] = {}
CHECKS: Final[list[Check]] = []
_SKEW: Final = dt.timedelta(minutes=5)


def _check(code: str, meaning: str) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        CODES[code] = meaning
        CHECKS.append(function)
        return function

    return register


def _error(pointer: str, code: str, message: str) -> Problem:
    return Problem(pointer=pointer, code=code, message=message)


def _warning(pointer: str, code: str, message: str) -> Problem:
    return Problem(pointer=pointer, code=code, message=message, severity=Severity.WARNING)


def walk(record: Any, pointer: str = "") -> Iterator[tuple[str, Any, attrs.Attribute[Any] | None]]:
    """Yield ``(pointer, value, attribute)`` for every value inside a record, depth first."""
    if attrs.has(type(record)):
        for attribute in attrs.fields(type(record)):
            if not attribute.metadata.get("wire", True) or attribute.name == "extensions":
                continue
            value = getattr(record, attribute.name)
            child = f"{pointer}/{escape_pointer(attribute.name)}"
            yield child, value, attribute
            yield from walk(value, child)
    elif isinstance(record, tuple):
        for index, item in enumerate(record):
            child = f"{pointer}/{index}"
            yield child, item, None
            yield from walk(item, child)


@_check("CS101", "An NHS number fails its modulus-11 check.")
def _nhs_numbers(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    for pointer, value, _attribute in walk(message):
        if pointer.endswith("/nhs_number") and isinstance(value, str) and not nhs_number_ok(value):
            yield _error(pointer, "CS101", "the NHS number fails its modulus-11 check; check it "
                         "against the source record (a typing slip is the usual cause)")


@_check("CS102", "A UPN has a wrong check letter or an unknown local-authority number.")
def _upns(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    number = message.subject.identifiers.upn
    if number is not None and (problem := upn_problem(number)) is not None:
        yield _error("/subject/identifiers/upn", "CS102",
                     f"the UPN is not valid: {problem}; check it against the school's record")


@_check("CS103", "An la: agency id is not a council with children's services in the shipped list.")
def _local_authorities(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    listing = councils()
    for pointer, value, _attribute in walk(message):
        if isinstance(value, AgencyId) and value.scheme == "la":
            if value.code in listing.current:
                continue
            former = listing.former.get(value.code)
            if former and former.ceased and message.created.date().isoformat() < former.ceased:
                continue  # the council existed when the message was written
            detail = (
                f"the council ceased on {former.ceased}; use its successor"
                if former else "it is not a council with children's services"
            )
            yield _error(pointer, "CS103", f"the local-authority code is not current in the "
                         f"council list of {listing.version}: {detail}")


_EVENT_FIELDS: Final = frozenset({
    "birth_date", "observed", "date", "event_date", "recorded_date", "incident_at",
    "assessed_on", "decided_at", "referral_at", "received_at", "accessed_at",
})


def _latest(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, PartialDate):
        value = value.earliest
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time.min, tzinfo=dt.UTC)
    return None


@_check("CS104", "A past event is dated after the message was written, or the message after now.")
def _future_dates(message: Message, now: dt.datetime | None) -> Iterator[Problem]:
    limit = message.created + dt.timedelta(days=1)
    for pointer, value, attribute in walk(message):
        if attribute is None or attribute.name not in _EVENT_FIELDS:
            continue
        moment = _latest(value)
        if moment is not None and moment > limit:
            yield _error(pointer, "CS104", "this event is dated after the message was written; "
                         "check the date")
    if now is not None and message.created > now + _SKEW:
        yield _error("/created", "CS104", "the message is dated in the future; check the "
                     "sending system's clock")


@_check("CS105", "Consent was not sought and no reason is given (or a reason is given although it was).")
def _consent(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    basis = message.lawful_basis
    pointer = "/lawful_basis/consent_not_sought_reason"
    if basis.consent is ConsentStatus.NOT_SOUGHT and basis.consent_not_sought_reason is None:
        yield _error(pointer, "CS105", "consent was not sought: say why (unsafe, "
                     "would_prejudice, not_practicable or not_required)")
    elif basis.consent is not ConsentStatus.NOT_SOUGHT and basis.consent_not_sought_reason:
        yield _warning(pointer, "CS105", "a reason for not seeking consent is given although "
                       "consent was sought; remove it or correct the consent status")


def _withheld(message: Message) -> set[str]:
    return {w.pointer for w in message.view.withheld} if message.view else set()


def _covered(pointer: str, withheld: set[str]) -> bool:
    return any(pointer == w or pointer.startswith(w + "/") for w in withheld)


@_check("CS106", "A field that only a view may leave out is missing, and view.withheld does not name it.")
def _withholdable(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    withheld = _withheld(message)
    for pointer, value, attribute in walk(message):
        if (value is None and attribute is not None
                and attribute.metadata.get(META, {}).get("withholdable")
                and not _covered(pointer, withheld)):
            yield _error(pointer, "CS106", "this member is required unless a view withholds it "
                         "(and lists it in view.withheld); add it")


@_check("CS107", "sent is earlier than created.")
def _sent(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    if message.sent is not None and message.sent < message.created - _SKEW:
        yield _error("/sent", "CS107", "the message was sent before it was written; check the "
                     "clocks of the sending system")


@_check("CS108", "An unborn child lacks an expected delivery date or has a birth date.")
def _unborn(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    child = message.subject
    if child.unborn:
        if child.expected_delivery_date is None:
            yield _error("/subject/expected_delivery_date", "CS108",
                         "an unborn child needs an expected delivery date")
        if child.birth_date is not None:
            yield _error("/subject/birth_date", "CS108", "an unborn child has no birth date; "
                         "set unborn to false once the child is born")
        if child.mother is None:
            yield _warning("/subject/mother", "CS108", "give the mother's identifiers so that "
                           "the record links to the child after birth")
    elif child.expected_delivery_date is not None and child.birth_date is not None:
        yield _warning("/subject/expected_delivery_date", "CS108",
                       "a born child needs no expected delivery date; remove it")


@_check("CS109", "CIN assessment factors are given without a concluded assessment, or contradict each other.")
def _factors(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, DecisionBody) or not body.assessment_factors:
        return
    if not body.assessment_concluded:
        yield _error("/body/assessment_factors", "CS109", "assessment factors are recorded only "
                     "when an assessment concludes; set assessment_concluded or remove them")
    if AssessmentFactor.NO_FACTORS in body.assessment_factors and len(
        body.assessment_factors
    ) > 1:
        yield _error("/body/assessment_factors", "CS109", "factor 21 (no factors identified) "
                     "cannot stand beside other factors")


@_check("CS110", "A rejected acknowledgement names no problem, or an accepted one names some.")
def _acknowledgement(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, AcknowledgementBody):
        return
    if body.outcome is AcknowledgementOutcome.REJECTED and not body.problems:
        yield _error("/body/problems", "CS110", "a rejection must list the problems found, "
                     "each with its pointer and code")
    if body.outcome is AcknowledgementOutcome.ACCEPTED and body.problems:
        yield _warning("/body/problems", "CS110", "an accepted message lists problems; "
                       "remove them or reject the message")


@_check("CS111", "A domestic-abuse notification is not marked do_not_approach_parents, or is not sent to a setting.")
def _notification(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, DomesticAbuseNotificationBody):
        return
    if Marking.DO_NOT_APPROACH_PARENTS not in message.handling.markings:
        yield _warning("/handling/markings", "CS111", "a domestic-abuse notification should be "
                       "marked do_not_approach_parents unless the police say otherwise")
    if body.setting_notified.scheme not in {"school", "la"}:
        yield _error("/body/setting_notified", "CS111", "the setting notified must be a school "
                     "(school:) or, for a child educated at home, the local authority (la:)")
    if message.sender.agency.scheme != "police":
        yield _warning("/sender/agency", "CS111", "domestic-abuse notifications are sent by the "
                       "police")
    if body.deliver_before < body.incident_at:
        yield _error("/body/deliver_before", "CS111", "the notification cannot be due before "
                     "the incident happened")


@_check("CS112", "Parents are not aware of the concern and no reason is given.")
def _parents(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if isinstance(body, ConcernBody) and not body.parents_aware and not (
        body.parents_not_aware_reason
    ):
        yield _error("/body/parents_not_aware_reason", "CS112", "say why the parents or carers "
                     "have not been told")


@_check("CS113", "A recipient is listed twice, or the sender is among the recipients.")
def _recipients(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, recipient in enumerate(message.recipients):
        if recipient in seen:
            yield _error(f"/recipients/{index}", "CS113", "this recipient is listed twice")
        seen.add(recipient)
        if recipient == message.sender.agency:
            yield _warning(f"/recipients/{index}", "CS113", "the sender is among the recipients")


@_check("CS114", "A view names a withheld field that the message still carries.")
def _view(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    if message.view is None or not message.view.withheld:
        return
    present = {p for p, v, _attribute in walk(message) if v not in (None, ())}
    for index, item in enumerate(message.view.withheld):
        if item.pointer in present:
            yield _error(f"/view/withheld/{index}/pointer", "CS114", "the view says this field "
                         "is withheld but the message carries it; remove the field or the entry")


@_check("CS115", "The lawful basis has no Article 6 basis (nor DPA 2018 Part 3 s35), or mixes regimes.")
def _lawful_basis(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    conditions = set(message.lawful_basis.conditions)
    if not conditions & PRIMARY_CONDITIONS:
        yield _error("/lawful_basis/conditions", "CS115", "name an Article 6 basis (or, for "
                     "police law-enforcement processing, DPA 2018 Part 3 s35)")
    part3 = {LawfulCondition.DPA_PART3_S35_LAW_ENFORCEMENT,
             LawfulCondition.DPA_PART3_SCH8_4_SAFEGUARDING}
    if conditions & part3 and conditions - part3:
        yield _warning("/lawful_basis/conditions", "CS115", "UK GDPR conditions and DPA 2018 "
                       "Part 3 conditions are mixed; one share is usually under one regime")
    if len(conditions) != len(message.lawful_basis.conditions):
        yield _warning("/lawful_basis/conditions", "CS115", "a condition is listed twice")


@_check("CS116", "A decision is inconsistent: a transfer without its authority, a referral without its time.")
def _decision(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, DecisionBody):
        return
    transfer = body.outcome is DecisionOutcome.TRANSFERRED_TO_ANOTHER_AUTHORITY
    if transfer and body.transferred_to is None:
        yield _error("/body/transferred_to", "CS116", "name the authority the case was "
                     "transferred to")
    if body.transferred_to is not None and body.transferred_to.scheme != "la":
        yield _error("/body/transferred_to", "CS116", "a case is transferred to a local "
                     "authority (an la: agency id)")
    if body.contact_or_referral.value == "referral" and body.referral_at is None:
        yield _warning("/body/referral_at", "CS116", "give the time the contact became a "
                       "referral: the statutory clocks run from it")


_REFERENCES: Final = ("message_id", "concern_id", "request_id", "challenged_message_id")


@_check("CS118", "A message refers to itself (in its body or thread).")
def _self_reference(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    for name in _REFERENCES:
        if getattr(message.body, name, None) == message.id:
            yield _error(f"/body/{name}", "CS118", "a message cannot refer to itself; give the "
                         "id of the other message")
    for name in ("in_reply_to", "supersedes"):
        if getattr(message.thread, name) == message.id:
            yield _error(f"/thread/{name}", "CS118", "a message cannot refer to itself; give "
                         "the id of the other message")


@_check("CS119", "The child is 18 or over when the message was written.")
def _age(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    born = message.subject.birth_date
    if born is not None and age_on(born, message.created) >= 18:
        yield _warning("/subject/birth_date", "CS119", "the subject is 18 or over; "
                       "concernshare is for children, so check the birth date")


@_check("CS120", "Dates are out of order: a review before its assessment, a response due before the message.")
def _order(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if isinstance(body, AssessmentSummaryBody) and body.review_date is not None and (
        body.review_date < body.assessed_on
    ):
        yield _error("/body/review_date", "CS120", "the review cannot come before the "
                     "assessment")
    if isinstance(body, EscalationBody | InformationRequestBody) and (
        body.respond_by < message.created
    ):
        yield _error("/body/respond_by", "CS120", "the response cannot be due before the "
                     "message was written")


@_check("CS121", "A non-engagement event was challenged but does not say by whom.")
def _challenge(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, ConcernBody | UpdateBody):
        return
    for index, event in enumerate(body.non_engagement):
        if isinstance(event, NonEngagementEvent) and event.challenged and not event.challenged_by:
            yield _warning(f"/body/non_engagement/{index}/challenged_by", "CS121",
                           "say who challenged the non-engagement")


def iter_problems(message: Message, *, now: dt.datetime | None = None) -> Iterator[Problem]:
    """Yield every semantic problem of ``message``; ``now`` enables the clock-based checks."""
    for check in CHECKS:
        yield from check(message, now)
