"""Route a message: message + rules + directory + time → a plan of deliveries, each with its reason.

Routing is pure and deterministic, and the plan is the recorded reason for
sharing. Every rule whose conditions hold applies. Where several rules reach
the same recipient they combine by this precedence: the view must be the same
(rule sets that could disagree are refused when loaded, and a disagreement
found here is an error); the earliest due time wins, with the expected
response of the rule that set it; escalation targets are the union; the
rules and reasons of all are recorded. A message that no rule routes, or a
target that names no agency in the directory, is an error, never a silent drop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from concernshare import deadlines
from concernshare.directory import Directory
from concernshare.errors import RoutingError
from concernshare.records import AgencyId, Message
from concernshare.records.people import age_on
from concernshare.records.types import require_aware, utc_text
from concernshare.routing.process import clock_start
from concernshare.routing.rules import Alternative, Conditions, DeliveryAction, Response, Rule, RuleSet, Target
from concernshare.routing.views import categories_for

__all__ = ["Plan", "PlannedDelivery", "RoutingError", "route"]


@attrs.frozen(kw_only=True)
class PlannedDelivery:
    """One recipient's delivery: its view, when a response is due, and why."""

    recipient: AgencyId
    view: str
    withheld_categories: tuple[str, ...]
    due: dt.datetime | None
    expects: str | None
    escalate_to: tuple[AgencyId, ...]
    rules: tuple[str, ...]
    reason: str
    feedback_to_referrer: bool


@attrs.frozen(kw_only=True)
class Plan:
    """The deliveries of one message, as routed at one time."""

    message_id: str
    at: dt.datetime
    deliveries: tuple[PlannedDelivery, ...]

    def to_json(self) -> dict[str, Any]:
        """The plan as JSON: ``{"deliveries": [{"recipient", "view", "due", "rules", "reason", ...}]}``."""
        return {
            "message_id": self.message_id,
            "at": utc_text(self.at),
            "deliveries": [
                {
                    "recipient": d.recipient,
                    "view": d.view,
                    "due": utc_text(d.due) if d.due else None,
                    "expects": d.expects,
                    "escalate_to": list(d.escalate_to),
                    "rules": list(d.rules),
                    "reason": d.reason,
                    "withheld_categories": list(d.withheld_categories),
                    "feedback_to_referrer": d.feedback_to_referrer,
                }
                for d in self.deliveries
            ],
        }


def _any(wanted: tuple[Any, ...], present: Any) -> bool:
    return not wanted or bool(set(wanted) & set(present or ()))


def _alternative(when: Alternative, message: Message) -> bool:
    body = message.body
    return all(
        (
            not when.risk_levels or getattr(body, "risk_level", None) in when.risk_levels,
            when.immediate_danger is None or getattr(body, "immediate_danger", None) is when.immediate_danger,
            _any(when.concern_types, getattr(body, "concern_types", None)),
            _any(when.markings, message.handling.markings),
        )
    )


def _holds(when: Conditions, message: Message, directory: Directory, calendar: deadlines.WorkingCalendar) -> bool:
    """True if every condition given holds for the message."""
    body, child = message.body, message.subject
    sender = directory.agency(message.sender.agency)
    checks = [
        not when.types or message.type in when.types,
        _any(when.concern_types, getattr(body, "concern_types", None)),
        _any(when.abuse_categories, getattr(body, "abuse_categories", None)),
        not when.risk_levels or getattr(body, "risk_level", None) in when.risk_levels,
        when.immediate_danger is None or getattr(body, "immediate_danger", None) is when.immediate_danger,
        when.unborn is None or child.unborn is when.unborn,
        not when.local_authorities
        or (child.local_authority is not None and child.local_authority.code in when.local_authorities),
        _any(when.markings, message.handling.markings),
        not when.sender_kinds or (sender is not None and sender.kind in when.sender_kinds),
        not when.sender_roles or (sender is not None and bool(set(sender.roles) & set(when.sender_roles))),
        not when.statuses or message.status in when.statuses,
        not when.any_of or any(_alternative(alternative, message) for alternative in when.any_of),
        when.out_of_hours is None or deadlines.out_of_hours(message.created, calendar) is when.out_of_hours,
        not when.conference_kinds or getattr(body, "kind", None) in when.conference_kinds,
        when.section_47_started is None or getattr(body, "section_47_started", None) is when.section_47_started,
    ]
    if when.min_age is not None or when.max_age is not None:
        born = child.birth_date
        age = age_on(born, message.created) if born is not None and not child.unborn else None
        checks.append(
            age is not None and (when.min_age or 0) <= age <= (when.max_age if when.max_age is not None else 99)
        )
    return all(checks)


def _known(agencies: list[AgencyId], directory: Directory, rule: Rule, what: str) -> list[AgencyId]:
    for agency in agencies:
        if directory.agency(agency) is None:
            raise RoutingError(f"rule {rule.id} routes to {what} {agency}, which is not in the directory")
    return agencies


