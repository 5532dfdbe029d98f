"""Write examples/messages/*.json: the fictional story shaped like the Child E review.

Run from the repository root: ``.venv/bin/python examples/generate/messages.py``.
Every person, identifier and event here is invented (see examples/README.md).
Each message is validated strictly (no warnings) and written as the library
writes it (``codec.dumps``), indented for reading. Afterwards, run
``examples/generate/invalid.py``, which breaks copies of these messages.
"""

# The story is prose: its lines are as long as its sentences.
# ruff: noqa: E501

from __future__ import annotations

import copy
import datetime as dt
import json
import pathlib
import uuid

from concernshare import codec
from concernshare.records import RecipientRole
from concernshare.routing.views import BUILTIN_VIEWS, categories_for, redact
from concernshare.validation import validate

OUT = pathlib.Path(__file__).resolve().parent.parent / "messages"
NS = uuid.UUID("6b1f0c52-94f1-4c55-8a0e-2d3c4b5a6f70")


def uid(name: str) -> str:
    """A stable id for each message, shaped as a random (version 4) UUID."""
    return str(uuid.UUID(bytes=uuid.uuid5(NS, name).bytes, version=4))


def ts(text: str) -> str:
    return text + ":00Z" if len(text) == 16 else text


def later(text: str, minutes: int) -> str:
    t = dt.datetime.fromisoformat(ts(text).replace("Z", "+00:00")) + dt.timedelta(minutes=minutes)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- Agencies (ODS codes, URN and police force code are illustrative, not real) -------------
HV = "ods:Y99HV/health-visiting"
GP = "ods:Y99GP"
DIET = "ods:Y99AC/paediatric-dietetics"
ED = "ods:Y99AC/emergency-department"
MW = "ods:Y99AC/midwifery"
MASH = "la:E06000032/mash"
CSC = "la:E06000032/childrens-social-care"
LA = "la:E06000032"
POLICE = "police:99"
SCHOOL = "school:999101"

# --- People (all invented) -----------------------------------------------------------------
KAI_NHS = "9990000026"
TYLER_NHS = "9990000034"
LEANNE_NHS = "9990000042"
PAULINE_NHS = "9990000050"
TYLER_UPN = "N821400106001"

HOME = {"lines": ["14 Example Close", "Luton"], "postcode": "LU9 9ZZ", "current": True}

MOTHER = {
    "relationship": "parent",
    "name": {"given": "Leanne", "family": "Ashdown"},
    "birth_date": "1991-08-19",
    "identifiers": {"nhs_number": LEANNE_NHS},
    "parental_responsibility": "yes",
    "lives_with_child": "yes",
    "health": "Low mood since Kai's birth; her GP has treated her for depression since late 2012.",
}
GRANDMOTHER = {
    "relationship": "carer",
    "name": {"given": "Pauline", "family": "Ashdown"},
    "birth_date": "1966-01-30",
    "identifiers": {"nhs_number": PAULINE_NHS},
    "parental_responsibility": "no",
    "lives_with_child": "yes",
    "notes": "Maternal grandmother; looks after Kai during the day while his mother sleeps or is out.",
}
FATHER = {
    "relationship": "parent",
    "name": {"given": "Liam", "family": "Carter"},
    "birth_date": "1989-02-14",
    "parental_responsibility": "yes",
    "lives_with_child": "no",
    "notes": "Kai's father, named on his birth certificate (so he has parental responsibility). Lives in Dunstable and sees Kai most weekends; no agency had spoken to him by September 2013.",
}
BROTHER = {
    "relationship": "sibling",
    "name": {"given": "Tyler", "family": "Ashdown"},
    "birth_date": "2006-05-11",
    "identifiers": {"nhs_number": TYLER_NHS},
    "parental_responsibility": "no",
    "lives_with_child": "yes",
}
EX_PARTNER = {
    "relationship": "alleged_perpetrator",
    "name": {"given": "Dean", "family": "Rourke"},
    "birth_date": "1988-10-02",
    "identifiers": {"police_reference": "EX-99-P-0088213"},
    "parental_responsibility": "no",
    "lives_with_child": "no",
    "notes": "The mother's former partner; not the father of either child. Visits the home.",
    "offending": "Two police-attended domestic abuse incidents with a previous partner (2010 and 2011); no charges.",
}

KAI = {
    "name": {"given": "Kai", "family": "Ashdown"},
    "birth_date": "2012-03-04",
    "sex": "male",
    "first_language": "en",
    "addresses": [HOME],
    "identifiers": {
        "nhs_number": KAI_NHS,
        "local_ids": [{"agency": LA, "value": "EX-C-204117"}],
    },
    "local_authority": LA,
    "gp_practice": GP,
    "related_people": [MOTHER, GRANDMOTHER, BROTHER, FATHER],
}

