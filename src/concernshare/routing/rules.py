"""Routing rules as data: who receives a message, in which view, by when, and whom to escalate to.

A rule set is a JSON document with its own schema (``schemas/routing.schema.json``).
:func:`load_rules` validates it and refuses a rule set in which two rules that
could both apply give the same target (the same role and area, agency, child
setting, or the addressed agencies) different views; conflicts between targets
of different kinds, which only the directory reveals, are refused by
``route``. Conditions within a rule all hold together; a list in a condition
means "any of".
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Final

import attrs

from concernshare import codec, schema, strictjson
from concernshare.catalogue import problem
from concernshare.deadlines import TIMESCALES
from concernshare.errors import InvalidRecord, Problem
from concernshare.records import (
    AbuseCategory,
    AgencyKind,
    ConcernType,
    ConferenceKind,
    Marking,
    MessageType,
    RecipientRole,
    RiskLevel,
    Status,
)
from concernshare.records._fields import field
from concernshare.records.types import AGENCY_ID, AGENCY_ID_MAX, AgencyId
from concernshare.routing.views import BUILTIN_VIEWS, Sensitivity

__all__ = [
    "RULES_VERSION",
    "Alternative",
    "Conditions",
    "DeliveryAction",
    "Response",
    "Rule",
    "RuleSet",
    "Target",
    "ViewDefinition",
    "load_rules",
]

RULES_VERSION: Final = "1.1"
_NAME: Final = "^[a-z][a-z0-9_-]{0,63}$"
_AREA: Final = "^(child|(E(06|08|09|10)|W06|S12)[0-9]{6})$"


@attrs.frozen(kw_only=True)
class ViewDefinition:
    """A named view: the categories it withholds (on top of what each role never receives)."""

    name: str = field("The view's name, as rules name it.", pattern=_NAME, max_length=64)
    withhold: tuple[Sensitivity, ...] = field("The categories the view withholds.", default=())
    description: str | None = field("What the view is for.", default=None, max_length=500)


@attrs.frozen(kw_only=True)
class Target:
    """A recipient: agencies with a role in an area (found in the directory), one agency, the child's GP
    practice or school, or the agencies the sender addressed."""

    role: RecipientRole | None = field("Agencies with this role in the directory.", default=None)
    area: str | None = field(
        "With role: 'child' for the child's local authority, or a GSS code; absent for any area.",
        default=None,
        pattern=_AREA,
        max_length=9,
    )
    agency: AgencyId | None = field("One agency, by id.", default=None, pattern=AGENCY_ID, max_length=AGENCY_ID_MAX)
    child_setting: str | None = field(
        "The child's own GP practice or school, as the message names them.",
        default=None,
        pattern="^(gp_practice|school)$",
        max_length=11,
    )
    addressed: bool | None = field(
        "True for the agencies the sender named in recipients (replies, and messages sent to a known agency).",
        default=None,
    )
    holders: bool | None = field(
        "True for every agency holding a copy of the child's case, as the sender's tracker shows it (for "
        "example a plan-status notification). New in 1.1.",
        default=None,
    )

    @property
    def kind(self) -> str | None:
        """Which of role, agency, child_setting and addressed this target uses (None if not exactly one)."""
        given = [name for name in ("role", "agency", "child_setting", "addressed", "holders") if getattr(self, name)]
        return given[0] if len(given) == 1 else None


@attrs.frozen(kw_only=True)
class Response:
    """What response is due from the recipient, and by when."""

    expects: str = field(
        "What answers the delivery: an acknowledgement, a decision, an information response, or (new in 1.1) "
        "any 'response' other than an acknowledgement, such as the conference that answers a strategy discussion.",
        pattern="^(acknowledgement|decision|information_response|response)$",
        max_length=20,
    )
    timescale: str | None = field(
        "A named statutory timescale (referral_decision, child_and_family_assessment, "
        "initial_child_protection_conference, police_notification; new in 1.1: "
        "first_review_child_protection_conference, review_child_protection_conference, "
        "transfer_in_child_protection_conference), or absent with working_days. A statutory timescale runs "
        "from the event it counts from where the message holds it (a strategy discussion's time, say).",
        default=None,
        pattern=_NAME,
        max_length=64,
    )
    working_days: int | None = field(
        "A local timescale in working days, instead of a named one.",
        default=None,
        minimum=1,
        maximum=365,
    )
    hours: int | None = field(
        "A timescale in hours on the calendar clock (24/7), for a response needed sooner than a working day "
        "(a child in immediate danger, a same-day response), instead of a named one or working days.",
        default=None,
        minimum=1,
        maximum=72,
    )
    respond_by: bool | None = field(
        "True: due when the message itself asks (an escalation's or an information request's respond_by), "
        "instead of a timescale. New in 1.1.",
        default=None,
    )


@attrs.frozen(kw_only=True)
class DeliveryAction:
    """Deliver to a target in a view, expecting a response, escalating if it is missed."""

    to: Target = field("The recipient.")
    view: str = field("The view the recipient gets.", pattern=_NAME, max_length=64)
    response: Response | None = field("The response due, if any.", default=None)
    escalate_to: tuple[Target, ...] = field("Whom to tell if the response is overdue.", default=(), max_items=10)


@attrs.frozen(kw_only=True)
class Alternative:
    """One way for a rule's ``any_of`` to hold; every condition given must hold."""

    risk_levels: tuple[RiskLevel, ...] = field("Any of these risk levels.", default=())
    immediate_danger: bool | None = field("Whether the child is in immediate danger.", default=None)
    concern_types: tuple[ConcernType, ...] = field("Any of these concern types.", default=())
    markings: tuple[Marking, ...] = field("Any of these handling markings is present.", default=())


