"""Bodies that carry a concern: the concern itself, its updates, and the police domestic-abuse notification."""

from __future__ import annotations

import datetime as dt
import uuid

import attrs

from concernshare.records._fields import field
from concernshare.records.codes import (
    AbuseCategory,
    AssessmentFactor,
    ConcernType,
    NonEngagementKind,
    ObservationSource,
    RiskLevel,
    YesNoUnknown,
)
from concernshare.records.types import AGENCY_ID, AGENCY_ID_MAX, AgencyId, PartialDate

__all__ = [
    "ConcernBody",
    "DomesticAbuseNotificationBody",
    "InvolvedAgency",
    "NonEngagementEvent",
    "Observation",
    "UpdateBody",
]

_TEXT = 200
_LONG = 4000
_ITEMS = 200


@attrs.frozen(kw_only=True)
class Observation:
    """Something a practitioner saw or was told, and when."""

    observed: PartialDate = field(
        "When it was observed: YYYY-MM-DD, or YYYY-MM or YYYY where only that much is known.",
    )
    observed_by: str = field(
        "The role of the person who observed it.",
        min_length=1,
        max_length=_TEXT,
    )
    child_seen: bool = field("True if the child was seen on this occasion.")
    source: ObservationSource = field(
        "How it is known: seen by the practitioner, told by the child, or by a third party.",
    )
    description: str = field(
        "What was observed, factually and in neutral language.",
        min_length=1,
        max_length=_LONG,
    )
    informant: str | None = field(
        "Who told the sender, where the source is a third party (for example 'a neighbour'). Views "
        "withhold it to protect people who might come to harm if an abuser knew.",
        default=None,
        max_length=_TEXT,
        min_length=1,
    )


@attrs.frozen(kw_only=True)
class NonEngagementEvent:
    """A missed appointment, a visit with no access, a cancellation or a refusal."""

    date: PartialDate = field("When the appointment or visit was due.")
    service: str = field(
        "The service, for example 'Health visiting' or 'Paediatric dietetics'.",
        min_length=1,
        max_length=_TEXT,
    )
    appointment: str = field(
        "Which appointment or visit, for example '9-12 month development review'.",
        min_length=1,
        max_length=_TEXT,
    )
    kind: NonEngagementKind = field("What happened.")
    impact_on_child: str = field(
        "What missing it means for the child.",
        min_length=1,
        max_length=_LONG,
    )
    challenged: bool = field("True if the non-engagement was challenged with the family.")
    challenged_by: str | None = field(
        "The role of whoever challenged it.",
        default=None,
        max_length=_TEXT,
    )
    response: str | None = field(
        "How the family responded to the challenge.",
        default=None,
        max_length=_LONG,
    )
    source_record_reference: str | None = field(
        "The reference of the appointment in the sender's own system.",
        default=None,
        max_length=64,
        min_length=1,
    )


@attrs.frozen(kw_only=True)
class InvolvedAgency:
    """Another agency already involved with the child or family."""

    agency: AgencyId | None = field(
        "The agency's id, where known.",
        default=None,
        pattern=AGENCY_ID,
        max_length=AGENCY_ID_MAX,
    )
    name: str = field("The agency or service's name.", min_length=1, max_length=_TEXT)
    involvement: str = field(
        "What the agency does with the child or family.",
        min_length=1,
        max_length=_LONG,
    )


