"""Code lists: every vocabulary of the format, as ``StrEnum``s whose values are the wire strings.

Lists taken from the DfE children-in-need (CIN) census or from law name their
source and version in ``SOURCES``; check them against the current DfE CIN
census specification before each collection year.
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = [
    "SOURCES",
    "AbuseCategory",
    "AccessSetting",
    "AcknowledgementOutcome",
    "AgeGroup",
    "AgencyKind",
    "AssessmentFactor",
    "Caveat",
    "ChronologyEventType",
    "Classification",
    "ConcernType",
    "ConfidentialityBasis",
    "ConsentNotSoughtReason",
    "ConsentStatus",
    "ContactOrReferral",
    "DecisionOutcome",
    "IdentityStatus",
    "Impact",
    "LawfulCondition",
    "Marking",
    "MessageType",
    "NonEngagementKind",
    "ObservationSource",
    "PrimaryNeed",
    "RecipientRole",
    "ReferralSource",
    "Relation",
    "Relationship",
    "RevocationReason",
    "RiskLevel",
    "Sex",
    "Status",
    "StatutoryGateway",
    "WithdrawalReason",
    "WithheldReason",
    "YesNoUnknown",
]


class MessageType(enum.StrEnum):
    """The kinds of message; the envelope's ``type`` says which ``body`` follows.

    The last six, the child-protection process, are new in format 1.1.
    """

    CONCERN = "concern"
    ACKNOWLEDGEMENT = "acknowledgement"
    DECISION = "decision"
    UPDATE = "update"
    WITHDRAWAL = "withdrawal"
    CHRONOLOGY = "chronology"
    INFORMATION_REQUEST = "information_request"
    INFORMATION_RESPONSE = "information_response"
    DOMESTIC_ABUSE_NOTIFICATION = "domestic_abuse_notification"
    ASSESSMENT_SUMMARY = "assessment_summary"
    ESCALATION = "escalation"
    ACCESS_NOTIFICATION = "access_notification"
    STRATEGY_DISCUSSION = "strategy_discussion"
    SECTION_47_OUTCOME = "section_47_outcome"
    CHILD_PROTECTION_CONFERENCE = "child_protection_conference"
    PLAN_STATUS = "plan_status"
    TRANSFER_IN = "transfer_in"
    CASE_CLOSURE = "case_closure"


class Status(enum.StrEnum):
    """Whether a message is live; a live receiver refuses ``exercise`` and ``test`` unless told to accept them."""

    ACTUAL = "actual"
    EXERCISE = "exercise"
    TEST = "test"


class YesNoUnknown(enum.StrEnum):
    """A fact that may not be known yet."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Sex(enum.StrEnum):
    """The child's or person's sex as recorded by the sending agency."""

    FEMALE = "female"
    MALE = "male"
    INDETERMINATE = "indeterminate"
    NOT_KNOWN = "not_known"


class Relationship(enum.StrEnum):
    """How a related person stands to the child."""

    PARENT = "parent"
    CARER = "carer"
    SIBLING = "sibling"
    HOUSEHOLD_MEMBER = "household_member"
    ALLEGED_PERPETRATOR = "alleged_perpetrator"
    PROTECTIVE_ADULT = "protective_adult"
    OTHER_RELATIVE = "other_relative"
    OTHER = "other"


class Relation(enum.StrEnum):
    """Who the person is to the child, more precisely than ``Relationship`` (new in format 1.1)."""

    MOTHER = "mother"
    FATHER = "father"
    STEP_PARENT = "step_parent"
    PARENT_PARTNER = "parent_partner"
    GRANDPARENT = "grandparent"
    SIBLING = "sibling"
    HALF_SIBLING = "half_sibling"
    STEP_SIBLING = "step_sibling"
    AUNT_OR_UNCLE = "aunt_or_uncle"
    OTHER_RELATIVE = "other_relative"
    FOSTER_CARER = "foster_carer"
    FAMILY_FRIEND = "family_friend"
    LODGER = "lodger"
    OTHER_ADULT = "other_adult"
    OTHER_CHILD = "other_child"


class IdentityStatus(enum.StrEnum):
    """Whether the sender knows who a person is (new in format 1.1).

    ``unknown``: nobody has said who the person is (father unknown);
    ``not_disclosed``: the family or the source declined to say. Neither
    carries a name: no placeholder name is ever written.
    """

    KNOWN = "known"
    UNKNOWN = "unknown"
    NOT_DISCLOSED = "not_disclosed"


