"""The child, the people around the child, and the practitioners who write about them."""

from __future__ import annotations

import datetime as dt

import attrs

from concernshare.records._fields import field
from concernshare.records.codes import AgeGroup, IdentityStatus, Relation, Relationship, Sex, YesNoUnknown
from concernshare.records.types import (
    AGENCY_ID,
    AGENCY_ID_MAX,
    LONDON,
    NHS_NUMBER,
    UPN,
    AgencyId,
)

__all__ = [
    "ENGLAND",
    "Address",
    "Child",
    "ChildIdentifiers",
    "Contact",
    "LocalChildId",
    "PersonIdentifiers",
    "PersonName",
    "Practitioner",
    "RelatedPerson",
    "age_on",
]

#: Ages and dates of events are reckoned by the date in England.
ENGLAND = LONDON  # the clock of England (an alias of records.types.LONDON)


def age_on(born: dt.date, moment: dt.datetime) -> int:
    """Age in whole years at ``moment``, by the date in England (Europe/London)."""
    day = moment.astimezone(ENGLAND).date()
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


_TEXT = 200
_LONG = 4000


def _agency(description: str, *, default: object = attrs.NOTHING) -> AgencyId:
    result: AgencyId = field(
        description,
        default=default,
        pattern=AGENCY_ID,
        max_length=AGENCY_ID_MAX,
        examples=("la:E06000032/mash",),
    )
    return result


@attrs.frozen(kw_only=True)
class PersonName:
    """A person's name as the sending agency holds it; either part may be unknown."""

    given: str | None = field(
        "Given names, as recorded; absent when not known.",
        default=None,
        max_length=_TEXT,
        min_length=1,
    )
    family: str | None = field(
        "Family name, as recorded; absent when not known.",
        default=None,
        max_length=_TEXT,
        min_length=1,
    )


@attrs.frozen(kw_only=True)
class Contact:
    """How to reach a practitioner or an agency."""

    phone: str | None = field(
        "Telephone number, digits with optional spaces and a leading +.",
        default=None,
        pattern="^[+]?[0-9 ]{6,20}$",
        max_length=21,
    )
    email: str | None = field(
        "A secure email address.",
        default=None,
        pattern="^[^@ ]{1,64}@[^@ ]{1,255}$",
        max_length=320,
    )


@attrs.frozen(kw_only=True)
class Practitioner:
    """A practitioner who wrote, decided or received something."""

    name: str | None = field(
        "The practitioner's name. Required, unless a view withholds it (for example where a "
        "referrer asked not to be identified).",
        default=None,
        max_length=_TEXT,
        min_length=1,
        withholdable=True,
    )
    role: str = field(
        "The practitioner's role, for example 'Health visitor' or 'MASH social worker'.",
        max_length=_TEXT,
        min_length=1,
    )
    team: str | None = field("The team or service.", default=None, max_length=_TEXT)
    contact: Contact | None = field(
        "How to reach the practitioner; a view may withhold it with the name.",
        default=None,
    )


@attrs.frozen(kw_only=True)
class Address:
    """A postal address; ``confidential`` marks one that must never reach a family-facing role."""

    lines: tuple[str, ...] | None = field(
        "The address lines, without the postcode. Required, unless a view withholds it (a "
        "confidential address never reaches a family-facing role).",
        default=None,
        min_items=1,
        max_items=6,
        max_length=200,
        withholdable=True,
    )
    postcode: str | None = field(
        "The postcode in upper case with one space, for example 'LU1 2BQ'.",
        default=None,
        pattern="^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$",
        max_length=8,
    )
    uprn: str | None = field(
        "The Unique Property Reference Number, up to twelve digits.",
        default=None,
        pattern="^[1-9][0-9]{0,11}$",
        max_length=12,
    )
    confidential: bool = field(
        "True where the address must be protected (for example a refuge); views for family-facing roles withhold it.",
        default=False,
    )
    current: bool = field("True for the address where the person lives now.", default=True)


@attrs.frozen(kw_only=True)
class LocalChildId:
    """A child's id in one agency's case system, scoped by that agency."""

    agency: AgencyId = _agency("The agency whose system issued the id.")
    value: str = field("The id, as the agency writes it.", max_length=64, min_length=1)


@attrs.frozen(kw_only=True)
class ChildIdentifiers:
    """The identifiers of a child, each in its one canonical wire form; any may be unknown."""

    nhs_number: str | None = field(
        "NHS number: ten digits, no spaces; the tenth is a modulus-11 check digit.",
        default=None,
        pattern=NHS_NUMBER,
        max_length=10,
        examples=("9990000018",),
    )
    upn: str | None = field(
        "Unique Pupil Number: thirteen upper-case characters starting with a check letter; a "
        "temporary UPN ends in a letter.",
        default=None,
        pattern=UPN,
        max_length=13,
        examples=("B801200005001",),
    )
    local_ids: tuple[LocalChildId, ...] = field(
        "Ids in agencies' own case systems (for example the local authority's child id).",
        default=(),
        max_items=20,
    )
    police_reference: str | None = field(
        "A police reference for the child.",
        default=None,
        max_length=64,
        min_length=1,
        examples=("EX-POL-2013-0421",),
    )


@attrs.frozen(kw_only=True)
class PersonIdentifiers:
    """The identifiers of an adult or of a related child."""

    nhs_number: str | None = field(
        "NHS number: ten digits, no spaces, with a modulus-11 check digit.",
        default=None,
        pattern=NHS_NUMBER,
        max_length=10,
    )
    police_reference: str | None = field(
        "A police reference for the person.",
        default=None,
        max_length=64,
        min_length=1,
    )


