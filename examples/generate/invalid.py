"""Write examples/invalid/: each case is a valid example with one thing broken.

Run from the repository root after ``examples/generate/messages.py``:
``.venv/bin/python examples/generate/invalid.py``; then ``examples/check.py``
confirms that each case reports its recorded pointer and code. The encoding
cases are written byte for byte.
"""

# The reasons are sentences: their lines are as long as they need to be.
# ruff: noqa: E501

from __future__ import annotations

import copy
import json
import pathlib
from collections.abc import Callable
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "invalid"
# By number, the first file of each number; a need-to-know view of a message shares its number and gets
# a "v" ("09v").
VALID: dict[str, pathlib.Path] = {}
for _path in sorted((ROOT / "messages").glob("*.json")):
    VALID.setdefault(_path.name[:2] + ("v" if "-view" in _path.name else ""), _path)

Doc = dict[str, Any]


def base(number: str) -> Doc:
    return json.loads(VALID[number].read_text(encoding="utf-8"))


def _expect(condition: bool) -> None:
    if not condition:
        raise SystemExit("a valid example changed: update this script")


def pretty(doc: Any) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


CASES: list[tuple[str, str, str, str, str, Callable[[Doc], Any]]] = []


def case(name: str, number: str, pointer: str, code: str, why: str):
    def register(mutate: Callable[[Doc], Any]) -> Callable[[Doc], Any]:
        CASES.append((name, number, pointer, code, why, mutate))
        return mutate

    return register


# ---- strict JSON: the bytes ----------------------------------------------------------------

@case("cs001-malformed-trailing-comma", "02", "", "CS001",
      "A trailing comma after the last member of the body is not JSON.")
def _(d: Doc) -> bytes:
    text = pretty(d)
    marker = '"next_steps_due": "2013-09-17T17:00:00Z"\n'
    _expect(marker in text)
    return text.replace(marker, '"next_steps_due": "2013-09-17T17:00:00Z",\n').encode()


@case("cs001-malformed-truncated", "07", "", "CS001",
      "The document stops half way through, as when a transfer is cut short.")