class AgeGroup(enum.StrEnum):
    """Whether a person in the household is an adult or a child (new in format 1.1)."""

    ADULT = "adult"
    CHILD = "child"


class Classification(enum.StrEnum):
    """Government Security Classification; personal data about children is handled at OFFICIAL."""

    OFFICIAL = "OFFICIAL"


class Caveat(enum.StrEnum):
    """The OFFICIAL-SENSITIVE handling caveat: need-to-know must be rigorously enforced."""

    SENSITIVE = "SENSITIVE"


class Marking(enum.StrEnum):
    """Handling markings that travel with the message and drive need-to-know views."""

    DO_NOT_DISCLOSE_TO_FAMILY = "do_not_disclose_to_family"
    DO_NOT_APPROACH_PARENTS = "do_not_approach_parents"
    THIRD_PARTY_INFORMATION = "third_party_information"
    CONFIDENTIAL_ADDRESS = "confidential_address"
    POLICE_INVESTIGATION = "police_investigation"


class RecipientRole(enum.StrEnum):
    """The role in which an agency receives messages; routing and views are decided by role."""

    MASH = "mash"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    EARLY_HELP = "early_help"
    POLICE = "police"
    GP = "gp"
    HEALTH_VISITING = "health_visiting"
    SCHOOL_NURSING = "school_nursing"
    MIDWIFERY = "midwifery"
    HOSPITAL = "hospital"
    CAMHS = "camhs"
    ADULT_MENTAL_HEALTH = "adult_mental_health"
    SUBSTANCE_MISUSE = "substance_misuse"
    SCHOOL = "school"
    EARLY_YEARS = "early_years"
    HOUSING = "housing"
    PROBATION = "probation"
    YOUTH_JUSTICE = "youth_justice"
    SAFEGUARDING_PARTNERSHIP = "safeguarding_partnership"
    EMERGENCY_DUTY_TEAM = "emergency_duty_team"  # out of hours, for the council's children's social care


class AgencyKind(enum.StrEnum):
    """What kind of organisation an agency is; routing rules may depend on it."""

    LOCAL_AUTHORITY = "local_authority"
    HEALTH = "health"
    EDUCATION = "education"
    POLICE = "police"
    OTHER = "other"


class RevocationReason(enum.StrEnum):
    """Why a key was revoked in the directory."""

    KEY_COMPROMISE = "key_compromise"
    SUPERSEDED = "superseded"
    AGENCY_CLOSED = "agency_closed"


class ConcernType(enum.StrEnum):
    """What the referrer is worried about, as a code beside the referrer's own words."""

    NEGLECT = "neglect"
    PHYSICAL_ABUSE = "physical_abuse"
    EMOTIONAL_ABUSE = "emotional_abuse"
    SEXUAL_ABUSE = "sexual_abuse"
    DOMESTIC_ABUSE = "domestic_abuse"
    CHILD_SEXUAL_EXPLOITATION = "child_sexual_exploitation"
    CHILD_CRIMINAL_EXPLOITATION = "child_criminal_exploitation"
    MISSING = "missing"
    SELF_HARM = "self_harm"
    FGM = "fgm"
    PARENTAL_MENTAL_HEALTH = "parental_mental_health"
    PARENTAL_SUBSTANCE_MISUSE = "parental_substance_misuse"
    RADICALISATION = "radicalisation"
    TRAFFICKING = "trafficking"
    ONLINE_HARM = "online_harm"
    FABRICATED_OR_INDUCED_ILLNESS = "fabricated_or_induced_illness"
    NON_ENGAGEMENT = "non_engagement"
    OTHER = "other"


class AbuseCategory(enum.StrEnum):
    """Category of abuse as in the CIN census (``categoryofabuse``; DfE rules 8905 and 8910)."""

    NEGLECT = "NEG"
    PHYSICAL = "PHY"
    SEXUAL = "SAB"
    EMOTIONAL = "EMO"
    MULTIPLE = "MUL"


