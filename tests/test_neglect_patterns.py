"""Tests of the neglect patterns: faltering growth (NICE NG75); the Graded Care Profile missing, late or untrained."""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

from concernshare import codec, deadlines
from concernshare.chronology import PatternKind, build_chronology
from concernshare.chronology.export import to_csv
from concernshare.chronology.extract import entries_of
from concernshare.chronology.model import EntryState, Pattern
from concernshare.chronology.neglect import NeglectThresholds, neglect_patterns
from concernshare.chronology.report import to_html
from concernshare.errors import NaiveTime
from concernshare.records import Centile, GrowthMeasurement, Message
from concernshare.validation import validate

EXAMPLES = Path(__file__).parent.parent / "examples" / "messages"
KAI = "9990000026"
BORN = dt.date(2012, 3, 4)
LATER = dt.datetime(2013, 10, 1, tzinfo=dt.UTC)


@functools.cache
def _example(prefix: str) -> Message:
    (path,) = EXAMPLES.glob(f"{prefix}-*.json")
    return validate(path.read_bytes())


def _changed(prefix: str, number: int, **body: Any) -> Message:
    """The example with a fresh id and ``body`` members replaced (None removes one)."""
    document = json.loads(codec.dumps(_example(prefix)))
    document["id"] = str(uuid.UUID(int=number, version=4))
    document["body"].update(body)
    document["body"] = {k: v for k, v in document["body"].items() if v is not None}
    return codec.loads(json.dumps(document))


def _weights(*plotted: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"date": day, "weight_g": 8000, "weight_centile": centile} for day, centile in plotted]


def _kinds(messages: Sequence[Message], at: dt.datetime = LATER, **limits: Any) -> list[Pattern]:
    entries = [e for m in messages for e in entries_of(m)]
    chosen = NeglectThresholds(**limits) if limits else None
    return list(neglect_patterns(entries, messages, at, chosen))


def _growth(*plotted: tuple[str, str]) -> list[Pattern]:
    concern = _changed("01", 1, growth=_weights(*plotted))
    return [p for p in _kinds([concern]) if p.kind is PatternKind.FALTERING_GROWTH]


@pytest.mark.parametrize(
    ("birth", "latest", "fell"),
    [
        # Birth weight below the 9th centile: a fall across 1 centile space (two positions).
        ("2-9", "2", False),
        ("2-9", "0.4-2", True),
        # Between the 9th and the 91st, the lines included: 2 spaces.
        ("9", "0.4-2", False),
        ("9", "0.4", True),
        ("50", "9-25", False),
        ("50", "9", True),
        ("91", "50-75", False),
        ("91", "50", True),
        # Above the 91st: 3 spaces.
        ("91-98", "50", False),
        ("91-98", "25-50", True),
        (">99.6", "91", False),
        (">99.6", "75-91", True),
    ],
)
def test_faltering_growth_thresholds(birth: str, latest: str, fell: bool) -> None:
    """The NG75 fall for the birth weight's centile is flagged at its threshold, and not half a space before."""
    found = _growth(("2012-03-04", birth), ("2013-06-01", latest))
    assert any("fell" in p.explanation for p in found) is fell
    assert bool(found) is (fell or Centile(latest).position < Centile.C2.position)


def test_below_9th_needs_one_space() -> None:
    """From just below the 9th line, one space down flags; half a space does not (on the charts, such a fall
    always ends below the 2nd centile as well)."""
    assert _growth(("2012-03-04", "2-9"), ("2013-06-01", "2")) == []
    (pattern,) = _growth(("2012-03-04", "2-9"), ("2013-06-01", "0.4-2"))
    assert "at least 1 centile space " in pattern.explanation


def test_below_the_2nd_centile_whatever_the_birth_weight() -> None:
    """A current weight below the 2nd centile is flagged even with no fall (a small baby kept small)."""
    (pattern,) = _growth(("2012-03-04", "0.4-2"), ("2013-06-01", "0.4-2"))
    assert "below the 2nd centile" in pattern.explanation
    assert "fell" not in pattern.explanation
    assert _growth(("2012-03-04", "2"), ("2013-06-01", "2")) == []


def test_the_earliest_weight_stands_in_for_birth() -> None:
    """Without a weight on the birth date, the earliest recorded weight is the baseline, and the pattern says so."""
    (pattern,) = _growth(("2012-05-01", "50-75"), ("2013-06-01", "9-25"))
    assert "no birth weight was shared" in pattern.explanation


def test_the_birth_weight_is_the_baseline_where_recorded() -> None:
    """A weight on the birth date is the baseline even when a later, higher one exists."""
    (pattern,) = _growth(("2012-05-01", "91"), ("2012-03-04", "50"), ("2013-06-01", "9"))
    assert "the birth weight" in pattern.explanation
    assert "2012-03-04 and 2013-06-01" in pattern.explanation


def test_the_latest_weight_is_judged() -> None:
    """A fall that has recovered by the latest weight is not flagged; one weight alone is only judged on the 2nd."""
    assert _growth(("2012-03-04", "50"), ("2012-12-01", "2-9"), ("2013-06-01", "25-50")) == []
    assert _growth(("2013-06-01", "9")) == []


