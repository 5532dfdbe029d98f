"""What every row of the benchmark works on: one realistic concern, four agencies, their keys and directory.

The concern is a health visitor's referral to the MASH about a toddler (everyone
invented): ``tests/_samples.py``'s ``MINIMAL`` filled out with three observations
and two missed appointments, about 2.7 KB as sealing signs it, sent to three
recipients. The sender and recipients are in a directory signed by a fresh
authority (``concernshare.testing.world``).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import runpy
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

import attrs

from concernshare import codec
from concernshare.records import Message
from concernshare.testing.world import World, make_world

ROOT: Final = Path(__file__).resolve().parents[1]
SENDER: Final = "ods:RYV01/hv"
RECIPIENTS: Final = ("la:E06000032/mash", "la:E06000032/csc", "ods:E81001")
SENT: Final = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
RECEIVED: Final = SENT + dt.timedelta(minutes=1)
SUITES: Final = {"Ed25519+X25519": ("Ed25519", "X25519"), "ES256+P-256": ("ES256", "P-256")}


def concern_document() -> dict[str, Any]:
    """The concern as plain JSON, without ``sent`` (sealing sets it)."""
    document: dict[str, Any] = copy.deepcopy(runpy.run_path(str(ROOT / "tests" / "_samples.py"))["MINIMAL"])
    document.update(status="actual", recipients=list(RECIPIENTS), created="2026-11-25T08:50:00Z")
    document.pop("extensions")
    body = document["body"]
    body.update(
        concern_types=["neglect"],
        in_referrers_words="Ada has lost weight since the summer; the home was cold with little food.",
        summary="Falling weight over four months, two missed appointments, a cold home with little food.",
        actions_taken="Weighed; discussed with the GP; referred mother to the children's centre.",
    )
    body["observations"] = [
        {
            "observed": "2026-07-14",
            "observed_by": "Health visitor",
            "child_seen": True,
            "source": "seen",
            "description": "Weight had fallen from the 50th to the 25th centile since the 9-month review.",
        },
        {
            "observed": "2026-09-02",
            "observed_by": "Health visitor",
            "child_seen": True,
            "source": "seen",
            "description": "Home cold (no heating on), little food in the kitchen; Ada in a wet nappy, quiet.",
        },
        {
            "observed": "2026-11-18",
            "observed_by": "Health visitor",
            "child_seen": False,
            "source": "third_party",
            "description": "A neighbour reported hearing Ada cry for long periods at night.",
        },
    ]
    body["non_engagement"] = [
        {
            "date": "2026-08-05",
            "service": "Health visiting",
            "appointment": "12-month development review",
            "kind": "was_not_brought",
            "impact_on_child": "Development and growth not checked at 12 months.",
            "challenged": True,
            "challenged_by": "Health visitor",
            "response": "Mother said she forgot.",
        },
        {
            "date": "2026-09-23",
            "service": "Paediatric dietetics",
            "appointment": "First appointment",
            "kind": "was_not_brought",
            "impact_on_child": "Faltering growth not assessed by a dietitian.",
            "challenged": False,
        },
    ]
    return document


def concern() -> Message:
    """The concern as the typed record that a sender holds."""
    message: Message = codec.loads(json.dumps(document_with_id(concern_document())))
    return message


def document_with_id(document: dict[str, Any], number: int | None = None) -> dict[str, Any]:
    """A copy of ``document`` with another id (the ``number``-th, or a random one)."""
    return {**document, "id": str(uuid.UUID(int=number, version=4) if number is not None else uuid.uuid4())}


def world(suite: str) -> World:
    """The sender and the three recipients, with keys of ``suite``, in a signed directory."""
    sig_alg, enc_curve = SUITES[suite]
    agencies = {
        SENDER: ["health_visiting"],
        RECIPIENTS[0]: ["mash"],
        RECIPIENTS[1]: ["childrens_social_care"],
        RECIPIENTS[2]: ["gp"],
    }
    return make_world(agencies, now=SENT - dt.timedelta(days=1), sig_alg=sig_alg, enc_curve=enc_curve)


def distinct(message: Message, count: int) -> list[Message]:
    """``count`` copies of ``message``, each with its own id (a replay store refuses an id seen before)."""
    return [attrs.evolve(message, id=uuid.UUID(int=number, version=4)) for number in range(count)]


class Pool:
    """Sealed documents to open, each once; when all are used, the receiver's store is reset and they come round."""

    def __init__(self, documents: list[Any], reset: Callable[[], None]) -> None:
        self._documents, self._reset = documents, reset
        self._next: Iterator[Any] = iter(())

    def take(self) -> Any:
        """The next document."""
        for document in self._next:
            return document
        self._reset()
        self._next = iter(self._documents)
        return next(self._next)
