"""Every problem code concernshare reports: its layer, severity, meaning, and the messages it is raised with.

One declaration per code, and the one place a message is written: a raiser
names a code and the key of one of its messages, and :func:`problem` (or
:func:`say`, for the message alone) fills in the values. The reference page
of the docs site is generated from :data:`CATALOGUE`.

A message is a ``str.format`` template. The values filled in are never
taken from the document checked: they are limits, versions, line numbers and
the names of the format's own members and code lists.
"""

from __future__ import annotations

import enum
import string
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from concernshare.errors import Problem, Severity

__all__ = ["CATALOGUE", "Entry", "Layer", "Template", "entry", "problem", "say"]


class Layer(enum.Enum):
    """The layer that finds a problem; the value is the heading it has on the reference page."""

    STRICT_JSON = "Strict JSON"
    STRUCTURE = "Structure: the codec and the JSON Schema"
    SEMANTIC = "Semantic checks"
    HISTORY = "History rules on receipt"
    ROUTING = "Routing rules"
    TRANSPORT = "Transport: CloudEvents"


@attrs.frozen(kw_only=True)
class Template:
    """One message of a code: a ``str.format`` template and the severity of the problem it is said with."""

    text: str
    severity: Severity

    @property
    def fields(self) -> tuple[str, ...]:
        """The names of the values the template needs, in order."""
        return tuple(name for _, name, _, _ in string.Formatter().parse(self.text) if name)


@attrs.frozen(kw_only=True)
class Entry:
    """One problem code: where it is found, how much it matters, what it means, and what is said."""

    code: str
    layer: Layer
    severity: Severity
    meaning: str
    messages: Mapping[str, Template]

    @property
    def severities(self) -> frozenset[Severity]:
        """Every severity the code is reported with (an error and a warning where rules of both kinds share it)."""
        return frozenset({self.severity} | {t.severity for t in self.messages.values()})


class _Warning(str):
    """A message of an error code that is said as a warning (a SHOULD beside the code's MUSTs)."""

    __slots__ = ()


def _warn(text: str) -> str:
    return _Warning(text)


_ENTRIES: dict[str, Entry] = {}


def _entry(code: str, layer: Layer, severity: Severity, meaning: str, **messages: str) -> None:
    if code in _ENTRIES:
        raise AssertionError(f"{code} is declared twice")
    _ENTRIES[code] = Entry(
        code=code,
        layer=layer,
        severity=severity,
        meaning=meaning,
        messages=MappingProxyType(
            {
                key: Template(text=str(text), severity=Severity.WARNING if isinstance(text, _Warning) else severity)
                for key, text in messages.items()
            }
        ),
    )


J, S, C, H, R, T = Layer.STRICT_JSON, Layer.STRUCTURE, Layer.SEMANTIC, Layer.HISTORY, Layer.ROUTING, Layer.TRANSPORT
E, W = Severity.ERROR, Severity.WARNING

# fmt: off

# -- strict JSON: the parser, before anything else -----------------------------------------------------------------
_entry("CS000", J, E, "The file cannot be read (reported by the command line).",
       default="the file cannot be read ({reason})")
_entry("CS001", J, E, "The document is not well-formed JSON.",
       default="the document is not well-formed JSON: {detail} at line {line} column {column}")
_entry("CS002", J, E, "The document is not UTF-8, or starts with a byte order mark.",
       bom="the document starts with a byte order mark; remove it",
       utf8="the document is not valid UTF-8 (at byte {at}); save it as UTF-8")
_entry("CS003", J, E, "A member name appears twice in one object.",
       default="this member name appears more than once in the object; keep one")
_entry("CS004", J, E, "NaN, Infinity, or a number too large for a double.",
       default="NaN, Infinity and numbers too large for a double are not JSON; write a finite number")
_entry("CS005", J, E, "A string or member name holds a lone surrogate.",
       default="the {what} contains a lone surrogate (an unpaired \\ud800-\\udfff escape); write the character as a "
       "valid pair or remove it")
_entry("CS006", J, E, "An integer lies outside ±(2^53-1).",
       default="the integer is outside ±(2^53-1), which not every reader can hold; send it as a string")
