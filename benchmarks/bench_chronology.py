"""The chronology at scale: build, render and memory, each measured as a ratio on the same machine.

Issue 5, item 9. One realistic corpus is generated (one child, 50 agencies, every kind of
message the chronology reads) and three things are measured on it:

1. **build**: ``build_chronology(messages, child=...)`` over about 100,000 entries, from the
   validated messages to the merged, ordered, pattern-flagged chronology, against parsing and
   validating the same messages (``validation.validate(bytes)`` for each message's bytes).
   Aim: no more than 1x.
2. **render**: ``report.to_html`` of a chronology of about 10,000 entries, against
   ``json.dumps(codec.unstructure(entries))`` of the same entries (the baseline; also shown
   against ``json.dumps`` alone of the already unstructured entries). Aim: no more than 3x.
3. **memory**: the tracemalloc peak of building the chronology of about 10,000, 50,000 and
   100,000 entries (the messages are already in memory; the peak counts what the build
   allocates, its result included). Linear if the peak per entry is roughly constant.

    .venv/bin/python benchmarks/bench_chronology.py [--quick] [--serial] [--clock cpu|wall] [--repeat 3]
                                                    [--seed 2013] [--profile]

Times are CPU time by default, each with the part of it the garbage collector took.
The traced build of the whole corpus runs in a second, forked process, alongside the timings
(``--serial``: after them, here). ``--quick`` divides every size by ten. ``--profile`` adds a
cProfile of the build and of the render. This is a measurement, not a test: it checks that
every message validates and that the chronology holds what the corpus put in it, never a
time. See docs/performance-chronology.md.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import datetime as dt
import gc
import itertools
import json
import multiprocessing
import os
import platform
import pstats
import random
import statistics
import sys
import time
import traceback
import tracemalloc
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from importlib.metadata import version
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Final, NamedTuple, TypeVar

from concernshare import FORMAT_VERSION, codec, validation
from concernshare.chronology import Chronology, EntryState, build_chronology
from concernshare.chronology.extract import entries_of
from concernshare.chronology.report import to_html
from concernshare.records import Message
from concernshare.records.identifiers import councils, nhs_number_ok

ROOT: Final = Path(__file__).resolve().parents[1]
EXAMPLES: Final = ROOT / "examples" / "messages"
UTC: Final = dt.UTC
T = TypeVar("T")

# -- sizes and aims ----------------------------------------------------------------------------

BUILD_ENTRIES: Final = 100_000
RENDER_ENTRIES: Final = 10_000
MEMORY_ENTRIES: Final = (10_000, 50_000, 100_000)
AIM_BUILD: Final = 1.0
AIM_RENDER: Final = 3.0
#: Linear growth: the largest peak per entry, over the sizes, is within this factor of the smallest.
LINEAR_WITHIN: Final = 1.25

# -- the child and the agencies ---------------------------------------------------------------

#: Councils the family lived in, in turn (real GSS codes, checked against the shipped list):
#: Luton, Central Bedfordshire, Bedford, Hertfordshire.
COUNCILS: Final = ("E06000032", "E06000056", "E06000055", "E10000015")
START: Final = dt.datetime(2012, 4, 2, 9, 0, tzinfo=UTC)  # a month after the child's birth
END: Final = dt.datetime(2026, 6, 19, 17, 0, tzinfo=UTC)
GENERATED: Final = dt.datetime(2026, 7, 1, 9, 0, tzinfo=UTC)  # the chronology is judged at this time


def _example(name: str) -> dict[str, Any]:
    path = next(EXAMPLES.glob(f"{name}*.json"))
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def agencies() -> dict[str, list[str]]:
    """The 50 agencies, by kind: 10 la: units of four councils, 22 ods:, 12 school:, 6 police:."""
    known = councils().current
    missing = [code for code in COUNCILS if code not in known]
    if missing:
        raise SystemExit(f"councils {missing} are not in the shipped council list {councils().version}")
    by_kind = {
        "mash": [f"la:{code}/mash" for code in COUNCILS],
        "csc": [f"la:{code}/childrens-social-care" for code in COUNCILS],
        "early_help": [f"la:{COUNCILS[0]}/early-help", f"la:{COUNCILS[1]}/early-help"],
        "gp": ["ods:Y99GP", "ods:Y98GP", "ods:Y97GP", "ods:Y96GP"],
        "health_visiting": ["ods:Y99HV/health-visiting", "ods:Y98HV/health-visiting"],
        "school_nursing": ["ods:Y99HV/school-nursing", "ods:Y98HV/school-nursing"],
        "emergency": ["ods:Y99AC/emergency-department", "ods:Y98AC/emergency-department", "ods:Y97AC/minor-injuries"],
        "hospital": [
            "ods:Y99AC/paediatrics",
            "ods:Y99AC/midwifery",
            "ods:Y99AC/paediatric-dietetics",
            "ods:Y98AC/paediatrics",
            "ods:Y98AC/audiology",
        ],
        "other_health": [
            "ods:Y99MH/camhs",
            "ods:Y99MH/adult-mental-health",
            "ods:Y99AMB",
            "ods:Y99DEN",
            "ods:Y99SMS/substance-misuse",
            "ods:Y99SH",
        ],
        "school": [f"school:{999101 + n}" for n in range(12)],
        "police": [f"police:{99 - n}" for n in range(6)],
    }
    every = [agency for group in by_kind.values() for agency in group]
    if len(every) != 50 or len(set(every)) != 50:
        raise SystemExit("the benchmark needs exactly 50 distinct agencies")
    return by_kind


ROLES: Final = {
    "mash": ("MASH duty social worker", "MASH team manager"),
    "csc": ("Social worker", "Team manager", "Family support worker"),
    "early_help": ("Early help practitioner", "Family support worker"),
    "gp": ("General practitioner", "Practice nurse", "Receptionist"),
    "health_visiting": ("Health visitor", "Community nursery nurse"),
    "school_nursing": ("School nurse",),
    "emergency": ("Emergency department nurse", "Paediatric liaison nurse", "Emergency physician"),
    "hospital": ("Paediatric registrar", "Community midwife", "Paediatric dietitian", "Audiologist"),
    "other_health": ("CAMHS practitioner", "Mental health nurse", "Paramedic", "Dentist", "Recovery worker"),
    "school": ("Designated safeguarding lead", "Class teacher", "Attendance officer", "Head teacher"),
    "police": ("Police constable", "MASH police officer", "Detective constable"),
}
FIRST: Final = ("Sam", "Alex", "Jo", "Chris", "Pat", "Robin", "Morgan", "Jamie", "Kim", "Lee", "Ash", "Dee")
LAST: Final = ("Archer", "Baines", "Carter", "Dale", "Ellis", "Finch", "Grant", "Hale", "Ives", "Joyce")

# -- text of the entries ---------------------------------------------------------------------

ADULTS: Final = ("his mother", "his grandmother", "his mother's partner", "an aunt", "a family friend")
SERVICES: Final = (
    "Health visiting",
    "Paediatric outpatients",
    "Paediatric dietetics",
    "Audiology",
    "Community dental service",
    "CAMHS",
    "School nursing",
    "GP practice",
)
APPOINTMENTS: Final = (
    "Weight review",
    "Development review",
    "Hearing test",
    "Dental check-up",
    "Follow-up after the emergency attendance",
    "Immunisations",
    "First appointment",
)
SETTINGS: Final = ("emergency department", "minor injuries unit", "walk-in centre", "GP surgery")
PARTS: Final = ("forearm", "upper arm", "shin", "cheek", "back", "thigh")
HOMES: Final = (
    "The home was cold and there was little food in the kitchen.",
    "The home was tidy; there was food in the fridge.",
    "Nobody answered the door; a light was on upstairs.",
    "The flat smelt of cannabis and dirty nappies were on the floor.",
    "His mother was warm towards him and he played with a toy car.",
)


def _entry_text(rng: random.Random, kind: str) -> tuple[str, str, str, str, str]:
    """An event type, its summary and significance, whether the child was seen and the impact."""
    adult, service = rng.choice(ADULTS), rng.choice(SERVICES)
    if kind == "school":
        return rng.choice(
            (
                (
                    "school_attendance",
                    f"Absent from school; no reason given by {adult}.",
                    "Unexplained absences add to the concern about how he is cared for.",
                    "no",
                    "negative",
                ),
                (
                    "education",
                    f"Class teacher noted he was {rng.choice(('tired', 'hungry', 'withdrawn'))} and "
                    f"{rng.choice(('had no coat', 'had no lunch', 'wore the same clothes all week'))}.",
                    "A sign of his needs at home going unmet.",
                    "yes",
                    "negative",
                ),
                (
                    "school_attendance",
                    f"Attendance this half-term {rng.randint(71, 99)}%.",
                    "Attendance is a measure of whether he is brought to school.",
                    "unknown",
                    "neutral",
                ),
                (
                    "education",
                    f"Collected late by {adult}, {rng.randint(20, 90)} minutes after school ended.",
                    "Late collection leaves him waiting without a known adult.",
                    "yes",
                    "negative",
                ),
            )
        )
    if kind == "police":
        return rng.choice(
            (
                (
                    "police_incident",
                    f"Police attended a report of a domestic argument at the home; "
                    f"{rng.choice(('he was asleep upstairs', 'he was in the room', 'he was not at home'))}.",
                    "Exposure to domestic abuse harms children who live with it.",
                    "unknown",
                    "negative",
                ),
                (
                    "police_incident",
                    f"{adult.capitalize()} reported him missing for {rng.randint(2, 9)} hours; found safe.",
                    "Missing episodes raise the risk of exploitation.",
                    "yes",
                    "negative",
                ),
            )
        )
    weight, centile = rng.uniform(7.5, 30.0), rng.choice(("0.4th", "2nd", "9th", "25th", "50th"))
    return rng.choice(
        (
            (
                "appointment",
                f"Seen at {service} with {adult}. Weight {weight:.1f} kg ({centile} centile).",
                f"His growth is watched: the {centile} centile against the 50th at birth.",
                "yes",
                "neutral",
            ),
            (
                "non_engagement",
                f"Not brought to the {service} appointment; a letter offered another.",
                "Another health contact missed while concerns about his care stand.",
                "no",
                "negative",
            ),
            (
                "home_visit",
                f"Home visit. {rng.choice(HOMES)}",
                "What the home was like on the day is part of the picture of his care.",
                "yes",
                "neutral",
            ),
            (
                "health_attendance",
                f"Attended the {rng.choice(SETTINGS)} with a {rng.randint(1, 6)} cm bruise "
                f"on his {rng.choice(PARTS)}; {adult} said he fell.",
                "An injury to a young child needs an explanation that fits it.",
                "yes",
                "negative",
            ),
            (
                "injury",
                f"Bruise on his {rng.choice(PARTS)} seen at nursery; {adult} gave no explanation.",
                "An unexplained injury to a child under five.",
                "yes",
                "negative",
            ),
            (
                "household_change",
                f"{adult.capitalize()} said that she has moved in with the family.",
                "A new adult in the household who is not known to services.",
                "unknown",
                "neutral",
            ),
            (
                "plan",
                f"Child-in-need plan reviewed: {rng.randint(1, 5)} of 6 actions done.",
                "Progress on the plan shows whether his needs are being met.",
                "unknown",
                "neutral",
            ),
            (
                "other",
                f"Telephone call from {adult} about his {rng.choice(('appetite', 'sleep', 'behaviour'))}.",
                "The family sought advice.",
                "no",
                "neutral",
            ),
        )
    )


# -- the corpus ------------------------------------------------------------------------------


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Corpus:
    """A generated, realistic set of messages about one child, as JSON documents in order of creation.

    Primary messages arrive at random (a Poisson process) from 2012 to 2026: chronology
    messages of 3 to 20 entries from any agency; concerns with observations and was-not-brought
    events, each acknowledged and decided by the MASH (some late, a few never), some followed by
    updates; information requests and the responses with their entries; domestic-abuse
    notifications from the police to the school; emergency-department access notifications; and
    health-visiting assessments. Agencies send corrections that supersede a message, withdraw a
    few (for each reason, "wrong child" among them), re-send an entry from the same source
    record, record events only to the month or the year, and record events that look alike
    (same day, agency and template text) from different records; some messages arrive twice.
    A few come from a school whose system has no NHS number: probable matches.
    """

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
        self.kinds = agencies()
        self.agency_kind = {a: kind for kind, group in self.kinds.items() for a in group}
        self.example = _example("01-")
        self.subject = self.example["subject"]
        self.child = self.subject["identifiers"]["nhs_number"]
        if not nhs_number_ok(self.child) or not self.child.startswith("999"):
            raise SystemExit("the example child's NHS number is not in the 999 test range")
        self.no_nhs = copy.deepcopy(self.subject)
        del self.no_nhs["identifiers"]["nhs_number"]
        self.born = dt.date.fromisoformat(self.subject["birth_date"])
        self.lawful = self.example["lawful_basis"]
        # A police notification carries criminal offence data, so it needs the Article 10 condition (CS134).
        self.police_lawful = _example("09-domestic-abuse-notification-police")["lawful_basis"]
        self.templates = {
            name: _example(prefix)["body"]
            for name, prefix in (
                ("decision", "03-"),
                ("assessment", "08-"),
                ("police", "09-domestic-abuse-notification-police"),
            )
        }
        self.documents: list[tuple[dt.datetime, int, dict[str, Any]]] = []
        self.references: dict[str, list[str]] = {}
        self.counter = 0
        self.net = 0  # entries the chronology should hold, after merges and supersessions
        self.copies = 0  # messages that arrive twice
        self.corrections = 0  # messages that supersede an earlier one
        self.kinds_made: Counter[str] = Counter()

    # helpers

    def _id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _practitioner(self, agency: str) -> dict[str, str]:
        rng = self.rng
        return {
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "role": rng.choice(ROLES[self.agency_kind[agency]]),
            "team": agency.split(":", 1)[1].replace("/", " "),
        }

    def _council(self, at: dt.datetime) -> int:
        share = (at - START) / (END - START)
        return min(len(COUNCILS) - 1, int(share * len(COUNCILS)))

    def _past(self, at: dt.datetime, days: float) -> dt.date:
        """A day up to ``days`` before ``at``, never before the birth."""
        return max(self.born, (at - dt.timedelta(days=self.rng.uniform(0, days))).date())

    def _partial(self, day: dt.date) -> str:
        roll = self.rng.random()
        if roll < 0.04:
            return f"{day.year:04d}"
        if roll < 0.14:
            return f"{day.year:04d}-{day.month:02d}"
        return day.isoformat()

    def _reference(self, agency: str) -> str:
        self.counter += 1
        reference = f"{agency.split(':', 1)[1].split('/', 1)[0]}-{self.counter:07d}"
        self.references.setdefault(agency, []).append(reference)
        return reference

    def _message(
        self,
        kind: str,
        at: dt.datetime,
        sender: str,
        recipients: Sequence[str],
        body: dict[str, Any],
        *,
        thread: dict[str, str] | None = None,
        markings: Sequence[str] = (),
        subject: dict[str, Any] | None = None,
        message_id: str | None = None,
    ) -> dict[str, Any]:
        decider = self._practitioner(sender)
        document = {
            "format_version": FORMAT_VERSION,
            "id": message_id or self._id(),
            "type": kind,
            "created": _iso(at),
            "sent": _iso(at + dt.timedelta(minutes=3)),
            "status": "exercise",
            "sender": {"agency": sender, "practitioner": self._practitioner(sender), "anonymity_requested": False},
            "recipients": [r for r in dict.fromkeys(recipients) if r != sender]
            or [next(a for a in (self.kinds["mash"][0], self.kinds["csc"][0]) if a != sender)],
            "subject": subject or self.subject,
            "handling": {"classification": "OFFICIAL", "caveat": "SENSITIVE", "markings": list(markings)},
            "lawful_basis": self.police_lawful if kind == "domestic_abuse_notification" else self.lawful,
            "sharing_decision": {
                "decided_by": decider,
                "decided_at": _iso(at - dt.timedelta(minutes=10)),
                "necessary_and_proportionate": "The recipients need this to keep the child safe; "
                "nothing beyond it is shared.",
            },
            "thread": {"case_reference": f"EX-{at.year}-{self._council(at):04d}", **(thread or {})},
            "body": body,
        }
        self.documents.append((at, len(self.documents), document))
        self.kinds_made[kind] += 1
        return document

    # the entries of a chronology message

    def _entries(self, agency: str, at: dt.datetime, count: int) -> list[dict[str, Any]]:
        rng, kind = self.rng, self.agency_kind[agency]
        text_kind = "school" if kind == "school" else "police" if kind == "police" else "health"
        entries: list[dict[str, Any]] = []
        for _ in range(count):
            earlier = self.references.get(agency)
            if earlier and rng.random() < 0.03:  # an entry re-sent from the same record, amended: merged
                reference: str | None = rng.choice(earlier)
            else:
                reference = self._reference(agency) if rng.random() < 0.8 else None
                self.net += 1
            day = self._past(at, 90)
            event_type, summary, significance, seen, impact = _entry_text(rng, text_kind)
            entry = {
                "event_date": self._partial(day),
                "recorded_date": min(at.date(), day + dt.timedelta(days=rng.randint(0, 10))).isoformat(),
                "source_agency": agency,
                "author_role": rng.choice(ROLES[kind]),
                "event_type": event_type,
                "summary": summary,
                "significance": significance,
                "child_seen": seen,
                "impact": impact,
            }
            if reference:
                entry["source_record_reference"] = reference
            entries.append(entry)
            if rng.random() < 0.01:  # alike: the same day and text, from another record
                twin = dict(entry, event_date=day.isoformat(), source_record_reference=self._reference(agency))
                entries.append(twin)
                self.net += 1
        return entries

    def _missed(self, agency: str, at: dt.datetime) -> dict[str, Any]:
        rng = self.rng
        challenged = rng.random() < 0.6
        event: dict[str, Any] = {
            "date": self._past(at, 120).isoformat(),
            "service": rng.choice(SERVICES),
            "appointment": rng.choice(APPOINTMENTS),
            "kind": rng.choices(("was_not_brought", "no_access_visit", "did_not_attend", "cancelled"), (70, 15, 10, 5))[
                0
            ],
            "impact_on_child": "His needs went unassessed for another month.",
            "challenged": challenged,
            "source_record_reference": self._reference(agency),
        }
        if challenged:
            event["challenged_by"] = rng.choice(ROLES[self.agency_kind[agency]])
        return event

    def _observation(self, agency: str, at: dt.datetime) -> dict[str, Any]:
        rng = self.rng
        seen = rng.random() < 0.7
        return {
            "observed": self._partial(self._past(at, 60)),
            "observed_by": rng.choice(ROLES[self.agency_kind[agency]]),
            "child_seen": seen,
            "source": "seen" if seen else "third_party",
            "description": rng.choice(HOMES) + f" He was {rng.choice(('quiet', 'pale', 'cheerful', 'hungry'))}.",
        }

    def _details(self, agency: str, at: dt.datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        rng = self.rng
        observations = [self._observation(agency, at) for _ in range(rng.randint(0, 3))]
        missed = [self._missed(agency, at) for _ in range(rng.choices((0, 1, 2, 3), (25, 30, 30, 15))[0])]
        if missed and rng.random() < 0.03:  # booked twice in the system: alike, flagged, both counted
            missed.append(dict(missed[0], source_record_reference=self._reference(agency)))
        self.net += len(observations) + len(missed)
        return observations, missed

    # the primary messages and what follows each

    def chronology(self, at: dt.datetime) -> dict[str, Any]:
        rng = self.rng
        sender = rng.choice([a for group in self.kinds.values() for a in group])
        mash = self.kinds["mash"][self._council(at)]
        no_nhs = self.agency_kind[sender] == "school" and rng.random() < 0.02
        entries = self._entries(sender, at, rng.randint(3, 20))
        document = self._message(
            "chronology", at, sender, [mash], {"entries": entries}, subject=self.no_nhs if no_nhs else None
        )
        if no_nhs:
            self.net -= len(document["body"]["entries"])  # shown as probable matches, not entries
        return document

    def concern(self, at: dt.datetime) -> dict[str, Any]:
        rng = self.rng
        kind = rng.choice(("gp", "health_visiting", "school", "police", "emergency", "hospital", "school_nursing"))
        sender = rng.choice(self.kinds[kind])
        council = self._council(at)
        mash, csc = self.kinds["mash"][council], self.kinds["csc"][council]
        body = copy.deepcopy(self.example["body"])
        body.pop("growth", None)  # the example's measurements are dated in its own story, not at this concern's time
        observations, missed = self._details(sender, at)
        body.update(
            observations=observations,
            non_engagement=missed,
            other_agencies=[],
            risk_level=rng.choice(("high", "medium", "low")),
            concern_types=rng.sample(
                [
                    "neglect",
                    "non_engagement",
                    "emotional_abuse",
                    "domestic_abuse",
                    "physical_abuse",
                    "parental_mental_health",
                ],
                rng.randint(1, 3),
            ),
            summary=f"Concern {self.kinds_made['concern'] + 1}: {len(missed)} missed contacts and "
            f"{len(observations)} observations of his care at home.",
        )
        concern = self._message("concern", at, sender, [mash], body)
        self.net += 1
        received = at + dt.timedelta(minutes=3)
        ack_at = received + dt.timedelta(minutes=rng.randint(5, 90))
        self._message(
            "acknowledgement",
            ack_at,
            mash,
            [sender],
            {
                "message_id": concern["id"],
                "received_at": _iso(received),
                "received_by": self._practitioner(mash),
                "outcome": "accepted",
                "problems": [],
                "next_steps": "A manager will decide within one working day.",
                "next_steps_due": _iso(received + dt.timedelta(days=1)),
            },
            thread={"in_reply_to": concern["id"]},
        )
        self.net += 1
        timing = rng.random()
        if timing < 0.97:  # decided in time, or late (3 in 100 never are: overdue)
            hours = rng.uniform(1, 20) if timing < 0.9 else rng.uniform(50, 120)
            decided = at + dt.timedelta(hours=hours)
            body = copy.deepcopy(self.templates["decision"])
            outcome = rng.choices(
                (
                    "no_further_action",
                    "advice_and_signposting",
                    "early_help",
                    "child_in_need_assessment",
                    "strategy_discussion",
                    "section_47_enquiry",
                ),
                (25, 20, 25, 15, 10, 5),
            )[0]
            body.update(
                concern_id=concern["id"],
                outcome=outcome,
                decided_by=self._practitioner(mash),
                decided_at=_iso(decided - dt.timedelta(minutes=5)),
                referral_at=_iso(at + dt.timedelta(minutes=30)),
                reasons=f"Decided on the concern and the partners' records: {outcome.replace('_', ' ')}.",
            )
            self._message("decision", decided, mash, [sender, csc], body, thread={"in_reply_to": concern["id"]})
            self.net += 1
        if rng.random() < 0.1:
            later = at + dt.timedelta(days=rng.uniform(3, 30))
            observations, missed = self._details(sender, later)
            self._message(
                "update",
                later,
                sender,
                [mash, csc],
                {
                    "concern_id": concern["id"],
                    "what_changed": "More missed contacts since the concern was raised.",
                    "observations": observations,
                    "non_engagement": missed,
                },
                thread={"in_reply_to": concern["id"]},
            )
            self.net += 1
        return concern

    def request(self, at: dt.datetime) -> dict[str, Any]:
        rng = self.rng
        mash = self.kinds["mash"][self._council(at)]
        asked = rng.sample(
            [a for kind in ("gp", "health_visiting", "school", "police", "hospital") for a in self.kinds[kind]],
            rng.randint(2, 4),
        )
        due = at + dt.timedelta(days=2)
        request = self._message(
            "information_request",
            at,
            mash,
            asked,
            {
                "asked": "Everything your records hold since the last strategy discussion that bears on his care.",
                "purpose": "A strategy discussion will decide whether to start section 47 enquiries.",
                "asked_of": asked,
                "respond_by": _iso(due),
            },
        )
        self.net += 1
        for agency in asked:
            answered = at + dt.timedelta(hours=rng.uniform(2, 40) if rng.random() < 0.92 else rng.uniform(50, 90))
            entries = self._entries(agency, answered, rng.randint(0, 6))
            body: dict[str, Any] = {"request_id": request["id"], "nothing_known": not entries}
            if entries:
                body.update(information=f"{len(entries)} entries from our records.", entries=entries)
            self._message("information_response", answered, agency, [mash], body, thread={"in_reply_to": request["id"]})
            self.net += 1
        return request

    def police(self, at: dt.datetime) -> dict[str, Any]:
        rng = self.rng
        council = self._council(at)
        force = self.kinds["police"][min(council + rng.randint(0, 2), len(self.kinds["police"]) - 1)]
        school = self.kinds["school"][council * 3 + rng.randint(0, 2)]
        incident = at - dt.timedelta(hours=rng.uniform(1, 30))
        body = dict(
            self.templates["police"],
            incident_at=_iso(incident),
            setting_notified=school,
            deliver_before=_iso(incident + dt.timedelta(hours=34)),
            police_reference=f"EX-{force[-2:]}-{incident:%Y%m%d}-{rng.randint(1000, 9999)}",
            child_present=rng.choice(("yes", "no", "unknown")),
        )
        self.net += 1
        return self._message(
            "domestic_abuse_notification",
            at,
            force,
            [school, self.kinds["mash"][council]],
            body,
            markings=("do_not_approach_parents", "do_not_disclose_to_family"),
        )

    def access(self, at: dt.datetime) -> dict[str, Any]:
        rng = self.rng
        sender = rng.choice(self.kinds["emergency"])
        council = self._council(at)
        self.net += 1
        return self._message(
            "access_notification",
            at,
            sender,
            [self.kinds["csc"][council]],
            {
                "record_reference": self._reference(sender),
                "accessed_by": sender,
                "setting": "minor_injuries_unit" if "minor" in sender else "emergency_department",
                "accessed_at": _iso(at - dt.timedelta(minutes=rng.randint(5, 600))),
                "accessor_role": rng.choice(ROLES["emergency"]),
            },
        )

    def assessment(self, at: dt.datetime) -> dict[str, Any]:
        rng = self.rng
        sender = rng.choice(self.kinds["health_visiting"])
        assessed = (at - dt.timedelta(days=rng.randint(0, 5))).date()
        body = dict(
            self.templates["assessment"],
            assessed_on=assessed.isoformat(),
            review_date=(assessed + dt.timedelta(days=90)).isoformat(),
            area_grades=[
                {"area": area, "grade": rng.randint(1, 5)} for area in ("physical_care", "safety", "love", "esteem")
            ],
        )
        self.net += 1
        return self._message("assessment_summary", at, sender, [self.kinds["csc"][self._council(at)]], body)

    def follow_up(self, original: dict[str, Any]) -> None:
        """Now and then, a correction that supersedes the message, a withdrawal, or a second copy."""
        rng, at = self.rng, dt.datetime.fromisoformat(original["created"])
        roll = rng.random()
        sender = original["sender"]["agency"]
        if roll < 0.015 and original["type"] in {"chronology", "concern"}:
            body = copy.deepcopy(original["body"])
            body["summary" if original["type"] == "concern" else "entries"] = (
                body["summary"] + " Corrected: the dates of two contacts."
                if original["type"] == "concern"
                else [dict(e, summary=e["summary"] + " (corrected)") for e in body["entries"]]
            )
            self._message(
                original["type"],
                at + dt.timedelta(days=rng.uniform(1, 4)),
                sender,
                original["recipients"],
                body,
                thread={"supersedes": original["id"]},
            )
            self.corrections += 1
        elif roll < 0.022:
            reason = rng.choices(("entered_in_error", "duplicate", "retracted", "wrong_child"), (35, 30, 20, 15))[0]
            self._message(
                "withdrawal",
                at + dt.timedelta(days=rng.uniform(1, 10)),
                sender,
                original["recipients"],
                {
                    "message_id": original["id"],
                    "reason": reason,
                    "permanent": True,
                    "explanation": "Withdrawn by the sender after a check of its records.",
                },
            )
        elif roll < 0.027:  # the same message arrives twice (two routes): it counts once
            self.documents.append((at, len(self.documents), original))

    def grow(self, target: int, per_primary: float) -> None:
        """Add primary messages (and their follow-ups) until the chronology should hold ``target`` entries."""
        rng = self.rng
        makers: list[Callable[[dt.datetime], dict[str, Any]]] = [
            self.chronology,
            self.concern,
            self.request,
            self.police,
            self.access,
            self.assessment,
        ]
        weights = (48, 24, 6, 8, 10, 4)
        mean_gap = (END - START) / (target / per_primary)
        at = START
        while self.net < target:
            at += mean_gap * rng.expovariate(1.0)
            self.follow_up(rng.choices(makers, weights)[0](min(at, END)))

    def documents_in_order(self) -> list[dict[str, Any]]:
        return [document for _, _, document in sorted(self.documents, key=lambda item: (item[0], item[1]))]


def make_corpus(target: int, seed: int) -> tuple[list[bytes], Corpus]:
    """The corpus's messages as bytes (compact UTF-8 JSON, as a sending system writes them), in order of creation."""
    calibration = Corpus(seed + 1)
    calibration.grow(20_000, per_primary=6.0)  # how many entries a primary message brings, follow-ups included
    primaries = sum(
        calibration.kinds_made[k]
        for k in (
            "chronology",
            "concern",
            "information_request",
            "domestic_abuse_notification",
            "access_notification",
            "assessment_summary",
        )
    )
    corpus = Corpus(seed)
    corpus.grow(target, per_primary=calibration.net / primaries)
    documents = corpus.documents_in_order()
    corpus.copies = len(documents) - len({d["id"] for d in documents})
    corpus.documents = []
    return [json.dumps(d, ensure_ascii=False, separators=(",", ":")).encode() for d in documents], corpus