@attrs.frozen(kw_only=True)
class ConcernBody:
    """A concern about a child: a contact passing on information, or a referral asking for an assessment."""

    referral_requested: bool = field(
        "True if the sender asks for an assessment (a referral); false to pass on information "
        "(a contact). The front door decides which it is."
    )
    concern_types: tuple[ConcernType, ...] = field(
        "What the sender is worried about, as codes.",
        min_items=1,
        max_items=len(ConcernType),
    )
    in_referrers_words: str = field(
        "The concern in the referrer's own words.",
        min_length=1,
        max_length=_LONG,
    )
    abuse_categories: tuple[AbuseCategory, ...] = field(
        "The CIN census categories of abuse that apply; empty where none does.",
        default=(),
        max_items=len(AbuseCategory),
    )
    suspected_factors: tuple[AssessmentFactor, ...] | None = field(
        "Since 1.1: the CIN census assessment factors the sender sees (on a concern these, "
        "not the child-protection-plan abuse categories, describe the worry).",
        default=None,
        min_items=1,
        max_items=len(AssessmentFactor),
    )
    risk_level: RiskLevel = field("The sender's view of the risk to the child.")
    immediate_danger: bool = field("True if the child is in immediate danger.")
    child_safe_now: YesNoUnknown = field("Whether the child is safe now.")
    child_location: str | None = field(
        "Where the child is now, where that matters for the response.",
        default=None,
        max_length=_TEXT,
    )
    summary: str = field(
        "A short summary of the concern for whoever triages it.",
        min_length=1,
        max_length=_LONG,
    )
    observations: tuple[Observation, ...] = field(
        "What was seen or told, and when.",
        default=(),
        max_items=_ITEMS,
    )
    non_engagement: tuple[NonEngagementEvent, ...] = field(
        "Missed appointments, no-access visits, cancellations and refusals.",
        default=(),
        max_items=_ITEMS,
    )
    childs_voice: str = field(
        "What the child has said or shown about their life; if the child could not be heard "
        "(for example a baby), say so and what was observed instead.",
        min_length=1,
        max_length=_LONG,
    )
    parents_aware: bool = field("True if the parents or carers know this concern is shared.")
    parents_not_aware_reason: str | None = field(
        "Why the parents or carers have not been told; required when parents_aware is false.",
        default=None,
        max_length=_LONG,
        min_length=1,
    )
    other_agencies: tuple[InvolvedAgency, ...] = field(
        "Other agencies involved with the child or family.",
        default=(),
        max_items=50,
    )
    actions_taken: str = field(
        "What the sender has already done.",
        min_length=1,
        max_length=_LONG,
    )
    feedback_wanted: bool = field("True if the sender wants to hear what was decided.")


@attrs.frozen(kw_only=True)
class UpdateBody:
    """New information about a concern already sent."""

    concern_id: uuid.UUID = field("The concern this updates.")
    what_changed: str = field(
        "What is new or different since the concern.",
        min_length=1,
        max_length=_LONG,
    )
    observations: tuple[Observation, ...] = field(
        "New observations.",
        default=(),
        max_items=_ITEMS,
    )
    non_engagement: tuple[NonEngagementEvent, ...] = field(
        "New non-engagement events.",
        default=(),
        max_items=_ITEMS,
    )


@attrs.frozen(kw_only=True)
class DomesticAbuseNotificationBody:
    """A police notification to a child's educational setting after a domestic-abuse incident (Operation Encompass)."""

    police_reference: str = field(
        "The police incident reference.",
        min_length=1,
        max_length=64,
    )
    incident_at: dt.datetime = field("When the incident happened.")
    incident_location: str | None = field(
        "Where the incident happened. Required, unless a view withholds it.",
        default=None,
        max_length=_TEXT,
        min_length=1,
        withholdable=True,
    )
    child_present: YesNoUnknown = field("Whether the child was present.")
    child_whereabouts: str | None = field(
        "Where the child was during the incident.",
        default=None,
        max_length=_TEXT,
    )
    childs_voice: str | None = field(
        "What the child said or showed, if anything.",
        default=None,
        max_length=_LONG,
    )
    circumstances: str = field(
        "Brief circumstances, enough for the setting to support the child.",
        min_length=1,
        max_length=_LONG,
    )
    other_safeguarding_information: str | None = field(
        "Other information the setting needs to keep the child safe.",
        default=None,
        max_length=_LONG,
    )
    police_intelligence: str | None = field(
        "Police information for the statutory partners only (for example the history of "
        "incidents); views withhold it from the educational setting.",
        default=None,
        max_length=_LONG,
        min_length=1,
    )
    setting_notified: AgencyId = field(
        "The educational setting told (a school: id), or the local authority for a child educated at home.",
        pattern=AGENCY_ID,
        max_length=AGENCY_ID_MAX,
    )
    deliver_before: dt.datetime = field(
        "The start of the setting's next school day: the notification is due before then.",
    )