class AssessmentFactor(enum.StrEnum):
    """CIN census factors identified at the end of assessment (``assessmentfactorstype``).

    For 1-6 the suffix is the subject (A child, B parent or carer, C other person
    in the household); for 18 and 19, B is child-on-child and C adult-on-child.
    The retired 18A and 19A are not accepted.
    """

    ALCOHOL_CHILD = "1A"
    ALCOHOL_PARENT = "1B"
    ALCOHOL_OTHER = "1C"
    DRUGS_CHILD = "2A"
    DRUGS_PARENT = "2B"
    DRUGS_OTHER = "2C"
    DOMESTIC_VIOLENCE_CHILD = "3A"
    DOMESTIC_VIOLENCE_PARENT = "3B"
    DOMESTIC_VIOLENCE_OTHER = "3C"
    MENTAL_HEALTH_CHILD = "4A"
    MENTAL_HEALTH_PARENT = "4B"
    MENTAL_HEALTH_OTHER = "4C"
    LEARNING_DISABILITY_CHILD = "5A"
    LEARNING_DISABILITY_PARENT = "5B"
    LEARNING_DISABILITY_OTHER = "5C"
    PHYSICAL_DISABILITY_CHILD = "6A"
    PHYSICAL_DISABILITY_PARENT = "6B"
    PHYSICAL_DISABILITY_OTHER = "6C"
    YOUNG_CARER = "7A"
    PRIVATELY_FOSTERED_OVERSEAS_RETURNING = "8B"
    PRIVATELY_FOSTERED_OVERSEAS_STAYING = "8C"
    PRIVATELY_FOSTERED_UK_EDUCATIONAL = "8D"
    PRIVATELY_FOSTERED_UK_FAMILY = "8E"
    PRIVATELY_FOSTERED_OTHER = "8F"
    UNACCOMPANIED_ASYLUM_SEEKING = "9A"
    MISSING = "10A"
    CHILD_SEXUAL_EXPLOITATION = "11A"
    TRAFFICKING = "12A"
    GANGS = "13A"
    SOCIALLY_UNACCEPTABLE_BEHAVIOUR = "14A"
    SELF_HARM = "15A"
    NEGLECT = "16A"
    EMOTIONAL_ABUSE = "17A"
    PHYSICAL_ABUSE_CHILD_ON_CHILD = "18B"
    PHYSICAL_ABUSE_ADULT_ON_CHILD = "18C"
    SEXUAL_ABUSE_CHILD_ON_CHILD = "19B"
    SEXUAL_ABUSE_ADULT_ON_CHILD = "19C"
    OTHER = "20"
    NO_FACTORS = "21"
    FGM = "22A"
    FAITH_OR_BELIEF = "23A"
    CHILD_CRIMINAL_EXPLOITATION = "24A"


class PrimaryNeed(enum.StrEnum):
    """CIN census primary need (``primaryneedcodetype``; DfE rule 8650); where two apply, the higher in this order."""

    ABUSE_OR_NEGLECT = "N1"
    CHILDS_DISABILITY = "N2"
    PARENTAL_DISABILITY_OR_ILLNESS = "N3"
    FAMILY_IN_ACUTE_STRESS = "N4"
    FAMILY_DYSFUNCTION = "N5"
    SOCIALLY_UNACCEPTABLE_BEHAVIOUR = "N6"
    LOW_INCOME = "N7"
    ABSENT_PARENTING = "N8"
    CASES_OTHER_THAN_CHILDREN_IN_NEED = "N9"
    NOT_STATED = "N0"


class ReferralSource(enum.StrEnum):
    """CIN census referral source (``referralsourcetype``; DfE rule 8866)."""

    FAMILY_MEMBER = "1A"
    ACQUAINTANCE = "1B"
    SELF = "1C"
    INDIVIDUAL_OTHER = "1D"
    SCHOOLS = "2A"
    EDUCATION_SERVICES = "2B"
    GP = "3A"
    HEALTH_VISITOR = "3B"
    SCHOOL_NURSE = "3C"
    OTHER_PRIMARY_HEALTH = "3D"
    A_AND_E = "3E"
    HEALTH_OTHER = "3F"
    HOUSING = "4"
    LA_SOCIAL_CARE = "5A"
    LA_OTHER_INTERNAL = "5B"
    LA_EXTERNAL = "5C"
    LA_EARLY_HELP = "5D"
    POLICE = "6"
    OTHER_LEGAL_AGENCY = "7"
    OTHER = "8"
    ANONYMOUS = "9"
    UNKNOWN = "10"