TYLER = {
    "name": {"given": "Tyler", "family": "Ashdown"},
    "birth_date": "2006-05-11",
    "sex": "male",
    "first_language": "en",
    "addresses": [HOME],
    "identifiers": {"nhs_number": TYLER_NHS, "upn": TYLER_UPN},
    "local_authority": LA,
    "school": SCHOOL,
    "gp_practice": GP,
    "related_people": [
        MOTHER,
        EX_PARTNER,
        {**BROTHER, "name": {"given": "Kai", "family": "Ashdown"}, "birth_date": "2012-03-04",
         "identifiers": {"nhs_number": KAI_NHS}},
    ],
}

UNBORN = {
    "unborn": True,
    "expected_delivery_date": "2014-05-20",
    "mother": {"nhs_number": LEANNE_NHS},
    "sex": "not_known",
    "addresses": [HOME],
    "local_authority": LA,
    "gp_practice": GP,
    "related_people": [
        MOTHER,
        GRANDMOTHER,
        {**BROTHER, "name": {"given": "Kai", "family": "Ashdown"}, "birth_date": "2012-03-04",
         "identifiers": {"nhs_number": KAI_NHS}},
        BROTHER,
    ],
}

# --- Practitioners (all invented; phone numbers from Ofcom's drama range) -----------------
SARAH = {"name": "Sarah Whitlock", "role": "Health visitor", "team": "0-19 Health Visiting, Luton South",
         "contact": {"phone": "01632 960101", "email": "hv.luton-south@example.org"}}
RUTH = {"name": "Ruth Okafor", "role": "Named nurse for safeguarding children",
        "team": "Safeguarding Children Team"}
DANIEL = {"name": "Daniel Price", "role": "MASH duty social worker", "team": "Multi-Agency Safeguarding Hub",
          "contact": {"phone": "01632 960200", "email": "mash@example.org"}}
HELEN = {"name": "Helen Marsh", "role": "MASH team manager", "team": "Multi-Agency Safeguarding Hub",
         "contact": {"phone": "01632 960201"}}
IMRAN = {"name": "Imran Qureshi", "role": "General practitioner, practice safeguarding lead",
         "team": "Example Road Surgery", "contact": {"phone": "01632 960310"}}
GRACE = {"name": "Grace Mensah", "role": "Social worker", "team": "Assessment Team 2",
         "contact": {"phone": "01632 960222", "email": "assessment2@example.org"}}
PAUL = {"name": "Paul Hendry", "role": "Team manager", "team": "Assessment Team 2"}
JOANNE = {"name": "Joanne Fisk", "role": "Police constable", "team": "Response, Luton",
          "contact": {"phone": "01632 960400"}}
ALAN = {"name": "Alan Carver", "role": "Detective sergeant", "team": "Public Protection Unit"}
CLAIRE = {"name": "Claire Dunmore", "role": "Paediatric liaison nurse",
          "team": "Emergency Department", "contact": {"phone": "01632 960500"}}
MARGARET = {"name": "Margaret Osei", "role": "Designated safeguarding lead", "team": "Example Primary School"}
AMINA = {"name": "Amina Yusuf", "role": "Community midwife", "team": "Safeguarding Midwifery Team",
         "contact": {"phone": "01632 960600", "email": "midwifery.safeguarding@example.org"}}

CASE = "EX-2013-0147"

HEALTH_BASIS = {
    "conditions": ["uk_gdpr_6_1_e", "uk_gdpr_9_2_g_dpa_sch1_18"],
    "confidentiality": "overriding_public_interest",
    "statutory_gateways": ["children_act_2004_s11"],
    "consent": "not_sought",
    "consent_not_sought_reason": "would_prejudice",
    "without_consent_ground": "para_18_2_c_would_prejudice_the_protection",
    "shared_without_consent_by": RUTH,
    "notes": "Shared under the Luton multi-agency information-sharing agreement (exercise copy).",
}
# No section 47 enquiry was ever started in this story (the strategy discussion decided against one),
# so no message cites s47 as its gateway: the front door works under s17 and the partners under s11.
LA_BASIS = {
    "conditions": ["uk_gdpr_6_1_e", "uk_gdpr_9_2_g_dpa_sch1_18"],
    "confidentiality": "not_confidential",
    "statutory_gateways": ["children_act_1989_s17", "children_act_2004_s11"],
    "consent": "not_sought",
    "consent_not_sought_reason": "would_prejudice",
    "without_consent_ground": "para_18_2_c_would_prejudice_the_protection",
    "shared_without_consent_by": HELEN,
}
CIN_BASIS = {
    "conditions": ["uk_gdpr_6_1_e", "uk_gdpr_9_2_h_dpa_sch1_2"],
    "confidentiality": "consent",
    "statutory_gateways": ["children_act_1989_s17", "children_act_2004_s11"],
    "consent": "given",
    "consent_sought_from": ["parent_with_parental_responsibility"],
}


