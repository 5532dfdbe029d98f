"""Strategies for the message bodies, one per message type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Final

from hypothesis import strategies as st

from concernshare.records import (
    BODIES,
    AbuseCategory,
    AccessNotificationBody,
    AcknowledgementBody,
    AcknowledgementOutcome,
    AssessmentFactor,
    AssessmentSummaryBody,
    Body,
    CaseClosureBody,
    ChildProtectionConferenceBody,
    ChronologyBody,
    ConcernBody,
    ConferenceDecision,
    ConferenceKind,
    ContactOrReferral,
    DecisionBody,
    DecisionOutcome,
    DomesticAbuseNotificationBody,
    EscalationBody,
    InformationRequestBody,
    InformationResponseBody,
    MessageType,
    PlanEndReason,
    PlanKind,
    PlanState,
    PlanStatusBody,
    ReportedProblem,
    Section47OutcomeBody,
    StrategyDiscussionBody,
    TransferInBody,
    UpdateBody,
    WithdrawalBody,
)
from concernshare.records.types import LONDON
from concernshare.testing.strategies._derived import _day, _derive, _field, _when, records
from concernshare.testing.strategies._values import _ITEMS, Strategy, agency_ids, dates, datetimes, la_ids

# -- bodies -------------------------------------------------------------------------------


def _later(at: dt.datetime, days: int) -> Strategy[dt.datetime]:
    return datetimes(min_value=at, max_value=at + dt.timedelta(days=days))


@st.composite
def concern_bodies(draw: st.DrawFn, *, at: dt.datetime | None = None) -> ConcernBody:
    """Concerns; where the parents are not aware, the reason is given."""
    moment = _when(at)
    aware = draw(st.booleans())
    reason = st.none() if aware else _field(ConcernBody, "parents_not_aware_reason", moment, present=True)
    return draw(
        _derive(
            ConcernBody,
            moment,
            parents_aware=st.just(aware),
            parents_not_aware_reason=reason,
            abuse_categories=st.just(()),
        )
    )


@st.composite
def acknowledgement_bodies(draw: st.DrawFn, *, at: dt.datetime | None = None) -> AcknowledgementBody:
    """Acknowledgements; a rejection lists problems, an acceptance none."""
    moment = _when(at)
    outcome = draw(st.sampled_from(AcknowledgementOutcome))
    problems = (
        st.lists(records(ReportedProblem), min_size=1, max_size=_ITEMS).map(tuple)
        if outcome is AcknowledgementOutcome.REJECTED
        else st.just(())
    )
    return draw(
        _derive(
            AcknowledgementBody,
            moment,
            outcome=st.just(outcome),
            problems=problems,
            next_steps_due=st.none() | _later(moment, 30),
        )
    )


@st.composite
def decision_bodies(draw: st.DrawFn, *, at: dt.datetime | None = None) -> DecisionBody:
    """Decisions; transfers name an authority, referrals their time, factors only a concluded assessment."""
    moment = _when(at)
    outcome = draw(st.sampled_from(DecisionOutcome))
    kind = draw(st.sampled_from(ContactOrReferral))
    concluded = draw(st.booleans())
    others = sorted(set(AssessmentFactor) - {AssessmentFactor.NO_FACTORS})
    factors = (
        st.just((AssessmentFactor.NO_FACTORS,))
        | st.lists(st.sampled_from(others), max_size=_ITEMS, unique=True).map(tuple)
        if concluded
        else st.just(())
    )
    transfer = outcome is DecisionOutcome.TRANSFERRED_TO_ANOTHER_AUTHORITY
    return draw(
        _derive(
            DecisionBody,
            moment,
            outcome=st.just(outcome),
            contact_or_referral=st.just(kind),
            referral_at=(datetimes(max_value=moment) if kind is ContactOrReferral.REFERRAL else st.none()),
            assessment_concluded=st.just(concluded),
            assessment_factors=factors,
            transferred_to=la_ids() if transfer else st.none(),
        )
    )


def update_bodies(*, at: dt.datetime | None = None) -> Strategy[UpdateBody]:
    """Updates to a concern."""
    return _derive(UpdateBody, _when(at))


def withdrawal_bodies(*, at: dt.datetime | None = None) -> Strategy[WithdrawalBody]:
    """Withdrawals, always permanent."""
    return _derive(WithdrawalBody, _when(at))


def chronology_bodies(*, at: dt.datetime | None = None) -> Strategy[ChronologyBody]:
    """Chronologies of a few entries."""
    return _derive(ChronologyBody, _when(at))


def information_request_bodies(
    *,
    at: dt.datetime | None = None,
) -> Strategy[InformationRequestBody]:
    """Information requests due within 30 days of ``at``."""
    moment = _when(at)
    return _derive(InformationRequestBody, moment, respond_by=_later(moment, 30))


@st.composite
def information_response_bodies(
    draw: st.DrawFn,
    *,
    at: dt.datetime | None = None,
) -> InformationResponseBody:
    """Information responses; one that knows nothing carries no information and no entries."""
    moment = _when(at)
    if draw(st.booleans()):
        return draw(
            _derive(
                InformationResponseBody, moment, nothing_known=st.just(True), information=st.none(), entries=st.just(())
            )
        )
    return draw(_derive(InformationResponseBody, moment, nothing_known=st.just(False)))


@st.composite
def domestic_abuse_notification_bodies(
    draw: st.DrawFn,
    *,
    at: dt.datetime | None = None,
) -> DomesticAbuseNotificationBody:
    """Domestic-abuse notifications to a school or a local authority, due after the incident."""
    moment = _when(at)
    incident = draw(datetimes(max_value=moment))
    return draw(
        _derive(
            DomesticAbuseNotificationBody,
            moment,
            incident_at=st.just(incident),
            deliver_before=_later(incident, 3),
            setting_notified=agency_ids("school", "la"),
        )
    )


@st.composite
def assessment_summary_bodies(
    draw: st.DrawFn,
    *,
    at: dt.datetime | None = None,
) -> AssessmentSummaryBody:
    """Assessment summaries reviewed, if at all, within a year after the assessment."""
    moment = _when(at)
    assessed = draw(dates(max_value=_day(moment)))
    review = dates(min_value=assessed, max_value=assessed + dt.timedelta(days=365))
    return draw(_derive(AssessmentSummaryBody, moment, assessed_on=st.just(assessed), review_date=st.none() | review))


def escalation_bodies(*, at: dt.datetime | None = None) -> Strategy[EscalationBody]:
    """Escalations due for a response within 30 days of ``at``."""
    moment = _when(at)
    return _derive(EscalationBody, moment, respond_by=_later(moment, 30))


def access_notification_bodies(
    *,
    at: dt.datetime | None = None,
) -> Strategy[AccessNotificationBody]:
    """Notices that a child's record was looked at."""
    return _derive(AccessNotificationBody, _when(at))