# -- measuring -------------------------------------------------------------------------------

CLOCKS: Final = {"cpu": time.process_time, "wall": time.perf_counter}
#: Builds are repeated until this many seconds have gone on them (at least one, at most --repeat).
BUILD_BUDGET: Final = 30.0


class Timing(NamedTuple):
    """Seconds on the chosen clock, and how many of them the garbage collector took."""

    seconds: float
    collecting: float


class _Collector:
    """Sums the time the garbage collector runs for, on ``clock``, through ``gc.callbacks``."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.total = 0.0
        self._began = 0.0

    def __call__(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._began = self.clock()
        else:
            self.total += self.clock() - self._began


def timed(operation: Callable[[], T], clock: Callable[[], float]) -> tuple[Timing, T]:
    """Run ``operation`` once: its time and the time in the garbage collector, and its result."""
    collector = _Collector(clock)
    gc.callbacks.append(collector)
    try:
        start = clock()
        result = operation()
        seconds = clock() - start
    finally:
        gc.callbacks.remove(collector)
    return Timing(seconds, collector.total), result


def median(timings: Sequence[Timing]) -> Timing:
    return Timing(statistics.median(t.seconds for t in timings), statistics.median(t.collecting for t in timings))


def validate_all(blobs: Sequence[bytes]) -> list[Message]:
    return [validation.validate(blob) for blob in blobs]


def build(messages: Sequence[Message], child: str) -> Chronology:
    return build_chronology(messages, child=child, generated=GENERATED)


def prefix_for(messages: Sequence[Message], shown: int, entries: int) -> list[Message]:
    """The first messages (in order of creation) whose chronology holds about ``entries`` entries.

    A prefix is itself a realistic corpus: the same child's first years. Its length comes from
    counting the entries each message holds, scaled by the share of them that the chronology of
    all the messages shows (``shown``: merges, supersessions and copies take the rest).
    """
    held = [sum(1 for _ in entries_of(m)) for m in messages]
    wanted = entries * sum(held) / shown
    total = 0
    for length, count in enumerate(held, start=1):
        total += count
        if total >= wanted:
            return list(messages[:length])
    return list(messages)


class Peak(NamedTuple):
    """The tracemalloc peak of one build, what it kept (its result), and how long the traced build took."""

    messages: int
    entries: int
    peak: int
    kept: int
    seconds: float


def peak_of_build(messages: Sequence[Message], child: str) -> Peak:
    gc.collect()
    start = time.perf_counter()
    tracemalloc.start()
    try:
        chronology = build(messages, child)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return Peak(len(messages), len(chronology.entries), peak, kept, time.perf_counter() - start)


def warm_up(blobs: Sequence[bytes], child: str) -> None:
    """Validate and build a few messages first: schemas compile, modules such as the bank holidays load."""
    build(validate_all(blobs[:100]), child)


def traced(messages: Sequence[Message], child: str, shown: int, sizes: Sequence[int], whole: int) -> list[Peak]:
    """Trace the build of the first messages holding each of ``sizes`` entries (``whole``: all of them).

    ``shown`` is about how many entries the chronology of all the messages holds.
    """
    return [peak_of_build(messages if size >= whole else prefix_for(messages, shown, size), child) for size in sizes]


def _memory_worker(blobs: Sequence[bytes], child: str, shown: int, whole: int, pipe: Connection) -> None:
    try:
        warm_up(blobs, child)
        pipe.send(("ok", traced(validate_all(blobs), child, shown, [whole], whole)))
    except BaseException:  # every failure goes to the parent, which stops
        pipe.send(("error", traceback.format_exc()))
    finally:
        pipe.close()


def start_whole(blobs: Sequence[bytes], child: str, shown: int, whole: int) -> Callable[[], list[Peak]] | None:
    """Start tracing the build of all the messages in a forked process; return what waits for the result.

    It runs on the other core at the same time as the timings here: its validation overlaps the
    timed validation, and its traced build the timed builds, so that both timings share the
    load. The peak does not depend on it: tracemalloc counts only what the traced build
    allocates. Returns None where processes cannot fork.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_memory_worker, args=(blobs, child, shown, whole, sender), daemon=True)
    worker.start()
    sender.close()

    def result() -> list[Peak]:
        status, value = receiver.recv()
        worker.join()
        if status != "ok":
            raise SystemExit(f"the memory measurement failed:\n{value}")
        peaks: list[Peak] = value
        return peaks

    return result