def message(  # noqa: PLR0917 -- one call per file reads best as the envelope's fields in order
        name: str, kind: str, created: str, sender: str, practitioner: dict, recipients: list[str],
        subject: dict, body: dict, *, basis: dict, decided_by: dict, decided_at: str, why: str,
        thread: dict | None = None, markings: tuple[str, ...] = (), view: dict | None = None,
        extensions: dict | None = None, mid: str | None = None) -> dict:
    doc: dict = {
        "format_version": "1.1",
        "id": mid or uid(name),
        "type": kind,
        "created": ts(created),
        "sent": later(created, 3),
        "status": "exercise",
        "sender": {"agency": sender, "practitioner": practitioner},
        "recipients": recipients,
        "subject": copy.deepcopy(subject),
        "handling": {"classification": "OFFICIAL", "caveat": "SENSITIVE", "markings": list(markings)},
        "lawful_basis": basis,
        "sharing_decision": {
            "decided_by": decided_by,
            "decided_at": ts(decided_at),
            "necessary_and_proportionate": why,
        },
        "thread": {"case_reference": CASE, **(thread or {})},
    }
    if view is not None:
        doc["view"] = view
    doc["body"] = body
    if extensions:
        doc["extensions"] = extensions
    return doc


FILES: list[tuple[str, dict]] = []

# 01 ---------------------------------------------------------------------------------------
CONCERN = uid("01-concern")
WNB = [
    {
        "date": "2013-05-22",
        "service": "Health visiting",
        "appointment": "Weight review at the child health clinic",
        "kind": "was_not_brought",
        "impact_on_child": "Kai's weight had already fallen from the 25th to the 9th centile; without this review his growth went unmeasured for almost four months.",
        "challenged": True,
        "challenged_by": "Health visitor",
        "response": "His mother said on the telephone that she had forgotten; a new appointment was offered.",
        "source_record_reference": "HV-APPT-55120",
    },
    {
        "date": "2013-07-03",
        "service": "Paediatric dietetics",
        "appointment": "First dietetic appointment after the GP's referral for faltering growth",
        "kind": "was_not_brought",
        "impact_on_child": "Kai's diet has not been assessed by a dietitian, so nobody knows what he is eating each day.",
        "challenged": False,
        "source_record_reference": "DIET-REF-3381",
    },
    {
        "date": "2013-09-04",
        "service": "Health visiting",
        "appointment": "12-month development review (already rebooked twice)",
        "kind": "was_not_brought",
        "impact_on_child": "Kai's development has not been reviewed since he was eight months old; delays in speech and movement may be going unnoticed.",
        "challenged": True,
        "challenged_by": "Health visitor",
        "response": "His grandmother said at the door that he was asleep and declined to rebook; she did not let the health visitor see him.",
        "source_record_reference": "HV-APPT-58841",
    },
]
FILES.append(("01-concern-health-visitor-neglect.json", message(
    "01-concern", "concern", "2013-09-16T13:05", HV, SARAH, [MASH], KAI,
    {
        "referral_requested": True,
        "concern_types": ["neglect", "non_engagement"],
        "in_referrers_words": "I am worried that Kai is not being fed enough and that his health needs are not being met. He has been losing weight for four months and he is not being brought to the appointments meant to find out why.",
        "suspected_factors": ["16A", "4B"],
        "risk_level": "high",
        "immediate_danger": False,
        "child_safe_now": "unknown",
        "child_location": "At home with his mother and maternal grandmother",
        "summary": "Faltering growth in an 18-month-old (weight now below the 2nd centile), three appointments he was not brought to since May, and a home with little food seen on the last visit. Health visiting asks for a child and family assessment.",
        "observations": [
            {
                "observed": "2013-09-12",
                "observed_by": "Health visitor",
                "child_seen": True,
                "source": "seen",
                "description": "Home visit. Kai weighed 8.4 kg (below the 2nd centile; 9th centile in March). He was pale and quiet, in a heavily soiled nappy, and had a nappy rash with broken skin. The kitchen had no food for a toddler in it; his mother said she shops daily.",
            },
            {
                "observed": "2013-08",
                "observed_by": "Health visitor",
                "child_seen": False,
                "source": "third_party",
                "description": "A neighbour told the health visitor that Kai is rarely seen outside and that she hears him crying for long periods in the afternoons.",
                "informant": "Neighbour at number 12",
            },
        ],
        "non_engagement": WNB,
        "childs_voice": "Kai is 18 months old and does not yet use words. At the visit he made very few sounds, did not babble or point, and did not turn to his mother when he fell. He took a breadstick from the health visitor's bag and ate it quickly, reaching for another.",
        "parents_aware": False,
        "parents_not_aware_reason": "The health visitor's safeguarding supervisor advised not to tell the mother and grandmother before the MASH has checked the household: after each challenge so far the family has avoided the next contact, and telling them now could stop Kai being seen.",
        "other_agencies": [
            {"agency": GP, "name": "Example Road Surgery", "involvement": "Registered GP; referred Kai to paediatric dietetics in June 2013."},
            {"agency": DIET, "name": "Paediatric dietetics", "involvement": "Referral accepted; first appointment missed in July 2013."},
            {"agency": SCHOOL, "name": "Example Primary School", "involvement": "Kai's older brother attends the school."},
        ],
        "actions_taken": "Discussed in safeguarding supervision on 13 September 2013. Weight plotted and shared with the GP. Weekly home visits arranged until the MASH decides.",
        "feedback_wanted": True,
    },
    basis=HEALTH_BASIS, decided_by=RUTH, decided_at="2013-09-13T15:30",
    why="Kai's weight is falling and the family does not bring him to the services that could find out why; only children's social care can assess the care he receives at home. The MASH needs the observations and the missed appointments to decide; nothing beyond that is shared.",
    extensions={"uk.example.luton:hv_system_ref": "SYSTM-EX-77120"},
    mid=CONCERN,
)))

