"""Tests for the plan-status notification: one message, routed by a rule, to every agency holding the child's case."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from concernshare import codec
from concernshare.crypto import keys
from concernshare.directory import Directory, open_directory
from concernshare.exchange import receive, send
from concernshare.records import AgencyId, Message
from concernshare.routing.plan import RoutingError, route
from concernshare.routing.rules import RuleSet, load_rules
from concernshare.stores import MemoryStore
from concernshare.tracker import Tracker

EXAMPLES = Path(__file__).parent.parent / "examples"
MESSAGES = EXAMPLES / "messages"
KEYS = EXAMPLES / "directory" / "keys"
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
HV, MASH = AgencyId("ods:Y99HV/health-visiting"), AgencyId("la:E06000032/mash")
CSC, GP = AgencyId("la:E06000032/childrens-social-care"), AgencyId("ods:Y99GP")
POLICE, SCHOOL = AgencyId("police:99"), AgencyId("school:999101")
ED = AgencyId("ods:Y99AC/emergency-department")
CONCERN, REFERRAL, CONFERENCE = (str(uuid.UUID(int=n, version=4)) for n in (1, 2, 3))


@pytest.fixture(scope="module")
def directory() -> Directory:
    authority = keys.loads_public_jwk_set((KEYS / "authority.public.jwks").read_bytes())
    return open_directory((EXAMPLES / "directory" / "directory.jws").read_bytes(), authority, now=NOW)


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules((EXAMPLES / "routing" / "mash-front-door.json").read_bytes())


def _plan_status(**changes: Any) -> Message:
    """Example 33 as a draft written just before NOW, addressed to the MASH only."""
    (path,) = MESSAGES.glob("33-*.json")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    del document["sent"]
    document.update(created="2026-11-25T09:55:00Z", status="actual", recipients=[MASH], **changes)
    return codec.loads(json.dumps(document))


def _case_tracker() -> Tracker:
    """Social care's tracker: the concern passed on to it by the MASH, the emergency department's access notice
    received, and the conference sent to the health visitor, the GP and the police."""
    tracker = Tracker(MemoryStore())
    at = NOW - dt.timedelta(days=30)
    tracker.record_delivery(message_id=CONCERN, message_type="concern", sender=HV, recipient=MASH, sent_at=at)
    tracker.record_delivery(
        message_id=CONCERN, message_type="concern", sender=HV, recipient=CSC, sent_at=at, passed_on_by=MASH
    )
    tracker.record_received(
        message_id=REFERRAL, message_type="access_notification", sender=ED, recipient=CSC, received_at=at, accepted=True
    )
    for agency in (HV, GP, POLICE):
        tracker.record_delivery(
            message_id=CONFERENCE, message_type="child_protection_conference", sender=CSC, recipient=agency, sent_at=at
        )
    return tracker


def test_the_tracker_knows_who_holds_the_case() -> None:
    """Holders are every sender and recipient of the case's messages, passed-on copies included, each once."""
    tracker = _case_tracker()
    assert tracker.holders([CONCERN, REFERRAL, CONFERENCE]) == tuple(sorted({HV, MASH, CSC, ED, GP, POLICE}))
    assert tracker.holders([CONFERENCE]) == tuple(sorted({CSC, HV, GP, POLICE}))
    assert tracker.holders([str(uuid.UUID(int=9, version=4))]) == ()
    assert SCHOOL not in tracker.holders([CONCERN, REFERRAL, CONFERENCE])


def test_a_plan_status_is_routed_once_to_every_holder(rules: RuleSet, directory: Directory) -> None:
    """One plan-status message reaches every holder but its sender, by the example rule plan-status-to-holders,
    with nothing due; an agency that holds nothing of the case (the school) is not told."""
    holders = _case_tracker().holders([CONCERN, REFERRAL, CONFERENCE])
    plan = route(_plan_status(), rules, directory, NOW, holders=holders)
    assert [d.recipient for d in plan.deliveries] == sorted({HV, MASH, ED, GP, POLICE})
    for delivery in plan.deliveries:
        assert "plan-status-to-holders" in delivery.rules
        assert delivery.due is None


def test_a_plan_status_routed_without_the_holders_is_refused(rules: RuleSet, directory: Directory) -> None:
    """Routing a plan status without asking the tracker is an error, never a notification that reaches nobody."""
    with pytest.raises(RoutingError, match="holders"):
        route(_plan_status(), rules, directory, NOW)


def test_a_holder_missing_from_the_directory_is_refused(rules: RuleSet, directory: Directory) -> None:
    """A holder the directory does not know cannot be sealed to: an error naming the rule."""
    with pytest.raises(RoutingError, match="plan-status-to-holders"):
        route(_plan_status(), rules, directory, NOW, holders=["ods:Y99ZZ"])


def test_every_holder_opens_the_plan_status(rules: RuleSet, directory: Directory) -> None:
    """Sent by social care with the tracker's holders, the notification opens at each holder, and the sender's
    tracker records a delivery to each."""
    tracker = _case_tracker()
    holders = tracker.holders([CONCERN, REFERRAL, CONFERENCE])
    csc = keys.loads_private_jwk_set((KEYS / "la_E06000032_childrens-social-care.private.jwks").read_bytes())
    message = _plan_status()
    sent = send(
        message, keys.signer_from(csc), rules=rules, directory=directory, tracker=tracker, at=NOW, holders=holders
    )
    reached = sorted(agency for view in sent.views for agency in view.recipients)
    assert reached == sorted({HV, MASH, ED, GP, POLICE})
    assert set(tracker.recipients(message.id)) == {HV, MASH, ED, GP, POLICE}
    for view in sent.views:
        for agency in view.recipients:
            private = keys.loads_private_jwk_set(
                (KEYS / f"{agency.replace(':', '_').replace('/', '_')}.private.jwks").read_bytes()
            )
            received = receive(
                view.sealed,
                keys.decrypters_from(private),
                keys.signer_from(private),
                me=agency,
                directory=directory,
                store=MemoryStore(),
                tracker=Tracker(MemoryStore()),
                at=NOW + dt.timedelta(minutes=1),
            )
            assert received.message is not None
            assert received.message.id == message.id
            assert received.message.type == "plan_status"
