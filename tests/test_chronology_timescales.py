"""Tests for statutory timescale breaches in a chronology, and for the time patterns are judged at."""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from tests.test_chronology_cli import KAI as KAI_ARGS
from tests.test_chronology_cli import SEALED_AT, _run

from concernshare import codec
from concernshare.chronology.build import build_chronology
from concernshare.chronology.export import to_csv
from concernshare.chronology.model import PatternKind
from concernshare.chronology.report import to_html
from concernshare.cli import _chronology
from concernshare.records import Message
from concernshare.validation import validate

EXAMPLES = Path(__file__).parent.parent / "examples" / "messages"
KAI = "9990000026"
GENERATED = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


@functools.cache
def _example(prefix: str) -> Message:
    (path,) = EXAMPLES.glob(f"{prefix}*.json") if "-" in prefix else EXAMPLES.glob(f"{prefix}-*.json")
    return validate(path.read_bytes())


def _changed(prefix: str, **body: Any) -> Message:
    document = json.loads(codec.dumps(_example(prefix)))
    document["body"].update(body)
    document["body"] = {k: v for k, v in document["body"].items() if v is not None}
    return codec.loads(json.dumps(document))


def _breaches(messages: list[Message], as_of: dt.datetime | None = None) -> list[str]:
    chronology = build_chronology(messages, child=KAI, generated=GENERATED, as_of=as_of)
    return [p.explanation for p in chronology.patterns if p.kind is PatternKind.TIMESCALE_BREACH]


def test_an_assessment_concluded_after_45_working_days_is_flagged() -> None:
    """Referred 17 September 2013, due 19 November; concluded 20 November: one day late."""
    assert _breaches([_example("03"), _example("10")]) == [
        "the child and family assessment was due by 2013-11-19 10:30 UTC and was held or concluded on 2013-11-20"
    ]


def test_an_assessment_not_concluded_is_flagged_only_once_due() -> None:
    """Without a conclusion, the assessment is a breach when judged after its due time, not before."""
    assert _breaches([_example("03")], as_of=dt.datetime(2013, 11, 19, 10, 0, tzinfo=dt.UTC)) == []
    assert _breaches([_example("03")], as_of=dt.datetime(2013, 11, 20, 9, 0, tzinfo=dt.UTC)) == [
        "the child and family assessment was due by 2013-11-19 10:30 UTC and had not happened by 2013-11-20"
    ]


def test_an_initial_conference_in_time_is_no_breach_and_a_late_one_is() -> None:
    """The example conference, 20 December after the 10 December discussion, is in time; held on 6 January 2014
    it is late, both against the discussion and against its own clock."""
    assert _breaches([_example("31"), _example("32")]) == []
    late = _changed("32", held_at="2014-01-06T10:00:00Z", next_review_by=None)
    found = _breaches([_example("31"), late])
    assert (
        "the initial child protection conference was due by 2014-01-03 14:00 UTC and was held or concluded on "
        "2014-01-06" in found
    )
    assert "the initial conference was due by 2014-01-03 14:00 UTC and was held on 2014-01-06" in found


def test_a_strategy_discussion_without_its_conference_is_flagged_once_due() -> None:
    """A section 47 enquiry started on 10 December and no conference by 6 January: a breach."""
    assert _breaches([_example("31")], as_of=dt.datetime(2014, 1, 6, tzinfo=dt.UTC)) == [
        "the initial child protection conference was due by 2014-01-03 14:00 UTC and had not happened by 2014-01-06"
    ]


def test_a_review_conference_overdue_is_flagged() -> None:
    """A plan decided on 20 December 2013 is due its first review by 20 March 2014."""
    assert _breaches([_example("32")]) == []
    assert _breaches([_example("32")], as_of=dt.datetime(2014, 3, 21, tzinfo=dt.UTC)) == [
        "the next review conference was due by 2014-03-20 10:00 UTC and had not happened by 2014-03-21"
    ]
    review = attrs.evolve(
        _changed(
            "32",
            kind="review",
            decision="plan_continues",
            held_at="2014-03-18T10:00:00Z",
            clock_started_at=None,
            next_review_by=None,
        ),
        id=_example("33").id,
    )
    assert _breaches([_example("32"), review], as_of=dt.datetime(2014, 3, 21, tzinfo=dt.UTC)) == []