# 02 ---------------------------------------------------------------------------------------
ACK = uid("02-ack")
FILES.append(("02-acknowledgement-mash-accepted.json", message(
    "02-ack", "acknowledgement", "2013-09-16T14:20", MASH, DANIEL, [HV], KAI,
    {
        "message_id": CONCERN,
        "received_at": "2013-09-16T13:09:00Z",
        "received_by": DANIEL,
        "outcome": "accepted",
        "next_steps": "The MASH will check partner agencies' records and a manager will decide on the referral within one working day.",
        "next_steps_due": "2013-09-17T17:00:00Z",
    },
    basis=LA_BASIS, decided_by=DANIEL, decided_at="2013-09-16T14:15",
    why="The referrer needs to know the concern arrived and when a decision is due.",
    thread={"in_reply_to": CONCERN}, mid=ACK,
)))

# 03 ---------------------------------------------------------------------------------------
DECISION = uid("03-decision")
REFERRAL_AT = "2013-09-17T09:30:00Z"
FILES.append(("03-decision-mash-strategy-discussion.json", message(
    "03-decision", "decision", "2013-09-17T11:40", MASH, HELEN, [HV, GP], KAI,
    {
        "concern_id": CONCERN,
        "contact_or_referral": "referral",
        "referral_at": REFERRAL_AT,
        "referral_source": "3B",
        "outcome": "strategy_discussion",
        "reasons": "Faltering growth with no explanation, repeated missed health appointments that were challenged without effect, and a home with little food: there is reasonable cause to suspect that Kai is suffering significant harm through neglect. A strategy discussion with health and police will decide whether to start section 47 enquiries.",
        "primary_need": "N1",
        "feedback_to_referrer": "Accepted as a referral. A strategy discussion is set for 19 September 2013; health visiting and the GP are asked to attend and to bring their chronologies.",
        "decided_by": HELEN,
        "decided_at": "2013-09-17T11:30:00Z",
    },
    basis=LA_BASIS, decided_by=HELEN, decided_at="2013-09-17T11:35",
    why="The referrer asked for feedback, and the GP and health visitor must attend the strategy discussion.",
    thread={"in_reply_to": CONCERN}, mid=DECISION,
)))

# 04 ---------------------------------------------------------------------------------------
REQUEST = uid("04-request")
FILES.append(("04-information-request-mash-to-gp.json", message(
    "04-request", "information_request", "2013-09-17T12:10", MASH, DANIEL, [GP, POLICE], KAI,
    {
        "asked": "Everything your records hold since Kai's birth that bears on his growth, feeding, health appointments and home circumstances, and anything known about the adults in the household that affects their care of him.",
        "purpose": "A strategy discussion on 19 September 2013 will decide whether to start section 47 enquiries about suspected neglect; until it does, the MASH acts under section 17.",
        "asked_of": [GP, POLICE],
        "respond_by": "2013-09-18T16:00:00Z",
    },
    basis=LA_BASIS, decided_by=HELEN, decided_at="2013-09-17T11:50",
    why="The strategy discussion cannot weigh the risk to Kai without the GP's and the police's records; only what bears on his care is asked.",
    thread={"in_reply_to": DECISION}, mid=REQUEST,
)))

