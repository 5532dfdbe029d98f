"""The chronology exports: JSON against its schema, CSV safe in a spreadsheet, and an HTML report that escapes all."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import functools
import hashlib
import io
import itertools
import json
import re
import uuid
from collections import defaultdict
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

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
from concernshare.chronology.build import UNPLACED, build_chronologies
from concernshare.chronology.export import (
    CSV_COLUMNS,
    to_csv,
    to_csv_many,
    to_html,
    to_html_many,
    to_json,
    to_json_many,
)
from concernshare.errors import UsageError
from concernshare.records import Child, Message, PartialDate, PersonName, Status, WithdrawalReason, YesNoUnknown
from concernshare.records.types import AgencyId
from concernshare.validation import validate

EXAMPLES = Path(__file__).parent.parent / "examples" / "messages"
GENERATED = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
KAI = "9990000026"
TYLER = "9990000034"
MOTHER = "9990000042"
ATTACK = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
ID = "00000000-0000-4000-8000-0000000000{:02d}"


@functools.cache
def _examples() -> tuple[Message, ...]:
    return tuple(validate(p.read_bytes()) for p in sorted(EXAMPLES.glob("*.json")))


@pytest.fixture(scope="module")
def messages() -> list[Message]:
    """The example messages: about Kai (most), his brother Tyler (the police notification) and an unborn sibling."""
    return list(_examples())


@pytest.fixture(scope="module")
def example(messages: list[Message]) -> Chronology:
    """Kai's chronology from the example messages, with its patterns."""
    return build_chronology(messages, child=KAI, generated=GENERATED)


@pytest.fixture(scope="module")
def family(messages: list[Message]) -> tuple[Chronology, ...]:
    """One chronology per child of the example messages: Kai, the unborn sibling, Tyler."""
    return build_chronologies(messages, generated=GENERATED)


def _entry(number: int, **changes: object) -> Entry:
    values: dict[str, object] = {
        "id": f"{ID.format(number)}#",
        "message_id": ID.format(number),
        "message_type": "concern",
        "agency": AgencyId("ods:Y99GP"),
        "author_role": "Practice nurse",
        "event_date": PartialDate(2013, 5, 22),
        "recorded": dt.datetime(2013, 5, 22, 9, tzinfo=dt.UTC),
        "event_type": "observation",
        "summary": "Seen at the surgery.",
        "significance": "Growth checked.",
        "child_seen": YesNoUnknown.YES,
    }
    values.update(changes)
    return Entry(**values)  # type: ignore[arg-type]


def _hostile(field: str = "", text: str = ATTACK) -> Chronology:
    """A chronology with every kind of section, and ``text`` in the one free-text ``field`` named."""

    def put(name: str, default: str) -> str:
        return text if name == field else default

    entries = (
        _entry(
            1,
            summary=put("summary", "Seen at the surgery."),
            significance=put("significance", "Checked."),
            author_role=put("author_role", "Practice nurse"),
            source_record_reference=put("source_record_reference", "EX-1"),
            history=(
                Version(
                    message_id=ID.format(9),
                    summary=put("history", "First version."),
                    recorded=dt.datetime(2013, 5, 21, tzinfo=dt.UTC),
                ),
            ),
        ),
        _entry(2, event_date=PartialDate(2013, 6), event_type="non_engagement", summary="Missed a review."),
        _entry(
            3,
            event_date=PartialDate(2013, 7, 1),
            state=EntryState.WITHDRAWN,
            withdrawal_reason=WithdrawalReason.DUPLICATE,
        ),
    )
    probable = (_entry(4, match=Match.PROBABLE, match_reason=put("match_reason", "same name and birth date")),)
    return Chronology(
        format_version="1.0",
        generated=GENERATED,
        child=ChronologyChild(nhs_number=KAI, birth_date=dt.date(2012, 3, 4), names=(put("names", "Kai Ashdown"),)),
        entries=entries,
        probable=probable,
        conflicts=(ID.format(5),),
        patterns=(
            Pattern(
                kind=PatternKind.UNSEEN_GAP,
                explanation=put("explanation", "no one saw the child"),
                entries=(entries[0].id, entries[2].id),
            ),
        ),
        unreadable=(Unreadable(source=put("source", "inbox/broken.json"), problem=put("problem", "is not JSON")),),
        agencies=(AgencyId("ods:Y99GP"),),
    )