def strategy_discussion_bodies(*, at: dt.datetime | None = None) -> Strategy[StrategyDiscussionBody]:
    """Strategy discussions (format 1.1)."""
    return _derive(StrategyDiscussionBody, _when(at))


@st.composite
def section_47_outcome_bodies(draw: st.DrawFn, *, at: dt.datetime | None = None) -> Section47OutcomeBody:
    """Section 47 enquiry outcomes completed on or after the day they started (format 1.1)."""
    moment = _when(at)
    started = draw(datetimes(max_value=moment))
    first = started.astimezone(LONDON).date()
    completed = dates(min_value=first, max_value=max(first, _day(moment)))
    return draw(_derive(Section47OutcomeBody, moment, started_at=st.just(started), completed_on=completed))


_CATEGORIES: Final = st.lists(st.sampled_from(AbuseCategory), min_size=1, max_size=_ITEMS, unique=True).map(tuple)


@st.composite
def child_protection_conference_bodies(
    draw: st.DrawFn,
    *,
    at: dt.datetime | None = None,
) -> ChildProtectionConferenceBody:
    """Conferences whose decision fits their kind and categories, with their timescale's start (format 1.1)."""
    moment = _when(at)
    kind = draw(st.sampled_from(ConferenceKind))
    review = kind is ConferenceKind.REVIEW
    decision = draw(
        st.sampled_from(
            [ConferenceDecision.PLAN_CONTINUES, ConferenceDecision.PLAN_ENDS]
            if review
            else [ConferenceDecision.PLAN, ConferenceDecision.NO_PLAN]
        )
    )
    plan = decision in {ConferenceDecision.PLAN, ConferenceDecision.PLAN_CONTINUES}
    held = draw(datetimes(max_value=moment))
    clock = datetimes(max_value=held)
    return draw(
        _derive(
            ChildProtectionConferenceBody,
            moment,
            kind=st.just(kind),
            decision=st.just(decision),
            held_at=st.just(held),
            clock_started_at=(st.none() | clock) if review else clock,
            categories=_CATEGORIES if plan else st.just(()),
            next_review_by=st.none()
            | dates(
                min_value=held.astimezone(LONDON).date(),
                max_value=held.astimezone(LONDON).date() + dt.timedelta(days=200),
            ),
        )
    )