def profile(title: str, operation: Callable[[], object], lines: int = 25) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    operation()
    profiler.disable()
    for order in ("tottime", "cumulative"):
        print(f"\ncProfile of {title}, by {order}:")
        pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats(order).print_stats(lines)


# -- the report ------------------------------------------------------------------------------


def _mib(size: float) -> str:
    return f"{size / 2**20:,.1f} MiB"


def _row(name: str, timing: Timing, count: int, unit: str, baseline: Timing) -> str:
    per = timing.seconds / count * 1e6
    return (
        f"{name:52} {timing.seconds:9.3f} {timing.collecting:8.3f} {per:9.1f} µs/{unit:7} "
        f"{timing.seconds / baseline.seconds:7.2f}x"
    )


def describe(corpus: Corpus, blobs: Sequence[bytes], chronology: Chronology) -> list[str]:
    """What the corpus and its chronology hold."""
    entries = chronology.entries
    states = Counter(e.state for e in entries)
    patterns = Counter(str(p.kind) for p in chronology.patterns)
    return [
        f"corpus: {len(blobs):,} messages, {sum(map(len, blobs)) / 2**20:,.1f} MiB: "
        + ", ".join(f"{n:,} {kind}" for kind, n in corpus.kinds_made.most_common())
        + f"; {corpus.corrections:,} of them supersede an earlier message, {corpus.copies:,} arrive twice",
        f"chronology: {len(entries):,} entries from {len(chronology.agencies)} agencies "
        f"({len(entries) / len(blobs):.1f} per message): {sum(e.event_date.precision != 'day' for e in entries):,} "
        f"dated only to the month or year, {states[EntryState.WITHDRAWN]:,} withdrawn, "
        f"{sum(bool(e.history) for e in entries):,} with earlier versions, "
        f"{sum(bool(e.possible_duplicates) for e in entries):,} possible duplicates; "
        f"{len(chronology.probable):,} probable matches",
        f"patterns: {len(chronology.patterns):,}: " + ", ".join(f"{n:,} {kind}" for kind, n in patterns.most_common()),
    ]