_entry("CS007", J, E, "The document is larger than the size limit.",
       default="the document is larger than the limit of {limit} bytes; send less in one message or raise the limit")
_entry("CS008", J, E, "The document nests more deeply than the depth limit.",
       document="the document is nested more deeply than the limit of {limit} levels",
       default="nesting is deeper than the limit of {limit} levels")

# -- structure: the codec and the JSON Schema ----------------------------------------------------------------------
_entry("CS009", S, E, "A date-time has no UTC offset (a naive time).",
       default="has no UTC offset; a naive time is ambiguous, so add Z or an offset such as +01:00",
       record="has no UTC offset; a naive time is ambiguous, so give a timezone-aware datetime")
_entry("CS010", S, E, "A required member is missing.",
       default="this required member is missing; add it",
       sealed="the {what} is missing or malformed")
_entry("CS011", S, E, "A member is not part of the format (and the message is not of a newer minor version).",
       default="this member is not part of the format; remove it, or move it under extensions with a namespaced key",
       later="this member is not part of the {document}'s format version (it came in a later minor version); write a "
       "newer format_version to use it, or remove it",
       other="this member is not part of the format (a member of a newer minor version needs a newer concernshare); "
       "remove it")
_entry("CS012", S, E, "A value has the wrong JSON type.",
       default="has the wrong type or form",
       expected="must be {what}",
       typed="must be of type {type}",
       rule="does not satisfy the schema's {keyword} rule",
       object="a message must be a JSON object",
       sealed="the {what} is missing or malformed")
_entry("CS013", S, E, "A member is null; absent values are left out instead.",
       default="must not be null; leave the member out instead")
_entry("CS014", S, E, "The message has no type, or not one of the twelve.",
       missing="the message has no type: {types}",
       unknown="the message has a type that is not one of the twelve: {types}",
       default="the message type is not one of: {types}")
_entry("CS015", S, E, "The message is of a format major version this reader cannot read.",
       default="format version {major}.x cannot be read by a reader of {version}; it needs a reader of that major "
       "version")
_entry("CS016", S, W, "A member of a newer minor version was kept (a warning).",
       default="this member is not known to format version {version}; it was kept because the message is of a newer "
       "minor version")
_entry("CS017", S, E, "A value is not one of the values its code list allows.",
       default="must be one of: {values}")
_entry("CS018", S, E, "A value is not in the form required (a date, a UUID, an agency id, an identifier's pattern).",
       default="must be {what}",
       date_time="must be an RFC 3339 date-time with an offset, such as 2026-11-25T09:30:00Z",
       not_a_date_time="is not a date-time in the calendar",
       time_range="is outside the range of times the format carries (years 0001 to 9999, a day short of either end)",
       date="must be a full date written as YYYY-MM-DD",
       not_a_date="is not a date in the calendar",
       uuid="must be a UUID in lower case, such as 6f1c1a4e-3b9d-4c55-9a77-0d2f3e4b5c6d",
       extension_key="extension keys must be a reverse-DNS namespace, a colon and a name, such as "
       "uk.gov.luton:mosaic_id",
       reason="{reason}",
       sealed="the {what} is missing or malformed")
_entry("CS019", S, E, "A string is too long or too short.",
       minLength="must be at least {value} characters long",
       maxLength="must be at most {value} characters long")
_entry("CS020", S, E, "An array or object has too many or too few items.",
       minItems="must have at least {value} {items}",
       maxItems="must have at most {value} {items}",
       maxProperties="must have at most {value} members")
_entry("CS021", S, E, "A number is out of its range.",
       minimum="must be at least {value}",
       maximum="must be at most {value}")

# -- semantic checks: what a schema cannot say ----------------------------------------------------------------------
_entry("CS101", C, E, "An NHS number fails its modulus-11 check.",
       default="the NHS number fails its modulus-11 check; check it against the source record (a typing slip is the "
       "usual cause)")
_entry("CS102", C, E, "A UPN has a wrong check letter or an unknown local-authority number.",
       default="the UPN is not valid: {reason}; check it against the school's record")
