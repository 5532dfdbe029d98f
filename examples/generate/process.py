"""Write examples/messages/3*.json: the household and the child-protection process (format 1.1).

Run from the repository root: ``.venv/bin/python examples/generate/process.py``.
The story continues the fictional one of ``messages.py`` (see examples/README.md):
after the emergency department visit of December 2013 the health visitor
describes the whole household, a strategy discussion starts a section 47
enquiry, the initial child protection conference puts Kai on a plan under
neglect, and every agency holding his case is told. Everyone is invented.
"""

# The story is prose: its lines are as long as its sentences.
# ruff: noqa: E501

from __future__ import annotations

import copy
import json
import pathlib
import uuid
from typing import Any

from concernshare import codec
from concernshare.validation import validate

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "messages"
NS = uuid.UUID("0b7d3c1e-2f4a-4e6b-9c8d-1a2b3c4d5e6f")

HV = "ods:Y99HV/health-visiting"
GP = "ods:Y99GP"
ED = "ods:Y99AC/emergency-department"
MASH = "la:E06000032/mash"
CSC = "la:E06000032/childrens-social-care"
POLICE = "police:99"
CASE = "EX-2013-0147"


def uid(name: str) -> str:
    """A stable id for each message, shaped as a random (version 4) UUID."""
    return str(uuid.UUID(bytes=uuid.uuid5(NS, name).bytes, version=4))


def story(prefix: str) -> dict[str, Any]:
    (path,) = OUT.glob(f"{prefix}-*.json")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


CONCERN = story("01")
SUBJECT = copy.deepcopy(CONCERN["subject"])

HELEN = {"name": "Helen Marsh", "role": "MASH team manager", "team": "Multi-Agency Safeguarding Hub",
         "contact": {"phone": "01632 960201"}}
PAUL = {"name": "Paul Hendry", "role": "Team manager", "team": "Assessment Team 2"}
SARAH = CONCERN["sender"]["practitioner"]
SAFEGUARDING = {"conditions": ["uk_gdpr_6_1_e", "uk_gdpr_9_2_g_dpa_sch1_18", "uk_gdpr_10_dpa_sch1_part3"],
                "article_10_paragraph": "sch1_para_18",
                "without_consent_ground": "para_18_2_c_would_prejudice_the_protection", "confidentiality": "not_confidential",
                "statutory_gateways": ["children_act_1989_s47", "children_act_2004_s11"], "consent": "not_sought",
                "consent_not_sought_reason": "would_prejudice"}


def household() -> dict[str, Any]:
    """Kai's household as the health visitor knows it in December 2013."""
    subject = copy.deepcopy(SUBJECT)
    mother, grandmother, brother, father = subject["related_people"]
    mother.update(relation="mother", age_group="adult")
    grandmother.update(relation="grandparent", age_group="adult")
    brother.update(relation="half_sibling", age_group="child")
    partner = {
        "relationship": "alleged_perpetrator", "relation": "parent_partner", "age_group": "adult",
        "name": {"given": "Dean", "family": "Rourke"}, "birth_date": "1988-10-02",
        "identifiers": {"police_reference": "EX-99-P-0088213"},
        "parental_responsibility": "no", "lives_with_child": "yes",
        "notes": "The mother's partner again since late November; now staying at the home most nights. Not Kai's father.",
        "offending": "Police attended a domestic abuse incident at the home on 2 November 2013; he is the alleged perpetrator.",
    }
    father.update(relation="father", age_group="adult")
    subject["related_people"] = [mother, grandmother, brother, partner, father]
    return subject


def envelope(name: str, *, created: str, sender: str, practitioner: dict[str, Any], recipients: list[str],
             decided_at: str, why: str, in_reply_to: str | None = None) -> dict[str, Any]:
    thread: dict[str, Any] = {"case_reference": CASE}
    if in_reply_to:
        thread["in_reply_to"] = in_reply_to
    return {
        "format_version": "1.1", "id": uid(name), "created": created, "sent": created, "status": "exercise",
        "sender": {"agency": sender, "practitioner": practitioner}, "recipients": recipients,
        "subject": household(), "handling": {"classification": "OFFICIAL", "caveat": "SENSITIVE", "markings": []},
        "lawful_basis": {**SAFEGUARDING, "shared_without_consent_by": practitioner},
        "sharing_decision": {"decided_by": practitioner, "decided_at": decided_at, "necessary_and_proportionate": why},
        "thread": thread,
    }