def test_growth_across_messages_and_agencies() -> None:
    """Weights from a concern and a later update join into one series; the pattern names both messages."""
    concern = _changed("01", 1, growth=_weights(("2012-03-04", "50")))
    update = _changed("07", 2, growth=_weights(("2013-10-08", "2-9")))
    (pattern,) = [p for p in _kinds([concern, update]) if p.kind is PatternKind.FALTERING_GROWTH]
    assert pattern.entries == (f"{concern.id}#", f"{update.id}#")


def test_a_withdrawn_message_s_growth_is_not_counted() -> None:
    """Weights in a message whose entry is no longer current do not count."""
    concern = _changed("01", 1, growth=_weights(("2012-03-04", "50"), ("2013-06-01", "2-9")))
    entries = [attrs.evolve(e, state=EntryState.WITHDRAWN) for e in entries_of(concern)]
    assert neglect_patterns(entries, [concern], LATER) == ()


def test_explanations_name_no_measurement() -> None:
    """The faltering-growth explanation names dates and thresholds, never a weight or a centile."""
    (pattern,) = _growth(("2012-03-04", "50"), ("2013-06-01", "<0.4"))
    assert "8000" not in pattern.explanation
    assert "<0.4" not in pattern.explanation
    assert "50" not in pattern.explanation.replace("2013", "")


def _gcp(number: int, assessed: str, **body: Any) -> Message:
    return _changed("08", number, assessed_on=assessed, **body)


def test_a_neglect_concern_without_a_profile_is_flagged_after_45_working_days() -> None:
    """The story's concern (16 Sep 2013) is due a GCP by 45 working days later; judged before, it is not flagged."""
    concern = _example("01")
    due = deadlines.due(deadlines.CHILD_AND_FAMILY_ASSESSMENT, concern.created, calendar=deadlines.WorkingCalendar())
    kinds = {p.kind for p in _kinds([concern], at=due)}
    assert PatternKind.NEGLECT_WITHOUT_CARE_PROFILE not in kinds
    (pattern,) = [
        p
        for p in _kinds([concern], at=due + dt.timedelta(minutes=1))
        if p.kind is PatternKind.NEGLECT_WITHOUT_CARE_PROFILE
    ]
    assert pattern.entries == (f"{concern.id}#",)
    assert "a local choice" in pattern.explanation


def test_a_profile_in_time_answers_the_concern() -> None:
    """A GCP on the due day answers it; one the day after comes late and is flagged."""
    concern = _example("01")
    due = deadlines.due(deadlines.CHILD_AND_FAMILY_ASSESSMENT, concern.created, calendar=deadlines.WorkingCalendar())
    day = due.astimezone(deadlines.LONDON).date()
    late_at = due + dt.timedelta(days=30)
    on_time = _gcp(2, day.isoformat(), review_date=None)
    assert PatternKind.NEGLECT_WITHOUT_CARE_PROFILE not in {p.kind for p in _kinds([concern, on_time], at=late_at)}
    late = _gcp(2, (day + dt.timedelta(days=1)).isoformat(), review_date=None)
    (pattern,) = [p for p in _kinds([concern, late], at=late_at) if p.kind is PatternKind.NEGLECT_WITHOUT_CARE_PROFILE]
    assert "the first came on" in pattern.explanation


def test_a_corrected_concern_is_judged_from_its_first_version() -> None:
    """A correction does not restart the clock: a GCP in time for the first version answers the corrected concern."""
    concern = _example("01")
    document = json.loads(codec.dumps(concern))
    written = concern.created + dt.timedelta(days=60)
    document.update(
        id=str(uuid.UUID(int=9, version=4)),
        created=written.isoformat(),
        sent=written.isoformat(),
        thread={**document["thread"], "supersedes": str(concern.id)},
    )
    document["sharing_decision"]["decided_at"] = written.isoformat()
    correction = codec.loads(json.dumps(document))
    made = (concern.created + dt.timedelta(days=20)).date().isoformat()
    messages = [concern, correction, _gcp(2, made, review_date=None)]
    at = written + dt.timedelta(days=120)
    entries = build_chronology(messages, generated=at, child=KAI).entries
    (head,) = [e for e in entries if e.message_id == str(correction.id) and e.id.endswith("#")]
    assert [v.message_id for v in head.history] == [str(concern.id)]  # the correction carries its first version
    kinds = {p.kind for p in neglect_patterns(entries, messages, at)}
    assert PatternKind.NEGLECT_WITHOUT_CARE_PROFILE not in kinds


def test_a_profile_before_the_concern_does_not_answer_it() -> None:
    """Only a GCP made on or after the concern's day answers it."""
    concern = _example("01")
    earlier = _gcp(2, "2013-09-01", review_date=None)
    at = dt.datetime(2014, 3, 1, tzinfo=dt.UTC)
    assert PatternKind.NEGLECT_WITHOUT_CARE_PROFILE in {p.kind for p in _kinds([concern, earlier], at=at)}