_FIELDS = (
    "summary",
    "significance",
    "author_role",
    "source_record_reference",
    "history",
    "match_reason",
    "names",
    "explanation",
    "source",
    "problem",
)
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
    formula = f'{first}HYPERLINK("http://example.org/?"&A1)'
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


# Several children: one chronology each, never merged.

POLICE = "56d6b74f-4b29-4c69-9279-7e19c08ff712"  # the police notification about Tyler (and its school view)
UNBORN_CONCERN = "3cc39af5-1232-4b49-96b3-e82c424683c1"  # the midwife's concern about the unborn sibling


def _unborn(messages: list[Message]) -> Message:
    """The midwife's concern about the unborn sibling."""
    return next(m for m in messages if str(m.id) == UNBORN_CONCERN)


def _message_ids(chronology: Chronology) -> set[str]:
    return {e.message_id for e in (*chronology.entries, *chronology.probable)}


def test_several_children_each_have_their_own_chronology(
    messages: list[Message],
    family: tuple[Chronology, ...],
) -> None:
    """The examples give three chronologies, most entries first: each the one --child or --unborn gives alone."""
    assert [(c.child.nhs_number, c.child.mother_nhs_number) for c in family] == [
        (KAI, None),
        (None, MOTHER),
        (TYLER, None),
    ]
    kai, unborn, tyler = family
    assert kai == build_chronology(messages, child=KAI, generated=GENERATED)
    assert tyler == build_chronology(messages, child=TYLER, generated=GENERATED)
    assert unborn == build_chronology(messages, unborn_mother=MOTHER, generated=GENERATED)
    assert (kai.child.names, tyler.child.names, unborn.child.names) == (("Kai Ashdown",), ("Tyler Ashdown",), ())
    assert len(kai.entries) > len(unborn.entries) > len(tyler.entries) == 1


def test_identities_are_never_merged_across_children(family: tuple[Chronology, ...]) -> None:
    """Tyler's police notification is joined only to Tyler; the unborn child's concern only to its own chronology.

    The notification is in Kai's chronology too, as a household event (he lives with Tyler), never as his own.
    """
    kai, unborn, tyler = family
    assert _message_ids(tyler) == {POLICE}
    assert POLICE not in _message_ids(unborn)
    assert {e.match for e in kai.entries if e.message_id == POLICE} == {Match.HOUSEHOLD}
    assert _message_ids(unborn) == {UNBORN_CONCERN}
    assert UNBORN_CONCERN not in _message_ids(kai) | _message_ids(tyler)
    assert all(e.match is Match.UNBORN_LINK for e in unborn.entries)
    assert {c.conflicts for c in family} == {()}
    assert {c.probable for c in family} == {()}


def test_build_chronology_still_refuses_several_children_without_one_named(messages: list[Message]) -> None:
    """build_chronology keeps its contract: without --child or --unborn, several children are a usage error."""
    with pytest.raises(UsageError, match="more than one child"):
        build_chronology(messages, generated=GENERATED)
    assert build_chronologies([], generated=GENERATED) == ()


def _subject(message: Message, **changes: object) -> Message:
    return attrs.evolve(message, subject=attrs.evolve(message.subject, **changes))


def _about(message: Message, subject: Child) -> Message:
    return attrs.evolve(message, subject=subject)


