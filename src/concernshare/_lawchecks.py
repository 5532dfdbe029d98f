"""Semantic checks of the law of a share and of the CIN code lists (format 1.1: ``CS130`` ...).

A rule new in format 1.1 that an old, valid 1.0 message could break is an
error in a message of format 1.1 or later and only a warning in a 1.0 message,
so that every 1.0 message that was valid stays valid (docs/specification/
versioning.md). The sources of each rule are in :mod:`concernshare.records.law`
and docs/specification/envelope.md.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from typing import Final

import attrs

from concernshare.catalogue import problem
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

__all__ = ["in_version", "since_1_1"]


def since_1_1(message: Message) -> bool:
    """True if the message is of format 1.1 or a later 1.x (a 1.0 message is judged by 1.0's rules)."""
    major, _, minor = message.format_version.partition(".")
    return major != "1" or minor != "0"


def in_version(message: Message, found: Problem) -> Problem:
    """``found`` as ``message``'s version has it: an error is a warning in a 1.0 message, which 1.0 allowed."""
    if found.severity is Severity.ERROR and not since_1_1(message):
        return attrs.evolve(found, severity=Severity.WARNING)
    return found


_bases_for: Final = functools.cache(article_6_bases_for)  # a scheme's bases are fixed; the schemes are eight


@_check("CS130")
def _bases_for_sender(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    scheme = message.sender.agency.scheme
    conditions = set(message.lawful_basis.conditions)
    standing = SCHEME_STANDING.get(scheme, PublicStanding.PUBLIC)
    pointer = "/lawful_basis/conditions"
    barred = conditions & PUBLIC_AUTHORITY_BARRED
    if barred and standing is PublicStanding.PUBLIC:
        yield in_version(message, problem(pointer, "CS130", "public_authority"))
    elif barred and standing is PublicStanding.MIXED:
        yield problem(pointer, "CS130", "maybe_public")
    allowed = _bases_for(scheme)
    part3 = LawfulCondition.DPA_PART3_S35_LAW_ENFORCEMENT
    if part3 in conditions and part3 not in allowed:
        yield problem(pointer, "CS130", "part_3")


@_check("CS131")
def _consent_and_para_18(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    basis = message.lawful_basis
    para_18 = set(basis.conditions) & WITHOUT_CONSENT_CONDITIONS or (
        basis.article_10_paragraph is Article10Paragraph.SAFEGUARDING
    )
    if basis.consent is ConsentStatus.GIVEN and para_18:
        yield in_version(message, problem("/lawful_basis/consent", "CS131", "condition"))
    if basis.consent is ConsentStatus.GIVEN and basis.without_consent_ground is not None:
        yield in_version(message, problem("/lawful_basis/without_consent_ground", "CS131", "ground"))


@_check("CS132")
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
        yield problem("/lawful_basis/without_consent_ground", "CS132", "ground")
    article_10 = LawfulCondition.UK_GDPR_10_DPA_SCH1_PART3 in conditions
    if article_10 and basis.article_10_paragraph is None:
        yield problem("/lawful_basis/article_10_paragraph", "CS132", "paragraph")
    if basis.article_10_paragraph is not None and not article_10:
        yield problem("/lawful_basis/article_10_paragraph", "CS132", "condition")


@_check("CS133")
def _consent_people(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    if not since_1_1(message):
        return
    basis = message.lawful_basis
    if basis.consent is not ConsentStatus.NOT_SOUGHT and basis.consent_sought_from is None:
        yield problem("/lawful_basis/consent_sought_from", "CS133", "sought_from")
    if basis.consent is not ConsentStatus.GIVEN and basis.shared_without_consent_by is None:
        yield problem("/lawful_basis/shared_without_consent_by", "CS133", "decided_by")


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


@_check("CS134")
def _special_data(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    conditions = set(message.lawful_basis.conditions)
    health = next(_health_pointers(message), None)
    if health is not None and not conditions & ARTICLE_9_CONDITIONS:
        yield in_version(message, problem(health, "CS134", "health"))
    offending = next(_offending_pointers(message), None)
    if offending is not None and not conditions & ARTICLE_10_CONDITIONS:
        yield in_version(message, problem(offending, "CS134", "offence"))


@_check("CS135", bodies=(ConcernBody,))
def _abuse_categories(message: Message, _: dt.datetime | None) -> Iterator[Problem]:
    body = message.body
    if not isinstance(body, ConcernBody) or not body.abuse_categories:
        return
    for index, category in enumerate(body.abuse_categories):
        if category is AbuseCategory.MULTIPLE:
            yield problem(f"/body/abuse_categories/{index}", "CS135", "multiple")
    if since_1_1(message):
        yield problem("/body/abuse_categories", "CS135", "categories")
