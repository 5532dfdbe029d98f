"""The envelope every message shares: who sends it to whom, about which child, on what lawful basis."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any, Final

import attrs

from concernshare._format import FORMAT_VERSION
from concernshare.records._fields import field, redacted
from concernshare.records.bodies import BODY_TYPES, Body
from concernshare.records.codes import (
    Caveat,
    Classification,
    ConfidentialityBasis,
    ConsentNotSoughtReason,
    ConsentStatus,
    LawfulCondition,
    Marking,
    MessageType,
    Status,
    StatutoryGateway,
    WithheldReason,
)
from concernshare.records.law import (
    Article10Paragraph,
    CaldicottPrinciple,
    CaldicottSignOff,
    ConsentParty,
    WithoutConsentGround,
)
from concernshare.records.people import Child, Practitioner
from concernshare.records.types import AGENCY_ID, AGENCY_ID_MAX, AgencyId

__all__ = [
    "EXTENSION_KEY",
    "Handling",
    "LawfulBasis",
    "Message",
    "Sender",
    "SharingDecision",
    "Thread",
    "UnknownMember",
    "View",
    "Withheld",
]

#: An extension key: a reverse-DNS namespace, a colon, then a name (``uk.gov.luton:mosaic_id``).
EXTENSION_KEY: Final = "^[a-z]{2,63}([.][a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+:[a-z][a-z0-9_]{0,63}$"
MAX_RECIPIENTS: Final = 50


@attrs.frozen(kw_only=True)
class Sender:
    """The agency that sends the message and the practitioner who wrote it."""

    agency: AgencyId = field(
        "The sending agency's id.",
        pattern=AGENCY_ID,
        max_length=AGENCY_ID_MAX,
        examples=("ods:RYV01/hv",),
    )
    practitioner: Practitioner = field("The practitioner who wrote the message.")
    anonymity_requested: bool = field(
        "True where the practitioner asked not to be identified to the family; views for "
        "family-facing roles then withhold the name.",
        default=False,
    )


@attrs.frozen(kw_only=True)
class Handling:
    """How the message must be handled: classification, caveat and markings."""

    classification: Classification = field(
        "Government Security Classification; personal data is handled at OFFICIAL.",
        default=Classification.OFFICIAL,
    )
    caveat: Caveat | None = field(
        "The SENSITIVE caveat: need-to-know must be rigorously enforced.",
        default=None,
    )
    markings: tuple[Marking, ...] = field(
        "Handling markings; each narrows what need-to-know views may show.",
        default=(),
        max_items=len(Marking),
    )


@attrs.frozen(kw_only=True)
class LawfulBasis:
    """Why sharing this message is lawful: data-protection conditions, confidentiality, statute, consent."""

    conditions: tuple[LawfulCondition, ...] = field(
        "The data-protection conditions relied on: an Article 6 basis (or, for police "
        "law-enforcement processing, DPA 2018 Part 3 s35), with an Article 9 condition for "
        "health or other special category data and Article 10 for alleged offences.",
        min_items=1,
        max_items=len(LawfulCondition),
    )
    confidentiality: ConfidentialityBasis = field(
        "The basis for setting aside the common-law duty of confidentiality, or 'not_confidential'."
    )
    statutory_gateways: tuple[StatutoryGateway, ...] = field(
        "The statutory powers or duties relied on.",
        default=(),
        max_items=len(StatutoryGateway),
    )
    consent: ConsentStatus = field("Whether consent to share was sought, and the answer.")
    consent_not_sought_reason: ConsentNotSoughtReason | None = field(
        "Why consent was not sought; required when consent is 'not_sought'. The legal ground "
        "for sharing without consent is without_consent_ground.",
        default=None,
    )
    without_consent_ground: WithoutConsentGround | None = field(
        "Since 1.1: the DPA 2018 Sch 1 para 18(2) ground (the same in Sch 8 para 4(2)) for "
        "sharing without consent; required in 1.1 where para 18 or Sch 8 para 4 is relied on.",
        default=None,
    )
    article_10_paragraph: Article10Paragraph | None = field(
        "Since 1.1: the DPA 2018 Schedule 1 paragraph that meets Article 10 (s10(5)); required "
        "in 1.1 with the condition uk_gdpr_10_dpa_sch1_part3.",
        default=None,
    )
    consent_sought_from: tuple[ConsentParty, ...] | None = field(
        "Since 1.1: whose consent was sought (the child, a parent with parental responsibility, "
        "...); expected when consent was sought.",
        default=None,
        min_items=1,
        max_items=len(ConsentParty),
    )
    shared_without_consent_by: Practitioner | None = field(
        "Since 1.1: who decided to share without consent, or to override a refusal, with their "
        "role; expected whenever consent was not given.",
        default=None,
    )
    notes: str | None = field(
        "Anything else the decision relied on, for example the local information-sharing agreement.",
        default=None,
        max_length=2000,
    )


@attrs.frozen(kw_only=True)
class SharingDecision:
    """The record of the decision to share: who decided, when, and why it is necessary and proportionate."""

    decided_by: Practitioner = field("Who decided to share.")
    decided_at: dt.datetime = field("When the decision was made.")
    necessary_and_proportionate: str = field(
        "Why sharing this information with these recipients is necessary and proportionate.",
        min_length=1,
        max_length=4000,
    )
    caldicott_principles: tuple[CaldicottPrinciple, ...] | None = field(
        "Since 1.1: the Caldicott principles the decision was weighed against (health and social care senders).",
        default=None,
        min_items=1,
        max_items=len(CaldicottPrinciple),
    )
    caldicott_guardian_sign_off: CaldicottSignOff | None = field(
        "Since 1.1: the Caldicott Guardian's sign-off, where local policy asks for one.",
        default=None,
    )


@attrs.frozen(kw_only=True)
class Thread:
    """How this message relates to others."""

    in_reply_to: uuid.UUID | None = field("The message this one answers.", default=None)
    supersedes: uuid.UUID | None = field(
        "The earlier message, by the same agency, that this one replaces.",
        default=None,
    )
    case_reference: str | None = field(
        "The case reference the receiving or sending agency files this under.",
        default=None,
        max_length=64,
        min_length=1,
    )


@attrs.frozen(kw_only=True)
class Withheld:
    """One field a view left out, and a reason that tips nobody off."""

    pointer: str = field(
        "The JSON pointer (RFC 6901) of the field withheld.",
        pattern="^(/([^/~]|~[01])*)+$",
        max_length=256,
    )
    reason: WithheldReason = field("Why it was withheld.")


@attrs.frozen(kw_only=True)
class View:
    """On a redacted copy only: which need-to-know view this is and what it withheld."""

    name: str = field(
        "The view's name, for example 'school' or 'family_facing'.",
        pattern="^[a-z][a-z0-9_]*$",
        max_length=64,
    )
    withheld: tuple[Withheld, ...] = field(
        "The fields the view withheld that the format otherwise requires (a name, an address's "
        "lines), each with a reason that tips nobody off.",
        default=(),
        max_items=500,
    )
    more_withheld: bool | None = field(
        "True where some information may have been withheld by the sender without being listed: "
        "set on every view that denies any category, whether or not the message held any, so that "
        "neither the list nor this flag reveals what existed. New in 1.1.",
        default=None,
    )


@attrs.frozen(kw_only=True)
class UnknownMember:
    """A member kept from a message of a newer minor version; not part of the wire form."""

    pointer: str = attrs.field(repr=redacted)
    value: Any = attrs.field(repr=redacted)


def _body_type(body: Body) -> MessageType:
    return BODY_TYPES[type(body)]


@attrs.frozen(kw_only=True)
class Message:
    """A concernshare message: the envelope and a body; ``type`` is derived from the body."""

    format_version: str = field(
        "The format version: major.minor. A reader accepts a newer minor of its own major.",
        pattern="^[1-9][0-9]{0,3}[.](0|[1-9][0-9]{0,3})$",
        max_length=9,
        examples=(FORMAT_VERSION,),
    )
    id: uuid.UUID = field("The message's id, a UUID written in lower case.")
    created: dt.datetime = field("When the message was written.")
    sent: dt.datetime | None = field(
        "When the message was signed and sent; absent in a draft, set by sealing.",
        default=None,
    )
    status: Status = field(
        "'actual' for live messages; receivers refuse 'exercise' and 'test' unless told to accept them.",
        default=Status.ACTUAL,
    )
    sender: Sender = field("Who sends the message.")
    recipients: tuple[AgencyId, ...] = field(
        "Exactly the agencies that receive this message (this view of it).",
        min_items=1,
        max_items=MAX_RECIPIENTS,
    )
    subject: Child = field("The child the message is about.")
    handling: Handling = field(
        "How the message must be handled.",
        default=attrs.Factory(Handling),
    )
    lawful_basis: LawfulBasis = field("Why sharing is lawful.")
    sharing_decision: SharingDecision = field("The record of the decision to share.")
    thread: Thread = field(
        "How this message relates to others.",
        default=attrs.Factory(Thread),
    )
    view: View | None = field(
        "Present only on a redacted copy: the view and what it withheld.",
        default=None,
    )
    body: Body = field("The content, by type.")
    extensions: Mapping[str, Any] = field(
        "Namespaced extension members, kept and passed on untouched.",
        default=attrs.Factory(dict),
        max_items=100,
    )
    unknown_members: tuple[UnknownMember, ...] = attrs.field(
        default=(),
        repr=False,
        eq=False,
        metadata={"wire": False},
    )

    @property
    def type(self) -> MessageType:
        """The message type, derived from the body."""
        return _body_type(self.body)
