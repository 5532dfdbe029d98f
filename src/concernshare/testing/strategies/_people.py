"""Strategies for the records with rules that tie their fields together: children, people, the lawful basis."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from concernshare.records import (
    Child,
    ChronologyEntry,
    ConsentNotSoughtReason,
    ConsentStatus,
    IdentityStatus,
    LawfulBasis,
    LawfulCondition,
    NonEngagementEvent,
    PersonIdentifiers,
    RelatedPerson,
)
from concernshare.records.law import (
    PUBLIC_AUTHORITY_BARRED,
    WITHOUT_CONSENT_CONDITIONS,
    Article10Paragraph,
    WithoutConsentGround,
)
from concernshare.testing.strategies._derived import _day, _derive, _field, _when, _years_before, records
from concernshare.testing.strategies._values import _ITEMS, _PART3, Strategy, agency_ids, dates, la_ids, partial_dates

# -- records with rules that tie fields together -----------------------------------------


@st.composite
def children(draw: st.DrawFn, *, at: dt.datetime | None = None) -> Child:
    """Children under 18 at ``at``, and unborn children with an expected delivery date and the mother's identifiers."""
    moment = _when(at)
    today = _day(moment)
    places: dict[str, Strategy[Any]] = {
        "local_authority": st.none() | la_ids(),
        "responsible_local_authority": st.none() | la_ids(),
        "school": st.none() | agency_ids("school"),
        "gp_practice": st.none() | agency_ids("ods"),
    }
    if draw(st.booleans()):
        return draw(
            _derive(
                Child,
                moment,
                unborn=st.just(True),
                name=st.none(),
                birth_date=st.none(),
                expected_delivery_date=dates(min_value=today, max_value=today + dt.timedelta(days=280)),
                mother=records(PersonIdentifiers, at=moment),
                **places,
            )
        )
    # Three days' margin: the age check counts from the date in the message's own offset.
    youngest = _years_before(today, 18) + dt.timedelta(days=3)
    return draw(
        _derive(
            Child,
            moment,
            unborn=st.just(False),
            expected_delivery_date=st.none(),
            birth_date=st.none() | dates(min_value=youngest, max_value=today),
            **places,
        )
    )


@st.composite
def related_people(draw: st.DrawFn, *, at: dt.datetime | None = None) -> RelatedPerson:
    """People in a child's life, born from 1940 on; one whose identity is unknown or not disclosed has no name."""
    moment = _when(at)
    born = dates(min_value=dt.date(1940, 1, 1), max_value=_day(moment))
    identity = draw(st.none() | st.sampled_from(IdentityStatus))
    if identity in {IdentityStatus.UNKNOWN, IdentityStatus.NOT_DISCLOSED}:
        return draw(
            _derive(
                RelatedPerson,
                moment,
                identity=st.just(identity),
                name=st.none(),
                birth_date=st.none(),
                identifiers=st.none(),
            )
        )
    return draw(_derive(RelatedPerson, moment, identity=st.just(identity), birth_date=st.none() | born))


@st.composite
def non_engagement_events(draw: st.DrawFn, *, at: dt.datetime | None = None) -> NonEngagementEvent:
    """Missed contacts; one that was challenged says by whom, one that was not has no response."""
    moment = _when(at)
    if draw(st.booleans()):
        fixed = {
            "challenged": st.just(True),
            "challenged_by": _field(NonEngagementEvent, "challenged_by", moment, present=True).filter(bool),
        }
    else:
        fixed = {"challenged": st.just(False), "challenged_by": st.none(), "response": st.none()}
    return draw(_derive(NonEngagementEvent, moment, **fixed))


@st.composite
def chronology_entries(draw: st.DrawFn, *, at: dt.datetime | None = None) -> ChronologyEntry:
    """Chronology entries recorded on or after the event, neither after ``at``."""
    moment = _when(at)
    event = draw(partial_dates(max_value=_day(moment)))
    recorded = dates(min_value=event.earliest, max_value=_day(moment))
    return draw(_derive(ChronologyEntry, moment, event_date=st.just(event), recorded_date=recorded))


@st.composite
def lawful_bases(
    draw: st.DrawFn,
    *,
    at: dt.datetime | None = None,
    police: bool = False,
) -> LawfulBasis:
    """Lawful bases a sender may rely on (format 1.1), with the conditions for health and offending data.

    DPA 2018 Part 3 only where ``police``; never the recognised legitimate
    interest (every scheme's agencies may be public authorities); the
    safeguarding conditions only without consent, with their para 18(2)
    ground; Article 10 with its Schedule 1 paragraph; a reason exactly when
    consent was not sought; whose consent was sought, and who decided to share
    without it.
    """
    moment = _when(at)
    consent = draw(st.sampled_from(ConsentStatus))
    given = consent is ConsentStatus.GIVEN
    if police and not given and draw(st.booleans()):  # Sch 8 para 4 covers health data, without consent only
        required, pool = set(_PART3), set(_PART3)
    else:
        health = (
            LawfulCondition.UK_GDPR_9_2_H_DPA_SCH1_2_HEALTH_SOCIAL_CARE
            if given
            else LawfulCondition.UK_GDPR_9_2_G_DPA_SCH1_18_SAFEGUARDING
        )
        required = {LawfulCondition.UK_GDPR_6_1_E_PUBLIC_TASK, health, LawfulCondition.UK_GDPR_10_DPA_SCH1_PART3}
        pool = set(LawfulCondition) - _PART3 - PUBLIC_AUTHORITY_BARRED
    if given:
        pool -= WITHOUT_CONSENT_CONDITIONS
        required -= WITHOUT_CONSENT_CONDITIONS
    extra = draw(st.lists(st.sampled_from(sorted(pool)), max_size=_ITEMS, unique=True))
    conditions = tuple(dict.fromkeys((*sorted(required), *extra)))
    paragraphs = sorted(set(Article10Paragraph) - ({Article10Paragraph.SAFEGUARDING} if given else set()))
    article_10 = LawfulCondition.UK_GDPR_10_DPA_SCH1_PART3 in conditions
    reason = st.sampled_from(ConsentNotSoughtReason) if consent is ConsentStatus.NOT_SOUGHT else st.none()
    return draw(
        _derive(
            LawfulBasis,
            moment,
            conditions=st.just(conditions),
            consent=st.just(consent),
            consent_not_sought_reason=reason,
            without_consent_ground=st.none() if given else st.sampled_from(WithoutConsentGround),
            article_10_paragraph=st.sampled_from(paragraphs) if article_10 else st.none(),
            consent_sought_from=_field(
                LawfulBasis, "consent_sought_from", moment, present=consent is not ConsentStatus.NOT_SOUGHT
            ),
            shared_without_consent_by=(
                st.none() if given else _field(LawfulBasis, "shared_without_consent_by", moment, present=True)
            ),
        )
    )
