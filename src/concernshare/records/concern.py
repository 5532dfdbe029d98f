"""Bodies that carry a concern: the concern itself, its updates, and the police domestic-abuse notification."""

from __future__ import annotations

import datetime as dt
import enum
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
    "Centile",
    "ConcernBody",
    "DomesticAbuseNotificationBody",
    "GrowthMeasurement",
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


class Centile(enum.StrEnum):
    """Where a measurement plots on the UK-WHO growth charts: on a centile line, or in the space between two.

    The charts draw nine lines (0.4th, 2nd, 9th, 25th, 50th, 75th, 91st, 98th,
    99.6th), two thirds of a standard deviation apart; the gap between two
    neighbouring lines is a centile space, the unit in which NICE NG75 measures
    a fall. A practitioner plots a measurement and reads off a line or a space,
    so that is what is recorded, never a number the chart cannot give.
    """

    BELOW_0_4 = "<0.4"
    C0_4 = "0.4"
    C0_4_TO_2 = "0.4-2"
    C2 = "2"
    C2_TO_9 = "2-9"
    C9 = "9"
    C9_TO_25 = "9-25"
    C25 = "25"
    C25_TO_50 = "25-50"
    C50 = "50"
    C50_TO_75 = "50-75"
    C75 = "75"
    C75_TO_91 = "75-91"
    C91 = "91"
    C91_TO_98 = "91-98"
    C98 = "98"
    C98_TO_99_6 = "98-99.6"
    C99_6 = "99.6"
    ABOVE_99_6 = ">99.6"

    @property
    def position(self) -> int:
        """Its place up the chart, counted in half centile spaces: 0 below the 0.4th line, 18 above the 99.6th."""
        return _CENTILE_ORDER.index(self)


_CENTILE_ORDER: tuple[Centile, ...] = tuple(Centile)


@attrs.frozen(kw_only=True)
class GrowthMeasurement:
    """A child's weight, length or height and head circumference on one day, as plotted on the UK-WHO charts.

    At least one value is given; a centile goes with its value. Lengths are in
    whole millimetres and weights in whole grams, as a clinic's scales and
    measuring boards give them.
    """

    date: dt.date = field("The day the child was measured.")
    weight_g: int | None = field("The weight, in grams.", default=None, minimum=1, maximum=500_000)
    length_or_height_mm: int | None = field(
        "The length (measured lying down, usually under two years) or height (standing), in millimetres.",
        default=None,
        minimum=1,
        maximum=3_000,
    )
    head_circumference_mm: int | None = field(
        "The head (occipitofrontal) circumference, in millimetres.",
        default=None,
        minimum=1,
        maximum=1_000,
    )
    weight_centile: Centile | None = field("Where the weight plots on the UK-WHO chart.", default=None)
    length_or_height_centile: Centile | None = field(
        "Where the length or height plots on the UK-WHO chart.", default=None
    )
    head_circumference_centile: Centile | None = field(
        "Where the head circumference plots on the UK-WHO chart.", default=None
    )
    measured_by: str | None = field(
        "The role of whoever measured the child, for example 'Health visitor'.",
        default=None,
        max_length=_TEXT,
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
    growth: tuple[GrowthMeasurement, ...] | None = field(
        "Since 1.1: the child's growth measurements that bear on the concern, each on its day "
        "(faltering growth is a sign of neglect the chronology looks for).",
        default=None,
        min_items=1,
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
    growth: tuple[GrowthMeasurement, ...] | None = field(
        "Since 1.1: the child's growth measurements taken since the concern or not sent before, each on its day "
        "(faltering growth is a sign of neglect the chronology looks for).",
        default=None,
        min_items=1,
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