def _(d: Doc) -> bytes:
    raw = pretty(d).encode()
    return raw[: len(raw) // 2]


@case("cs002-not-utf8", "01", "", "CS002",
      "The file was saved as Latin-1: the e-acute in the practitioner's name is the single byte 0xE9, which is not UTF-8.")
def _(d: Doc) -> bytes:
    d["sender"]["practitioner"]["name"] = "Ren\u00e9e Whitlock"
    return pretty(d).encode("latin-1")


@case("cs002-byte-order-mark", "02", "", "CS002",
      "The document starts with a UTF-8 byte order mark, which RFC 8259 forbids a sender to add.")
def _(d: Doc) -> bytes:
    return b"\xef\xbb\xbf" + pretty(d).encode()


@case("cs002-encoded-surrogate", "01", "", "CS002",
      "The bytes ED A0 80 encode a surrogate code point directly (CESU-8 style), which is not valid UTF-8.")
def _(d: Doc) -> bytes:
    d["body"]["childs_voice"] = "@@SURROGATE@@"
    return pretty(d).encode().replace(b"@@SURROGATE@@", b"Kai \xed\xa0\x80 babbled")


@case("cs003-duplicate-member-top-level", "02", "/status", "CS003",
      "The member status appears twice at the top level; readers disagree on which one wins.")
def _(d: Doc) -> bytes:
    text = pretty(d)
    return text.replace('  "status": "exercise",\n',
                        '  "status": "exercise",\n  "status": "actual",\n', 1).encode()


@case("cs003-duplicate-member-nested", "01", "/subject/related_people/0/identifiers/nhs_number",
      "CS003",
      "The mother's identifiers carry nhs_number twice, deep inside the subject, so readers may join different people.")
def _(d: Doc) -> bytes:
    text = pretty(d)
    old = '"nhs_number": "9990000042"\n'
    _expect(text.count(old) == 1)
    return text.replace(old, '"nhs_number": "9990000042",\n          "nhs_number": "9990000050"\n').encode()


@case("cs004-nan", "08", "/body/area_grades/1/grade", "CS004",
      "NaN is not a JSON number (Python writes it by default).")
def _(d: Doc) -> bytes:
    d["body"]["area_grades"][1]["grade"] = "@@NAN@@"
    return pretty(d).replace('"@@NAN@@"', "NaN").encode()


@case("cs004-infinity", "01", "/extensions/uk.example.luton:weight_kg", "CS004",
      "Infinity is not a JSON number, even inside extensions.")
def _(d: Doc) -> bytes:
    d["extensions"]["uk.example.luton:weight_kg"] = "@@INF@@"
    return pretty(d).replace('"@@INF@@"', "Infinity").encode()


@case("cs004-number-too-large-for-a-double", "11", "/body/level", "CS004",
      "1e400 is valid JSON grammar but overflows a double to infinity, which I-JSON forbids.")
def _(d: Doc) -> bytes:
    d["body"]["level"] = "@@BIG@@"
    return pretty(d).replace('"@@BIG@@"', "1e400").encode()


@case("cs005-lone-surrogate-in-value", "01", "/body/childs_voice", "CS005",
      "The escape \\ud800 is a high surrogate with no low surrogate after it: not a character.")
def _(d: Doc) -> bytes:
    d["body"]["childs_voice"] = "@@LONE@@"
    return pretty(d).replace("@@LONE@@", "Kai made a sound \\ud800 and stopped").encode()


@case("cs005-lone-surrogate-in-key", "01", "/extensions", "CS005",
      "A member name (here an extension key) contains the lone surrogate escape \\ud800; the pointer stops at "
      "the object holding it, since a name that is not plain is never echoed.")
def _(d: Doc) -> bytes:
    d["extensions"]["@@KEY@@"] = "checked"
    return pretty(d).replace("@@KEY@@", "uk.example.luton:note\\ud800").encode()


@case("cs006-integer-too-large", "01", "/extensions/uk.example.luton:record_serial", "CS006",
      "9007199254740993 is beyond 2^53-1: many readers (JavaScript, for one) would silently change it.")
def _(d: Doc) -> Doc:
    d["extensions"]["uk.example.luton:record_serial"] = 9007199254740993
    return d


@case("cs008-nesting-too-deep", "01", "/extensions/uk.example.luton:tree" + "/0" * 30, "CS008",
      "An extension value nested 40 arrays deep; the document passes the limit of 32 levels at the pointer given.")
def _(d: Doc) -> Doc:
    value: Any = []
    for _ in range(39):
        value = [value]
    d["extensions"]["uk.example.luton:tree"] = value
    return d


# ---- the schema ----------------------------------------------------------------------------

@case("cs009-naive-datetime", "01", "/created", "CS009",
      "created has no offset: 13:05 in September could be UTC or British Summer Time.")
def _(d: Doc) -> Doc:
    d["created"] = "2013-09-16T13:05:00"
    return d


@case("cs009-naive-datetime-in-body", "09", "/body/incident_at", "CS009",
      "The incident time has no offset, so the school cannot tell when the incident happened.")
def _(d: Doc) -> Doc:
    d["body"]["incident_at"] = "2013-11-02T22:40:00"
    return d


@case("cs010-missing-sharing-decision", "01", "/sharing_decision", "CS010",
      "Every share must carry the record of the decision to share.")
def _(d: Doc) -> Doc:
    del d["sharing_decision"]
    return d


@case("cs010-missing-significance", "06", "/body/entries/2/significance", "CS010",
      "A chronology entry must say what the event means for the child.")
def _(d: Doc) -> Doc:
    del d["body"]["entries"][2]["significance"]
    return d


@case("cs011-unknown-member-top-level", "01", "/priority", "CS011",
      "priority is not a member of the 1.0 envelope; a private member belongs under extensions.")
def _(d: Doc) -> Doc:
    d["priority"] = "urgent"
    return d


@case("cs011-unknown-member-in-body", "01", "/body/risk_score", "CS011",
      "risk_score is not a member of the concern body.")
def _(d: Doc) -> Doc:
    d["body"]["risk_score"] = 7
    return d


@case("cs012-wrong-type", "01", "/body/immediate_danger", "CS012",
      "immediate_danger is a boolean, not the string \"no\".")
def _(d: Doc) -> Doc:
    d["body"]["immediate_danger"] = "no"
    return d


@case("cs012-not-an-object", "02", "", "CS012",
      "A message is one JSON object; this file wraps it in an array.")
def _(d: Doc) -> list[Doc]:
    return [d]


@case("cs013-null", "01", "/body/child_location", "CS013",
      "null is refused: an unknown optional member is left out.")
def _(d: Doc) -> Doc:
    d["body"]["child_location"] = None
    return d


@case("cs014-unknown-type", "01", "/type", "CS014",
      "\"referral\" is not one of the twelve message types (a referral is a concern with referral_requested true).")
def _(d: Doc) -> Doc:
    d["type"] = "referral"
    return d


@case("cs015-newer-major-version", "01", "/format_version", "CS015",
      "A 1.x reader must refuse format version 2.0 (and answer with a rejected acknowledgement).")
def _(d: Doc) -> Doc:
    d["format_version"] = "2.0"
    return d


@case("cs017-bad-enum", "01", "/body/risk_level", "CS017",
      "very_high is not a risk level; the levels are high, medium, low and not_assessed.")
def _(d: Doc) -> Doc:
    d["body"]["risk_level"] = "very_high"
    return d


@case("cs018-nhs-number-nine-digits", "01", "/subject/identifiers/nhs_number", "CS018",
      "An NHS number has ten digits; this one has nine.")
def _(d: Doc) -> Doc:
    d["subject"]["identifiers"]["nhs_number"] = "999000002"
    return d


@case("cs018-nhs-number-with-spaces", "01", "/subject/identifiers/nhs_number", "CS018",
      "The wire form of an NHS number has no spaces (999 000 0026 is the display form).")
def _(d: Doc) -> Doc:
    d["subject"]["identifiers"]["nhs_number"] = "999 000 0026"
    return d


@case("cs018-uppercase-uuid", "01", "/id", "CS018",
      "Ids are written in lower case so that they compare as strings.")
def _(d: Doc) -> Doc:
    d["id"] = d["id"].upper()
    return d


@case("cs018-bad-agency-id", "01", "/recipients/0", "CS018",
      "la: takes a GSS code, not a council's name.")
def _(d: Doc) -> Doc:
    d["recipients"] = ["la:Luton/mash"]
    return d


@case("cs018-district-council", "01", "/subject/local_authority", "CS018",
      "E07 codes are district councils, which have no children's services, so the la: pattern refuses them.")
def _(d: Doc) -> Doc:
    d["subject"]["local_authority"] = "la:E07000099"
    return d


@case("cs018-partial-date-out-of-calendar", "06", "/body/entries/1/event_date", "CS018",
      "A partial date must still be a calendar date: there is no thirteenth month.")
def _(d: Doc) -> Doc:
    d["body"]["entries"][1]["event_date"] = "2012-13"
    return d


@case("cs019-empty-string", "01", "/body/in_referrers_words", "CS019",
      "The concern in the referrer's own words cannot be empty.")
def _(d: Doc) -> Doc:
    d["body"]["in_referrers_words"] = ""
    return d


@case("cs019-string-too-long", "02", "/thread/case_reference", "CS019",
      "A case reference is at most 64 characters.")
def _(d: Doc) -> Doc:
    d["thread"]["case_reference"] = "EX-2013-0147-" + "X" * 60
    return d


@case("cs020-no-recipients", "01", "/recipients", "CS020",
      "A message must name at least one recipient.")
def _(d: Doc) -> Doc:
    d["recipients"] = []
    return d


@case("cs020-no-concern-types", "01", "/body/concern_types", "CS020",
      "A concern must name at least one concern type.")
def _(d: Doc) -> Doc:
    d["body"]["concern_types"] = []
    return d


@case("cs021-grade-six", "08", "/body/area_grades/0/grade", "CS021",
      "Graded Care Profile grades run from 1 to 5.")
def _(d: Doc) -> Doc:
    d["body"]["area_grades"][0]["grade"] = 6
    return d


@case("cs021-escalation-level-zero", "11", "/body/level", "CS021",
      "Escalation levels start at 1.")
def _(d: Doc) -> Doc:
    d["body"]["level"] = 0
    return d


# ---- semantic checks -----------------------------------------------------------------------

@case("cs101-nhs-number-check-digit", "01", "/subject/identifiers/nhs_number", "CS101",
      "The last digit of the child's NHS number is wrong (a typing slip): the modulus-11 check fails.")
def _(d: Doc) -> Doc:
    d["subject"]["identifiers"]["nhs_number"] = "9990000027"
    return d


@case("cs101-nhs-number-check-digit-related-person", "01",
      "/subject/related_people/1/identifiers/nhs_number", "CS101",
      "The grandmother's NHS number fails the modulus-11 check.")
def _(d: Doc) -> Doc:
    d["subject"]["related_people"][1]["identifiers"]["nhs_number"] = "9990000051"
    return d


@case("cs102-upn-check-letter", "09", "/subject/identifiers/upn", "CS102",
      "The UPN's check letter does not match its twelve characters.")
def _(d: Doc) -> Doc:
    upn = d["subject"]["identifiers"]["upn"]
    d["subject"]["identifiers"]["upn"] = ("A" if upn[0] != "A" else "B") + upn[1:]
    return d


@case("cs103-not-a-council", "01", "/subject/local_authority", "CS103",
      "E06000999 has the form of a unitary authority's GSS code but is no council in the shipped list.")
def _(d: Doc) -> Doc:
    d["subject"]["local_authority"] = "la:E06000999"
    return d


@case("cs104-observation-after-created", "01", "/body/observations/0/observed", "CS104",
      "The home visit is dated a month after the concern was written.")
def _(d: Doc) -> Doc:
    d["body"]["observations"][0]["observed"] = "2013-10-20"
    return d


@case("cs105-consent-not-sought-without-reason", "01", "/lawful_basis/consent_not_sought_reason",
      "CS105", "Consent was not sought and the message does not say why.")
def _(d: Doc) -> Doc:
    del d["lawful_basis"]["consent_not_sought_reason"]
    return d


@case("cs106-sender-name-missing", "01", "/sender/practitioner/name", "CS106",
      "The practitioner's name may be left out only by a view that lists it in view.withheld; this message has no view.")
def _(d: Doc) -> Doc:
    del d["sender"]["practitioner"]["name"]
    return d


@case("cs107-sent-before-created", "01", "/sent", "CS107",
      "The message claims to have been sent an hour before it was written.")
def _(d: Doc) -> Doc:
    d["sent"] = "2013-09-16T12:00:00Z"
    return d


@case("cs108-unborn-without-delivery-date", "15", "/subject/expected_delivery_date", "CS108",
      "An unborn child is identified by the expected delivery date (with the mother); it is missing.")
def _(d: Doc) -> Doc:
    del d["subject"]["expected_delivery_date"]
    return d


@case("cs109-factors-without-assessment", "10", "/body/assessment_factors", "CS109",
      "CIN assessment factors are recorded only when an assessment concludes.")
def _(d: Doc) -> Doc:
    d["body"]["assessment_concluded"] = False
    return d


@case("cs109-no-factors-beside-factors", "10", "/body/assessment_factors", "CS109",
      "Factor 21 (no factors identified) contradicts the other factors listed.")
def _(d: Doc) -> Doc:
    d["body"]["assessment_factors"].append("21")
    return d


@case("cs110-rejected-without-problems", "02", "/body/problems", "CS110",
      "A rejected acknowledgement must list each problem (pointer and code) so the sender can correct it.")
def _(d: Doc) -> Doc:
    d["body"]["outcome"] = "rejected"
    d["body"]["problems"] = []
    return d


@case("cs111-notification-to-gp", "09", "/body/setting_notified", "CS111",
      "A domestic-abuse notification goes to the child's educational setting (school:) or, for a child educated at home, the local authority (la:), not to a GP practice.")
def _(d: Doc) -> Doc:
    d["recipients"] = ["ods:Y99GP"]
    d["body"]["setting_notified"] = "ods:Y99GP"
    return d


@case("cs111-due-before-incident", "09", "/body/deliver_before", "CS111",
      "The notification cannot be due before the incident happened.")
def _(d: Doc) -> Doc:
    d["body"]["deliver_before"] = "2013-11-01T08:40:00Z"
    return d


@case("cs112-parents-not-aware-without-reason", "01", "/body/parents_not_aware_reason", "CS112",
      "The parents have not been told of the concern and the message does not say why.")
def _(d: Doc) -> Doc:
    del d["body"]["parents_not_aware_reason"]
    return d


@case("cs113-duplicate-recipient", "04", "/recipients/2", "CS113",
      "The GP practice is listed twice among the recipients.")
def _(d: Doc) -> Doc:
    d["recipients"].append(d["recipients"][0])
    return d


@case("cs114-withheld-field-present", "09v", "/view/withheld/0/pointer", "CS114",
      "The school view says the police intelligence is withheld, yet it is still in the message.")
def _(d: Doc) -> Doc:
    _expect(d["view"]["withheld"] == [])
    d["view"]["withheld"] = [{"pointer": "/body/police_intelligence", "reason": "not_needed_for_role"}]
    d["body"]["police_intelligence"] = "Third police-attended incident at the address in 2013."
    return d


@case("cs115-no-article-6-basis", "01", "/lawful_basis/conditions", "CS115",
      "An Article 9 condition alone is not enough: every share needs an Article 6 basis.")
def _(d: Doc) -> Doc:
    d["lawful_basis"]["conditions"] = ["uk_gdpr_9_2_g_dpa_sch1_18"]
    return d


@case("cs116-transfer-without-authority", "03", "/body/transferred_to", "CS116",
      "The case is said to be transferred to another authority without naming it.")
def _(d: Doc) -> Doc:
    d["body"]["outcome"] = "transferred_to_another_authority"
    return d


@case("cs017-withdrawal-not-permanent", "14", "/body/permanent", "CS017",
      "A withdrawal is permanent: the schema fixes permanent to true (const), so false is refused there, before semantic check CS117 could run.")
def _(d: Doc) -> Doc:
    d["body"]["permanent"] = False
    return d


@case("cs118-decision-on-itself", "03", "/body/concern_id", "CS118",
      "The decision names its own id as the concern decided on.")
def _(d: Doc) -> Doc:
    d["body"]["concern_id"] = d["id"]
    return d


@case("cs118-reply-to-itself", "02", "/thread/in_reply_to", "CS118",
      "The acknowledgement says it replies to itself.")
def _(d: Doc) -> Doc:
    d["thread"]["in_reply_to"] = d["id"]
    return d


@case("cs120-response-due-before-written", "11", "/body/respond_by", "CS120",
      "The escalation asks for a response before the escalation was written.")
def _(d: Doc) -> Doc:
    d["body"]["respond_by"] = "2013-11-20T17:00:00Z"
    return d


# ---- format 1.1: the law of the share, and 1.0 judged by 1.0 --------------------------------

@case("cs011-member-of-1-1-in-a-1-0-message", "10", "/lawful_basis/consent_sought_from", "CS011",
      "A format 1.0 message is judged by 1.0's rules: consent_sought_from was added in 1.1, so in a 1.0 message it is an unknown member.")
def _(d: Doc) -> Doc:
    d["format_version"] = "1.0"
    return d


@case("cs011-para-18-ground-in-a-1-0-message", "02", "/lawful_basis/without_consent_ground", "CS011",
      "without_consent_ground (the DPA 2018 Sch 1 para 18(2) ground) came in format 1.1: a 1.0 message cannot carry it.")
def _(d: Doc) -> Doc:
    d["format_version"] = "1.0"
    del d["lawful_basis"]["shared_without_consent_by"]
    return d


@case("cs122-nil-message-id", "01", "/id", "CS122",
      "The message id is the nil UUID (all zeros), which names no message.")
def _(d: Doc) -> Doc:
    d["id"] = "00000000-0000-0000-0000-000000000000"
    return d


@case("cs130-public-authority-relies-on-recognised-legitimate-interest", "03", "/lawful_basis/conditions", "CS130",
      "The council's MASH cites the recognised legitimate interest (UK GDPR Annex 1 para 6), which a public authority cannot rely on in performing its tasks (Art 6(1) as amended by the Data (Use and Access) Act 2025).")
def _(d: Doc) -> Doc:
    d["lawful_basis"]["conditions"] = ["uk_gdpr_rli_annex1_6", "uk_gdpr_9_2_g_dpa_sch1_18"]
    return d


@case("cs131-consent-given-with-para-18", "10", "/lawful_basis/consent", "CS131",
      "Consent is given, yet the share cites DPA 2018 Sch 1 para 18, which applies only to processing without consent.")
def _(d: Doc) -> Doc:
    d["lawful_basis"]["conditions"] = ["uk_gdpr_6_1_e", "uk_gdpr_9_2_g_dpa_sch1_18"]
    return d


@case("cs132-para-18-without-its-ground", "01", "/lawful_basis/without_consent_ground", "CS132",
      "The health visitor relies on DPA 2018 Sch 1 para 18 without consent but does not say which para 18(2) ground applies.")
def _(d: Doc) -> Doc:
    del d["lawful_basis"]["without_consent_ground"]
    return d


@case("cs132-article-10-without-its-paragraph", "03", "/lawful_basis/article_10_paragraph", "CS132",
      "The Article 10 condition is relied on without the DPA 2018 Schedule 1 paragraph that meets it (s10(5)).")
def _(d: Doc) -> Doc:
    d["lawful_basis"]["conditions"].append("uk_gdpr_10_dpa_sch1_part3")
    return d


@case("cs134-health-data-without-article-9", "01", "/subject/related_people/0/health", "CS134",
      "The mother's health is special category data, but the lawful basis names no Article 9 condition.")
def _(d: Doc) -> Doc:
    d["lawful_basis"]["conditions"] = ["uk_gdpr_6_1_e"]
    return d


@case("cs134-offending-data-without-article-10", "09", "/subject/related_people/1/offending", "CS134",
      "The notification names an alleged perpetrator and his offending under UK GDPR conditions without an Article 10 condition.")
def _(d: Doc) -> Doc:
    d["lawful_basis"]["conditions"] = ["uk_gdpr_6_1_e", "uk_gdpr_9_2_g_dpa_sch1_18"]
    return d


@case("cs141-unknown-father-with-a-name", "01", "/subject/related_people/4/name", "CS141",
      "A partner of the mother is recorded as unknown, and yet a placeholder name is written for him.")
def _(d: Doc) -> Doc:
    d["format_version"] = "1.1"
    _expect(len(d["subject"]["related_people"]) == 4)
    d["subject"]["related_people"].append({
        "relationship": "parent", "relation": "parent_partner", "identity": "unknown", "name": {"given": "Unknown"},
    })
    return d



def _process(prefix: str) -> Doc:
    (path,) = (ROOT / "messages").glob(f"{prefix}-*.json")
    document: Doc = json.loads(path.read_text(encoding="utf-8"))
    return document


@case("cs014-process-type-in-format-1-0", "01", "/type", "CS014",
      "A strategy discussion, a type new in format 1.1, in a message that says it is format 1.0: format 1.0's schema knows no such type.")
def _(d: Doc) -> Doc:
    d = _process("31")
    d["format_version"] = "1.0"
    return d


@case("cs142-plan-without-category", "01", "/body/categories", "CS142",
      "The conference decided on a child protection plan but gives no category of abuse or neglect.")
def _(d: Doc) -> Doc:
    d = _process("32")
    d["body"]["categories"] = []
    return d


@case("cs143-ended-plan-without-date", "01", "/body/ended_on", "CS143",
      "The plan is said to have ended, without the date it ended.")
def _(d: Doc) -> Doc:
    d = _process("33")
    d["body"]["status"] = "ended"
    d["body"]["end_reason"] = "no_longer_needed"
    return d


@case("cs144-transfer-within-one-authority", "01", "/body/to_authority", "CS144",
      "A transfer in names the same authority as both the one the child left and the one the child joined.")
def _(d: Doc) -> Doc:
    d = _process("35")
    d["body"]["to_authority"] = d["body"]["from_authority"]
    return d


@case("cs145-enquiry-completed-before-it-started", "01", "/body/completed_on", "CS145",
      "The section 47 enquiry is dated as completed before the strategy discussion that started it.")
def _(d: Doc) -> Doc:
    d = _process("34")
    d["body"]["completed_on"] = "2013-12-01"
    return d


@case("cs150-growth-measurement-without-a-value", "01", "/body/growth/0", "CS150",
      "A growth measurement gives its date and who measured, but no weight, length or head circumference.")
def _(d: Doc) -> Doc:
    _expect(d["body"]["growth"][0]["date"] == "2012-03-04")
    d["body"]["growth"][0] = {"date": "2012-03-04", "measured_by": "Midwife"}
    return d


@case("cs151-weight-in-kilograms", "01", "/body/growth/3/weight_g", "CS151",
      "The weight is written in tenths of a kilogram (84) where the format counts grams (8400).")
def _(d: Doc) -> Doc:
    _expect(d["body"]["growth"][3]["weight_g"] == 8400)
    d["body"]["growth"][3]["weight_g"] = 84
    return d


@case("cs152-measured-before-birth", "01", "/body/growth/0/date", "CS152",
      "A growth measurement is dated before the child's birth date.")
def _(d: Doc) -> Doc:
    d["body"]["growth"][0]["date"] = "2012-02-04"
    return d


@case("cs153-not-an-area-of-the-gcp", "08", "/body/area_grades/1/area", "CS153",
      "A Graded Care Profile grades 'nutrition' on its own, which is not one of the tool's four areas "
      "(the sub-area is written physical_care.nutrition).")
def _(d: Doc) -> Doc:
    _expect(d["body"]["area_grades"][1]["area"] == "physical_care.nutrition")
    d["body"]["area_grades"][1]["area"] = "nutrition"
    return d


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    names = set()
    for name, number, pointer, code, why, mutate in CASES:
        _expect(name not in names)
        names.add(name)
        result = mutate(copy.deepcopy(base(number)))
        data = result if isinstance(result, bytes) else pretty(result).encode("utf-8")
        (OUT / f"{name}.json").write_bytes(data)
        expected = {"pointer": pointer, "code": code, "why": why}
        # ASCII with escapes, so that a pointer holding a lone surrogate can be written at all.
        (OUT / f"{name}.expected.json").write_text(json.dumps(expected, indent=2) + "\n",
                                                   encoding="ascii")
    print(len(CASES), "cases written")


if __name__ == "__main__":
    main()
