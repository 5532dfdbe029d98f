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
from concernshare.records.law import (
    Article10Paragraph,
    CaldicottPrinciple,
    CaldicottSignOff,
    ConsentParty,
    WithoutConsentGround,
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
from concernshare.records.types import AgencyId, PartialDate

__all__ = [  # noqa: PLE0604  (extended with the code lists' names)
    "BODIES",
    "BODY_TYPES",
    "AccessNotificationBody",
    "AcknowledgementBody",
    "Address",
    "AgencyId",
    "AreaGrade",
    "Article10Paragraph",
    "AssessmentSummaryBody",
    "Assessor",
    "Body",
    "CaldicottPrinciple",
    "CaldicottSignOff",
    "Child",
    "ChildIdentifiers",
    "ChronologyBody",
    "ChronologyEntry",
    "ConcernBody",
    "ConsentParty",
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
    "PersonIdentifiers",
    "PersonName",
    "Practitioner",
    "RelatedPerson",
    "ReportedProblem",
    "Sender",
    "SharingDecision",
    "Thread",
    "UnknownMember",
    "UpdateBody",
    "View",
    "WithoutConsentGround",
    "WithdrawalBody",
    "Withheld",
    *_codes,
]