def _variants(messages: list[Message]) -> dict[str, Child]:
    """Subjects to put on messages: the family, weaker and conflicting identities, and ones that place nowhere."""
    kai, unborn = messages[0].subject, _unborn(messages).subject
    tyler = next(m for m in messages if str(m.id) == POLICE).subject
    no_number = attrs.evolve(kai.identifiers, nhs_number=None)
    return {
        "kai": kai,
        "tyler": tyler,
        "kai, no NHS number": attrs.evolve(kai, identifiers=no_number),
        "kai's local id only": attrs.evolve(kai, name=None, identifiers=no_number),
        "another child, kai's name and birth date": attrs.evolve(
            kai, identifiers=attrs.evolve(no_number, nhs_number="9990000050", local_ids=())
        ),
        "unborn, due when kai was born": attrs.evolve(unborn, expected_delivery_date=dt.date(2012, 3, 10)),
        "unborn, due in 2014": unborn,
        "unborn, no mother's number": attrs.evolve(unborn, mother=None),
        "a stranger": attrs.evolve(
            kai,
            name=PersonName(given="Sam", family="Nobody"),
            related_people=(),
            identifiers=attrs.evolve(no_number, local_ids=()),
        ),
    }


def test_an_unborn_child_linked_by_the_rules_joins_the_born_child(messages: list[Message]) -> None:
    """An unborn child due when Kai was born, to Kai's mother, joins Kai's chronology and has none of its own."""
    unborn = _unborn(messages)
    due = _subject(unborn, expected_delivery_date=dt.date(2012, 3, 10))
    family = build_chronologies([*(m for m in messages if m is not unborn), due], generated=GENERATED)
    assert [c.child.nhs_number for c in family] == [KAI, TYLER]
    linked = [e for e in family[0].entries if e.match is Match.UNBORN_LINK]
    assert {e.message_id for e in linked} == {UNBORN_CONCERN}
    assert UNBORN_CONCERN not in _message_ids(family[1])


def test_probable_matches_and_conflicts_are_per_child(messages: list[Message]) -> None:
    """A copy of Tyler's notification without his NHS number is probable in his chronology only; a child with
    Kai's name and birth date but another NHS number has a chronology of their own, a conflict in Kai's."""
    variants = _variants(messages)
    police = next(m for m in messages if str(m.id) == POLICE)
    copy = attrs.evolve(
        _subject(police, identifiers=attrs.evolve(police.subject.identifiers, nhs_number=None)),
        id=uuid.UUID(ID.format(77)),
    )
    other = attrs.evolve(
        _about(messages[1], variants["another child, kai's name and birth date"]), id=uuid.UUID(ID.format(78))
    )
    family = {c.child.nhs_number: c for c in build_chronologies([*messages, copy, other], generated=GENERATED)}
    assert {e.message_id for e in family[TYLER].probable} == {ID.format(77)}
    assert not family[KAI].probable
    assert family[KAI].conflicts == (str(other.id),)
    assert family["9990000050"].conflicts == tuple(
        sorted(str(m.id) for m in messages if m.subject.identifiers.nhs_number == KAI)
    )
    assert str(other.id) not in _message_ids(family[KAI])


def test_a_message_that_joins_no_chronology_is_named_in_each(messages: list[Message]) -> None:
    """A message about a child with no NHS number who matches no one is named in every chronology, never dropped;
    so is every unreadable input."""
    stranger = _about(messages[2], _variants(messages)["a stranger"])
    broken = Unreadable(source="inbox/broken.json", problem="is not JSON")
    family = build_chronologies([*messages[:2], stranger, *messages[3:]], generated=GENERATED, unreadable=[broken])
    assert len(family) == 3
    named = (broken, Unreadable(source=f"message {stranger.id}", problem=UNPLACED))
    assert {c.unreadable for c in family} == {named}
    assert str(stranger.id) not in set().union(*(_message_ids(c) for c in family))


_UNIQUE = len({str(m.id) for m in _examples()})


