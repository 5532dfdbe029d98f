"""When a statutory clock starts: the event in a message that a timescale counts from.

Working Together to Safeguard Children 2023 counts its timescales from events,
not from when a message about them happens to be routed: an initial child
protection conference is due 15 working days after the strategy discussion at
which the section 47 enquiry started, a review conference three (then six)
months after the previous conference, a transfer-in conference 15 working
days after the other authority's notification, and a child and family
assessment 45 working days after the referral. :func:`clock_start` finds that
event in a message; routing falls back to the time of routing where the
message holds none.
"""

from __future__ import annotations

import datetime as dt

from concernshare import deadlines
from concernshare.records import (
    ChildProtectionConferenceBody,
    DecisionBody,
    Message,
    Section47OutcomeBody,
    StrategyDiscussionBody,
    TransferInBody,
)

__all__ = ["clock_start"]


def clock_start(message: Message, timescale: str) -> dt.datetime | None:
    """The time the named statutory timescale runs from for ``message``, or None if it holds no such event."""
    body = message.body
    if timescale == deadlines.INITIAL_CHILD_PROTECTION_CONFERENCE.name:
        if isinstance(body, StrategyDiscussionBody) and body.section_47_started:
            return body.held_at
        if isinstance(body, Section47OutcomeBody):
            return body.started_at
    if timescale in {deadlines.FIRST_REVIEW_CONFERENCE.name, deadlines.REVIEW_CONFERENCE.name} and isinstance(
        body,
        ChildProtectionConferenceBody,
    ):
        return body.held_at
    if timescale == deadlines.TRANSFER_IN_CONFERENCE.name and isinstance(body, TransferInBody):
        return body.notified_at
    if timescale == deadlines.CHILD_AND_FAMILY_ASSESSMENT.name and isinstance(body, DecisionBody):
        return body.referral_at
    return None
