"""A minimal valid message shared by several test modules (all people invented)."""

from __future__ import annotations

from typing import Any

MINIMAL: dict[str, Any] = {
    "format_version": "1.0",
    "id": "6f1c1a4e-3b9d-4c55-9a77-0d2f3e4b5c6d",
    "type": "concern",
    "created": "2013-06-03T10:15:00+01:00",
    "status": "exercise",
    "sender": {"agency": "ods:RYV01/hv", "practitioner": {"name": "Sam Invented", "role": "Health visitor"}},
    "recipients": ["la:E06000032/mash"],
    "subject": {
        "name": {"given": "Ada", "family": "Invented"},
        "birth_date": "2012-08-01",
        "identifiers": {"nhs_number": "9990000018"},
    },
    "lawful_basis": {
        "conditions": ["uk_gdpr_6_1_e", "uk_gdpr_9_2_g_dpa_sch1_18"],
        "confidentiality": "overriding_public_interest",
        "consent": "not_sought",
        "consent_not_sought_reason": "would_prejudice",
    },
    "sharing_decision": {
        "decided_by": {"name": "Sam Invented", "role": "Health visitor"},
        "decided_at": "2013-06-03T10:00:00Z",
        "necessary_and_proportionate": "The child may be suffering neglect.",
    },
    "body": {
        "referral_requested": True,
        "concern_types": ["neglect"],
        "in_referrers_words": "Thin.",
        "risk_level": "medium",
        "immediate_danger": False,
        "child_safe_now": "yes",
        "summary": "Weight falling.",
        "childs_voice": "Too young to say; seemed withdrawn.",
        "parents_aware": True,
        "actions_taken": "Weighed.",
        "feedback_wanted": True,
        "observations": [
            {
                "observed": "2013-05",
                "observed_by": "Health visitor",
                "child_seen": True,
                "source": "seen",
                "description": "Thin.",
            }
        ],
    },
    "extensions": {"uk.gov.example:case_ref": {"nested": [1, 2.5, None, "x"]}},
}