@given(choices=st.lists(st.sampled_from(range(9)), min_size=_UNIQUE, max_size=_UNIQUE))
def test_each_chronology_is_the_one_its_child_gives_alone(choices: list[int]) -> None:
    """Whatever subjects the messages have, each child's chronology is build_chronology's for that child; an unborn
    child's own chronology holds only messages linked to no child born; only messages no rule places are named."""
    messages = list({str(m.id): m for m in _examples()}.values())  # one view of each, so each has one subject
    variants = list(_variants(messages).items())
    chosen = [(variants[c][0], _about(m, variants[c][1])) for c, m in zip(choices, messages, strict=True)]
    mixed = [m for _, m in chosen]
    family = build_chronologies(mixed, generated=GENERATED)
    born = [c for c in family if c.child.nhs_number]
    for chronology in born:
        alone = build_chronology(mixed, child=chronology.child.nhs_number, generated=GENERATED)
        assert chronology == attrs.evolve(alone, unreadable=chronology.unreadable)
    linked = {e.message_id for c in born for e in c.entries if e.match is Match.UNBORN_LINK}
    for chronology in (c for c in family if not c.child.nhs_number):
        assert chronology.child.mother_nhs_number == MOTHER
        assert all(e.match is Match.UNBORN_LINK and e.message_id not in linked for e in chronology.entries)
    for one, two in itertools.combinations(born, 2):
        own = [{e.message_id for e in c.entries if e.match is Match.NHS_NUMBER} for c in (one, two)]
        assert not own[0] & own[1]
    present = {name for name, _ in chosen}
    nowhere = {"a stranger", "unborn, no mother's number"}
    if "kai" not in present:
        nowhere.add("kai's local id only")
        if "another child, kai's name and birth date" not in present:
            nowhere.add("kai, no NHS number")
    expected = {f"message {m.id}" for name, m in chosen if name in nowhere}
    assert {u.source for c in family for u in c.unreadable} == expected
    assert len({c.unreadable for c in family}) <= 1
    assert [len(c.entries) for c in family] == sorted((len(c.entries) for c in family), reverse=True)


def test_json_of_several_children_is_an_array_of_valid_documents(family: tuple[Chronology, ...]) -> None:
    """to_json_many gives a JSON array, each item valid against the chronology schema and read back the same."""
    documents = json.loads(to_json_many(family))
    assert isinstance(documents, list)
    assert len(documents) == 3
    for document, chronology in zip(documents, family, strict=True):
        assert list(schema.iter_problems(document, "chronology")) == []
        assert codec.structure(document, Chronology) == chronology
    assert json.loads(to_json_many(family[:1])) == [json.loads(to_json(family[0]))]


def test_csv_of_several_children_says_whose_each_row_is(family: tuple[Chronology, ...]) -> None:
    """One header; the Child column first, with each child's rows in turn; an unborn child by the mother."""
    rows = list(csv.DictReader(io.StringIO(to_csv_many(family), newline="")))
    assert CSV_COLUMNS[0] == "Child"
    assert [r["Child"] for r in rows] == [KAI] * len(family[0].entries) + [f"unborn of {MOTHER}"] * len(
        family[1].entries
    ) + [TYLER]
    assert [r["Entry id"] for r in rows] == [e.id for c in family for e in c.entries]
    assert rows[-1]["Message id"] == POLICE
    assert to_csv_many(family[:1]) == to_csv(family[0])
    assert {r["Child"] for r in csv.DictReader(io.StringIO(to_csv(family[0]), newline=""))} == {KAI}


