"""The chronology exports: JSON against its schema, CSV safe in a spreadsheet, and an HTML report that escapes all."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import json
import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest

from concernshare import codec, schema
from concernshare.chronology import (
    Chronology,
    ChronologyChild,
    Entry,
    EntryState,
    Match,
    Pattern,
    PatternKind,
    Unreadable,
    Version,
    build_chronology,
)
from concernshare.chronology.export import CSV_COLUMNS, to_csv, to_html, to_json
from concernshare.records import PartialDate, Status, WithdrawalReason, YesNoUnknown
from concernshare.records.types import AgencyId
from concernshare.validation import validate

EXAMPLES = Path(__file__).parent.parent / "examples" / "messages"
GENERATED = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
KAI = "9990000026"
ATTACK = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
ID = "00000000-0000-4000-8000-0000000000{:02d}"


@pytest.fixture(scope="module")
def example() -> Chronology:
    """Kai's chronology from the example messages, with its patterns."""
    messages = [validate(p.read_bytes()) for p in sorted(EXAMPLES.glob("*.json"))]
    return build_chronology(messages, child=KAI, generated=GENERATED)


def _entry(number: int, **changes: object) -> Entry:
    values: dict[str, object] = {
        "id": f"{ID.format(number)}#", "message_id": ID.format(number), "message_type": "concern",
        "agency": AgencyId("ods:Y99GP"), "author_role": "Practice nurse", "event_date": PartialDate(2013, 5, 22),
        "recorded": dt.datetime(2013, 5, 22, 9, tzinfo=dt.UTC), "event_type": "observation",
        "summary": "Seen at the surgery.", "significance": "Growth checked.", "child_seen": YesNoUnknown.YES,
    }
    values.update(changes)
    return Entry(**values)  # type: ignore[arg-type]


def _hostile(field: str = "", text: str = ATTACK) -> Chronology:
    """A chronology with every kind of section, and ``text`` in the one free-text ``field`` named."""

    def put(name: str, default: str) -> str:
        return text if name == field else default

    entries = (
        _entry(1, summary=put("summary", "Seen at the surgery."), significance=put("significance", "Checked."),
               author_role=put("author_role", "Practice nurse"),
               source_record_reference=put("source_record_reference", "EX-1"),
               history=(Version(message_id=ID.format(9), summary=put("history", "First version."),
                                recorded=dt.datetime(2013, 5, 21, tzinfo=dt.UTC)),)),
        _entry(2, event_date=PartialDate(2013, 6), event_type="non_engagement", summary="Missed a review."),
        _entry(3, event_date=PartialDate(2013, 7, 1), state=EntryState.WITHDRAWN,
               withdrawal_reason=WithdrawalReason.DUPLICATE),
    )
    probable = (_entry(4, match=Match.PROBABLE, match_reason=put("match_reason", "same name and birth date")),)
    return Chronology(
        format_version="1.0", generated=GENERATED,
        child=ChronologyChild(nhs_number=KAI, birth_date=dt.date(2012, 3, 4), names=(put("names", "Kai Ashdown"),)),
        entries=entries, probable=probable, conflicts=(ID.format(5),),
        patterns=(Pattern(kind=PatternKind.UNSEEN_GAP, explanation=put("explanation", "no one saw the child"),
                          entries=(entries[0].id, entries[2].id)),),
        unreadable=(Unreadable(source=put("source", "inbox/broken.json"), problem=put("problem", "is not JSON")),),
        agencies=(AgencyId("ods:Y99GP"),),
    )


_FIELDS = ("summary", "significance", "author_role", "source_record_reference", "history", "match_reason", "names",
           "explanation", "source", "problem")
_VOID = frozenset({"meta", "br", "wbr", "link", "img", "hr", "input"})