def _resolve(
    target: Target, message: Message, directory: Directory, rule: Rule, holders: Sequence[AgencyId] | None
) -> list[AgencyId]:
    if target.holders:
        if holders is None:
            raise RoutingError(
                f"rule {rule.id} routes to the agencies holding the child's case: pass them as "
                "holders (Tracker.holders)"
            )
        return _known(list(holders), directory, rule, "the agency holding the case")
    if target.agency is not None:
        return _known([target.agency], directory, rule, "the agency")
    if target.addressed:
        return _known(list(message.recipients), directory, rule, "the addressed agency")
    if target.child_setting is not None:
        setting = getattr(message.subject, target.child_setting)
        if setting is None:
            raise RoutingError(
                f"rule {rule.id} routes to the child's {target.child_setting}, which the message does not name"
            )
        return _known([setting], directory, rule, f"the child's {target.child_setting}")
    area = target.area
    if area == "child":
        authority = message.subject.local_authority
        if authority is None:
            raise RoutingError(f"rule {rule.id} routes by the child's local authority, which the message does not give")
        area = authority.code
    found = [a.id for a in directory.agencies if target.role in a.roles and (area is None or area in a.areas)]
    if not found:
        raise RoutingError(
            f"rule {rule.id} routes to the role {target.role} in area {area or 'any'}, and no "
            "agency in the directory has it"
        )
    return found


def _due(
    response: Response | None,
    message: Message,
    at: dt.datetime,
    calendar: deadlines.WorkingCalendar,
    school: deadlines.SchoolCalendar | None,
) -> dt.datetime | None:
    if response is None:
        return None
    if response.working_days is not None:
        return deadlines.add_working_days(at, response.working_days, calendar)
    if response.hours is not None:
        return deadlines.add_hours(at, response.hours)
    if response.respond_by:
        asked = getattr(message.body, "respond_by", None)
        if not isinstance(asked, dt.datetime):
            raise RoutingError(f"a {message.type} says no respond_by: a rule cannot make its response due by it")
        return asked
    timescale = deadlines.TIMESCALES.get(response.timescale or "")
    if timescale is None:
        raise RoutingError(f"there is no timescale named {response.timescale}")
    start = clock_start(message, timescale.name) or at  # a statutory clock runs from its event
    return deadlines.due(timescale, start, calendar=calendar, school=school or deadlines.SchoolCalendar())


def _candidates(
    message: Message,
    rules: RuleSet,
    directory: Directory,
    calendar: deadlines.WorkingCalendar,
    holders: Sequence[AgencyId] | None,
) -> Iterator[tuple[Rule, DeliveryAction, AgencyId]]:
    for rule in rules.rules:
        if _holds(rule.when, message, directory, calendar):
            for action in rule.deliver:
                for recipient in _resolve(action.to, message, directory, rule, holders):
                    if recipient != message.sender.agency:
                        yield rule, action, recipient


def route(
    message: Message,
    rules: RuleSet,
    directory: Directory,
    at: dt.datetime,
    *,
    calendar: deadlines.WorkingCalendar | None = None,
    schools: Mapping[str, deadlines.SchoolCalendar] | None = None,
    holders: Iterable[str] | None = None,
) -> Plan:
    """Plan the deliveries of ``message`` at time ``at``.

    ``schools`` gives each educational setting its own calendar for the
    next-school-day timescale. ``holders`` are the agencies holding the child's case, as the tracker
    shows them (:meth:`~concernshare.tracker.Tracker.holders`), for rules that route to them.
    Raises :class:`RoutingError` if no rule routes
    the message, a target resolves to no agency, or one recipient would get
    two views; :class:`~concernshare.errors.NaiveTime` if ``at`` is naive.
    """
    require_aware(at, "at")
    calendar = calendar or deadlines.WorkingCalendar()
    merged: dict[str, PlannedDelivery] = {}
    held = None if holders is None else [AgencyId(h) for h in holders]
    for rule, action, recipient in _candidates(message, rules, directory, calendar, held):
        school = (schools or {}).get(recipient)
        nation = deadlines.nation_of(recipient)  # the recipient's nation's bank holidays
        due = _due(
            action.response,
            message,
            at,
            calendar
            if nation is calendar.nation or nation is deadlines.Nation.ENGLAND
            else attrs.evolve(calendar, nation=nation),
            school,
        )
        escalate = tuple(a for target in action.escalate_to for a in _resolve(target, message, directory, rule, held))
        agency = directory.agency(recipient)
        denied = categories_for(rules.view(action.view), agency.roles if agency else ())
        reason = f"rule {rule.id}: {rule.description}"
        planned = PlannedDelivery(
            recipient=recipient,
            view=action.view,
            withheld_categories=tuple(sorted(denied)),
            due=due,
            expects=action.response.expects if action.response else None,
            escalate_to=escalate,
            rules=(rule.id,),
            reason=reason,
            feedback_to_referrer=rule.feedback_to_referrer,
        )
        earlier = merged.get(recipient)
        if earlier is None:
            merged[recipient] = planned
            continue
        if earlier.view != planned.view:
            raise RoutingError(f"rules {earlier.rules[0]} and {rule.id} give {recipient} different views")
        first = planned if earlier.due is None or (due is not None and due < earlier.due) else earlier
        merged[recipient] = attrs.evolve(
            earlier,
            due=first.due,
            expects=first.expects,
            escalate_to=tuple(dict.fromkeys(earlier.escalate_to + escalate)),
            rules=(*earlier.rules, rule.id),
            reason=f"{earlier.reason}; {reason}",
            feedback_to_referrer=earlier.feedback_to_referrer or rule.feedback_to_referrer,
        )
    if not merged:
        raise RoutingError("no rule routes this message; add a rule for it rather than let it drop")
    return Plan(message_id=str(message.id), at=at, deliveries=tuple(merged[r] for r in sorted(merged)))
