"""The typed records of the format: the envelope, people and agencies, bodies, code lists.

Records are frozen ``attrs`` classes whose attribute names equal the JSON keys;
change one with :func:`attrs.evolve`.
"""

from __future__ import annotations

from concernshare.records.bodies import BODIES, BODY_TYPES, Body
from concernshare.records.chronology import (
    AreaGrade,
    AssessmentSummaryBody,
    Assessor,
    ChronologyBody,
    ChronologyEntry,
    InformationResponseBody,
)
from concernshare.records.codes import *  # noqa: F403  (the code lists are the module's whole API)
from concernshare.records.codes import __all__ as _codes
from concernshare.records.concern import (
    ConcernBody,
    DomesticAbuseNotificationBody,
    InvolvedAgency,
    NonEngagementEvent,
    Observation,
    UpdateBody,
)
from concernshare.records.envelope import (
    Handling,
    LawfulBasis,
    Message,
    Sender,
    SharingDecision,
    Thread,
    UnknownMember,
    View,
    Withheld,
)
from concernshare.records.loop import (
    AccessNotificationBody,
    AcknowledgementBody,
    DecisionBody,
    EscalationBody,
    InformationRequestBody,
    ReportedProblem,
    WithdrawalBody,
)
from concernshare.records.people import (
    Address,
    Child,
    ChildIdentifiers,
    Contact,
    LocalChildId,
    PersonIdentifiers,
    PersonName,
    Practitioner,
    RelatedPerson,
)
from concernshare.records.process import (
    Attendee,
    CaseClosureBody,
    ChildProtectionConferenceBody,
    ClosureReason,
    ConferenceDecision,
    ConferenceKind,
    PlanEndReason,
    PlanKind,
    PlanState,
    PlanStatusBody,
    Section47Outcome,
    Section47OutcomeBody,
    StepDown,
    StrategyDiscussionBody,
    StrategyOutcome,
    TransferInBody,
)
from concernshare.records.types import AgencyId, PartialDate

__all__ = [  # noqa: PLE0604  (extended with the code lists' names)
    "BODIES",
    "BODY_TYPES",
    "AccessNotificationBody",
    "AcknowledgementBody",
    "Address",
    "AgencyId",
    "AreaGrade",
    "AssessmentSummaryBody",
    "Assessor",
    "Attendee",
    "Body",
    "CaseClosureBody",
    "ChildProtectionConferenceBody",
    "ClosureReason",
    "ConferenceDecision",
    "ConferenceKind",
    "Child",
    "ChildIdentifiers",
    "ChronologyBody",
    "ChronologyEntry",
    "ConcernBody",
    "Contact",
    "DecisionBody",
    "DomesticAbuseNotificationBody",
    "EscalationBody",
    "Handling",
    "InformationRequestBody",
    "InformationResponseBody",
    "InvolvedAgency",
    "LawfulBasis",
    "LocalChildId",
    "Message",
    "NonEngagementEvent",
    "Observation",
    "PartialDate",
    "PlanEndReason",
    "PlanKind",
    "PlanState",
    "PlanStatusBody",
    "PersonIdentifiers",
    "PersonName",
    "Practitioner",
    "RelatedPerson",
    "ReportedProblem",
    "Section47Outcome",
    "Section47OutcomeBody",
    "Sender",
    "SharingDecision",
    "StepDown",
    "StrategyDiscussionBody",
    "StrategyOutcome",
    "Thread",
    "TransferInBody",
    "UnknownMember",
    "UpdateBody",
    "View",
    "WithdrawalBody",
    "Withheld",
    *_codes,
]