_entry("CS103", C, E, "An la: agency id is not a council with children's services in the shipped list.",
       default="the local-authority code is not current in the council list of {listing}: it is not a council with "
       "children's services",
       ceased="the local-authority code is not current in the council list of {listing}: the council ceased on "
       "{ceased}; use its successor")
_entry("CS104", C, E, "A past event is dated after the message was written, or the message after the receiver's now.",
       event="this event is dated after the message was written; check the date",
       future="the message is dated in the future; check the sending system's clock")
_entry("CS105", C, E, "Consent was not sought and no reason is given (or a reason is given although it was).",
       default="consent was not sought: give the DPA 2018 Sch 1 para 18(2) ground (cannot_be_given, "
       "cannot_reasonably_be_obtained or would_prejudice)",
       needless=_warn("a reason for not seeking consent is given although consent was sought; remove it or correct "
                      "the consent status"))
_entry("CS106", C, E, "A field that only a view may leave out is missing, and view.withheld does not name it.",
       default="this member is required unless a view withholds it (and lists it in view.withheld); add it")
_entry("CS107", C, E, "sent is earlier than created.",
       default="the message was sent before it was written; check the clocks of the sending system")
_entry("CS108", C, E, "An unborn child lacks an expected delivery date or has a birth date.",
       due_date="an unborn child needs an expected delivery date",
       birth_date="an unborn child has no birth date; set unborn to false once the child is born",
       mother=_warn("give the mother's identifiers so that the record links to the child after birth"),
       born=_warn("a born child needs no expected delivery date; remove it"))
_entry("CS109", C, E, "CIN assessment factors are given without a concluded assessment, or contradict each other.",
       unconcluded="assessment factors are recorded only when an assessment concludes; set assessment_concluded or "
       "remove them",
       none_beside="factor 21 (no factors identified) cannot stand beside other factors")
_entry("CS110", C, E, "A rejected acknowledgement names no problem, or an accepted one names some.",
       rejected="a rejection must list the problems found, each with its pointer and code",
       accepted=_warn("an accepted message lists problems; remove them or reject the message"))
_entry("CS111", C, E, "A domestic-abuse notification is not marked do_not_approach_parents, or is not sent to a "
       "setting.",
       marking=_warn("a domestic-abuse notification should be marked do_not_approach_parents unless the police say "
                     "otherwise"),
       setting="the setting notified must be a school (school:) or, for a child educated at home, the local authority "
       "(la:)",
       police=_warn("domestic-abuse notifications are sent by the police"),
       due="the notification cannot be due before the incident happened")
_entry("CS112", C, E, "Parents are not aware of the concern and no reason is given.",
       default="say why the parents or carers have not been told")
_entry("CS113", C, E, "A recipient is listed twice, or the sender is among the recipients.",
       twice="this recipient is listed twice",
       sender=_warn("the sender is among the recipients"))
_entry("CS114", C, E, "A view names a withheld field that the message still carries.",
       default="the view says this field is withheld but the message carries it; remove the field or the entry")
_entry("CS115", C, E, "The lawful basis has no Article 6 basis (nor DPA 2018 Part 3 s35), or mixes regimes.",
       article_6="name an Article 6 basis (or, for police law-enforcement processing, DPA 2018 Part 3 s35)",
       mixed=_warn("UK GDPR conditions and DPA 2018 Part 3 conditions are mixed; one share is usually under one "
                   "regime"),
       twice=_warn("a condition is listed twice"))
_entry("CS116", C, E, "A decision is inconsistent: a transfer without its authority, a referral without its time.",
       transferred_to="name the authority the case was transferred to",
       not_an_authority="a case is transferred to a local authority (an la: agency id)",
       referral_at=_warn("give the time the contact became a referral: the statutory clocks run from it"))
_entry("CS118", C, E, "A message refers to itself (in its body or thread).",
       default="a message cannot refer to itself; give the id of the other message")
_entry("CS119", C, W, "The child is 18 or over when the message was written.",
       default="the subject is 18 or over; concernshare is for children, so check the birth date")
_entry("CS120", C, E, "Dates are out of order: a review before its assessment, a response due before the message.",
       review="the review cannot come before the assessment",
       respond_by="the response cannot be due before the message was written")