def concern() -> dict[str, Any]:
    doc = envelope("household-concern", created="2013-12-09T11:00:00Z", sender=HV, practitioner=SARAH,
                   recipients=[MASH], decided_at="2013-12-09T10:50:00Z",
                   why="Kai was taken to the emergency department with a scald, his weight is falling again, and a man the police know for domestic abuse now lives in the home: the MASH must know who is in the household.")
    doc["type"] = "concern"
    doc["lawful_basis"]["statutory_gateways"] = ["children_act_2004_s11"]  # the referral: no enquiry has started
    body = copy.deepcopy(CONCERN["body"])
    body.update(
        concern_types=["neglect", "domestic_abuse"],
        summary="A scald seen at the emergency department on 8 December; weight below the 2nd centile again; the mother's partner, the alleged perpetrator of the November domestic abuse incident, now lives in the home.",
        in_referrers_words="Kai is not growing and there is now a man in the home whom the police were called to in November.",
        risk_level="high",
    )
    body["observations"] = [{
        "observed": "2013-12-09", "observed_by": "Health visitor", "child_seen": True, "source": "seen",
        "description": "Home visit after the emergency department attendance. Kai weighed 8.6 kg; a healing scald on his left forearm. A man introduced as the mother's partner was at the home and answered for her.",
    }]
    body["non_engagement"] = []
    body.pop("abuse_categories", None)  # child protection plan categories: not on a referral
    doc["body"] = body
    return doc


CONCERN_ID = uid("household-concern")
DISCUSSION_ID = uid("strategy-discussion")
CONFERENCE_ID = uid("initial-conference")


def strategy_discussion() -> dict[str, Any]:
    doc = envelope("strategy-discussion", created="2013-12-10T16:00:00Z", sender=MASH, practitioner=HELEN,
                   recipients=[CSC, POLICE, HV, GP], decided_at="2013-12-10T15:50:00Z",
                   why="The agencies at the strategy discussion and children's social care, which holds the enquiry and the conference, need its record.",
                   in_reply_to=CONCERN_ID)
    doc["type"] = "strategy_discussion"
    doc["body"] = {
        "concern_id": CONCERN_ID, "held_at": "2013-12-10T14:00:00Z",
        "attendees": [
            {"agency": MASH, "role": "MASH team manager (chair)"},
            {"agency": CSC, "role": "Social worker"},
            {"agency": POLICE, "role": "Detective sergeant, child abuse investigation"},
            {"agency": HV, "role": "Health visitor"},
            {"agency": GP, "role": "GP safeguarding lead", "attended": False},
        ],
        "outcome": "section_47_enquiry", "section_47_started": True,
        "summary": "Faltering growth, a scald without a consistent account, missed appointments and a man with a history of domestic abuse now in the home: reasonable cause to suspect significant harm. A single-agency section 47 enquiry by children's social care, with police checks.",
        "actions": "Social worker to see Kai and his brother within 24 hours; GP to send a written report; police to share incident history; initial conference to be booked.",
    }
    return doc


def initial_conference() -> dict[str, Any]:
    doc = envelope("initial-conference", created="2013-12-20T15:00:00Z", sender=CSC, practitioner=PAUL,
                   recipients=[MASH, POLICE, HV, GP], decided_at="2013-12-20T14:45:00Z",
                   why="Every agency at the conference carries out part of the plan.", in_reply_to=DISCUSSION_ID)
    doc["type"] = "child_protection_conference"
    doc["body"] = {
        "kind": "initial", "held_at": "2013-12-20T10:00:00Z", "clock_started_at": "2013-12-10T14:00:00Z",
        "attendees": [
            {"agency": CSC, "role": "Independent conference chair"},
            {"agency": CSC, "role": "Social worker"},
            {"agency": POLICE, "role": "Detective sergeant"},
            {"agency": HV, "role": "Health visitor"},
            {"agency": GP, "role": "GP", "attended": False},
        ],
        "decision": "plan", "categories": ["NEG"], "next_review_by": "2014-03-20",
        "summary": "Kai has suffered, and is likely to suffer, significant harm through neglect: faltering growth, missed health care and an unsafe home. A child protection plan under neglect; core group within 10 working days.",
    }
    return doc


