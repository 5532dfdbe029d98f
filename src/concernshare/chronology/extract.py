"""Turn one message into chronology entries: every type of message says something about the child's life."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from concernshare.chronology.model import Entry, words
from concernshare.records import (
    AccessNotificationBody,
    AcknowledgementBody,
    AssessmentSummaryBody,
    CaseClosureBody,
    ChildProtectionConferenceBody,
    ChronologyBody,
    ChronologyEntry,
    ConcernBody,
    DecisionBody,
    DomesticAbuseNotificationBody,
    EscalationBody,
    InformationRequestBody,
    InformationResponseBody,
    Message,
    NonEngagementEvent,
    Observation,
    PartialDate,
    PlanStatusBody,
    Section47OutcomeBody,
    StrategyDiscussionBody,
    TransferInBody,
    UpdateBody,
    YesNoUnknown,
)

__all__ = ["entries_of"]


def _day(moment: dt.datetime | dt.date) -> PartialDate:
    day = moment.astimezone(dt.UTC).date() if isinstance(moment, dt.datetime) else moment
    return PartialDate(day.year, day.month, day.day)


def _entry(message: Message, pointer: str, **values: object) -> Entry:
    values.setdefault("agency", message.sender.agency)
    values.setdefault("author_role", message.sender.practitioner.role)
    values.setdefault("recorded", message.created)
    message_id = str(message.id)
    return Entry(id=f"{message_id}#{pointer}", message_id=message_id, message_type=str(message.type), **values)  # type: ignore[arg-type]


def _observation(message: Message, pointer: str, observation: Observation) -> Entry:
    return _entry(
        message,
        pointer,
        event_date=observation.observed,
        event_type="observation",
        author_role=observation.observed_by,
        summary=observation.description,
        child_seen=YesNoUnknown.YES if observation.child_seen else YesNoUnknown.NO,
    )


def _missed(message: Message, pointer: str, event: NonEngagementEvent) -> Entry:
    challenged = "challenged" if event.challenged else "not challenged"
    return _entry(
        message,
        pointer,
        event_date=event.date,
        event_type="non_engagement",
        non_engagement=event.kind,
        service=event.service,
        summary=f"{event.service}: {event.appointment} ({words(event.kind)}; {challenged})",
        action_taken=f"challenged by {event.challenged_by}" if event.challenged and event.challenged_by else None,
        outcome=event.response,
        significance=event.impact_on_child,
        child_seen=YesNoUnknown.NO,
        source_record_reference=event.source_record_reference,
    )


def _recorded(message: Message, pointer: str, item: ChronologyEntry) -> Entry:
    return _entry(
        message,
        pointer,
        agency=item.source_agency,
        author_role=item.author_role,
        event_date=item.event_date,
        recorded=dt.datetime.combine(item.recorded_date, dt.time.min, tzinfo=dt.UTC),
        event_type=item.event_type.value,
        summary=item.summary,
        significance=item.significance,
        child_seen=item.child_seen,
        impact=item.impact,
        action_taken=item.action_taken,
        outcome=item.outcome,
        source_record_reference=item.source_record_reference,
    )


def _details(message: Message, body: ConcernBody | UpdateBody) -> Iterator[Entry]:
    for index, observation in enumerate(body.observations):
        yield _observation(message, f"/body/observations/{index}", observation)
    for index, event in enumerate(body.non_engagement):
        yield _missed(message, f"/body/non_engagement/{index}", event)


def _process(message: Message) -> Entry | None:
    """The one entry of a child-protection process message (format 1.1); None for a withdrawal."""
    body = message.body
    if isinstance(body, StrategyDiscussionBody):
        agencies = ", ".join(dict.fromkeys(a.agency for a in body.attendees if a.attended))
        started = "; section 47 enquiry started" if body.section_47_started else ""
        return _entry(
            message,
            "",
            event_date=_day(body.held_at),
            event_type="strategy_discussion",
            summary=f"{words(body.outcome)}: {body.summary}",
            action_taken=body.actions,
            outcome=words(body.outcome),
            significance=f"attended by {agencies}{started}",
        )
    if isinstance(body, Section47OutcomeBody):
        return _entry(
            message,
            "",
            event_date=_day(body.completed_on),
            event_type="section_47_enquiry",
            summary=f"{words(body.outcome)}: {body.summary}",
            outcome=words(body.outcome),
            significance=f"enquiry started {_day(body.started_at)}",
        )
    if isinstance(body, ChildProtectionConferenceBody):
        categories = f" ({', '.join(body.categories)})" if body.categories else ""
        return _entry(
            message,
            "",
            event_date=_day(body.held_at),
            event_type="conference",
            summary=f"{words(body.kind)} child protection conference: {words(body.decision)}{categories}"
            + (f"; {body.summary}" if body.summary else ""),
            outcome=words(body.decision) + categories,
            significance=f"next review by {body.next_review_by}" if body.next_review_by else None,
        )
    if isinstance(body, PlanStatusBody):
        when = body.ended_on if body.ended_on is not None else body.started_on
        reason = f" ({words(body.end_reason)})" if body.end_reason else ""
        categories = f" under {', '.join(body.categories)}" if body.categories else ""
        return _entry(
            message,
            "",
            event_date=_day(when),
            event_type="plan",
            summary=f"{words(body.plan)} plan {words(body.status)}{categories}{reason}",
        )
    if isinstance(body, TransferInBody):
        return _entry(
            message,
            "",
            event_date=_day(body.notified_at),
            event_type="transfer_in",
            summary=f"moved from {body.from_authority} to {body.to_authority} on a "
            f"{words(body.plan)} plan: {body.summary}",
        )
    if isinstance(body, CaseClosureBody):
        return _entry(
            message,
            "",
            event_date=_day(body.closed_on),
            event_type="case_closed",
            summary=f"case closed ({body.reason.value}); stepped down to {words(body.step_down_to)}: {body.summary}",
        )
    return None


def entries_of(message: Message) -> Iterator[Entry]:
    """Yield the chronology entries a message holds (a withdrawal yields none: it acts on others)."""
    body, created = message.body, message.created
    if isinstance(body, ConcernBody):
        kinds = ", ".join(words(t) for t in body.concern_types)
        yield _entry(
            message,
            "",
            event_date=_day(created),
            event_type="concern_raised",
            summary=body.summary,
            action_taken=body.actions_taken,
            significance=f"{kinds}; risk {words(body.risk_level)}"
            + ("; immediate danger" if body.immediate_danger else ""),
        )
        yield from _details(message, body)
    elif isinstance(body, UpdateBody):
        yield _entry(message, "", event_date=_day(created), event_type="concern_updated", summary=body.what_changed)
        yield from _details(message, body)
    elif isinstance(body, DecisionBody):
        outcome = words(body.outcome)
        yield _entry(
            message,
            "",
            event_date=_day(body.decided_at),
            event_type="decision",
            author_role=body.decided_by.role,
            summary=f"{outcome}: {body.reasons}",
            significance=f"the front door treats it as a {body.contact_or_referral.value}",
        )
    elif isinstance(body, AcknowledgementBody):
        following = f"; next: {body.next_steps}" if body.next_steps else ""
        yield _entry(
            message,
            "",
            event_date=_day(body.received_at),
            event_type="acknowledgement",
            summary=f"message {body.outcome.value}{following}",
        )
    elif isinstance(body, ChronologyBody | InformationResponseBody):
        if isinstance(body, InformationResponseBody):
            known = "nothing known" if body.nothing_known else (body.information or "information given")
            yield _entry(message, "", event_date=_day(created), event_type="information_response", summary=known)
        for index, item in enumerate(body.entries):
            yield _recorded(message, f"/body/entries/{index}", item)
    elif isinstance(body, InformationRequestBody):
        yield _entry(
            message,
            "",
            event_date=_day(created),
            event_type="information_request",
            summary=f"{body.asked} ({body.purpose})",
        )
    elif isinstance(body, DomesticAbuseNotificationBody):
        seen = {"yes": YesNoUnknown.YES, "no": YesNoUnknown.NO}.get(body.child_present.value, YesNoUnknown.UNKNOWN)
        yield _entry(
            message,
            "",
            event_date=_day(body.incident_at),
            event_type="police_incident",
            summary=body.circumstances,
            significance=body.childs_voice,
            child_seen=seen,
        )
    elif isinstance(body, AssessmentSummaryBody):
        grades = ", ".join(f"{g.area} {g.grade}" for g in body.area_grades)
        yield _entry(
            message,
            "",
            event_date=_day(body.assessed_on),
            event_type="assessment",
            author_role=body.assessor.role,
            summary=f"{body.tool} {body.tool_version}: {grades}",
            significance=body.overall_view,
        )
    elif isinstance(body, EscalationBody):
        yield _entry(
            message,
            "",
            event_date=_day(created),
            event_type="escalation",
            summary=f"level {body.level}: {body.reason}",
            significance=body.outcome_sought,
        )
    elif isinstance(body, AccessNotificationBody):
        yield _entry(
            message,
            "",
            agency=body.accessed_by,
            author_role=body.accessor_role,
            event_date=_day(body.accessed_at),
            event_type="record_accessed",
            summary=f"record looked at in {words(body.setting)}",
        )
    elif (entry := _process(message)) is not None:
        yield entry