_entry("CS121", C, W, "A non-engagement event was challenged but does not say by whom.",
       default="say who challenged the non-engagement")
_entry("CS122", C, E, "A message id (the message's own, or one it refers to) is the nil UUID, which names no message.",
       own="the message id is the nil UUID, which names no message; give it a random (version 4) UUID",
       reference="the nil UUID names no message; give the id of the message meant")
_entry("CS130", C, E, "The sender relies on a basis its kind of agency cannot use: a public authority on the "
       "recognised legitimate interest, or a body that is not a competent authority on DPA 2018 Part 3.",
       public_authority="a public authority cannot rely on the recognised legitimate interest in performing its tasks "
       "(UK GDPR Art 6(1) as amended by the Data (Use and Access) Act 2025); use public task (uk_gdpr_6_1_e) or legal "
       "obligation",
       maybe_public=_warn("the recognised legitimate interest is open only to a sender that is not a public "
                          "authority (an independent school or provider); an NHS body, a GP practice, a maintained "
                          "school or an academy uses public task instead"),
       part_3=_warn("DPA 2018 Part 3 is for competent authorities processing for law enforcement (the police); this "
                    "sender shares under the UK GDPR"))
_entry("CS131", C, E, "Consent is recorded as given while the share relies on DPA 2018 Sch 1 para 18 (or Sch 8 para "
       "4), which applies only to processing without consent.",
       condition="para 18 of DPA 2018 Schedule 1 applies only where the share is made without consent (para "
       "18(1)(c)); with consent given, rely on another condition, or correct the consent status",
       ground="a ground for sharing without consent is given although consent was given; remove it or correct the "
       "consent status")
_entry("CS132", C, E, "The share relies on a condition without naming what the law asks: the para 18(2) ground for "
       "sharing without consent, or the Schedule 1 paragraph that meets Article 10.",
       ground="the safeguarding condition applies only without consent for one of the reasons of DPA 2018 Sch 1 para "
       "18(2): give the ground (a), (b) or (c)",
       paragraph="name the DPA 2018 Schedule 1 paragraph that meets Article 10 (s10(5)), for example sch1_para_18 for "
       "safeguarding",
       condition="an Article 10 paragraph is given but the conditions do not include the Article 10 condition "
       "(uk_gdpr_10_dpa_sch1_part3); add it or remove the paragraph")
_entry("CS133", C, W, "Whose consent was sought, or who decided to share without it, is not recorded.",
       sought_from="consent was sought: say from whom (the child, a parent with parental responsibility, ...)",
       decided_by="the share is made without consent: say who decided so (or overrode the refusal), with their "
       "role")
_entry("CS134", C, E, "Health data is present without an Article 9 condition, or offending data without an Article "
       "10 condition (or DPA 2018 Part 3).",
       health="this is health data (special category): add an Article 9 condition to lawful_basis.conditions "
       "(uk_gdpr_9_2_g_dpa_sch1_18 or uk_gdpr_9_2_h_dpa_sch1_2), or leave the field out",
       offence="this is criminal offence data (an alleged offence): add the Article 10 condition "
       "(uk_gdpr_10_dpa_sch1_part3, with its Schedule 1 paragraph), or DPA 2018 Part 3 for police law-enforcement "
       "processing")
_entry("CS135", C, W, "A concern carries child-protection-plan abuse categories (use the assessment factors), or the "
       "category MUL, which DfE labels 'Multiple/not recommended'.",
       multiple="DfE labels MUL 'Multiple/not recommended' (CIN census, categoryofabuse): name each category that "
       "applies",
       categories="abuse categories are recorded when a child protection plan starts; on a concern give the CIN "
       "assessment factors the sender sees (suspected_factors)")
_entry("CS140", C, E, "A message type new in format 1.1 is in a message that declares an older format version.",
       default="this message type is new in a later minor version of the format: raise format_version to the "
       "version that added it (older readers refuse the type)")
_entry("CS141", C, E, "A person whose identity is unknown or not disclosed carries a name, birth date or identifiers.",
       default="the person's identity is recorded as unknown or not disclosed: remove this member, or set identity "
       "to 'known' (never write a placeholder name)")