class _Balance(HTMLParser):
    """Collects the tags a page opens and checks that each is closed in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def _parsed(page: str) -> _Balance:
    parser = _Balance()
    parser.feed(page)
    parser.close()
    return parser


def test_json_export_is_valid_against_the_schema_and_round_trips(example: Chronology) -> None:
    """The JSON export of the example chronology passes the chronology schema and reads back to the same record."""
    document = json.loads(to_json(example))
    assert list(schema.iter_problems(document, "chronology")) == []
    assert codec.structure(document, Chronology) == example
    assert to_json(example).endswith(b"}\n")


def test_json_export_of_every_section_round_trips() -> None:
    """Probable matches, conflicts, patterns, history and unreadable inputs survive JSON and pass the schema."""
    chronology = _hostile()
    document = json.loads(to_json(chronology))
    assert list(schema.iter_problems(document, "chronology")) == []
    assert codec.structure(document, Chronology) == chronology


def test_csv_has_a_row_per_entry_then_the_probable_matches(example: Chronology) -> None:
    """The CSV header is the documented columns, and each entry is one row in order, dates as given."""
    rows = list(csv.DictReader(io.StringIO(to_csv(example), newline="")))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert [r["Entry id"] for r in rows] == [e.id for e in (*example.entries, *example.probable)]
    assert [r["Date"] for r in rows] == [str(e.event_date) for e in example.entries]
    assert {r["Date precision"] for r in rows} == {"year", "month", "day"}
    flagged = {i for p in example.patterns for i in p.entries}
    assert {r["Entry id"] for r in rows if r["Patterns"]} == flagged


def test_csv_marks_probable_matches_withdrawals_and_patterns() -> None:
    """A probable match says so with its reason; a withdrawn entry says why; pattern members name their pattern."""
    rows = list(csv.DictReader(io.StringIO(to_csv(_hostile()), newline="")))
    assert (rows[3]["Match"], rows[3]["Match reason"]) == ("probable", "same name and birth date")
    assert (rows[2]["State"], rows[2]["Withdrawal reason"]) == ("withdrawn", "duplicate")
    assert rows[0]["Patterns"] == rows[2]["Patterns"] == "1: Long gap with the child unseen"
    assert rows[0]["Earlier versions"] == "1"
    assert rows[1]["Event type"] == "non engagement"


@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralises_formula_injection(first: str) -> None:
    """A cell starting with a formula character is prefixed with an apostrophe, in any free-text column."""
    formula = f"{first}HYPERLINK(\"http://example.org/?\"&A1)"
    chronology = attrs.evolve(_hostile(), entries=(_entry(1, summary=formula, author_role=formula),))
    row = next(csv.DictReader(io.StringIO(to_csv(chronology), newline="")))
    assert row["Summary"] == row["Author role"] == "'" + formula
    assert row["Agency"] == "ods:Y99GP"


def test_csv_quotes_by_rfc_4180() -> None:
    """Commas, quotes and line breaks inside a cell are quoted and doubled; records end with CRLF."""
    text = 'He said "no", then\nleft'
    chronology = attrs.evolve(_hostile(), entries=(_entry(1, summary=text),), probable=())
    exported = to_csv(chronology)
    assert '"He said ""no"", then\nleft"' in exported
    assert exported.endswith("\r\n")
    assert exported.count("\r\n") == 2
    assert next(csv.DictReader(io.StringIO(exported, newline="")))["Summary"] == text


def test_html_is_well_formed_and_has_a_lane_per_agency(example: Chronology) -> None:
    """The example report balances its tags, draws one lane per agency and one mark per entry."""
    page = to_html(example)
    parsed = _parsed(page)
    assert parsed.errors == []
    assert parsed.stack == []
    assert page.count('class="lname"') == len(example.agencies)
    svg = page.split('class="timeline"', 1)[1].split("</svg>", 1)[0]
    assert svg.count('<a href="#e') == len(example.entries)
    assert parsed.tags.count("tr") == 1 + len(example.entries)  # the header, then a row per entry
    for number in range(1, len(example.entries) + 1):
        assert f'<tr id="e{number}"' in page


def test_html_table_is_accessible(example: Chronology) -> None:
    """The entries table has a caption, column headers with scope, and each row headed by its date."""
    page = to_html(example)
    assert "<caption>All" in page
    assert page.count('<th scope="col">') >= 11
    assert page.count('<th scope="row">') == len(example.entries)
    assert 'role="img" aria-labelledby="tl-title tl-desc"' in page


def test_html_shows_partial_dates_as_what_they_are(example: Chronology) -> None:
    """A month or year date reads as such in the table and is drawn as a span in the timeline."""
    page = to_html(example)
    partial = [e for e in example.entries if e.event_date.precision != "day"]
    assert partial
    for entry in partial:
        assert f"{entry.event_date} ({entry.event_date.precision})" in page
    svg = page.split('class="timeline"', 1)[1].split("</svg>", 1)[0]
    assert svg.count('<rect class="span') == len(partial)


def test_html_lists_each_pattern_with_links_to_its_entries(example: Chronology) -> None:
    """Every pattern appears with its explanation, and links to each entry behind it."""
    page = to_html(example)
    rows = {e.id: number for number, e in enumerate(example.entries, start=1)}
    assert example.patterns
    for number, pattern in enumerate(example.patterns, start=1):
        section = page.split(f'<li id="pattern-{number}">', 1)[1].split("</li>", 1)[0]
        assert escape(pattern.explanation) in section
        for entry_id in pattern.entries:
            assert f'href="#e{rows[entry_id]}"' in section


def test_html_marks_withdrawn_probable_conflicts_and_unreadable() -> None:
    """Withdrawn entries are marked, and the probable matches, conflicts and unreadable inputs have sections."""
    page = to_html(_hostile())
    assert '<tr id="e3" class="flagged withdrawn">' in page
    assert "Withdrawn: duplicate" in page
    assert '<path class="strike"' in page
    probable = page.split('<section id="probable">', 1)[1].split("</section>", 1)[0]
    assert '<tr id="p1">' in probable
    assert "same name and birth date" in probable
    assert ID.format(5) in page.split('<section id="conflicts">', 1)[1]
    unreadable = page.split('<section id="unreadable">', 1)[1].split("</section>", 1)[0]
    assert "inbox/broken.json" in unreadable
    assert "is not JSON" in unreadable
    assert "1 input could not be read" in page


@pytest.mark.parametrize("field", _FIELDS)
def test_html_escapes_every_text_field(field: str) -> None:
    """Script and attribute injection in any free-text field shows as text: no tag or attribute is created."""
    page = to_html(_hostile(field))
    assert escape(ATTACK) in page
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert "onerror=" not in page.replace("onerror=alert", "")
    parsed = _parsed(page)
    assert "script" not in parsed.tags
    assert "img" not in parsed.tags
    assert parsed.errors == []


def test_html_escapes_text_in_the_svg_timeline() -> None:
    """A summary inside the timeline's tooltip is escaped too."""
    page = to_html(_hostile("summary"))
    svg = page.split('<svg xmlns="http://www.w3.org/2000/svg" class="timeline"', 1)[1].split("</svg>", 1)[0]
    assert escape(ATTACK) in svg