# chronology entries shared by the GP --------------------------------------------------------
E_BIRTH = {
    "event_date": "2012-03-04", "recorded_date": "2012-03-12", "source_agency": GP,
    "author_role": "Practice nurse", "event_type": "birth",
    "summary": "Born at 38 weeks, birth weight 3.1 kg (50th centile). Registered with the practice.",
    "significance": "The baseline against which Kai's later loss of weight is measured.",
    "child_seen": "yes", "impact": "neutral", "source_record_reference": "EMIS-EX-100231",
}
E_IMMS = {
    "event_date": "2012", "recorded_date": "2013-01-15", "source_agency": GP,
    "author_role": "Practice nurse", "event_type": "appointment",
    "summary": "Primary immunisations: two of the three sets were given late, after reminder letters. Exact dates were lost when the records were summarised.",
    "significance": "An early sign that Kai was not always brought to routine health care.",
    "child_seen": "yes", "impact": "negative",
}
E_CALL = {
    "event_date": "2013-05", "recorded_date": "2013-05-31", "source_agency": GP,
    "author_role": "Receptionist", "event_type": "health_attendance",
    "summary": "Telephone call from Kai's mother about his poor appetite; she was advised to see the health visitor at the clinic. The day of the call was not recorded.",
    "significance": "His mother knew by May 2013 that Kai was not eating well.",
    "child_seen": "no", "action_taken": "Advice given; health visitor told by task.", "impact": "neutral",
}
E_GP_APPT = {
    "event_date": "2013-06-11", "recorded_date": "2013-06-11", "source_agency": GP,
    "author_role": "General practitioner", "event_type": "appointment",
    "summary": "Seen with his grandmother. Weight 8.9 kg, now on the 9th centile (50th at birth). No illness found to explain it. Referred to paediatric dietetics.",
    "significance": "Faltering growth confirmed by a doctor, with no medical cause found.",
    "child_seen": "yes", "action_taken": "Referral to paediatric dietetics.",
    "outcome": "Referral accepted; first appointment missed on 3 July 2013.",
    "impact": "negative", "source_record_reference": "EMIS-EX-118764",
}
E_GP_DNA = {
    "event_date": "2013-08-20", "recorded_date": "2013-08-20", "source_agency": GP,
    "author_role": "General practitioner", "event_type": "non_engagement",
    "summary": "Not brought to the GP review of his weight.",
    "significance": "The third health appointment about Kai's weight that he was not brought to since May 2013, counting those of other services (health visiting in May, dietetics in July).",
    "child_seen": "no", "action_taken": "Letter sent to his mother offering another appointment.",
    "outcome": "No reply by the date of this chronology.",
    "impact": "negative", "source_record_reference": "EMIS-EX-121077",
}
E_CARER = {
    "event_date": "2013", "recorded_date": "2013-06-11", "source_agency": GP,
    "author_role": "General practitioner", "event_type": "household_change",
    "summary": "His grandmother told the GP that she had become Kai's main carer in the daytime 'earlier this year'; the month is not known.",
    "significance": "The adult bringing Kai to appointments and feeding him changed during the months his weight fell.",
    "child_seen": "yes", "impact": "neutral",
}

# 05 ---------------------------------------------------------------------------------------
RESPONSE = uid("05-response")
FILES.append(("05-information-response-gp.json", message(
    "05-response", "information_response", "2013-09-18T10:45", GP, IMRAN, [MASH], KAI,
    {
        "request_id": REQUEST,
        "nothing_known": False,
        "information": "Kai's weight has fallen from the 50th centile at birth to the 9th in June 2013; no medical cause was found. He was not brought to the GP review in August. His mother is registered with the practice; nothing in her record bears on her care of him beyond what the chronology shows.",
        "entries": [E_GP_APPT, E_GP_DNA],
    },
    basis=HEALTH_BASIS,
    decided_by=IMRAN, decided_at="2013-09-18T10:30",
    why="The strategy discussion needs the GP's view of Kai's growth and attendance; only the entries that answer the request are shared.",
    thread={"in_reply_to": REQUEST}, mid=RESPONSE,
)))
# The GP practice weighs the share against the Caldicott principles; its Caldicott Guardian signs it off.
FILES[-1][1]["sharing_decision"] |= {
    "caldicott_principles": [
        "1_justify_the_purpose", "3_use_the_minimum_necessary", "4_access_on_a_strict_need_to_know_basis",
        "7_the_duty_to_share_for_individual_care_is_as_important_as_the_duty_to_protect",
    ],
    "caldicott_guardian_sign_off": {
        "by": {"name": "Nadia Hollins", "role": "Caldicott Guardian, GP partner", "team": "Example Road Surgery"},
        "at": "2013-09-18T10:40:00Z",
    },
}

# 06 ---------------------------------------------------------------------------------------
CHRONO = uid("06-chronology")
FILES.append(("06-chronology-gp.json", message(
    "06-chronology", "chronology", "2013-09-18T11:20", GP, IMRAN, [MASH, HV], KAI,
    {"entries": [E_BIRTH, E_IMMS, E_CARER, E_CALL, E_GP_APPT, E_GP_DNA]},
    basis=HEALTH_BASIS,
    decided_by=IMRAN, decided_at="2013-09-18T11:10",
    why="A referral has been made: the multi-agency chronology for the strategy discussion needs the GP's entries, and the health visitor holding the case needs the same picture.",
    thread={"in_reply_to": DECISION}, mid=CHRONO,
)))