class RiskLevel(enum.StrEnum):
    """The sender's view of the risk to the child (the red, amber and green of a MASH rating)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    NOT_ASSESSED = "not_assessed"


class ObservationSource(enum.StrEnum):
    """How the sender knows what an observation records."""

    SEEN = "seen"
    TOLD_BY_CHILD = "told_by_child"
    THIRD_PARTY = "third_party"


class NonEngagementKind(enum.StrEnum):
    """A missed contact: "was not brought" is used for a child who depends on an adult to bring them."""

    WAS_NOT_BROUGHT = "was_not_brought"
    DID_NOT_ATTEND = "did_not_attend"
    NO_ACCESS_VISIT = "no_access_visit"
    CANCELLED = "cancelled"
    REFUSED = "refused"


class ContactOrReferral(enum.StrEnum):
    """A contact passes on information; a referral asks for an assessment or services."""

    CONTACT = "contact"
    REFERRAL = "referral"


class DecisionOutcome(enum.StrEnum):
    """What the front door decided to do about a concern."""

    NO_FURTHER_ACTION = "no_further_action"
    ADVICE_AND_SIGNPOSTING = "advice_and_signposting"
    EARLY_HELP = "early_help"
    CHILD_IN_NEED_ASSESSMENT = "child_in_need_assessment"
    STRATEGY_DISCUSSION = "strategy_discussion"
    SECTION_47_ENQUIRY = "section_47_enquiry"
    IMMEDIATE_PROTECTION = "immediate_protection"
    PASSED_TO_ALLOCATED_WORKER = "passed_to_allocated_worker"
    TRANSFERRED_TO_ANOTHER_AUTHORITY = "transferred_to_another_authority"


class AcknowledgementOutcome(enum.StrEnum):
    """Whether the receiver took the message in or refused its content."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"


class WithdrawalReason(enum.StrEnum):
    """Why a message is withdrawn; withdrawal is permanent."""

    ENTERED_IN_ERROR = "entered_in_error"
    WRONG_CHILD = "wrong_child"
    DUPLICATE = "duplicate"
    RETRACTED = "retracted"


class WithheldReason(enum.StrEnum):
    """Why a view left a field out; worded so that the reason itself tips nobody off."""

    NOT_NEEDED_FOR_ROLE = "not_needed_for_role"
    IDENTITY_PROTECTED = "identity_protected"
    LOCATION_PROTECTED = "location_protected"
    RESTRICTED_BY_SOURCE = "restricted_by_source"


class ChronologyEventType(enum.StrEnum):
    """The kind of event a chronology entry records."""

    BIRTH = "birth"
    APPOINTMENT = "appointment"
    HOME_VISIT = "home_visit"
    NON_ENGAGEMENT = "non_engagement"
    HEALTH_ATTENDANCE = "health_attendance"
    INJURY = "injury"
    CONCERN_RAISED = "concern_raised"
    REFERRAL = "referral"
    ASSESSMENT = "assessment"
    STRATEGY_DISCUSSION = "strategy_discussion"
    SECTION_47_ENQUIRY = "section_47_enquiry"
    CONFERENCE = "conference"
    PLAN = "plan"
    POLICE_INCIDENT = "police_incident"
    SCHOOL_ATTENDANCE = "school_attendance"
    EDUCATION = "education"
    HOUSING = "housing"
    HOUSEHOLD_CHANGE = "household_change"
    CASE_CLOSED = "case_closed"
    OTHER = "other"


class Impact(enum.StrEnum):
    """Whether an event was good, bad or neither for the child."""

    POSITIVE = "positive"
    NEGATIVE = "negative"
    NEUTRAL = "neutral"


class AccessSetting(enum.StrEnum):
    """Where a child's record was looked at (the settings of NHS CP-IS and its extension)."""

    EMERGENCY_DEPARTMENT = "emergency_department"
    WALK_IN_CENTRE = "walk_in_centre"
    MINOR_INJURIES_UNIT = "minor_injuries_unit"
    OUT_OF_HOURS_GP = "out_of_hours_gp"
    NHS_111 = "nhs_111"
    AMBULANCE = "ambulance"
    MATERNITY = "maternity"
    GP = "gp"
    HEALTH_VISITING = "health_visiting"
    SCHOOL_NURSING = "school_nursing"
    CAMHS = "camhs"
    DENTISTRY = "dentistry"
    SEXUAL_HEALTH = "sexual_health"
    OTHER = "other"