@st.composite
def plan_status_bodies(draw: st.DrawFn, *, at: dt.datetime | None = None) -> PlanStatusBody:
    """Plan statuses: an ended plan has its end date and reason, a protection plan its category (format 1.1)."""
    moment = _when(at)
    plan = draw(st.sampled_from(PlanKind))
    status = draw(st.sampled_from(PlanState))
    started = draw(dates(max_value=_day(moment)))
    ended = status is PlanState.ENDED
    protection = plan is PlanKind.CHILD_PROTECTION
    return draw(
        _derive(
            PlanStatusBody,
            moment,
            plan=st.just(plan),
            status=st.just(status),
            started_on=st.just(started),
            ended_on=dates(min_value=started, max_value=max(started, _day(moment))) if ended else st.none(),
            end_reason=st.sampled_from(PlanEndReason) if ended else st.none(),
            categories=(_CATEGORIES if not ended else st.just(()) | _CATEGORIES) if protection else st.just(()),
        )
    )


@st.composite
def transfer_in_bodies(draw: st.DrawFn, *, at: dt.datetime | None = None) -> TransferInBody:
    """Transfers in between two different local authorities (format 1.1)."""
    moment = _when(at)
    source = draw(la_ids())
    plan = draw(st.sampled_from(PlanKind))
    return draw(
        _derive(
            TransferInBody,
            moment,
            from_authority=st.just(source),
            plan=st.just(plan),
            to_authority=la_ids().filter(lambda other: other.organisation != source.organisation),
            categories=_CATEGORIES if plan is PlanKind.CHILD_PROTECTION else st.just(()),
        )
    )


def case_closure_bodies(*, at: dt.datetime | None = None) -> Strategy[CaseClosureBody]:
    """Case closures and step-downs (format 1.1)."""
    return _derive(CaseClosureBody, _when(at))


_BODY_STRATEGIES: Final[dict[type[Any], Callable[..., Strategy[Any]]]] = {
    ConcernBody: concern_bodies,
    AcknowledgementBody: acknowledgement_bodies,
    DecisionBody: decision_bodies,
    UpdateBody: update_bodies,
    WithdrawalBody: withdrawal_bodies,
    ChronologyBody: chronology_bodies,
    InformationRequestBody: information_request_bodies,
    InformationResponseBody: information_response_bodies,
    DomesticAbuseNotificationBody: domestic_abuse_notification_bodies,
    AssessmentSummaryBody: assessment_summary_bodies,
    EscalationBody: escalation_bodies,
    AccessNotificationBody: access_notification_bodies,
    StrategyDiscussionBody: strategy_discussion_bodies,
    Section47OutcomeBody: section_47_outcome_bodies,
    ChildProtectionConferenceBody: child_protection_conference_bodies,
    PlanStatusBody: plan_status_bodies,
    TransferInBody: transfer_in_bodies,
    CaseClosureBody: case_closure_bodies,
}


def bodies(type: MessageType | None = None, *, at: dt.datetime | None = None) -> Strategy[Body]:
    """Bodies of one message type, or of any."""
    kinds = list(MessageType) if type is None else [MessageType(type)]
    return st.one_of([_BODY_STRATEGIES[BODIES[kind]](at=at) for kind in kinds])
