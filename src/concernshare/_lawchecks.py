"""Semantic checks of the law of a share and of the CIN code lists (format 1.1: ``CS130`` ...).

A rule new in format 1.1 that an old, valid 1.0 message could break is an
error in a message of format 1.1 or later and only a warning in a 1.0 message,
so that every 1.0 message that was valid stays valid (docs/specification/
versioning.md). The sources of each rule are in :mod:`concernshare.records.law`
and docs/specification/envelope.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from concernshare.checks import _check
from concernshare.errors import Problem, Severity
from concernshare.records import (
    AbuseCategory,
    ConcernBody,
    ConsentStatus,
    DomesticAbuseNotificationBody,
    LawfulCondition,
    Message,
    Relationship,
    UpdateBody,
)
from concernshare.records.law import (
    ARTICLE_9_CONDITIONS,
    ARTICLE_10_CONDITIONS,
    PUBLIC_AUTHORITY_BARRED,
    SCHEME_STANDING,
    WITHOUT_CONSENT_CONDITIONS,
    Article10Paragraph,
    PublicStanding,
    article_6_bases_for,
)

__all__ = ["since_1_1"]


def since_1_1(message: Message) -> bool:
    """True if the message is of format 1.1 or a later 1.x (a 1.0 message is judged by 1.0's rules)."""
    major, _, minor = message.format_version.partition(".")
    return major != "1" or minor != "0"


def _problem(message: Message, pointer: str, code: str, text: str, *, always: bool = False) -> Problem:
    """An error in a 1.1 message; in a 1.0 message (which 1.0 allowed) a warning, unless ``always``."""
    severity = Severity.ERROR if always or since_1_1(message) else Severity.WARNING
    return Problem(pointer=pointer, code=code, message=text, severity=severity)


def _warning(pointer: str, code: str, text: str) -> Problem:
    return Problem(pointer=pointer, code=code, message=text, severity=Severity.WARNING)


@_check(
    "CS130",
    "The sender relies on a basis its kind of agency cannot use: a public authority on the "
    "recognised legitimate interest, or a body that is not a competent authority on DPA 2018 Part 3.",
)
def _bases_for_sender(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    scheme = message.sender.agency.scheme
    conditions = set(message.lawful_basis.conditions)
    standing = SCHEME_STANDING.get(scheme, PublicStanding.PUBLIC)
    pointer = "/lawful_basis/conditions"
    barred = conditions & PUBLIC_AUTHORITY_BARRED
    if barred and standing is PublicStanding.PUBLIC:
        yield _problem(
            message,
            pointer,
            "CS130",
            "a public authority cannot rely on the recognised "
            "legitimate interest in performing its tasks (UK GDPR Art 6(1) as amended by the Data "
            "(Use and Access) Act 2025); use public task (uk_gdpr_6_1_e) or legal obligation",
        )
    elif barred and standing is PublicStanding.MIXED:
        yield _warning(
            pointer,
            "CS130",
            "the recognised legitimate interest is open only to a sender that "
            "is not a public authority (an independent school or provider); an NHS body, a GP "
            "practice, a maintained school or an academy uses public task instead",
        )
    allowed = article_6_bases_for(scheme)
    part3 = LawfulCondition.DPA_PART3_S35_LAW_ENFORCEMENT
    if part3 in conditions and part3 not in allowed:
        yield _warning(
            pointer,
            "CS130",
            "DPA 2018 Part 3 is for competent authorities processing for law "
            "enforcement (the police); this sender shares under the UK GDPR",
        )


@_check(
    "CS131",
    "Consent is recorded as given while the share relies on DPA 2018 Sch 1 para 18 (or Sch 8 "
    "para 4), which applies only to processing without consent.",
)
def _consent_and_para_18(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    basis = message.lawful_basis
    para_18 = set(basis.conditions) & WITHOUT_CONSENT_CONDITIONS or (
        basis.article_10_paragraph is Article10Paragraph.SAFEGUARDING
    )
    if basis.consent is ConsentStatus.GIVEN and para_18:
        yield _problem(
            message,
            "/lawful_basis/consent",
            "CS131",
            "para 18 of DPA 2018 Schedule 1 applies "
            "only where the share is made without consent (para 18(1)(c)); with consent given, rely "
            "on another condition, or correct the consent status",
        )
    if basis.consent is ConsentStatus.GIVEN and basis.without_consent_ground is not None:
        yield _problem(
            message,
            "/lawful_basis/without_consent_ground",
            "CS131",
            "a ground for sharing "
            "without consent is given although consent was given; remove it or correct the consent "
            "status",
        )


@_check(
    "CS132",
    "The share relies on a condition without naming what the law asks: the para 18(2) ground "
    "for sharing without consent, or the Schedule 1 paragraph that meets Article 10.",
)
def _named_grounds(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    if not since_1_1(message):
        return  # the members are new in 1.1
    basis = message.lawful_basis
    conditions = set(basis.conditions)
    if (
        conditions & WITHOUT_CONSENT_CONDITIONS
        and basis.consent is not ConsentStatus.GIVEN
        and (basis.without_consent_ground is None)
    ):
        yield Problem(
            pointer="/lawful_basis/without_consent_ground",
            code="CS132",
            message="the safeguarding condition applies only without consent for one of the reasons "
            "of DPA 2018 Sch 1 para 18(2): give the ground (a), (b) or (c)",
        )
    article_10 = LawfulCondition.UK_GDPR_10_DPA_SCH1_PART3 in conditions
    if article_10 and basis.article_10_paragraph is None:
        yield Problem(
            pointer="/lawful_basis/article_10_paragraph",
            code="CS132",
            message="name the DPA 2018 Schedule 1 paragraph that meets Article 10 (s10(5)), for "
            "example sch1_para_18 for safeguarding",
        )
    if basis.article_10_paragraph is not None and not article_10:
        yield Problem(
            pointer="/lawful_basis/article_10_paragraph",
            code="CS132",
            message="an Article 10 paragraph is given but the conditions do not include the "
            "Article 10 condition (uk_gdpr_10_dpa_sch1_part3); add it or remove the paragraph",
        )


@_check("CS133", "Whose consent was sought, or who decided to share without it, is not recorded.")
def _consent_people(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    if not since_1_1(message):
        return
    basis = message.lawful_basis
    if basis.consent is not ConsentStatus.NOT_SOUGHT and basis.consent_sought_from is None:
        yield _warning(
            "/lawful_basis/consent_sought_from",
            "CS133",
            "consent was sought: say from whom (the child, a parent with parental responsibility, ...)",
        )
    if basis.consent is not ConsentStatus.GIVEN and basis.shared_without_consent_by is None:
        yield _warning(
            "/lawful_basis/shared_without_consent_by",
            "CS133",
            "the share is made without consent: say who decided so (or overrode the refusal), with their role",
        )


def _health_pointers(message: Message) -> Iterator[str]:
    """The typed fields that carry health data (special category data, UK GDPR Art 9)."""
    subject = message.subject
    if subject.health_needs is not None:
        yield "/subject/health_needs"
    if subject.sexual_health is not None:
        yield "/subject/sexual_health"
    for index, person in enumerate(subject.related_people):
        if person.health is not None:
            yield f"/subject/related_people/{index}/health"
    if isinstance(message.body, ConcernBody | UpdateBody) and message.body.growth:
        yield "/body/growth"  # the child's measurements are data concerning health


def _offending_pointers(message: Message) -> Iterator[str]:
    """The typed fields that carry criminal offence data (alleged offences, UK GDPR Art 10; DPA 2018 s11(2))."""
    for index, person in enumerate(message.subject.related_people):
        if person.offending is not None:
            yield f"/subject/related_people/{index}/offending"
        elif person.relationship is Relationship.ALLEGED_PERPETRATOR and (
            person.name is not None or person.identifiers is not None
        ):  # an alleged offender who can be identified; a view that withholds who he is carries none
            yield f"/subject/related_people/{index}/relationship"
    if isinstance(message.body, DomesticAbuseNotificationBody):
        yield "/body"


@_check(
    "CS134",
    "Health data is present without an Article 9 condition, or offending data without an "
    "Article 10 condition (or DPA 2018 Part 3).",
)
def _special_data(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    conditions = set(message.lawful_basis.conditions)
    health = next(_health_pointers(message), None)
    if health is not None and not conditions & ARTICLE_9_CONDITIONS:
        yield _problem(
            message,
            health,
            "CS134",
            "this is health data (special category): add an Article 9 "
            "condition to lawful_basis.conditions (uk_gdpr_9_2_g_dpa_sch1_18 or "
            "uk_gdpr_9_2_h_dpa_sch1_2), or leave the field out",
        )
    offending = next(_offending_pointers(message), None)
    if offending is not None and not conditions & ARTICLE_10_CONDITIONS:
        yield _problem(
            message,
            offending,
            "CS134",
            "this is criminal offence data (an alleged offence): add "
            "the Article 10 condition (uk_gdpr_10_dpa_sch1_part3, with its Schedule 1 paragraph), or "
            "DPA 2018 Part 3 for police law-enforcement processing",
        )


@_check(
    "CS135",
    "A concern carries child-protection-plan abuse categories (use the assessment factors), "
    "or the category MUL, which DfE labels 'Multiple/not recommended'.",
)
def _abuse_categories(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, ConcernBody) or not body.abuse_categories:
        return
    for index, category in enumerate(body.abuse_categories):
        if category is AbuseCategory.MULTIPLE:
            yield _warning(
                f"/body/abuse_categories/{index}",
                "CS135",
                "DfE labels MUL 'Multiple/not "
                "recommended' (CIN census, categoryofabuse): name each category that applies",
            )
    if since_1_1(message):
        yield _warning(
            "/body/abuse_categories",
            "CS135",
            "abuse categories are recorded when a child "
            "protection plan starts; on a concern give the CIN assessment factors the sender sees "
            "(suspected_factors)",
        )