@attrs.frozen(kw_only=True)
class Conditions:
    """When a rule applies; every condition given must hold, and a list means any of its values."""

    types: tuple[MessageType, ...] = field("Message types.", default=())
    concern_types: tuple[ConcernType, ...] = field("Any of these concern types.", default=())
    abuse_categories: tuple[AbuseCategory, ...] = field("Any of these abuse categories.", default=())
    risk_levels: tuple[RiskLevel, ...] = field("Any of these risk levels.", default=())
    immediate_danger: bool | None = field("Whether the child is in immediate danger.", default=None)
    unborn: bool | None = field("Whether the child is unborn.", default=None)
    min_age: int | None = field(
        "The child's least age in years when the message was written.", default=None, minimum=0, maximum=25
    )
    max_age: int | None = field(
        "The child's greatest age in years when the message was written.", default=None, minimum=0, maximum=25
    )
    local_authorities: tuple[str, ...] = field(
        "The child's local authority (GSS code) is one of these.",
        default=(),
        pattern="^(E(06|08|09|10)|W06|S12)[0-9]{6}$",
        max_length=9,
    )
    markings: tuple[Marking, ...] = field("Any of these handling markings is present.", default=())
    sender_kinds: tuple[AgencyKind, ...] = field("The sender is of one of these kinds.", default=())
    sender_roles: tuple[RecipientRole, ...] = field("The sender has one of these roles.", default=())
    statuses: tuple[Status, ...] = field("The message status is one of these.", default=())
    any_of: tuple[Alternative, ...] = field(
        "At least one of these alternatives holds (for example high risk, or immediate danger).",
        default=(),
        max_items=10,
    )
    out_of_hours: bool | None = field(
        "Whether the message was written outside the office hours of the working calendar (nights, weekends, "
        "bank holidays), when an emergency duty team answers for the council.",
        default=None,
    )
    conference_kinds: tuple[ConferenceKind, ...] = field(
        "A child protection conference of one of these kinds (initial, review, transfer_in). New in 1.1.",
        default=(),
    )
    section_47_started: bool | None = field(
        "Whether a strategy discussion started a section 47 enquiry. New in 1.1.",
        default=None,
    )


@attrs.frozen(kw_only=True)
class Rule:
    """One routing rule."""

    id: str = field("The rule's id, quoted in every plan it shapes.", pattern=_NAME, max_length=64)
    description: str = field("What the rule does and why, for the audit trail.", min_length=1, max_length=1000)
    when: Conditions = field("When the rule applies.", default=attrs.Factory(Conditions))
    deliver: tuple[DeliveryAction, ...] = field("The deliveries it makes.", min_items=1, max_items=50)
    feedback_to_referrer: bool = field("Whether the referrer is owed feedback on the outcome.", default=False)


@attrs.frozen(kw_only=True)
class RuleSet:
    """A set of routing rules and the views they name."""

    format_version: str = field("The rules format version.", pattern="^1[.](0|[1-9][0-9]{0,3})$", max_length=6)
    name: str = field("The rule set's name.", min_length=1, max_length=200)
    views: tuple[ViewDefinition, ...] = field(
        "Views the rules name besides the built-in full, health, education and family_facing.",
        default=(),
        max_items=50,
    )
    rules: tuple[Rule, ...] = field("The rules.", min_items=1, max_items=1000)

    def view(self, name: str) -> frozenset[Sensitivity]:
        """The categories a named view withholds."""
        for definition in self.views:
            if definition.name == name:
                return frozenset(definition.withhold)
        return BUILTIN_VIEWS[name]