_entry("CS142", C, E, "A conference's decision and categories disagree, or its dates are out of order.",
       needs_category="a child protection plan needs its category of abuse or neglect",
       category_without_plan="a category goes with a plan that starts or continues; remove it",
       initial="an initial or transfer-in conference decides 'plan' or 'no_plan'",
       review="a review conference decides 'plan_continues' or 'plan_ends'",
       clock=_warn("give the time the conference's timescale started, so that lateness can be measured"),
       clock_after="the timescale cannot start after the conference was held",
       next_review="the next review cannot be due before this conference")
_entry("CS143", C, E, "A plan status contradicts itself: an end without its date, dates out of order, a category on "
       "a child-in-need plan.",
       cin_categories="categories of abuse belong to a child protection plan; remove them",
       cp_category=_warn("give the child protection plan's category"),
       end="a plan whose status says it is over needs the date it finished and why",
       ended="a plan with an end date or reason has ended: set status 'ended'",
       order="a plan cannot end before it started")
_entry("CS144", C, E, "A transfer in is not between two different local authorities.",
       authorities="a transfer in is between local authorities (la: agency ids)",
       same="the child moved between two different authorities: name the receiving one")
_entry("CS145", C, E, "A section 47 enquiry is completed before it started.",
       default="the enquiry cannot be completed before it started")
_entry("CS150", C, E, "A growth measurement has no value, or a centile without the value it places.",
       no_value="a growth measurement needs at least one value: a weight, a length or height, or a head "
       "circumference",
       centile="a centile places a measurement: give {value} too")
_entry("CS151", C, E, "A growth measurement is outside what a child can measure (a unit slipped).",
       default="no child measures this; the value is in {unit} ({low} to {high} is possible): check the unit")
_entry("CS152", C, E, "A growth measurement is dated before the child was born, or given for an unborn child.",
       unborn="an unborn child has no growth measurements; remove them",
       before_birth="a child cannot be measured before the birth date; check the date")
_entry("CS153", C, E, "A Graded Care Profile grades an area that is not the tool's, grades an area twice, or leaves "
       "one of its four areas ungraded.",
       area="not one of the tool's four areas, nor a sub-area written after its area and a dot: see CS153 in the "
       "problem codes for the area codes",
       twice="this area is graded twice; give each area one grade",
       sub_area=_warn("not a sub-area that the tool's summary sheet gives for this area: see CS153 in the problem "
                      "codes"),
       ungraded=_warn("the tool grades each of its four areas and area {number} of 4 has no grade: give it, or say "
                      "in overall_view why it was not assessed"))
_entry("CS154", C, W, "The assessor of a Graded Care Profile is not trained in the tool (a warning).",
       default="the assessor is not trained in the tool, so the grades may not compare with a trained assessor's: "
       "the tool expects {training}")
_entry("CS155", C, W, "A Graded Care Profile is named in another spelling than GCP or GCP2 (a warning).",
       default="write this Graded Care Profile as its code (GCP, or GCP2 for the NSPCC's), so that its areas are "
       "checked and repeats compared across agencies")

# -- history rules on receipt: kept where history is kept (the tracker) ---------------------------------------------
_entry("CS201", H, E, "The message supersedes a message another agency sent; only the original sending agency may "
       "supersede its message.",
       default="only the agency that sent a message may supersede it")
_entry("CS202", H, E, "The message supersedes a withdrawn message.",
       default="a withdrawn message cannot be superseded")
_entry("CS203", H, W, "The message supersedes a message this node has no record of. Not refused: a recipient added "
       "later, or a node that started keeping records after the original, cannot know it; the warning is kept with "
       "the arrival so that a person can look.",
       default="the superseded message is unknown here")
_entry("CS204", H, E, "The message withdraws a message another agency sent.",
       default="only the agency that sent a message may withdraw it")
_entry("CS205", H, E, "The message had been withdrawn before it arrived (the withdrawal overtook it).",
       default="the message was withdrawn by its sender before it arrived")