# 06 (school) ------------------------------------------------------------------------------
SCHOOL_GATE = {
    "event_date": "2013-06", "recorded_date": "2013-06-28", "source_agency": SCHOOL,
    "author_role": "Designated safeguarding lead", "event_type": "other",
    "summary": "Kai was brought to the school gate in a buggy by his grandmother at collection time on several days; staff noticed he looked pale and thin and was often in the same clothes.",
    "significance": "Kai has no setting of his own: school staff were among the few professionals who saw him outside health appointments.",
    "child_seen": "yes", "impact": "negative", "source_record_reference": "CPOMS-EX-3391",
}
SCHOOL_TYLER = {
    "event_date": "2013-09-09", "recorded_date": "2013-09-09", "source_agency": SCHOOL,
    "author_role": "Designated safeguarding lead", "event_type": "education",
    "summary": "Kai's brother said at breakfast club that there was 'no food at home' for the baby and that he shares his cereal with him.",
    "significance": "What an older sibling says about food at home bears directly on the concern about Kai's weight.",
    "child_seen": "no", "impact": "negative", "action_taken": "Recorded and discussed with the headteacher; the school was not aware of the health visiting concern.",
    "source_record_reference": "CPOMS-EX-3417",
}
FILES.append(("06-chronology-school.json", message(
    "06-chronology-school", "chronology", "2013-09-18T14:05", SCHOOL, MARGARET, [MASH], KAI,
    {"entries": [SCHOOL_GATE, SCHOOL_TYLER]},
    basis={**LA_BASIS, "statutory_gateways": ["children_act_2004_s11"], "shared_without_consent_by": MARGARET},
    decided_by=MARGARET, decided_at="2013-09-18T13:50",
    why="The MASH asked the agencies that know the family for what they hold; the school saw Kai at the gate and heard from his brother about food at home.",
    thread={"in_reply_to": DECISION}, mid=uid("06-chronology-school"),
)))

# 07 ---------------------------------------------------------------------------------------
UPDATE = uid("07-update")
FILES.append(("07-update-health-visitor-paediatric-clinic-was-not-brought.json", message(
    "07-update", "update", "2013-10-09T09:15", HV, SARAH, [MASH, CSC], KAI,
    {
        "concern_id": CONCERN,
        "what_changed": "Kai was not brought to the paediatric clinic on 2 October 2013: the fourth missed health appointment that health visiting has reported since May, and the fifth in all counting the GP review of 20 August. His weight has fallen again.",
        "observations": [
            {
                "observed": "2013-10-08",
                "observed_by": "Health visitor",
                "child_seen": True,
                "source": "seen",
                "description": "Home visit with the social worker. Kai weighed 8.2 kg (below the 0.4th centile). He sat without moving for most of the visit. There was yoghurt and bread in the kitchen.",
            },
        ],
        "non_engagement": [
            {
                "date": "2013-10-02",
                "service": "Paediatric outpatients",
                "appointment": "Paediatric clinic for faltering growth",
                "kind": "was_not_brought",
                "impact_on_child": "A paediatrician has still not examined Kai to rule out a medical cause or to start a feeding plan, while his weight keeps falling.",
                "challenged": True,
                "challenged_by": "Health visitor",
                "response": "His mother said she had no money for the bus. Hospital transport was offered for the next appointment and she accepted it.",
                "source_record_reference": "OPD-EX-90215",
            },
        ],
    },
    basis=HEALTH_BASIS, decided_by=SARAH, decided_at="2013-10-09T09:00",
    why="The social worker assessing Kai needs to know at once that another appointment was missed and that his weight has fallen again.",
    thread={"in_reply_to": DECISION}, mid=UPDATE,
)))

# 08 ---------------------------------------------------------------------------------------
GCP = uid("08-gcp2")
FILES.append(("08-assessment-summary-graded-care-profile.json", message(
    "08-gcp2", "assessment_summary", "2013-10-21T15:00", HV, SARAH, [CSC, GP], KAI,
    {
        "tool": "GCP",
        "tool_version": "1",
        "assessor": {"name": "Sarah Whitlock", "role": "Health visitor", "trained": True},
        "assessed_on": "2013-10-18",
        "area_grades": [
            {"area": "physical_care", "grade": 4},
            {"area": "physical_care.nutrition", "grade": 5},
            {"area": "physical_care.health", "grade": 4},
            {"area": "safety", "grade": 3},
            {"area": "love", "grade": 3},
            {"area": "esteem", "grade": 4},
        ],
        "overall_view": "Kai's physical care, above all his feeding and his health care, falls well short of what he needs, and his mother and grandmother do not see that it does. Warmth towards him was seen, but little play or talk. Without change his growth and development will be harmed further.",
        "review_date": "2014-01-17",
    },
    basis=HEALTH_BASIS, decided_by=SARAH, decided_at="2013-10-21T14:45",
    why="The child and family assessment needs a structured view of the care Kai receives; the GP holds his health record. Only the grades and the overall view are shared, not the working notes.",
    thread={"in_reply_to": DECISION}, mid=GCP,
)))