class Results(NamedTuple):
    """Everything measured, for the report."""

    messages: int
    entries: int
    validating: Timing
    builds: list[Timing]
    rendered: int
    html: Timing
    unstructured: Timing
    dumped: Timing
    output_bytes: tuple[int, int]  # bytes of the page and of the JSON
    peaks: list[Peak]


def measure(blobs: Sequence[bytes], corpus: Corpus, args: argparse.Namespace, scale: int) -> Results:
    """The three measurements; the memory one in a second process unless ``--serial``."""
    clock = CLOCKS[args.clock]
    sizes, whole = [size // scale for size in MEMORY_ENTRIES], BUILD_ENTRIES // scale
    whole_when_done = None if args.serial else start_whole(blobs, corpus.child, corpus.net, whole)
    warm_up(blobs, corpus.child)

    # 1. build against parse + validate
    validating, messages = timed(lambda: validate_all(blobs), clock)
    builds: list[Timing] = []
    chronology: Chronology | None = None
    while len(builds) < max(1, args.repeat) and sum(t.seconds for t in builds) < BUILD_BUDGET:
        timing, chronology = timed(lambda: build(messages, corpus.child), clock)
        builds.append(timing)
    if chronology is None:
        raise SystemExit("no build was timed")
    entries = len(chronology.entries)
    for line in describe(corpus, blobs, chronology):
        print(line)
    if abs(entries - corpus.net) > corpus.net // 50:
        raise SystemExit(f"the chronology holds {entries:,} entries where the corpus put about {corpus.net:,}")

    # 2. render against json.dumps
    report = build(prefix_for(messages, entries, RENDER_ENTRIES // scale), corpus.child)
    shown = list(report.entries)
    plain = codec.unstructure(shown)
    renders: dict[str, list[Timing]] = {"html": [], "unstructure": [], "dumps": []}
    for _ in range(max(1, args.repeat)):
        renders["html"].append(timed(lambda: to_html(report), clock)[0])
        renders["unstructure"].append(timed(lambda: json.dumps(codec.unstructure(shown)), clock)[0])
        renders["dumps"].append(timed(lambda: json.dumps(plain), clock)[0])
    output_bytes = (len(to_html(report).encode()), len(json.dumps(plain).encode()))

    # 3. peak memory of the build: the smaller sizes here, the whole corpus here too or in the second process
    if whole_when_done is None:
        peaks = traced(messages, corpus.child, entries, sizes, whole)
    else:
        peaks = [*traced(messages, corpus.child, entries, [s for s in sizes if s < whole], whole), *whole_when_done()]
    if args.profile:
        profile(f"build_chronology of {entries:,} entries", lambda: build(messages, corpus.child))
        profile(f"to_html of {len(shown):,} entries", lambda: to_html(report))
    return Results(
        len(blobs),
        entries,
        validating,
        builds,
        len(shown),
        median(renders["html"]),
        median(renders["unstructure"]),
        median(renders["dumps"]),
        output_bytes,
        peaks,
    )


def print_report(r: Results) -> None:
    """The table, whether each aim is met, and the ratios on the last line."""
    building = median(r.builds)
    print()
    print(f"{'time':52} {'seconds':>9} {'of it GC':>8} {'per item':>17} {'ratio':>8}")
    print(
        _row(f"parse + validate, {r.messages:,} messages (baseline)", r.validating, r.messages, "message", r.validating)
    )
    print(_row(f"build_chronology, {r.entries:,} entries", building, r.entries, "entry", r.validating))
    if len(r.builds) > 1:
        print(f"  {len(r.builds)} builds: " + ", ".join(f"{t.seconds:.2f} s" for t in r.builds))
    else:
        print(f"  1 build: it took over {BUILD_BUDGET:.0f} s, so it was not repeated")
    print(
        _row(
            f"json.dumps(codec.unstructure(entries)), {r.rendered:,} (baseline)",
            r.unstructured,
            r.rendered,
            "entry",
            r.unstructured,
        )
    )
    print(_row("  json.dumps alone, of the unstructured entries", r.dumped, r.rendered, "entry", r.unstructured))
    print(_row(f"to_html, the same {r.rendered:,} entries", r.html, r.rendered, "entry", r.unstructured))
    print(
        f"  to_html over json.dumps alone: {r.html.seconds / r.dumped.seconds:.2f}x; the page is "
        f"{_mib(r.output_bytes[0])}, the JSON {_mib(r.output_bytes[1])}"
    )
    print()
    print(
        f"{'peak memory of build_chronology (tracemalloc)':46} {'messages':>9} {'entries':>9} {'peak':>11} "
        f"{'per entry':>10} {'kept':>11} {'traced in':>10}"
    )
    for peak in r.peaks:
        print(
            f"{'':46} {peak.messages:9,} {peak.entries:9,} {_mib(peak.peak):>11} "
            f"{peak.peak / peak.entries:8,.0f} B {_mib(peak.kept):>11} {peak.seconds:8.1f} s"
        )
    per_entry = [p.peak / p.entries for p in r.peaks]
    spread = max(per_entry) / min(per_entry)
    added = [(b.peak - a.peak) / (b.entries - a.entries) for a, b in itertools.pairwise(r.peaks)]
    linear = spread <= LINEAR_WITHIN
    print(
        f"  peak per entry varies by {spread:.2f}x across the sizes; each entry more adds "
        + " then ".join(f"{a:,.0f} B" for a in added)
        + f": {'linear' if linear else 'NOT linear'}"
    )
    print()
    build_ratio = building.seconds / r.validating.seconds
    render_ratio = r.html.seconds / r.unstructured.seconds
    print(
        f"aim: build <= {AIM_BUILD:.0f}x parse + validate: {build_ratio:.2f}x "
        f"({'met' if build_ratio <= AIM_BUILD else 'NOT met'})"
    )
    print(
        f"aim: to_html <= {AIM_RENDER:.0f}x json.dumps(codec.unstructure(entries)): {render_ratio:.2f}x "
        f"({'met' if render_ratio <= AIM_RENDER else 'NOT met'}); over json.dumps alone "
        f"{r.html.seconds / r.dumped.seconds:.2f}x"
    )
    print(f"aim: peak memory linear in entries (per entry within {LINEAR_WITHIN}x): {'met' if linear else 'NOT met'}")
    print(
        f"ratios: build/validate {build_ratio:.2f}x; html/(unstructure+dumps) {render_ratio:.2f}x; "
        f"html/dumps {r.html.seconds / r.dumped.seconds:.2f}x; peak per entry at "
        + ":".join(f"{p.entries / 1000:.0f}k" for p in r.peaks)
        + " = "
        + ":".join(f"{v / per_entry[0]:.2f}" for v in per_entry)
    )


def _load() -> str:
    return ", ".join(f"{n:.2f}" for n in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    """Run the three measurements and print the table and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every size divided by ten (a check of the script)")
    parser.add_argument(
        "--clock",
        choices=list(CLOCKS),
        default="cpu",
        help="cpu: process time, which a busy machine disturbs less (default); wall: perf_counter",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="the most builds and renders timed, the median kept "
        f"(default 3; builds stop once {BUILD_BUDGET:.0f} s have gone on them)",
    )
    parser.add_argument(
        "--serial",
        action="store_true",
        help="trace the build of the whole corpus after the "
        "timings, in this process, rather than alongside them in a second one (slower, undisturbed)",
    )
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--profile", action="store_true", help="also profile the build and the render")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    began = time.perf_counter()
    print(
        f"concernshare chronology benchmark{' (--quick: every size / 10)' if args.quick else ''}; "
        f"Python {platform.python_version()}, attrs {version('attrs')}, cattrs {version('cattrs')}, "
        f"jsonschema-rs {version('jsonschema_rs')}, {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {_load()}; {args.clock} time; {'serial' if args.serial else 'two processes'}"
    )
    blobs, corpus = make_corpus(BUILD_ENTRIES // scale, args.seed)
    results = measure(blobs, corpus, args, scale)
    print_report(results)
    print(f"the run took {time.perf_counter() - began:.0f} s; load average now {_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