_entry("CS206", H, E, "In a rejection, this problem stands for the problems it has no room for: a rejection lists at "
       "most 500 problems, so the first 499 are listed and this one, at the whole message, says there were more.")

# -- routing rules ---------------------------------------------------------------------------------------------------
_entry("CS301", R, E, "Two rules of a rule set have the same id.",
       default="two rules have this id")
_entry("CS302", R, E, "A target (of a delivery or an escalation) names none, or more than one, of role, agency, "
       "child setting and addressed; or gives an area without a role.",
       default="name exactly one of role, agency, child_setting, addressed or holders",
       area="an area goes with a role only")
_entry("CS303", R, E, "A delivery names a view that is neither built in nor defined in the rule set.",
       default="this view is not defined")
_entry("CS304", R, E, "A response gives both or neither of a named timescale and a number of working days, or names "
       "a timescale that does not exist.",
       default="give one of a named timescale, a number of working days, a number of hours or respond_by",
       unknown="there is no timescale of this name; use one of: {timescales}")
_entry("CS305", R, E, "Two rules that can both apply, or one rule, give the same recipient different views.",
       overlap="this rule and rule {other} (at /rules/{index}) can both apply and give the same recipient different "
       "views; use one view or make the conditions disjoint",
       one_rule="this rule gives the same recipient two views")
_entry("CS306", R, E, "A view of the rule set is defined twice, or under the name of a built-in view.",
       default="this view name is already taken (by a built-in view or an earlier definition)")

# -- transport: CloudEvents ------------------------------------------------------------------------------------------
_entry("CS401", T, E, "The body is not a JSON object, or breaks the CloudEvents 1.0 attribute rules.",
       default="a structured-mode CloudEvent is a JSON object",
       rules="the event breaks the CloudEvents 1.0 attribute rules")
_entry("CS402", T, E, "specversion is not 1.0.",
       default="specversion must be {expected}")
_entry("CS403", T, E, "type is not uk.concernshare.sealed.v1.",
       default="type must be {expected}")
_entry("CS404", T, E, "datacontenttype is not application/jose+json.",
       default="datacontenttype must be {expected}")
_entry("CS405", T, E, "source is not an agency id.",
       default="source must be the sending agency's id, such as la:E06000032/mash")
_entry("CS406", T, E, "subject is not a message type.",
       default="subject must be the message type, such as concern")
_entry("CS407", T, E, "id is not a lower-case UUID.",
       default="id must be the message id, a UUID in lower case")
_entry("CS408", T, E, "data is missing or is not a JSON object.",
       default="data must be the sealed message, a JWE in JSON serialization")
_entry("CS409", T, E, "The event has an attribute the mapping does not have (an extension, data_base64 ...).",
       default="this attribute is not part of the concernshare mapping: send only specversion, type, source, "
       "subject, id, time, datacontenttype and data")
_entry("CS410", T, E, "The message was not accepted (one answer for every cryptographic, trust, replay, freshness or "
       "attribute refusal).",
       default="the message was not accepted")

# fmt: on

del J, S, C, H, R, T, E, W

#: Every problem code, in code order.
CATALOGUE: Final[Mapping[str, Entry]] = MappingProxyType(dict(sorted(_ENTRIES.items())))


def entry(code: str) -> Entry:
    """The catalogue's entry for ``code``.

    Raises :class:`KeyError` for a code that is not in the catalogue (a
    mistake in the library, never in a document).
    """
    return CATALOGUE[code]


def say(code: str, key: str = "default", /, **values: Any) -> str:
    """The message ``key`` of ``code``, with ``values`` filled in.

    Raises :class:`KeyError` if the code, the message or a value it needs is
    missing (a mistake in the library, never in a document).
    """
    return CATALOGUE[code].messages[key].text.format(**values)


def problem(pointer: str, code: str, key: str = "default", /, **values: Any) -> Problem:
    """A :class:`~concernshare.errors.Problem` at ``pointer``: the message ``key`` of ``code`` and its severity.

    Raises :class:`KeyError` as :func:`say` does.
    """
    template = CATALOGUE[code].messages[key]
    return Problem(pointer=pointer, code=code, message=template.text.format(**values), severity=template.severity)