class _Ids(HTMLParser):
    """Collects element ids, in-page link targets, and which article each text and id is in."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.article: str | None = None
        self.text: dict[str | None, list[str]] = defaultdict(list)
        self.where: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
            self.where[str(found["id"])] = self.article
        if tag == "article":
            self.article = found.get("id")
        if (found.get("href") or "").startswith("#"):
            self.links.append(str(found["href"])[1:])

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.article = None

    def handle_data(self, data: str) -> None:
        self.text[self.article].append(data)


def _ids(page: str) -> _Ids:
    parser = _Ids()
    parser.feed(page)
    parser.close()
    return parser


def test_html_of_several_children_has_an_article_each_with_unique_ids(family: tuple[Chronology, ...]) -> None:
    """The family page balances, has an article per child after a list of them, unique ids, and no dangling link."""
    page = to_html_many(family, statuses={Status.EXERCISE})
    parsed = _parsed(page)
    assert parsed.errors == []
    assert parsed.stack == []
    assert parsed.tags.count("article") == 3
    found = _ids(page)
    assert len(found.ids) == len(set(found.ids))
    assert set(found.links) <= set(found.ids)
    contents = page.split('<nav class="children"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="#(c\d)"', contents) == ["c1", "c2", "c3"]
    for number, chronology in enumerate(family, start=1):
        article = page.split(f'<article id="c{number}"', 1)[1].split("</article>", 1)[0]
        assert article.count('class="timeline"') == 1
        assert article.count('<text class="tick"') >= 2  # dates on the axis, however short the span
        assert f'aria-labelledby="c{number}-tl-title c{number}-tl-desc"' in article
        assert article.count('class="lname"') == len(chronology.agencies)
        assert article.count(f'<tr id="c{number}-e') == len(chronology.entries)
        assert set(re.findall(r' (?:id|href)="#?(c\d)-', article)) == {f"c{number}"}
        for name in ("timeline", "patterns", "entries", "probable", "conflicts", "unreadable"):
            assert found.where[f"c{number}-{name}"] == f"c{number}"


def test_html_of_several_children_has_one_header_banner_policy_and_footer(family: tuple[Chronology, ...]) -> None:
    """One CSP that allows the page's one style sheet, one header with the exercise banner once, one footer."""
    page = to_html_many(family)
    for tag in ("<header>", "<footer>", "<style>", "<main>", 'class="banner"', "Content-Security-Policy"):
        assert page.count(tag) == 1, tag
    assert "EXERCISE: built from exercise messages" in page
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert policy is not None
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    assert f"style-src 'sha256-{base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()}'" in policy[1]
    assert set(re.findall(r"https?://[^\s\"'<>]*", page)) == {"http://www.w3.org/2000/svg"}
    assert " style=" not in page


def test_html_of_several_children_keeps_each_childs_entries_in_their_article(family: tuple[Chronology, ...]) -> None:
    """Tyler's police notification shows in Tyler's article, and in Kai's as a household event; not elsewhere."""
    page = to_html_many(family)
    found = _ids(page)
    text = {article: " ".join(parts) for article, parts in found.text.items()}
    circumstances = family[2].entries[0].summary
    assert circumstances in text["c3"]
    assert circumstances in text["c1"]
    assert "a household event, about another child of the home" in text["c1"]
    assert circumstances not in text["c2"] + text[None]
    assert "1. Kai Ashdown" in text["c1"]
    assert "Unborn child (mother's NHS number 999 000 0042)" in text["c2"]
    assert "joined before birth, through the mother" in text["c2"]
    assert "2. Unborn child" in text["c2"]
    assert "3. Tyler Ashdown" in text["c3"]
    assert "1 entry from 1 agency" in text[None]


def test_html_of_one_chronology_is_the_page_of_one(example: Chronology) -> None:
    """to_html_many of a single chronology is exactly to_html's page; of none is an error."""
    assert to_html_many([example], statuses={Status.TEST}) == to_html(example, statuses={Status.TEST})
    with pytest.raises(ValueError, match="no chronology"):
        to_html_many([])


@pytest.mark.parametrize("field", _FIELDS)
def test_html_of_several_children_escapes_every_text_field(example: Chronology, field: str) -> None:
    """Injection in any free-text field of one child's chronology shows as text on the family page too."""
    page = to_html_many([example, _hostile(field)])
    assert escape(ATTACK) in page
    parsed = _parsed(page)
    assert "script" not in parsed.tags
    assert "img" not in parsed.tags
    assert parsed.errors == []