def test_html_makes_no_network_reference(example: Chronology) -> None:
    """The only URLs in the report are the SVG namespace; nothing is loaded from anywhere."""
    for page in (to_html(example), to_html(_hostile())):
        assert set(re.findall(r"https?://[^\s\"'<>]*", page)) == {"http://www.w3.org/2000/svg"}
        assert not re.search(r"<(script|link|img|iframe|object|embed)\b", page)
        assert " src=" not in page
        assert "@import" not in page
        assert "url(" not in page


def test_html_content_security_policy_forbids_loads_and_allows_its_style_by_hash(example: Chronology) -> None:
    """The CSP meta tag denies every source and allows exactly the inline style sheet, by its hash."""
    page = to_html(example)
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert policy is not None
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert policy.group(1).startswith("default-src 'none'; ")
    assert f"style-src 'sha256-{digest}'" in policy.group(1)
    assert "unsafe" not in policy.group(1)
    assert page.count("<style>") == 1
    assert " style=" not in page


def test_html_shows_the_child_how_to_read_it_and_print_rules(example: Chronology) -> None:
    """The child's identity is at the top, with a how-to-read line, and the page has print rules."""
    page = to_html(example)
    header = page.split("<header>", 1)[1].split("</header>", 1)[0]
    assert "Kai Ashdown" in header
    assert "999 000 0026" in header
    assert "How to read this" in header
    assert "@media print" in page


def test_html_banner_says_exercise_or_test() -> None:
    """Exercise and test statuses are shown in a banner; actual messages have none."""
    assert 'class="banner"' not in to_html(_hostile(), statuses={Status.ACTUAL})
    exercise = to_html(_hostile(), statuses={Status.EXERCISE})
    assert "EXERCISE: built from exercise messages, not a real case." in exercise
    mixed = to_html(_hostile(), statuses={Status.TEST, Status.ACTUAL})
    assert "TEST" in mixed
    assert "Some are actual messages" in mixed


def test_html_of_an_empty_chronology_says_so() -> None:
    """A chronology with no entries still renders, saying there are none."""
    empty = attrs.evolve(_hostile(), entries=(), probable=(), patterns=(), agencies=())
    page = to_html(empty)
    assert _parsed(page).errors == []
    assert "No entries." in page
    assert "No pattern was flagged" in page