def _disjoint(a: Conditions, b: Conditions) -> bool:
    """True only where no message can satisfy both (when in doubt, they overlap)."""
    for name in (
        "types",
        "risk_levels",
        "sender_kinds",
        "sender_roles",
        "statuses",
        "local_authorities",
        "conference_kinds",
    ):
        first, second = getattr(a, name), getattr(b, name)
        if first and second and not set(first) & set(second):
            return True
    for name in ("immediate_danger", "unborn", "section_47_started"):
        first, second = getattr(a, name), getattr(b, name)
        if first is not None and second is not None and first != second:
            return True
    low = max(a.min_age or 0, b.min_age or 0)
    high = min(a.max_age if a.max_age is not None else 99, b.max_age if b.max_age is not None else 99)
    return low > high


def _same_target(a: Target, b: Target) -> bool:
    """True where two targets of the same kind may reach the same agency.

    Targets of different kinds (a role and the child's GP practice, say) meet
    only through the directory and the message, so :func:`~concernshare.routing.plan.route`
    refuses their conflicts when it resolves them.
    """
    if a.kind != b.kind:
        return False
    if a.kind == "role":
        return a.role == b.role and (
            a.area is None or b.area is None or a.area == b.area or "child" in (a.area, b.area)
        )
    return (a.agency, a.child_setting, a.addressed, a.holders) == (b.agency, b.child_setting, b.addressed, b.holders)


def _target_problems(target: Target, where: str) -> Iterator[Problem]:
    if target.kind is None:
        yield problem(where, "CS302")
    if target.area is not None and target.kind != "role":
        yield problem(f"{where}/area", "CS302", "area")


def _view_problems(rules: RuleSet) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, view in enumerate(rules.views):
        if view.name in BUILTIN_VIEWS or view.name in seen:
            yield problem(f"/views/{index}/name", "CS306")
        seen.add(view.name)


def _problems(rules: RuleSet) -> Iterator[Problem]:
    known = set(BUILTIN_VIEWS) | {v.name for v in rules.views}
    ids: set[str] = set()
    yield from _view_problems(rules)
    for index, rule in enumerate(rules.rules):
        if rule.id in ids:
            yield problem(f"/rules/{index}/id", "CS301")
        ids.add(rule.id)
        for number, action in enumerate(rule.deliver):
            where = f"/rules/{index}/deliver/{number}"
            yield from _target_problems(action.to, f"{where}/to")
            for step, target in enumerate(action.escalate_to):
                yield from _target_problems(target, f"{where}/escalate_to/{step}")
            if action.view not in known:
                yield problem(f"{where}/view", "CS303")
            response = action.response
            given = (
                ()
                if response is None
                else (
                    response.timescale is not None,
                    response.working_days is not None,
                    response.hours is not None,
                    bool(response.respond_by),
                )
            )
            if response is not None and sum(given) != 1:
                yield problem(f"{where}/response", "CS304")
            if response is not None and response.timescale is not None and response.timescale not in TIMESCALES:
                yield problem(f"{where}/response/timescale", "CS304", "unknown", timescales=", ".join(TIMESCALES))
    for (i, a), (j, b) in itertools.combinations(enumerate(rules.rules), 2):
        if _disjoint(a.when, b.when):
            continue
        for x, y in itertools.product(a.deliver, b.deliver):
            if _same_target(x.to, y.to) and x.view != y.view:
                yield problem(f"/rules/{j}", "CS305", "overlap", other=a.id, index=i)
    for index, rule in enumerate(rules.rules):
        for x, y in itertools.combinations(rule.deliver, 2):
            if _same_target(x.to, y.to) and x.view != y.view:
                yield problem(f"/rules/{index}/deliver", "CS305", "one_rule")


def load_rules(data: bytes | str) -> RuleSet:
    """Parse, validate and check a rule set.

    Raises :class:`~concernshare.errors.InvalidDocument` listing every problem:
    schema problems, and CS301-CS305 (duplicate ids, a target naming both or
    neither role and agency, an undefined view, a response with both or neither
    timescale or an unknown one, rules that could give one recipient two
    views), and CS306 (a view name defined twice or taken from a built-in view).
    A rule set declaring ``1.0`` is also held to the 1.0 schema as released, so
    a member or code added in 1.1 is refused in it (CS011, CS017, CS018); a
    member this reader does not know is refused whatever the minor version.
    """
    document = strictjson.parse(data)
    schema.check(document, "routing")
    rules = codec.structure(document, RuleSet)
    problems = list(_problems(rules))
    if problems:
        raise InvalidRecord(problems)
    return rules
