"""The law of a share as data (format 1.1): who may rely on which basis, whose consent, the Caldicott principles.

Sources (checked December 2026; not legal advice):

- UK GDPR Art 6(1)(ea) "recognised legitimate interest" and Annex 1 para 6
  (safeguarding vulnerable individuals), inserted by the Data (Use and Access)
  Act 2025 s70 and Sch 4; the closing words of Art 6(1) as amended: points
  (ea) and (f) "shall not apply to processing carried out by public
  authorities in the performance of their tasks". A public authority is as
  defined by DPA 2018 s7 (the Freedom of Information Act 2000 and the Freedom
  of Information (Scotland) Act 2002).
- DPA 2018 Sch 1 para 18(2): processing without consent because (a) consent
  cannot be given by the data subject, (b) the controller cannot reasonably
  be expected to obtain it, or (c) obtaining it would prejudice the protection.
- DPA 2018 s10(5): Article 10 is met by a condition in Sch 1 Part 1, 2 or 3,
  so the Article 10 condition names its paragraph.
- The Eight Caldicott Principles (National Data Guardian, December 2020).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Final

import attrs

from concernshare.records._fields import field
from concernshare.records.codes import LawfulCondition
from concernshare.records.people import Practitioner

__all__ = [
    "ARTICLE_9_CONDITIONS",
    "ARTICLE_10_CONDITIONS",
    "COMPETENT_AUTHORITY_SCHEMES",
    "LAW_SOURCES",
    "PUBLIC_AUTHORITY_BARRED",
    "SCHEME_STANDING",
    "WITHOUT_CONSENT_CONDITIONS",
    "Article10Paragraph",
    "CaldicottPrinciple",
    "CaldicottSignOff",
    "ConsentParty",
    "PublicStanding",
    "WithoutConsentGround",
    "article_6_bases_for",
]


class PublicStanding(enum.StrEnum):
    """Whether the agencies of an id scheme are public authorities (DPA 2018 s7, FOIA 2000 Sch 1)."""

    PUBLIC = "public"  # every agency of the scheme is one
    MIXED = "mixed"  # some are (a maintained school, an NHS trust) and some are not (an independent school)
    NOT_PUBLIC = "not_public"


#: The standing of each agency id scheme's agencies. A scheme not listed is treated as public.
SCHEME_STANDING: Final[dict[str, PublicStanding]] = {
    "la": PublicStanding.PUBLIC,  # councils: FOIA 2000 Sch 1 Part II
    "police": PublicStanding.PUBLIC,  # chief officers of police: FOIA 2000 Sch 1 Part V
    "ods": PublicStanding.MIXED,  # NHS bodies and GP practices (Sch 1 Part III) and independent providers
    "school": PublicStanding.MIXED,  # maintained schools and academies (Sch 1 Part IV, para 52A), not independent ones
    "ofsted": PublicStanding.MIXED,  # early years settings: mostly private or voluntary, some run by councils
    # The Probation Service is part of HM Prison and Probation Service, an agency of the Ministry of Justice: a
    # government department (FOIA 2000 Sch 1 Part I; a competent authority by DPA 2018 Sch 7 para 1).
    "probation": PublicStanding.PUBLIC,
    "rsh": PublicStanding.NOT_PUBLIC,  # private registered providers of social housing are not listed in FOIA 2000
    "charity": PublicStanding.NOT_PUBLIC,  # voluntary-sector bodies
}

#: The Article 6 basis that a public authority cannot rely on in performing its tasks.
PUBLIC_AUTHORITY_BARRED: Final = frozenset({LawfulCondition.UK_GDPR_RLI_SAFEGUARDING})

#: Schemes whose agencies are competent authorities for law enforcement (DPA 2018 s30, Sch 7: chief officers of
#: police, paras 5-9; a government department, para 1, for the Probation Service).
COMPETENT_AUTHORITY_SCHEMES: Final = frozenset({"police", "probation"})

_ARTICLE_6: Final = frozenset(
    {
        LawfulCondition.UK_GDPR_6_1_C_LEGAL_OBLIGATION,
        LawfulCondition.UK_GDPR_6_1_D_VITAL_INTERESTS,
        LawfulCondition.UK_GDPR_6_1_E_PUBLIC_TASK,
        LawfulCondition.UK_GDPR_RLI_SAFEGUARDING,
    }
)


def article_6_bases_for(scheme: str) -> frozenset[LawfulCondition]:
    """The primary bases an agency of ``scheme`` may rely on to share in performing its tasks.

    A public authority may not rely on the recognised legitimate interest; a
    competent authority may also rely on DPA 2018 Part 3 s35. For a scheme of
    mixed standing every basis is offered and the check warns instead.
    """
    bases = set(_ARTICLE_6)
    if SCHEME_STANDING.get(scheme, PublicStanding.PUBLIC) is PublicStanding.PUBLIC:
        bases -= PUBLIC_AUTHORITY_BARRED
    if scheme in COMPETENT_AUTHORITY_SCHEMES:
        bases.add(LawfulCondition.DPA_PART3_S35_LAW_ENFORCEMENT)
    return frozenset(bases)


#: Conditions that lawfully carry special category data (health): Article 9 or, under Part 3, Sch 8.
ARTICLE_9_CONDITIONS: Final = frozenset(
    {
        LawfulCondition.UK_GDPR_9_2_G_DPA_SCH1_18_SAFEGUARDING,
        LawfulCondition.UK_GDPR_9_2_H_DPA_SCH1_2_HEALTH_SOCIAL_CARE,
        LawfulCondition.DPA_PART3_SCH8_4_SAFEGUARDING,
    }
)

#: Conditions that lawfully carry criminal offence data: Article 10 (DPA 2018 s10(5)), or Part 3.
ARTICLE_10_CONDITIONS: Final = frozenset(
    {
        LawfulCondition.UK_GDPR_10_DPA_SCH1_PART3,
        LawfulCondition.DPA_PART3_S35_LAW_ENFORCEMENT,
        LawfulCondition.DPA_PART3_SCH8_4_SAFEGUARDING,
    }
)

#: The safeguarding conditions that apply only to processing without consent (para 18(1)(c); Sch 8 para 4(1)(c)).
WITHOUT_CONSENT_CONDITIONS: Final = frozenset(
    {
        LawfulCondition.UK_GDPR_9_2_G_DPA_SCH1_18_SAFEGUARDING,
        LawfulCondition.DPA_PART3_SCH8_4_SAFEGUARDING,
    }
)


class WithoutConsentGround(enum.StrEnum):
    """Why the share is made without consent: DPA 2018 Sch 1 para 18(2) (and, in the same words, Sch 8 para 4(2)).

    (a) is the ground for a baby or an unborn child; (c) for a share that
    telling the family would undermine.
    """

    CANNOT_BE_GIVEN = "para_18_2_a_consent_cannot_be_given"
    CANNOT_REASONABLY_BE_OBTAINED = "para_18_2_b_cannot_reasonably_be_expected_to_obtain"
    WOULD_PREJUDICE = "para_18_2_c_would_prejudice_the_protection"


class Article10Paragraph(enum.StrEnum):
    """The DPA 2018 Schedule 1 paragraph that meets Article 10 for criminal offence data (s10(5))."""

    HEALTH_OR_SOCIAL_CARE = "sch1_para_2"
    PREVENTING_OR_DETECTING_UNLAWFUL_ACTS = "sch1_para_10"
    SAFEGUARDING = "sch1_para_18"
    CONSENT = "sch1_para_29"
    VITAL_INTERESTS = "sch1_para_30"


class ConsentParty(enum.StrEnum):
    """Whose consent was sought: the child, or who holds parental responsibility (Children Act 1989 s3)."""

    CHILD = "child"
    PARENT_WITH_PARENTAL_RESPONSIBILITY = "parent_with_parental_responsibility"
    PARENT_WITHOUT_PARENTAL_RESPONSIBILITY = "parent_without_parental_responsibility"
    OTHER_WITH_PARENTAL_RESPONSIBILITY = "other_with_parental_responsibility"
    CARER = "carer"
    MOTHER_OF_UNBORN_CHILD = "mother_of_unborn_child"
    OTHER = "other"


class CaldicottPrinciple(enum.StrEnum):
    """The Eight Caldicott Principles (National Data Guardian, 2020), the numbers as published."""

    JUSTIFY_THE_PURPOSE = "1_justify_the_purpose"
    USE_ONLY_WHEN_NECESSARY = "2_use_only_when_necessary"
    MINIMUM_NECESSARY = "3_use_the_minimum_necessary"
    NEED_TO_KNOW = "4_access_on_a_strict_need_to_know_basis"
    UNDERSTAND_RESPONSIBILITIES = "5_everyone_understands_their_responsibilities"
    COMPLY_WITH_THE_LAW = "6_comply_with_the_law"
    DUTY_TO_SHARE = "7_the_duty_to_share_for_individual_care_is_as_important_as_the_duty_to_protect"
    INFORM_EXPECTATIONS = "8_inform_patients_and_service_users_about_how_their_information_is_used"


@attrs.frozen(kw_only=True)
class CaldicottSignOff:
    """A Caldicott Guardian's (or delegate's) agreement to the share."""

    by: Practitioner = field("The Caldicott Guardian or the delegate who signed off.")
    at: dt.datetime = field("When the share was signed off.")


#: Where each list of this module comes from.
LAW_SOURCES: Final[dict[str, str]] = {
    "SCHEME_STANDING": "Data Protection Act 2018 s7; Freedom of Information Act 2000 Sch 1",
    "PUBLIC_AUTHORITY_BARRED": (
        "UK GDPR Art 6(1)(ea) and closing words of Art 6(1), Annex 1 para 6, inserted by the Data "
        "(Use and Access) Act 2025 s70 and Sch 4"
    ),
    "WithoutConsentGround": "Data Protection Act 2018 Sch 1 para 18(2)(a)-(c); Sch 8 para 4(2)",
    "Article10Paragraph": "UK GDPR Art 10; Data Protection Act 2018 s10(5), Sch 1 paras 2, 10, 18, 29, 30",
    "CaldicottPrinciple": "National Data Guardian, The Eight Caldicott Principles (December 2020)",
}