# 09 ---------------------------------------------------------------------------------------
DAN = uid("09-da-notification")
FILES.append(("09-domestic-abuse-notification-police.json", message(
    "09-da-notification", "domestic_abuse_notification", "2013-11-03T10:20", POLICE, JOANNE, [SCHOOL, MASH], TYLER,
    {
        "police_reference": "EX-99-20131102-0431",
        "incident_at": "2013-11-02T22:40:00Z",
        "incident_location": "The family home",
        "child_present": "yes",
        "child_whereabouts": "Upstairs in the bedroom he shares with his younger brother; an officer saw him on arrival.",
        "childs_voice": "Tyler told the officer that he had put his hands over his ears and that his little brother was crying. He asked whether the man would come back.",
        "circumstances": "Police were called by a neighbour to shouting at the family home late on Saturday evening. The mother's former partner had left before officers arrived. Both children were at home. There were no injuries; enquiries continue.",
        "other_safeguarding_information": "Tyler may be tired or unsettled on Monday. Please do not discuss the incident with his mother or her former partner; speak to the police contact first.",
        "police_intelligence": "Third police-attended incident at the address in 2013; the former partner is wanted for questioning about a breach of a non-molestation order held by a previous partner.",
        "setting_notified": SCHOOL,
        "deliver_before": "2013-11-04T08:40:00Z",
    },
    basis={
        "conditions": ["dpa_part3_s35", "dpa_part3_sch8_4"],
        "confidentiality": "not_confidential",
        "statutory_gateways": ["children_act_2004_s11"],
        "consent": "not_sought",
        "consent_not_sought_reason": "not_required",
        "without_consent_ground": "para_18_2_c_would_prejudice_the_protection",
        "shared_without_consent_by": ALAN,
        "notes": "Police notification of a domestic abuse incident at which children were present, made under the local safeguarding board's information-sharing protocol of the time (exercise copy).",
    },
    decided_by=ALAN, decided_at="2013-11-03T09:50",
    why="The school must know before Tyler arrives on Monday so that his designated safeguarding lead can support him; the MASH holds the case of his younger brother. Each receives only what its role needs: the school's view leaves out the adults' health, the police intelligence and the identity of the adult involved.",
    markings=("do_not_approach_parents", "do_not_disclose_to_family"),
    mid=DAN,
)))


def school_view(document: dict) -> dict:
    """The school's need-to-know view of the notification, made as `concernshare send` makes it."""
    full = validate(json.dumps(document).encode(), strict=True)
    denied = categories_for(BUILTIN_VIEWS["education"], [RecipientRole.SCHOOL])
    return json.loads(codec.dumps(redact(full, view="education", denied=denied, recipients=[SCHOOL])))


FILES.append(("09-domestic-abuse-notification-school-view.json", school_view(FILES[-1][1])))

# 10 ---------------------------------------------------------------------------------------
STEP_DOWN = uid("10-decision-step-down")
FILES.append(("10-decision-assessment-concluded-early-help.json", message(
    "10-decision-step-down", "decision", "2013-11-20T16:10", CSC, PAUL, [HV, GP], KAI,
    {
        "concern_id": CONCERN,
        "contact_or_referral": "referral",
        "referral_at": REFERRAL_AT,
        "referral_source": "3B",
        "outcome": "early_help",
        "reasons": "The child and family assessment is complete. The strategy discussion of 19 September 2013 did not start section 47 enquiries. Since late October Kai's mother has let the social worker in and kept the last two appointments offered. The case steps down to early help with a family support worker.",
        "primary_need": "N1",
        "assessment_concluded": True,
        "assessment_factors": ["16A", "3B", "4B"],
        "feedback_to_referrer": "The assessment is complete and the case is closed to children's social care, with early help support from a family support worker from 25 November 2013.",
        "decided_by": PAUL,
        "decided_at": "2013-11-20T15:55:00Z",
    },
    basis=CIN_BASIS, decided_by=PAUL, decided_at="2013-11-20T16:00",
    why="The referrer and the GP must know the outcome of the assessment and who supports the family now.",
    thread={"in_reply_to": CONCERN}, mid=STEP_DOWN,
)))

# 11 ---------------------------------------------------------------------------------------
ESCALATION = uid("11-escalation")
FILES.append(("11-escalation-health-visitor-challenges-step-down.json", message(
    "11-escalation", "escalation", "2013-11-22T10:30", HV, SARAH, [CSC], KAI,
    {
        "challenged_message_id": STEP_DOWN,
        "level": 1,
        "reason": "The decision rests on three weeks of the mother's engagement. It does not weigh the impact on Kai of five missed health appointments, Graded Care Profile grades of 4 and 5 for his physical care, a weight still below the 0.4th centile, or the domestic abuse incident on 2 November at which his brother was present. No paediatrician has yet examined him.",
        "outcome_sought": "Keep the case open to children's social care with a child-in-need plan, hold a strategy discussion if Kai is not brought to the paediatric clinic on 4 December 2013, and repeat the Graded Care Profile in four weeks.",
        "respond_by": "2013-11-27T17:00:00Z",
    },
    basis=HEALTH_BASIS, decided_by=RUTH, decided_at="2013-11-22T10:00",
    why="Under the safeguarding partnership's escalation policy a practitioner who disagrees with a decision raises it first with the team manager who made it.",
    thread={"in_reply_to": STEP_DOWN}, mid=ESCALATION,
)))

