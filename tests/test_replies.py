"""Tests of the reply builders: what a reply carries over from the message it answers, and what is refused."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Final

import attrs
import pytest

from concernshare import codec
from concernshare.errors import NaiveTime, ReplyRefused
from concernshare.records import (
    AcknowledgementOutcome,
    AgencyId,
    ContactOrReferral,
    DecisionOutcome,
    LawfulBasis,
    Message,
    MessageType,
    Practitioner,
    ReportedProblem,
    Sender,
    SharingDecision,
    WithdrawalReason,
)
from concernshare.replies import acknowledge, decide, withdraw
from concernshare.validation import iter_problems, validate

MESSAGES: Final = Path(__file__).resolve().parent.parent / "examples" / "messages"
CONCERN: Final = validate((MESSAGES / "01-concern-health-visitor-neglect.json").read_bytes())
AT: Final = CONCERN.created + dt.timedelta(days=3)
DUTY: Final = Practitioner(name="Dana Invented", role="MASH duty social worker")
MASH: Final = Sender(agency=AgencyId("la:E06000032/mash"), practitioner=DUTY)
DECISION: Final = SharingDecision(
    decided_by=DUTY, decided_at=AT, necessary_and_proportionate="The referrer needs to know what was decided."
)


def _errors(message: Message) -> list[str]:
    return [f"{p.pointer} {p.code}" for p in iter_problems(codec.dumps(message)) if p.severity == "error"]


def test_an_acknowledgement_carries_the_thread_child_and_basis() -> None:
    """An acknowledgement answers the concern, keeps its case reference, child, handling, status and basis."""
    reply = acknowledge(CONCERN, sender=MASH, at=AT, sharing_decision=DECISION)
    assert reply.type == MessageType.ACKNOWLEDGEMENT
    assert reply.thread.in_reply_to == CONCERN.id
    assert reply.thread.case_reference == CONCERN.thread.case_reference
    assert (reply.handling, reply.status) == (CONCERN.handling, CONCERN.status)
    assert (reply.subject.name, reply.subject.birth_date, reply.subject.identifiers) == (
        CONCERN.subject.name,
        CONCERN.subject.birth_date,
        CONCERN.subject.identifiers,
    )
    assert reply.lawful_basis == CONCERN.lawful_basis
    assert reply.recipients == (CONCERN.sender.agency,)
    assert reply.body.message_id == CONCERN.id
    assert reply.body.outcome is AcknowledgementOutcome.ACCEPTED
    assert (reply.body.received_at, reply.body.received_by) == (AT, DUTY)
    assert _errors(reply) == []


def test_an_acknowledgement_with_problems_is_a_rejection() -> None:
    """Naming problems makes the acknowledgement a rejection, which validates."""
    problems = (ReportedProblem(pointer="/subject/identifiers/nhs_number", code="CS101"),)
    reply = acknowledge(CONCERN, sender=MASH, at=AT, sharing_decision=DECISION, problems=problems)
    assert reply.body.outcome is AcknowledgementOutcome.REJECTED
    assert reply.body.problems == problems
    assert _errors(reply) == []


def test_the_replying_agency_may_give_its_own_lawful_basis() -> None:
    """A lawful basis given is used instead of the one carried over."""
    basis = attrs.evolve(CONCERN.lawful_basis, notes="The MASH's own basis.")
    assert isinstance(basis, LawfulBasis)
    reply = acknowledge(CONCERN, sender=MASH, at=AT, sharing_decision=DECISION, lawful_basis=basis)
    assert reply.lawful_basis == basis


def test_a_decision_goes_to_the_referrer_and_others_once() -> None:
    """A decision names the concern, goes to its sender and the agencies added, each once, and validates."""
    gp = AgencyId("ods:Y99GP")
    reply = decide(
        CONCERN,
        sender=MASH,
        at=AT,
        sharing_decision=DECISION,
        contact_or_referral=ContactOrReferral.REFERRAL,
        outcome=DecisionOutcome.STRATEGY_DISCUSSION,
        reasons="Weight falling and appointments missed.",
        referral_at=AT,
        also_to=(gp, CONCERN.sender.agency),
    )
    assert reply.recipients == (CONCERN.sender.agency, gp)
    assert reply.body.concern_id == CONCERN.id
    assert (reply.body.decided_by, reply.body.decided_at) == (DUTY, AT)
    assert reply.thread.in_reply_to == CONCERN.id
    assert reply.subject.identifiers == CONCERN.subject.identifiers
    assert _errors(reply) == []


def test_a_withdrawal_reaches_every_recipient() -> None:
    """The sender's withdrawal answers its message and goes to every agency it went to."""
    sender = attrs.evolve(CONCERN.sender)
    reply = withdraw(CONCERN, sender=sender, at=AT, sharing_decision=DECISION, reason=WithdrawalReason.ENTERED_IN_ERROR)
    assert reply.recipients == CONCERN.recipients
    assert reply.body.message_id == CONCERN.id
    assert reply.thread.in_reply_to == CONCERN.id
    assert reply.lawful_basis == CONCERN.lawful_basis
    assert _errors(reply) == []