class LawfulCondition(enum.StrEnum):
    """A condition of data-protection law relied on to share (UK GDPR and the Data Protection Act 2018).

    The ``uk_gdpr_6_*`` conditions are the Article 6 bases; ``uk_gdpr_9_*`` the
    Article 9 conditions for special category data with their DPA 2018
    Schedule 1 paragraph; ``uk_gdpr_10_*`` criminal offence data; ``dpa_part3_*``
    law-enforcement processing by the police under DPA 2018 Part 3, which
    replaces the UK GDPR conditions for that processing.
    """

    UK_GDPR_6_1_C_LEGAL_OBLIGATION = "uk_gdpr_6_1_c"
    UK_GDPR_6_1_D_VITAL_INTERESTS = "uk_gdpr_6_1_d"
    UK_GDPR_6_1_E_PUBLIC_TASK = "uk_gdpr_6_1_e"
    UK_GDPR_RLI_SAFEGUARDING = "uk_gdpr_rli_annex1_6"
    UK_GDPR_9_2_G_DPA_SCH1_18_SAFEGUARDING = "uk_gdpr_9_2_g_dpa_sch1_18"
    UK_GDPR_9_2_H_DPA_SCH1_2_HEALTH_SOCIAL_CARE = "uk_gdpr_9_2_h_dpa_sch1_2"
    UK_GDPR_10_DPA_SCH1_PART3 = "uk_gdpr_10_dpa_sch1_part3"  # 1.1: its paragraph in article_10_paragraph
    DPA_PART3_S35_LAW_ENFORCEMENT = "dpa_part3_s35"
    DPA_PART3_SCH8_4_SAFEGUARDING = "dpa_part3_sch8_4"


#: Article 6 bases (or the DPA Part 3 law-enforcement basis): every share needs one.
PRIMARY_CONDITIONS: Final = frozenset(
    {
        LawfulCondition.UK_GDPR_6_1_C_LEGAL_OBLIGATION,
        LawfulCondition.UK_GDPR_6_1_D_VITAL_INTERESTS,
        LawfulCondition.UK_GDPR_6_1_E_PUBLIC_TASK,
        LawfulCondition.UK_GDPR_RLI_SAFEGUARDING,
        LawfulCondition.DPA_PART3_S35_LAW_ENFORCEMENT,
    }
)


class ConfidentialityBasis(enum.StrEnum):
    """The basis for setting aside the common-law duty of confidentiality (health and other confidential sources)."""

    CONSENT = "consent"
    OVERRIDING_PUBLIC_INTEREST = "overriding_public_interest"
    LEGAL_DUTY = "legal_duty"
    NOT_CONFIDENTIAL = "not_confidential"


class StatutoryGateway(enum.StrEnum):
    """The statutory power or duty relied on to share."""

    CA1989_S17 = "children_act_1989_s17"
    CA1989_S27 = "children_act_1989_s27"
    CA1989_S47 = "children_act_1989_s47"
    CA2004_S10 = "children_act_2004_s10"
    CA2004_S11 = "children_act_2004_s11"


class ConsentStatus(enum.StrEnum):
    """Whether consent to share was sought, and the answer."""

    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    NOT_SOUGHT = "not_sought"


class ConsentNotSoughtReason(enum.StrEnum):
    """Why consent was not sought, as the practitioner would say it (DfE information-sharing advice 2024).

    These are not the grounds of DPA 2018 Sch 1 para 18(2): since format 1.1
    the ground relied on is ``lawful_basis.without_consent_ground``.
    """

    UNSAFE = "unsafe"
    WOULD_PREJUDICE = "would_prejudice"
    NOT_PRACTICABLE = "not_practicable"
    NOT_REQUIRED = "not_required"


#: Where each list above that comes from DfE or from law was taken, and which version.
SOURCES: Final[dict[str, str]] = {
    "AbuseCategory": ("DfE CIN census, XSD type categoryofabuse; validation rules 8905 and 8910 (CIN_schema_2024.xsd)"),
    "AssessmentFactor": (
        "DfE CIN census, XSD type assessmentfactorstype (CIN_schema_2024.xsd); 18A and 19A retired from CIN_schema_2021"
    ),
    "PrimaryNeed": "DfE CIN census, XSD type primaryneedcodetype; validation rule 8650 (2024)",
    "ReferralSource": (
        "DfE CIN census, XSD type referralsourcetype; validation rule 8866 "
        "(CIN_schema_2023 onwards, with 5D early help)"
    ),
    "Classification": "Cabinet Office, Government Security Classifications Policy (2023)",
    "Caveat": "Cabinet Office, Government Security Classifications Policy (2023)",
    "LawfulCondition": (
        "UK GDPR Articles 6, 9 and 10 and Annex 1 para 6; Data Protection Act 2018 "
        "Schedule 1 paras 2 and 18, Part 3 s35 and Schedule 8 para 4 (as in force 2025)"
    ),
    "StatutoryGateway": "Children Act 1989 ss17, 27, 47; Children Act 2004 ss10, 11",
    "ConsentNotSoughtReason": (
        "DfE, Information sharing: advice for practitioners (2024); the para 18(2) grounds are "
        "WithoutConsentGround (concernshare.records.law)"
    ),
    "NonEngagementKind": "RCGP and NSPCC guidance on 'was not brought' (DOMAIN.md section 3)",
}