# 12, 13 -------------------------------------------------------------------------------------
ACCESS = uid("12-access")
ACCESS_DUP = uid("13-access-duplicate")
ACCESS_BODY = {
    "record_reference": "ED-EX-2013-88412",
    "accessed_by": ED,
    "setting": "emergency_department",
    "accessed_at": "2013-12-08T19:52:00Z",
    "accessor_role": "Emergency department triage nurse",
}
for name, mid, created in (("12-access", ACCESS, "2013-12-08T20:05"),
                           ("13-access-duplicate", ACCESS_DUP, "2013-12-08T20:19")):
    FILES.append((
        "12-access-notification-emergency-department.json" if mid == ACCESS
        else "13-access-notification-duplicate.json",
        message(name, "access_notification", created, ED, CLAIRE, [CSC, HV], KAI, dict(ACCESS_BODY),
                basis=HEALTH_BASIS, decided_by=CLAIRE, decided_at="2013-12-08T20:00",
                why="Children's social care and the health visitor must know that Kai was brought to the emergency department while concerns about neglect are open.",
                mid=mid),
    ))

# 14 ---------------------------------------------------------------------------------------
WITHDRAWAL = uid("14-withdrawal")
FILES.append(("14-withdrawal-duplicate-access-notification.json", message(
    "14-withdrawal", "withdrawal", "2013-12-09T08:45", ED, CLAIRE, [CSC, HV], KAI,
    {
        "message_id": ACCESS_DUP,
        "reason": "duplicate",
        "explanation": "The department's system sent the access notification of 8 December 2013 twice after a connection failure. The first copy stands; this withdraws the second.",
        "permanent": True,
    },
    basis=HEALTH_BASIS, decided_by=CLAIRE, decided_at="2013-12-09T08:40",
    why="Recipients of the duplicate must not count one visit to the emergency department twice.",
    thread={"in_reply_to": ACCESS_DUP}, mid=WITHDRAWAL,
)))

# 15 ---------------------------------------------------------------------------------------
PREBIRTH = uid("15-prebirth")
FILES.append(("15-concern-midwife-unborn-child.json", message(
    "15-prebirth", "concern", "2013-12-12T14:00", MW, AMINA, [MASH, HV], UNBORN,
    {
        "referral_requested": True,
        "concern_types": ["neglect", "non_engagement"],
        "in_referrers_words": "Leanne booked late, at about 17 weeks, after missing her first booking appointment. Her son Kai is the subject of neglect concerns. I am worried about how the baby will be cared for with a toddler who is not thriving.",
        "risk_level": "medium",
        "immediate_danger": False,
        "child_safe_now": "unknown",
        "summary": "Pre-birth referral: late booking, a missed booking appointment, and an older sibling with faltering growth whose case has been stepped down to early help. Midwifery asks for a pre-birth assessment.",
        "observations": [
            {
                "observed": "2013-12-10",
                "observed_by": "Community midwife",
                "child_seen": False,
                "source": "seen",
                "description": "Booking appointment at about 17 weeks. The mother was tired and said she had not told anyone about the pregnancy. She was not taking folic acid or vitamin supplements.",
            },
        ],
        "non_engagement": [
            {
                "date": "2013-11-26",
                "service": "Community midwifery",
                "appointment": "Antenatal booking appointment",
                "kind": "did_not_attend",
                "impact_on_child": "Antenatal screening and care for the baby started about two weeks later than they could have.",
                "challenged": True,
                "challenged_by": "Community midwife",
                "response": "The mother rebooked by telephone the next day and came to the new appointment.",
            },
        ],
        "childs_voice": "The baby is unborn. The mother said she is 'not ready' for another baby but wants to keep it.",
        "parents_aware": True,
        "other_agencies": [
            {"agency": HV, "name": "0-19 Health Visiting", "involvement": "Health visitor for Kai; raised the neglect concern in September 2013."},
            {"agency": GP, "name": "Example Road Surgery", "involvement": "Registered GP for the mother and both children."},
        ],
        "actions_taken": "Discussed with the named midwife for safeguarding. Antenatal appointments booked every two weeks. The mother was told that a referral is being made and why.",
        "feedback_wanted": True,
    },
    basis={
        "conditions": ["uk_gdpr_6_1_e", "uk_gdpr_9_2_h_dpa_sch1_2"],
        "confidentiality": "consent",
        "statutory_gateways": ["children_act_2004_s11", "children_act_1989_s17"],
        "consent": "given",
        "consent_sought_from": ["mother_of_unborn_child"],
    },
    decided_by=AMINA, decided_at="2013-12-12T13:40",
    why="A pre-birth assessment needs to start early enough to plan support before the birth; the health visitor needs to know because she already works with the family.",
    thread={"case_reference": "EX-2013-0231"}, mid=PREBIRTH,
)))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    for name, doc in FILES:
        # Written as the library writes it (canonical members and order), then indented.
        canonical = json.loads(codec.dumps(validate(json.dumps(doc).encode(), strict=True)))
        (OUT / name).write_text(json.dumps(canonical, indent=2, ensure_ascii=False) + "\n",
                                encoding="utf-8")
    print(len(FILES), "written")


if __name__ == "__main__":
    main()
