"""``concernshare demo``: the story of the examples, played end to end with throwaway keys.

Everything happens in one folder: keys for each agency, a directory signed by
a throwaway authority, a tracker per agency, every sealed message, and the
chronology report: Kai's chronology (with the domestic abuse incident at his
home, though the police notification is about his brother), his brother's, and
their household chronology side by side. All messages are ``exercise`` messages about invented
people; nothing leaves the machine (``--transport http`` posts to front doors
on loopback).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.resources
from collections.abc import Callable
from pathlib import Path
from typing import Final

import attrs

from concernshare._files import PUBLIC, write_file
from concernshare.chronology import Chronology, Entry, Match, build_chronologies
from concernshare.chronology.export import household_csv, household_json, to_html_many, to_json
from concernshare.chronology.history import Household, build_households
from concernshare.exchange import Received, receive, send
from concernshare.records import Message, RecipientRole, Status
from concernshare.records.types import require_aware, utc_minute
from concernshare.routing.rules import RuleSet, load_rules
from concernshare.routing.views import Sensitivity
from concernshare.sealing import OpenPolicy
from concernshare.stores import MemoryStore
from concernshare.testing.world import World, make_world
from concernshare.tracker import Tracker
from concernshare.validation import validate

__all__ = ["Carry", "Played", "run"]

HV, MASH, CSC = "ods:Y99HV/health-visiting", "la:E06000032/mash", "la:E06000032/childrens-social-care"
GP, SCHOOL, POLICE = "ods:Y99GP", "school:999101", "police:99"
_AGENCIES: Final = {
    HV: [RecipientRole.HEALTH_VISITING],
    MASH: [RecipientRole.MASH],
    CSC: [RecipientRole.CHILDRENS_SOCIAL_CARE],
    "la:E06000032/early-help": [RecipientRole.EARLY_HELP],
    GP: [RecipientRole.GP],
    "ods:Y99AC/emergency-department": [RecipientRole.HOSPITAL],
    "ods:Y99AC/midwifery": [RecipientRole.MIDWIFERY],
    SCHOOL: [RecipientRole.SCHOOL],
    POLICE: [RecipientRole.POLICE],
}
_KAI: Final = "9990000026"
#: The agencies by name, as the example directory names them, so that the report reads names, not codes.
_NAMES: Final = {
    HV: "Example 0-19 health visiting service",
    MASH: "Luton Multi-Agency Safeguarding Hub (example)",
    CSC: "Luton children's social care (example)",
    "la:E06000032/early-help": "Luton early help (example)",
    GP: "Example Road Surgery",
    "ods:Y99AC/emergency-department": "Example Acute Trust emergency department",
    "ods:Y99AC/midwifery": "Example Acute Trust midwifery",
    SCHOOL: "Example Primary School",
    POLICE: "Example Constabulary public protection unit",
}
_POLICY: Final = OpenPolicy(accept_status=frozenset({Status.ACTUAL, Status.EXERCISE}))

#: The story's steps: which example messages are sent at each, and what the step shows.
_STEPS: Final = (
    ("Health visiting raises a neglect concern: three appointments Kai was not brought to", ["01"]),
    ("The MASH acknowledges the concern and decides on a strategy discussion", ["02", "03"]),
    ("The MASH asks the GP and the police what they know; the GP answers", ["04", "05"]),
    ("The GP and the school send their chronology entries", ["06-chronology-gp", "06-chronology-school"]),
    (
        "Health visiting reports that Kai was not brought to the paediatric clinic; the Graded Care Profile is shared",
        ["07", "08"],
    ),
    ("The police send a domestic-abuse notification to the school", ["09-domestic-abuse-notification-police"]),
    ("Children's social care steps the case down and closes it; health visiting escalates", ["10", "36", "11"]),
    ("The emergency department's record access is notified twice; the duplicate is withdrawn", ["12", "13", "14"]),
    ("The midwife raises a concern about the unborn sibling", ["15"]),
    ("Health visiting describes the household; a strategy discussion starts a section 47 enquiry", ["30", "31"]),
    (
        "The enquiry's outcome; the initial child protection conference; every agency holding Kai's case is told of "
        "his plan",
        ["34", "32", "33"],
    ),
)


def _story() -> dict[str, bytes]:
    folder = importlib.resources.files("concernshare").joinpath("_story", "messages")
    return {item.name: item.read_bytes() for item in folder.iterdir() if item.name.endswith(".json")}


def _rules() -> RuleSet:
    return load_rules(importlib.resources.files("concernshare").joinpath("_story", "mash-front-door.json").read_bytes())


def _pick(story: dict[str, bytes], prefix: str) -> Message:
    (name,) = [n for n in story if n.startswith(prefix) and "-view" not in n]
    return attrs.evolve(validate(story[name]), sent=None)


def _trackers(world: World) -> dict[str, Tracker]:
    """One tracker per agency, in memory: the demo shows the loop, not the durability (tests prove that)."""
    return {agency: Tracker(MemoryStore()) for agency in world.agencies}


@attrs.frozen
class Played:
    """What the demo wrote, and any view a recipient could not open (none, unless something is broken)."""

    report: Path
    refused: tuple[str, ...] = ()


#: How a sealed view reaches one recipient: (sealed, message, recipient, at) -> what that recipient received.
Carry = Callable[[bytes, Message, str, dt.datetime], Received]


def _carrier(
    transport: str, world: World, trackers: dict[str, Tracker], say: Callable[[str], None], stack: contextlib.ExitStack
) -> Carry:
    """How a sealed view reaches a recipient: ``receive`` called directly, or over a transport."""
    if transport == "http":
        from concernshare.serve.demo import front_doors  # noqa: PLC0415  (needs the serve extra)

        return stack.enter_context(front_doors(world, trackers, _POLICY, say))
    if transport == "mesh":
        from concernshare.transport.mesh_demo import mailboxes  # noqa: PLC0415  (needs the mesh packages)

        return stack.enter_context(mailboxes(world, trackers, _POLICY, say))

    def carry(sealed: bytes, _message: Message, recipient: str, at: dt.datetime) -> Received:
        agency = world[recipient]
        return receive(
            sealed,
            agency.decrypters,
            agency.signer,
            me=agency.id,
            directory=world.directory,
            store=trackers[recipient].store,
            tracker=trackers[recipient],
            at=at,
            policy=_POLICY,
        )

    return carry


def _where(chronology: Chronology, kind: str) -> tuple[int, Entry] | None:
    """The number (from 1) and entry of the first entry of ``kind`` in the chronology, if there is one."""
    return next(((n, e) for n, e in enumerate(chronology.entries, start=1) if e.event_type == kind), None)


def _milestones(chronology: Chronology, told: int) -> list[str]:
    """Where the story's turning points stand in Kai's chronology, in plain words."""
    total = len(chronology.entries)
    lines = []
    for kind, words in (
        (
            "police_incident",
            "the domestic abuse incident at his home. The police notification is about his brother Tyler; Kai "
            "lives with him, so it is in Kai's own chronology too, marked as a household event",
        ),
        ("strategy_discussion", "the strategy discussion, which started a section 47 enquiry"),
        ("conference", "the initial child protection conference"),
        ("plan", f"the plan status notification: his child protection plan started, told to {told} agencies"),
    ):
        found = _where(chronology, kind)
        if found is None:
            lines.append(f"Not in Kai's chronology: {words} (the demo did not play as it should)")
            continue
        number, entry = found
        household = " [household event]" if entry.match is Match.HOUSEHOLD else ""
        lines.append(f"Entry {number} of Kai's {total} ({entry.event_date}){household}: {words}")
    return lines


def _household_line(household: Household, folder: Path) -> str:
    names = [name for child in household.children for name in child.names[:1]]
    shared = sum(1 for item in household.entries if len(item.children) > 1)
    return (
        f"\nThe household chronology of {' and '.join(names)}: {len(household.entries)} entries side by side, "
        f"{shared} in more than one child's chronology: {folder / 'household.json'}, {folder / 'household.csv'}"
    )


def _report(folder: Path, opened: list[Message], later: dt.datetime, say: Callable[[str], None]) -> Path:
    """Write the chronologies (Kai's, his brother's, their household's) and say where the story stands in Kai's."""
    chronologies = build_chronologies(opened, generated=later, agency_names=_NAMES)
    chronology = next(c for c in chronologies if c.child.nhs_number == _KAI)
    households = build_households(chronologies, generated=later, child=_KAI)
    report = folder / "chronology-report.html"
    write_file(report, to_html_many(chronologies, households=households).encode("utf-8"))
    write_file(folder / "chronology.json", to_json(chronology))
    write_file(folder / "household.json", household_json(households[0]))
    write_file(folder / "household.csv", b"\xef\xbb\xbf" + household_csv(households).encode("utf-8"))
    say(
        f"\nKai's multi-agency chronology: {len(chronology.entries)} entries from {len(chronology.agencies)} "
        f"agencies, {len(chronology.patterns)} patterns flagged:"
    )
    for pattern in chronology.patterns:
        say(f"   {pattern.kind}: {pattern.explanation}")
    say("Where the child-protection story stands in it:")
    for line in _milestones(chronology, sum(1 for m in opened if m.type == "plan_status")):
        say(f"   {line}")
    say(_household_line(households[0], folder))
    return report


def run(folder: Path, *, now: dt.datetime, say: Callable[[str], None], transport: str = "file") -> Played:
    """Play the story in ``folder`` starting at ``now`` over ``transport`` (file, http or mesh); report through ``say``.

    Raises :class:`~concernshare.errors.NaiveTime` if ``now`` is naive.
    """
    require_aware(now, "now")
    folder.mkdir(parents=True, exist_ok=True)
    world = make_world(_AGENCIES, now=now, directory_id="demo-luton")
    write_file(folder / "directory.jws", world.signed_directory, mode=PUBLIC)
    trackers = _trackers(world)
    rules, story = _rules(), _story()
    opened: list[Message] = []
    refused: list[str] = []
    say(
        f"Throwaway keys for {len(world.agencies)} agencies and a directory signed by a throwaway authority: "
        f"{folder / 'directory.jws'}"
    )
    stack = contextlib.ExitStack()
    carry = _carrier(transport, world, trackers, say, stack)
    at = now
    for number, (title, prefixes) in enumerate(_STEPS, 1):
        say(f"\n{number}. {title}")
        for prefix in prefixes:
            at += dt.timedelta(minutes=7)
            message = _pick(story, prefix)
            sender = world[message.sender.agency]
            case = [m.id for m in opened if m.subject.identifiers.nhs_number == message.subject.identifiers.nhs_number]
            sent = send(
                message,
                sender.signer,
                rules=rules,
                directory=world.directory,
                tracker=trackers[sender.id],
                at=at,
                holders=trackers[sender.id].holders(case),
            )
            for view in sent.views:
                write_file(folder / f"{message.id}.{view.view}.sealed.json", view.sealed)
                for recipient in view.recipients:
                    received = carry(view.sealed, message, recipient, at + dt.timedelta(minutes=1))
                    if received.message is None:
                        refused.append(f"{message.id} ({view.view} view) to {recipient}")
                        say(
                            f"   NOT OPENED: {recipient} could not open the {view.view} view of the {message.type}: "
                            + "; ".join(f"{p.code} {p.message}" for p in received.problems)
                        )
                        continue
                    opened.append(received.message)
                    withheld = len(received.message.view.withheld) if received.message.view else 0
                    due = next((d.due for d in sent.plan.deliveries if d.recipient == recipient), None)
                    say(
                        f"   {message.type} from {message.sender.agency} opened by {recipient} in the "
                        f"{view.view} view ({withheld} field{'' if withheld == 1 else 's'} withheld)"
                        + (f", response due {utc_minute(due)}" if due else "")
                    )
            if message.type == "domestic_abuse_notification":
                school = next(v for v in sent.views if SCHOOL in v.recipients)
                denied = next(d.withheld_categories for d in sent.plan.deliveries if d.recipient == SCHOOL)
                say(
                    f"   the school's view withholds: {', '.join(denied)}; adult health reaches it: "
                    f"{'yes' if Sensitivity.ADULT_HEALTH not in denied else 'no'} ({len(school.sealed)} bytes sealed)"
                )
    stack.close()
    later = at + dt.timedelta(days=3)
    overdue = trackers[HV].overdue(later)
    say(f"\nThe closed loop: health visiting's tracker, three days on, lists {len(overdue)} overdue responses")
    for delivery in overdue:
        say(
            f"   {delivery.message_type} to {delivery.recipient}: {delivery.expects} was due "
            f"{utc_minute(delivery.due) if delivery.due else 'at once'}; escalate to "
            f"{', '.join(delivery.escalate_to) or 'the sender'}"
        )
    report = _report(folder, opened, later, say)
    for tracker in trackers.values():
        tracker.store.close()
    if refused:
        say(
            f"\n{len(refused)} view{'s' if len(refused) > 1 else ''} could not be opened: the demo did not play "
            "as it should"
        )
    say(f"\nReport: {report}")
    return Played(report, tuple(refused))
