"""Hypothesis strategies for every record of the format.

Every message :func:`messages` generates is valid, warnings included:
``concernshare.validation.validate(codec.dumps(m), strict=True)`` returns it.
What a field's schema says — pattern, length, item count, bounds, constant,
whether a view may withhold it — is read from the field's metadata, so a new
field is covered without editing this module. The rules that tie fields
together (an unborn child has no birth date, no event is dated after the
message, consent not sought needs a reason) are written out here, one
strategy per record that has such rules; :func:`records` finds them by class.

Sizes are kept small for speed: free text of at most 8 characters, lists of
at most two items, patterns with each repetition capped at three more than
its minimum. Text is any Unicode that UTF-8 can encode (no lone
surrogates).

Strategies for records take ``at``, the moment the enclosing message was
written: no event inside the record is dated after it. Left out, it is the
end of 2030.
"""

from __future__ import annotations

from concernshare.records import Body, Child, ChronologyEntry, LawfulBasis, Message, NonEngagementEvent, RelatedPerson
from concernshare.testing.strategies._bodies import (
    _BODY_STRATEGIES,
    access_notification_bodies,
    acknowledgement_bodies,
    assessment_summary_bodies,
    bodies,
    case_closure_bodies,
    child_protection_conference_bodies,
    chronology_bodies,
    concern_bodies,
    decision_bodies,
    domestic_abuse_notification_bodies,
    escalation_bodies,
    information_request_bodies,
    information_response_bodies,
    plan_status_bodies,
    section_47_outcome_bodies,
    strategy_discussion_bodies,
    transfer_in_bodies,
    update_bodies,
    withdrawal_bodies,
)
from concernshare.testing.strategies._derived import _SPECIAL, records
from concernshare.testing.strategies._messages import _any_message, messages
from concernshare.testing.strategies._people import (
    children,
    chronology_entries,
    lawful_bases,
    non_engagement_events,
    related_people,
)
from concernshare.testing.strategies._values import (
    agency_ids,
    dates,
    datetimes,
    extensions,
    la_ids,
    nhs_numbers,
    partial_dates,
    upns,
)

__all__ = [
    "access_notification_bodies",
    "acknowledgement_bodies",
    "agency_ids",
    "assessment_summary_bodies",
    "bodies",
    "case_closure_bodies",
    "child_protection_conference_bodies",
    "children",
    "chronology_bodies",
    "chronology_entries",
    "concern_bodies",
    "dates",
    "datetimes",
    "decision_bodies",
    "domestic_abuse_notification_bodies",
    "escalation_bodies",
    "extensions",
    "information_request_bodies",
    "information_response_bodies",
    "la_ids",
    "lawful_bases",
    "messages",
    "nhs_numbers",
    "non_engagement_events",
    "partial_dates",
    "plan_status_bodies",
    "records",
    "related_people",
    "section_47_outcome_bodies",
    "strategy_discussion_bodies",
    "transfer_in_bodies",
    "update_bodies",
    "upns",
    "withdrawal_bodies",
]

# The strategies :func:`records` uses in place of deriving one, by class. A strategy module of another area
# registers its own here with one line.
_SPECIAL.update(_BODY_STRATEGIES)
_SPECIAL.update(
    {
        Child: children,
        RelatedPerson: related_people,
        NonEngagementEvent: non_engagement_events,
        ChronologyEntry: chronology_entries,
        LawfulBasis: lawful_bases,
        Body: bodies,
        Message: _any_message,
    }
)
