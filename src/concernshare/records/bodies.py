"""The message bodies as one tagged union on the envelope's ``type``."""

from __future__ import annotations

from typing import Final

from concernshare.records.codes import MessageType
from concernshare.records.concern import ConcernBody, DomesticAbuseNotificationBody, UpdateBody
from concernshare.records.knowledge import (
    AssessmentSummaryBody,
    ChronologyBody,
    InformationResponseBody,
)
from concernshare.records.loop import (
    AccessNotificationBody,
    AcknowledgementBody,
    DecisionBody,
    EscalationBody,
    InformationRequestBody,
    WithdrawalBody,
)
from concernshare.records.process import (
    CaseClosureBody,
    ChildProtectionConferenceBody,
    PlanStatusBody,
    Section47OutcomeBody,
    StrategyDiscussionBody,
    TransferInBody,
)

__all__ = ["BODIES", "BODY_TYPES", "Body"]

Body = (
    ConcernBody
    | AcknowledgementBody
    | DecisionBody
    | UpdateBody
    | WithdrawalBody
    | ChronologyBody
    | InformationRequestBody
    | InformationResponseBody
    | DomesticAbuseNotificationBody
    | AssessmentSummaryBody
    | EscalationBody
    | AccessNotificationBody
    | StrategyDiscussionBody
    | Section47OutcomeBody
    | ChildProtectionConferenceBody
    | PlanStatusBody
    | TransferInBody
    | CaseClosureBody
)

#: The body class of each message type.
BODIES: Final[dict[MessageType, type[Body]]] = {
    MessageType.CONCERN: ConcernBody,
    MessageType.ACKNOWLEDGEMENT: AcknowledgementBody,
    MessageType.DECISION: DecisionBody,
    MessageType.UPDATE: UpdateBody,
    MessageType.WITHDRAWAL: WithdrawalBody,
    MessageType.CHRONOLOGY: ChronologyBody,
    MessageType.INFORMATION_REQUEST: InformationRequestBody,
    MessageType.INFORMATION_RESPONSE: InformationResponseBody,
    MessageType.DOMESTIC_ABUSE_NOTIFICATION: DomesticAbuseNotificationBody,
    MessageType.ASSESSMENT_SUMMARY: AssessmentSummaryBody,
    MessageType.ESCALATION: EscalationBody,
    MessageType.ACCESS_NOTIFICATION: AccessNotificationBody,
    MessageType.STRATEGY_DISCUSSION: StrategyDiscussionBody,
    MessageType.SECTION_47_OUTCOME: Section47OutcomeBody,
    MessageType.CHILD_PROTECTION_CONFERENCE: ChildProtectionConferenceBody,
    MessageType.PLAN_STATUS: PlanStatusBody,
    MessageType.TRANSFER_IN: TransferInBody,
    MessageType.CASE_CLOSURE: CaseClosureBody,
}

#: The message type of each body class.
BODY_TYPES: Final[dict[type[Body], MessageType]] = {cls: t for t, cls in BODIES.items()}