def plan_status() -> dict[str, Any]:
    doc = envelope("plan-status-started", created="2013-12-20T15:30:00Z", sender=CSC, practitioner=PAUL,
                   recipients=[ED, HV, GP, MASH, POLICE], decided_at="2013-12-20T15:20:00Z",
                   why="Every agency that holds Kai's case must know he is now on a child protection plan, so that a missed appointment or an attendance is acted on.",
                   in_reply_to=CONFERENCE_ID)
    doc["type"] = "plan_status"
    doc["body"] = {
        "plan": "child_protection", "status": "started", "started_on": "2013-12-20", "categories": ["NEG"],
        "conference_id": CONFERENCE_ID, "next_review_by": "2014-03-20", "lead_agency": CSC,
    }
    return doc


def section_47_outcome() -> dict[str, Any]:
    doc = envelope("section-47-outcome", created="2013-12-19T12:00:00Z", sender=CSC, practitioner=PAUL,
                   recipients=[MASH, POLICE, HV, GP], decided_at="2013-12-19T11:50:00Z",
                   why="The agencies at the strategy discussion must know the enquiry's outcome before the conference.",
                   in_reply_to=DISCUSSION_ID)
    doc["type"] = "section_47_outcome"
    doc["body"] = {
        "strategy_discussion_id": DISCUSSION_ID, "started_at": "2013-12-10T14:00:00Z", "completed_on": "2013-12-18",
        "outcome": "substantiated_conference",
        "summary": "Concerns of neglect substantiated; Kai is judged to be at continuing risk of significant harm. An initial child protection conference is convened for 20 December 2013.",
    }
    return doc


BEDFORD_CSC = "la:E06000055/childrens-social-care"
AMY = {"name": "Amy Fictional", "role": "Social worker", "team": "Children's Services, Bedford (example)"}


def transfer_in() -> dict[str, Any]:
    doc = envelope("transfer-in", created="2013-02-18T10:00:00Z", sender=BEDFORD_CSC, practitioner=AMY,
                   recipients=[CSC], decided_at="2013-02-18T09:50:00Z",
                   why="Kai is on a child-in-need plan in Bedford and his family has moved into Luton: Luton's children's social care must take the plan on.")
    doc["subject"] = copy.deepcopy(SUBJECT)  # the household as Bedford knew it
    doc["thread"] = {"case_reference": "EX-BED-2012-0219"}
    doc["lawful_basis"]["statutory_gateways"] = ["children_act_1989_s17", "children_act_2004_s11"]  # a CIN plan
    doc["type"] = "transfer_in"
    doc["body"] = {
        "from_authority": "la:E06000055", "to_authority": "la:E06000032", "notified_at": "2013-02-18T10:00:00Z",
        "moved_on": "2013-02-15", "plan": "child_in_need",
        "summary": "The family moved to Luton on 15 February to live with the maternal grandmother. Kai has been on a child-in-need plan since his mother's postnatal depression; the plan and a chronology follow by secure email.",
    }
    return doc


def case_closure() -> dict[str, Any]:
    doc = envelope("case-closure", created="2013-11-20T16:20:00Z", sender=CSC, practitioner=PAUL,
                   recipients=[HV, GP], decided_at="2013-11-20T16:15:00Z",
                   why="The health visitor and the GP must know that social care has closed the case and that early help now supports the family.",
                   in_reply_to=CONCERN["id"])
    doc["subject"] = copy.deepcopy(SUBJECT)
    doc["lawful_basis"]["statutory_gateways"] = ["children_act_1989_s17", "children_act_2004_s11"]  # no s47 enquiry
    doc["type"] = "case_closure"
    doc["body"] = {
        "concern_id": CONCERN["id"], "closed_on": "2013-11-20", "reason": "RC9", "step_down_to": "early_help",
        "summary": "Closed after the child and family assessment and referred to early help; the health visitor should tell early help at once of any further missed appointment or weight loss.",
    }
    return doc


FILES = {
    "30-concern-health-visitor-household.json": concern,
    "31-strategy-discussion-mash.json": strategy_discussion,
    "32-child-protection-conference-initial.json": initial_conference,
    "33-plan-status-child-protection-started.json": plan_status,
    "34-section-47-outcome-social-care.json": section_47_outcome,
    "35-transfer-in-from-bedford.json": transfer_in,
    "36-case-closure-stepped-down-to-early-help.json": case_closure,
}


def main() -> None:
    for name, build in FILES.items():
        document = build()
        canonical = json.loads(codec.dumps(validate(json.dumps(document).encode(), strict=True)))
        (OUT / name).write_text(json.dumps(canonical, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(len(FILES), "messages written")


if __name__ == "__main__":
    main()