@attrs.frozen(kw_only=True)
class RelatedPerson:
    """A person in the child's life: parent, carer, sibling, household member and so on.

    The people with ``lives_with_child`` 'yes' are the child's household, adults and
    children alike. A person nobody has named (father unknown) or whom the family
    declined to name is written with ``identity`` 'unknown' or 'not_disclosed' and no
    name, never a placeholder name.
    """

    relationship: Relationship = field("How the person stands to the child.")
    relation: Relation | None = field(
        "Who the person is to the child, more precisely than relationship: for example "
        "'parent_partner' for a mother's partner who is not the child's parent. New in 1.1.",
        default=None,
    )
    identity: IdentityStatus | None = field(
        "Whether the sender knows who the person is: 'unknown' (nobody has said, as for a "
        "father unknown) or 'not_disclosed' (the family or the source declined to say) carry no "
        "name, birth date or identifiers; absent means 'known'. New in 1.1.",
        default=None,
    )
    age_group: AgeGroup | None = field(
        "Whether the person is an adult or a child, where the birth date is not known. New in 1.1.",
        default=None,
    )
    protect_identity: bool | None = field(
        "True where the sender asks that the person's identity be kept from family-facing roles, "
        "because the person might come to harm if an abuser learnt it (DfE information-sharing "
        "advice 2024). New in 1.1.",
        default=None,
    )
    name: PersonName | None = field(
        "The person's name. Required, unless a view withholds it to protect the person or "
        "identity is 'unknown' or 'not_disclosed'.",
        default=None,
        withholdable=True,
    )
    birth_date: dt.date | None = field("The person's date of birth.", default=None)
    identifiers: PersonIdentifiers | None = field(
        "The person's identifiers.",
        default=None,
    )
    parental_responsibility: YesNoUnknown = field(
        "Whether the person has parental responsibility for the child.",
        default=YesNoUnknown.UNKNOWN,
    )
    lives_with_child: YesNoUnknown = field(
        "Whether the person lives in the child's household.",
        default=YesNoUnknown.UNKNOWN,
    )
    address: Address | None = field(
        "The person's address where it differs from the child's.",
        default=None,
    )
    notes: str | None = field(
        "What a practitioner needs to know about the person, written factually; health and police "
        "information go in their own members, which need-to-know views can withhold.",
        default=None,
        max_length=_LONG,
    )
    health: str | None = field(
        "The person's health as it bears on the care of the child (for example mental health or "
        "substance misuse). Views withhold it from roles that do not need adult health details.",
        default=None,
        max_length=_LONG,
        min_length=1,
    )
    offending: str | None = field(
        "Alleged or proven offending as it bears on the child's safety. Views withhold it from roles "
        "that do not need criminal allegations.",
        default=None,
        max_length=_LONG,
        min_length=1,
    )


@attrs.frozen(kw_only=True)
class Child:
    """The child a message is about; an unborn child is described by the expected delivery date and the mother."""

    name: PersonName | None = field(
        "The child's name; absent for an unborn child or where it is not known.",
        default=None,
    )
    known_as: tuple[PersonName, ...] = field(
        "Other names the child is known by.",
        default=(),
        max_items=10,
    )
    birth_date: dt.date | None = field(
        "Date of birth; absent for an unborn child.",
        default=None,
    )
    unborn: bool = field("True for an unborn child.", default=False)
    expected_delivery_date: dt.date | None = field(
        "For an unborn child, the expected date of delivery.",
        default=None,
    )
    mother: PersonIdentifiers | None = field(
        "For an unborn child, the mother's identifiers, so that the record links after birth.",
        default=None,
    )
    sex: Sex = field("The child's sex as recorded.", default=Sex.NOT_KNOWN)
    first_language: str | None = field(
        "The child's first language as a BCP 47 tag, for example 'en' or 'pl'.",
        default=None,
        pattern="^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$",
        max_length=35,
    )
    health_needs: str | None = field(
        "The child's health needs and conditions, as the care of the child requires them known.",
        default=None,
        max_length=_LONG,
        min_length=1,
        examples=("Eczema, treated with emollients prescribed by the GP.",),
    )
    sexual_health: str | None = field(
        "Sexual health information about the child; views share it only with roles that need it.",
        default=None,
        max_length=_LONG,
        min_length=1,
        examples=("Seen at the sexual health clinic for contraception advice.",),
    )
    communication_needs: str | None = field(
        "Language and communication needs, including an interpreter or signing.",
        default=None,
        max_length=_LONG,
        examples=(
            "Not yet speaking; the family's first language is Polish, and an interpreter is needed for the mother.",
        ),
    )
    addresses: tuple[Address, ...] = field(
        "Where the child lives or stays; any may be marked confidential.",
        default=(),
        max_items=10,
    )
    identifiers: ChildIdentifiers = field(
        "The child's identifiers.",
        default=attrs.Factory(ChildIdentifiers),
    )
    local_authority: AgencyId | None = _agency(
        "The local authority of the area where the child lives (an la: agency id).",
        default=None,
    )
    responsible_local_authority: AgencyId | None = _agency(
        "The local authority responsible for the child where it differs (for example a child "
        "looked after by another authority).",
        default=None,
    )
    school: AgencyId | None = _agency(
        "The school or educational setting the child attends.",
        default=None,
    )
    gp_practice: AgencyId | None = _agency(
        "The GP practice the child is registered with.",
        default=None,
    )
    related_people: tuple[RelatedPerson, ...] = field(
        "Parents, carers, siblings, household members and others in the child's life.",
        default=(),
        max_items=50,
    )