def test_patterns_are_judged_at_the_latest_message_not_today() -> None:
    """Built in 2026 from 2013 records, the overdue escalation is 'not come by' the latest message's date."""
    chronology = build_chronology([_example("10"), _example("11")], child=KAI, generated=GENERATED)
    overdue = [p.explanation for p in chronology.patterns if p.kind is PatternKind.OVERDUE_RESPONSE]
    assert overdue == []  # the latest message is the escalation itself, before its reply was due
    chronology = build_chronology([_example("11"), _example("12")], child=KAI, generated=GENERATED)
    overdue = [p.explanation for p in chronology.patterns if p.kind is PatternKind.OVERDUE_RESPONSE]
    assert overdue == ["a response to the escalation was due by 2013-11-27 17:00 UTC and had not come by 2013-12-08"]


def test_the_command_line_takes_as_of() -> None:
    """--as-of judges patterns at the time given; a time without an offset is a usage error."""
    code, out, err = _run(
        str(EXAMPLES / "03-decision-mash-strategy-discussion.json"), *KAI_ARGS, "--as-of", "2013-11-20T09:00:00Z"
    )
    assert code == 0, err
    explanations = [p["explanation"] for p in json.loads(out)["patterns"]]
    assert any("had not happened by 2013-11-20" in e for e in explanations)
    code, _, err = _run(
        str(EXAMPLES / "03-decision-mash-strategy-discussion.json"), *KAI_ARGS, "--as-of", "2013-11-20T09:00:00"
    )
    assert code == 2
    assert "--as-of needs an offset" in err
    code, _, err = _run(str(EXAMPLES / "03-decision-mash-strategy-discussion.json"), *KAI_ARGS, "--as-of", "soon")
    assert code == 2
    assert "RFC 3339" in err


def test_every_row_keeps_action_taken_outcome_and_impact() -> None:
    """A chronology entry's action and outcome, a challenged missed contact's challenger and response, a strategy
    discussion's actions and a conference's decision all reach the entries, the CSV and the HTML report."""
    chronology = build_chronology(
        [_example("01"), _example("06-chronology-gp"), _example("31"), _example("32")], child=KAI, generated=GENERATED
    )
    rows = {e.event_type: e for e in chronology.entries}
    assert rows["strategy_discussion"].action_taken is not None
    assert rows["strategy_discussion"].outcome == "section 47 enquiry"
    assert rows["conference"].outcome == "plan (NEG)"
    missed = [
        e
        for e in chronology.entries
        if e.event_type == "non_engagement" and e.message_type == "concern" and e.action_taken
    ]
    assert missed
    assert all(e.action_taken.startswith("challenged by ") for e in missed)  # type: ignore[union-attr]
    recorded = [e for e in chronology.entries if e.message_type == "chronology"]
    assert any(e.impact is not None for e in recorded)
    header, *lines = to_csv(chronology).splitlines()
    columns = header.split(",")
    assert columns[columns.index("Impact") + 1 : columns.index("Impact") + 3] == ["Action taken", "Outcome"]
    assert any("plan (NEG)" in line for line in lines)
    assert "Action taken and outcome" in to_html(chronology)


def test_agencies_are_shown_by_name_from_the_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With the trust directory, each row names its agency (the CSV's Agency name, the report's agency cell);
    without one, the ids stand alone."""
    monkeypatch.setattr(_chronology, "now", lambda: SEALED_AT)
    monkeypatch.setenv("CONCERNSHARE_STATE_DIR", str(tmp_path / "state"))  # not the user's memory of directories
    directory = (
        "--directory",
        str(EXAMPLES.parent / "directory" / "directory.jws"),
        "--authority",
        str(EXAMPLES.parent / "directory" / "keys" / "authority.public.jwks"),
    )
    code, out, err = _run(str(EXAMPLES / "06-chronology-gp.json"), *KAI_ARGS, *directory)
    assert code == 0, err
    names = {e["agency"]: e.get("agency_name") for e in json.loads(out)["entries"]}
    assert names["ods:Y99GP"]
    assert names["ods:Y99GP"] != "ods:Y99GP"
    code, out, err = _run(str(EXAMPLES / "06-chronology-gp.json"), *KAI_ARGS, *directory, "--format", "html")
    assert code == 0, err
    assert f'{names["ods:Y99GP"]}<div class="small">ods:Y99GP</div>' in out
    code, out, _ = _run(str(EXAMPLES / "06-chronology-gp.json"), *KAI_ARGS)
    assert all("agency_name" not in e for e in json.loads(out)["entries"])