@pytest.mark.parametrize(
    "name", ["01-concern-health-visitor-neglect.json", "09-domestic-abuse-notification-police.json"]
)
def test_a_reply_says_who_the_child_is_and_nothing_a_view_withholds(name: str) -> None:
    """A withdrawal reaches agencies sent a redacted view: it names the child, never the adults, addresses or health."""
    original = validate((MESSAGES / name).read_bytes())
    assert original.subject.related_people or original.subject.addresses  # the example has something to withhold
    reply = withdraw(
        original,
        sender=original.sender,
        at=original.created + dt.timedelta(days=1),
        sharing_decision=attrs.evolve(DECISION, decided_at=original.created + dt.timedelta(days=1)),
        reason=WithdrawalReason.ENTERED_IN_ERROR,
    )
    child = reply.subject
    assert (child.related_people, child.addresses, child.health_needs, child.sexual_health) == ((), (), None, None)
    assert (child.name, child.identifiers) == (original.subject.name, original.subject.identifiers)
    assert _errors(reply) == []


def test_an_id_given_is_used() -> None:
    """The reply's id is random unless one is given."""
    chosen = uuid.UUID("0f5d7a52-3c1e-4b8a-9d6f-2e7c4a1b8d90")
    assert acknowledge(CONCERN, sender=MASH, at=AT, sharing_decision=DECISION, id=chosen).id == chosen
    assert acknowledge(CONCERN, sender=MASH, at=AT, sharing_decision=DECISION).id != chosen


def _acknowledgement() -> Message:
    return acknowledge(CONCERN, sender=MASH, at=AT, sharing_decision=DECISION)


@pytest.mark.parametrize(
    ("build", "pointer"),
    [
        (lambda: acknowledge(_acknowledgement(), sender=MASH, at=AT, sharing_decision=DECISION), "/type"),
        (
            lambda: acknowledge(CONCERN, sender=attrs.evolve(MASH, agency=AgencyId("ods:Y99GP")), at=AT,
                                sharing_decision=DECISION),
            "/recipients",
        ),
        (
            lambda: acknowledge(CONCERN, sender=MASH, at=CONCERN.created - dt.timedelta(hours=1),
                                sharing_decision=DECISION),
            "/created",
        ),
        (
            lambda: decide(_acknowledgement(), sender=MASH, at=AT, sharing_decision=DECISION,
                           contact_or_referral=ContactOrReferral.CONTACT, outcome=DecisionOutcome.NO_FURTHER_ACTION,
                           reasons="None."),
            "/type",
        ),
        (
            lambda: decide(CONCERN, sender=attrs.evolve(MASH, agency=AgencyId("ods:Y99GP")), at=AT,
                           sharing_decision=DECISION, contact_or_referral=ContactOrReferral.CONTACT,
                           outcome=DecisionOutcome.NO_FURTHER_ACTION, reasons="None."),
            "/recipients",
        ),
        (
            lambda: withdraw(CONCERN, sender=MASH, at=AT, sharing_decision=DECISION,
                             reason=WithdrawalReason.ENTERED_IN_ERROR),
            "/sender/agency",
        ),
        (
            lambda: withdraw(
                withdraw(CONCERN, sender=CONCERN.sender, at=AT, sharing_decision=DECISION,
                         reason=WithdrawalReason.ENTERED_IN_ERROR),
                sender=CONCERN.sender, at=AT, sharing_decision=DECISION, reason=WithdrawalReason.ENTERED_IN_ERROR,
            ),
            "/type",
        ),
    ],
    ids=["ack-of-ack", "ack-by-stranger", "ack-before", "decision-on-ack", "decision-by-stranger",
         "withdrawal-by-other", "withdrawal-of-withdrawal"],
)  # fmt: skip
def test_nonsense_is_refused_with_a_pointer(build: object, pointer: str) -> None:
    """A reply that makes no sense is refused, pointing into the message answered."""
    assert callable(build)
    with pytest.raises(ReplyRefused) as refused:
        build()
    assert refused.value.pointer == pointer
    assert str(refused.value).startswith(f"{pointer}: ")


def test_a_naive_time_is_refused() -> None:
    """A reply's time must be aware."""
    with pytest.raises(NaiveTime):
        acknowledge(CONCERN, sender=MASH, at=AT.replace(tzinfo=None), sharing_decision=DECISION)