def test_another_tool_does_not_answer_a_neglect_concern() -> None:
    """An assessment with a tool that is not a Graded Care Profile does not count."""
    concern = _example("01")
    other = _gcp(2, "2013-10-01", tool="Home conditions checklist", review_date=None)
    at = dt.datetime(2014, 3, 1, tzinfo=dt.UTC)
    assert PatternKind.NEGLECT_WITHOUT_CARE_PROFILE in {p.kind for p in _kinds([concern, other], at=at)}


def test_a_concern_not_about_neglect_needs_no_profile() -> None:
    """A concern about something else, with no neglect factor, is not flagged."""
    concern = _changed("01", 1, concern_types=["non_engagement"], suspected_factors=["4B"])
    kinds = {p.kind for p in _kinds([concern], at=dt.datetime(2014, 3, 1, tzinfo=dt.UTC))}
    assert PatternKind.NEGLECT_WITHOUT_CARE_PROFILE not in kinds
    neglect = _changed("01", 1, concern_types=["non_engagement"], suspected_factors=["16A"])
    kinds = {p.kind for p in _kinds([neglect], at=dt.datetime(2014, 3, 1, tzinfo=dt.UTC))}
    assert PatternKind.NEGLECT_WITHOUT_CARE_PROFILE in kinds


def test_the_period_can_be_set_locally() -> None:
    """A local period of 20 working days flags the story's GCP (18 Oct 2013) as late."""
    twenty = deadlines.Timescale(name="local_gcp", kind=deadlines.TimescaleKind.WORKING_DAYS, working_days=20)
    messages = [_example("01"), _example("08")]
    at = dt.datetime(2013, 12, 1, tzinfo=dt.UTC)
    assert PatternKind.NEGLECT_WITHOUT_CARE_PROFILE not in {p.kind for p in _kinds(messages, at=at)}
    (pattern,) = [
        p
        for p in _kinds(messages, at=at, care_profile_within=twenty)
        if p.kind is PatternKind.NEGLECT_WITHOUT_CARE_PROFILE
    ]
    assert "20 working days" in pattern.explanation


def test_a_review_is_overdue_the_day_after_its_date() -> None:
    """The story's GCP is due for review on 17 Jan 2014: not overdue that day, overdue the next."""
    gcp = _example("08")
    on_the_day = dt.datetime(2014, 1, 17, 23, 0, tzinfo=dt.UTC)  # still the 17th in London
    next_day = dt.datetime(2014, 1, 18, 0, 0, tzinfo=dt.UTC)
    assert _kinds([gcp], at=on_the_day) == []
    (pattern,) = _kinds([gcp], at=next_day)
    assert pattern.kind is PatternKind.CARE_PROFILE_REVIEW_OVERDUE
    assert pattern.entries == (f"{gcp.id}#",)


def test_a_repeat_by_the_review_date_answers_it() -> None:
    """A repeat on the review date answers the review; a repeat after it is flagged as late."""
    gcp = _example("08")
    at = dt.datetime(2014, 6, 1, tzinfo=dt.UTC)
    on_time = _gcp(2, "2014-01-17", review_date=None)
    assert _kinds([gcp, on_time], at=at) == []
    late = _gcp(2, "2014-01-20", review_date=None)
    (pattern,) = _kinds([gcp, late], at=at)
    assert pattern.kind is PatternKind.CARE_PROFILE_REVIEW_OVERDUE
    assert "repeated on 2014-01-20" in pattern.explanation


def test_an_untrained_assessor_is_flagged() -> None:
    """A GCP whose assessor is recorded as untrained is flagged; a trained one is not."""
    untrained = _gcp(
        2, "2013-10-18", assessor={"name": "Sam Invented", "role": "Family support worker", "trained": False}
    )
    at = dt.datetime(2013, 12, 1, tzinfo=dt.UTC)
    (pattern,) = _kinds([untrained], at=at)
    assert pattern.kind is PatternKind.UNTRAINED_ASSESSOR
    assert "Sam" not in pattern.explanation
    assert _kinds([_example("08")], at=at) == []


def test_neglect_patterns_refuse_a_naive_time() -> None:
    """Patterns are judged at an aware time."""
    with pytest.raises(NaiveTime):
        neglect_patterns([], [], dt.datetime(2014, 1, 1))


def test_the_story_shows_faltering_growth_in_the_report_and_csv() -> None:
    """The story's chronology flags Kai's faltering growth, and the report and CSV show it as other patterns."""
    messages = [validate(p.read_bytes()) for p in sorted(EXAMPLES.glob("*.json"))]
    chronology = build_chronology(messages, generated=LATER, child=KAI)
    (pattern,) = [p for p in chronology.patterns if p.kind is PatternKind.FALTERING_GROWTH]
    assert "NICE NG75" in pattern.explanation
    assert "Faltering growth" in to_html(chronology)
    assert "Faltering growth" in to_csv(chronology)


def test_growth_measurement_records_are_frozen() -> None:
    """A growth measurement is an immutable record, changed only by evolve."""
    measurement = GrowthMeasurement(date=BORN, weight_g=3300)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        measurement.weight_g = 1  # type: ignore[misc]
