"""The household: a domestic abuse incident about one child is in the chronology of each child living with them.

And the household chronology beside the children's own: JSON (with its schema), CSV, HTML and
``concernshare chronology --household``, with every bad use of that option refused in words.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import uuid
from pathlib import Path

import attrs
import pytest
from tests.test_chronology_cli import _run

from concernshare import codec, schema
from concernshare.chronology import Chronology, EntryState, Match, build_chronologies, build_chronology
from concernshare.chronology.export import (
    CSV_COLUMNS,
    HOUSEHOLD_CSV_COLUMNS,
    household_csv,
    household_json,
    to_household_html,
    to_html,
    to_html_many,
)
from concernshare.chronology.history import (
    HOUSEHOLD_EVENTS,
    Household,
    build_households,
    homes,
    household_events,
)
from concernshare.records import Message, Relationship, WithdrawalBody, WithdrawalReason
from concernshare.records.codes import AgeGroup, Relation, YesNoUnknown
from concernshare.validation import validate

EXAMPLES = Path(__file__).parent.parent / "examples" / "messages"
POLICE_FILE = EXAMPLES / "09-domestic-abuse-notification-police.json"
KAI, TYLER, MOTHER = "9990000026", "9990000034", "9990000042"
GENERATED = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def messages() -> list[Message]:
    return [validate(p.read_bytes()) for p in sorted(EXAMPLES.glob("*.json"))]


@pytest.fixture(scope="module")
def police(messages: list[Message]) -> Message:
    """The police notification about Tyler, naming Kai as his brother living with him (the full view)."""
    return next(m for m in messages if m.type == "domestic_abuse_notification" and m.view is None)


@pytest.fixture(scope="module")
def family(messages: list[Message]) -> tuple[Chronology, ...]:
    return build_chronologies(messages, generated=GENERATED)


def _by(chronologies: tuple[Chronology, ...], number: str) -> Chronology:
    return next(c for c in chronologies if c.child.nhs_number == number)


def _people(message: Message, people: list[object]) -> Message:
    return attrs.evolve(message, subject=attrs.evolve(message.subject, related_people=tuple(people)))


def _kai_in(message: Message, **changes: object) -> Message:
    """``message`` with its entry for Kai among the related people changed."""
    people = [
        attrs.evolve(p, **changes) if p.identifiers and p.identifiers.nhs_number == KAI else p
        for p in message.subject.related_people
    ]
    return _people(message, people)


def _without_kai(message: Message) -> Message:
    return _people(
        message, [p for p in message.subject.related_people if not (p.identifiers and p.identifiers.nhs_number == KAI)]
    )


def _about_kai(messages: list[Message]) -> list[Message]:
    return [m for m in messages if m.subject.identifiers.nhs_number == KAI]


def _police_entries(chronology: Chronology, police: Message) -> list[object]:
    return [e for e in chronology.entries if e.message_id == str(police.id)]


# -- the household event in each child's chronology ---------------------------------------------------------------


def test_the_police_notification_about_tyler_is_in_kais_chronology_as_a_household_event(
    family: tuple[Chronology, ...], police: Message
) -> None:
    """The same entry (same id, same words) in both; in Kai's marked household, with the statute in its reason."""
    kai, tyler = _by(family, KAI), _by(family, TYLER)
    (own,) = [e for e in tyler.entries if e.message_id == str(police.id)]
    (shared,) = _police_entries(kai, police)
    assert own.match is Match.NHS_NUMBER
    assert shared.match is Match.HOUSEHOLD
    assert (shared.id, shared.summary, shared.event_date) == (own.id, own.summary, own.event_date)
    assert shared.match_reason is not None
    assert TYLER in shared.match_reason
    assert "Domestic Abuse Act 2021, s3" in shared.match_reason
    assert "names this child" in shared.match_reason
    assert own.child_seen is YesNoUnknown.YES
    assert shared.child_seen is YesNoUnknown.UNKNOWN  # the notification says so only of Tyler
    assert kai.entries.index(shared) == [e.event_date for e in kai.entries].index(shared.event_date)


def test_each_child_records_the_children_living_with_them(family: tuple[Chronology, ...]) -> None:
    assert _by(family, KAI).child.household == (TYLER,)
    assert _by(family, TYLER).child.household == (KAI,)
    unborn = next(c for c in family if c.child.nhs_number is None)
    assert unborn.child.household == ()


def test_a_child_recorded_elsewhere_as_living_with_the_child_gets_the_event_too(
    messages: list[Message], police: Message
) -> None:
    """Kai is not named in the notification, but the household concern records Tyler as living with him."""
    unnamed = _without_kai(police)
    kai = build_chronology([*_about_kai(messages), unnamed], child=KAI, generated=GENERATED)
    (shared,) = _police_entries(kai, police)
    assert shared.match is Match.HOUSEHOLD
    assert shared.match_reason is not None
    assert "recorded as living with this child" in shared.match_reason


def test_without_any_record_of_living_together_the_event_stays_with_its_child(
    messages: list[Message], police: Message
) -> None:
    """Nothing is guessed: no NHS number linking the children, no household event in Kai's chronology."""
    about_kai = [
        _people(m, [p for p in m.subject.related_people if not (p.identifiers and p.identifiers.nhs_number == TYLER)])
        for m in _about_kai(messages)
    ]
    kai = build_chronology([*about_kai, _without_kai(police)], child=KAI, generated=GENERATED)
    assert _police_entries(kai, police) == []
    assert kai.child.household == ()


def test_a_child_the_notification_says_lives_elsewhere_does_not_get_it(
    messages: list[Message], police: Message
) -> None:
    elsewhere = _kai_in(police, lives_with_child=YesNoUnknown.NO)
    kai = build_chronology([*_about_kai(messages)[:3], elsewhere], child=KAI, generated=GENERATED)
    assert _police_entries(kai, police) == []


def test_a_child_named_with_living_arrangements_unknown_gets_it(messages: list[Message], police: Message) -> None:
    unknown = _kai_in(police, lives_with_child=YesNoUnknown.UNKNOWN)
    kai = build_chronology([*_about_kai(messages)[:3], unknown], child=KAI, generated=GENERATED)
    assert [e.match for e in _police_entries(kai, police)] == [Match.HOUSEHOLD]


def test_only_household_events_are_shared(messages: list[Message], police: Message) -> None:
    """A concern about Tyler that names Kai is Tyler's alone: only the household event types are shared."""
    assert frozenset({"domestic_abuse_notification"}) == HOUSEHOLD_EVENTS
    concern = next(m for m in messages if m.type == "concern" and m.subject.identifiers.nhs_number == KAI)
    about_tyler = attrs.evolve(
        concern,
        id=uuid.uuid5(concern.id, "about tyler"),
        subject=attrs.evolve(police.subject),
    )
    kai = build_chronology([*_about_kai(messages), about_tyler], child=KAI, generated=GENERATED)
    assert str(about_tyler.id) not in {e.message_id for e in kai.entries}


def test_an_adult_named_by_nhs_number_is_not_a_child_of_the_household(police: Message) -> None:
    """The mother, named with her NHS number, is no child: no chronology of hers is linked."""
    found = homes([police])
    assert MOTHER not in found
    assert found == {TYLER: frozenset({KAI}), KAI: frozenset({TYLER})}


def test_a_sibling_whose_birth_date_makes_them_an_adult_is_not_a_child(police: Message) -> None:
    grown = _kai_in(police, birth_date=dt.date(1990, 1, 1))
    assert homes([grown]) == {}
    assert household_events([grown], homes([grown])) == {}


@pytest.mark.parametrize(("group", "linked"), [(AgeGroup.CHILD, True), (AgeGroup.ADULT, False)])
def test_without_a_birth_date_the_age_group_decides(police: Message, group: AgeGroup, linked: bool) -> None:
    other = _kai_in(police, birth_date=None, age_group=group, relationship=Relationship.OTHER)
    assert (KAI in homes([other])) is linked


@pytest.mark.parametrize(
    ("relation", "linked"),
    [
        (Relation.HALF_SIBLING, True),
        (Relation.STEP_SIBLING, True),
        (Relation.OTHER_CHILD, True),
        (Relation.LODGER, False),
    ],
)
def test_without_age_or_birth_date_the_relation_decides(police: Message, relation: Relation, linked: bool) -> None:
    """A half-, step- or other child of the home, named by NHS number with no age, is a child of the household."""
    other = _kai_in(
        police, birth_date=None, age_group=None, relationship=Relationship.HOUSEHOLD_MEMBER, relation=relation
    )
    assert (KAI in homes([other])) is linked


def test_a_withdrawal_of_the_event_by_its_sender_shows_in_each_childs_chronology(
    messages: list[Message], police: Message
) -> None:
    withdrawal = attrs.evolve(
        police,
        id=uuid.uuid5(police.id, "withdrawn"),
        created=police.created + dt.timedelta(days=1),
        body=WithdrawalBody(message_id=police.id, reason=WithdrawalReason.ENTERED_IN_ERROR, permanent=True),
    )
    kai = build_chronology([*_about_kai(messages), police, withdrawal], child=KAI, generated=GENERATED)
    (shared,) = _police_entries(kai, police)
    assert (shared.state, shared.match) == (EntryState.WITHDRAWN, Match.HOUSEHOLD)


def test_a_withdrawal_by_another_agency_changes_nothing(messages: list[Message], police: Message) -> None:
    concern = next(m for m in messages if m.type == "concern" and m.subject.identifiers.nhs_number == KAI)
    withdrawal = attrs.evolve(
        concern,
        id=uuid.uuid5(police.id, "withdrawn by another"),
        created=police.created + dt.timedelta(days=1),
        body=WithdrawalBody(message_id=police.id, reason=WithdrawalReason.ENTERED_IN_ERROR, permanent=True),
    )
    kai = build_chronology([*_about_kai(messages), police, withdrawal], child=KAI, generated=GENERATED)
    (shared,) = _police_entries(kai, police)
    assert shared.state is EntryState.CURRENT


def _corrected(police: Message, correction: Message) -> Message:
    return attrs.evolve(
        correction,
        id=uuid.uuid5(police.id, "corrected"),
        created=police.created + dt.timedelta(days=1),
        thread=attrs.evolve(police.thread, supersedes=police.id),
    )


def test_a_correction_saying_the_child_lives_elsewhere_takes_the_event_out(
    messages: list[Message], police: Message
) -> None:
    """The police correct their notification: Kai lives elsewhere. The corrected version decides, not the first."""
    correction = _corrected(police, _kai_in(police, lives_with_child=YesNoUnknown.NO))
    kai = build_chronology(
        [*[_people(m, []) for m in _about_kai(messages)], police, correction], child=KAI, generated=GENERATED
    )
    assert [e for e in kai.entries if e.message_id in {str(police.id), str(correction.id)}] == []
    assert kai.child.household == ()


def test_a_correction_still_naming_the_child_shows_its_first_version(messages: list[Message], police: Message) -> None:
    """A corrected household event is in the child's chronology once, as its latest version with its history."""
    correction = _corrected(police, police)
    kai = build_chronology([*_about_kai(messages), police, correction], child=KAI, generated=GENERATED)
    (shared,) = [e for e in kai.entries if e.message_id == str(correction.id) and e.id.endswith("#")]
    assert shared.match is Match.HOUSEHOLD
    assert [v.message_id for v in shared.history] == [str(police.id)]
    assert _police_entries(kai, police) == []


def test_a_notification_withdrawn_as_about_the_wrong_child_links_nobody(
    messages: list[Message], police: Message
) -> None:
    withdrawal = attrs.evolve(
        _people(police, []),  # the withdrawal itself records nobody living with anybody
        id=uuid.uuid5(police.id, "wrong child"),
        created=police.created + dt.timedelta(days=1),
        body=WithdrawalBody(message_id=police.id, reason=WithdrawalReason.WRONG_CHILD, permanent=True),
    )
    kai = build_chronology(
        [*[_people(m, []) for m in _about_kai(messages)], police, withdrawal], child=KAI, generated=GENERATED
    )
    assert _police_entries(kai, police) == []
    assert kai.child.household == ()


# -- the household chronology ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def households(family: tuple[Chronology, ...]) -> tuple[Household, ...]:
    return build_households(family, generated=GENERATED)


def test_kai_and_tyler_make_one_household_the_unborn_child_none(
    family: tuple[Chronology, ...], households: tuple[Household, ...]
) -> None:
    (household,) = households
    assert [c.nhs_number for c in household.children] == [KAI, TYLER]
    assert household.format_version == "1.1"
    kai, tyler = _by(family, KAI), _by(family, TYLER)
    assert len(household.entries) == len({e.id for e in (*kai.entries, *tyler.entries)})
    shared = [item for item in household.entries if len(item.children) > 1]
    assert len(shared) == 1
    assert shared[0].children == (KAI, TYLER)
    assert shared[0].entry.match is Match.NHS_NUMBER  # as it stands in Tyler's own chronology
    keys = [(i.entry.event_date.earliest, i.entry.event_date.latest, i.entry.recorded) for i in household.entries]
    assert keys == sorted(keys)


def test_a_household_for_one_child(family: tuple[Chronology, ...]) -> None:
    (household,) = build_households(family, generated=GENERATED, child=TYLER)
    assert [c.nhs_number for c in household.children] == [KAI, TYLER]
    (alone,) = build_households([_by(family, KAI)], generated=GENERATED, child=KAI)
    assert [c.nhs_number for c in alone.children] == [KAI]
    assert build_households([_by(family, KAI)], generated=GENERATED) == ()
    assert build_households(family, generated=GENERATED, child="9990000018") == ()


def test_the_household_json_is_valid_and_round_trips(households: tuple[Household, ...]) -> None:
    document = json.loads(household_json(households[0]))
    assert list(schema.iter_problems(document, "household")) == []
    assert codec.structure(document, Household) == households[0]
    array = json.loads(household_json(households))
    assert isinstance(array, list)
    assert array == [document]


def test_the_household_json_is_refused_with_a_pointer_when_broken(households: tuple[Household, ...]) -> None:
    document = json.loads(household_json(households[0]))
    document["entries"][0]["children"] = ["not a number"]
    document["children"] = []
    pointers = {p.pointer for p in schema.iter_problems(document, "household")}
    assert {"/entries/0/children/0", "/children"} <= pointers


def test_the_household_csv_says_whose_each_row_is(households: tuple[Household, ...]) -> None:
    text = household_csv(households)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == HOUSEHOLD_CSV_COLUMNS == ("Household", *CSV_COLUMNS)
    assert {row[0] for row in rows[1:]} == {f"{KAI}; {TYLER}"}
    assert sorted({row[1] for row in rows[1:]}) == [KAI, f"{KAI}; {TYLER}"]
    assert len(rows) == 1 + len(households[0].entries)
    assert text.endswith("\r\n")


def test_the_household_csv_neutralises_formulas(households: tuple[Household, ...]) -> None:
    item = households[0].entries[0]
    hostile = attrs.evolve(
        households[0], entries=(attrs.evolve(item, entry=attrs.evolve(item.entry, summary="=HYPERLINK(1)")),)
    )
    assert "'=HYPERLINK(1)" in household_csv([hostile])


def test_the_household_page_shows_every_entry_once_with_whose_it_is(households: tuple[Household, ...]) -> None:
    page = to_household_html(households)
    assert page.startswith("<!DOCTYPE html>")
    assert page.count('<article id="h1"') == 1
    assert "Household: Kai Ashdown and Tyler Ashdown" in page
    assert "Whose chronologies" in page
    assert "Kai Ashdown, Tyler Ashdown" in page
    assert len(re.findall(r'id="h1-e\d+"', page)) == len(households[0].entries)
    assert "<script" not in page
    assert "EXERCISE" in page
    with pytest.raises(ValueError, match="no household"):
        to_household_html(())


def test_the_report_of_several_children_has_the_household_beside_them(
    family: tuple[Chronology, ...], households: tuple[Household, ...]
) -> None:
    page = to_html_many(family, households=households)
    assert page.count("<article ") == 4
    assert page.index('<article id="c3"') < page.index('<article id="h1"')
    assert '<a href="#h1">Household: Kai Ashdown and Tyler Ashdown</a>' in page
    one = to_html_many(family[:1], households=households)
    assert one.count("<article ") == 2
    assert to_html_many(family[:1]) == to_html(family[0])


def test_the_timeline_lanes_name_the_agencies(messages: list[Message]) -> None:
    names = {"police:99": "Example Constabulary public protection unit", "ods:Y99GP": "Example Road Surgery"}
    kai = build_chronology(messages, child=KAI, generated=GENERATED, agency_names=names)
    page = to_html(kai)
    svg = page.split('<svg xmlns="http://www.w3.org/2000/svg" class="timeline"', 1)[1].split("</svg>", 1)[0]
    assert '<text class="lname"' in svg
    assert re.search(r'class="lname"[^>]*><title>police:99</title>Example Constabulary public protection unit<', svg)
    assert re.search(r'class="lname"[^>]*>school:999101<', svg)  # no name given: the code


# -- concernshare chronology --household ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONCERNSHARE_STATE_DIR", str(tmp_path / "state"))


def test_household_gives_one_valid_document() -> None:
    code, out, err = _run(str(EXAMPLES), "--household")
    assert code == 0, err
    document = json.loads(out)
    assert list(schema.iter_problems(document, "household")) == []
    assert [c["nhs_number"] for c in document["children"]] == [KAI, TYLER]
    assert f"household of 2 (NHS numbers {KAI}, {TYLER})" in err
    assert "1 in more than one child's chronology" in err


def test_household_with_a_child_gives_their_household() -> None:
    code, out, _ = _run(str(EXAMPLES), "--household", "--child", TYLER)
    assert code == 0
    assert [c["nhs_number"] for c in json.loads(out)["children"]] == [KAI, TYLER]


def test_household_of_one_child_recorded_with_nobody(tmp_path: Path) -> None:
    folder = tmp_path / "kai"
    folder.mkdir()
    shutil.copy(EXAMPLES / "02-acknowledgement-mash-accepted.json", folder)
    code, out, err = _run(str(folder), "--household", "--child", KAI)
    assert code == 0, err
    assert [c["nhs_number"] for c in json.loads(out)["children"]] == [KAI]


@pytest.mark.parametrize(("suffix", "start"), [(".csv", "\ufeffHousehold,Child,"), (".html", "<!DOCTYPE html>")])
def test_household_writes_csv_and_html(tmp_path: Path, suffix: str, start: str) -> None:
    target = tmp_path / f"household{suffix}"
    code, out, err = _run(str(EXAMPLES), "--household", "-o", str(target))
    assert (code, out) == (0, ""), err
    assert target.read_text(encoding="utf-8").startswith(start)


def test_the_html_report_of_the_family_has_the_household(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, _, err = _run(str(EXAMPLES), "-o", str(target))
    assert code == 0, err
    page = target.read_text(encoding="utf-8")
    assert page.count('<article id="h') == 1


def test_household_with_unborn_is_refused_in_words() -> None:
    code, out, err = _run(str(EXAMPLES), "--household", "--unborn", MOTHER)
    assert (code, out) == (2, "")
    assert "--household goes with --child or with neither" in err
    assert "Traceback" not in err


def test_household_where_no_children_live_together_is_refused_in_words(tmp_path: Path) -> None:
    folder = tmp_path / "one"
    folder.mkdir()
    shutil.copy(POLICE_FILE, folder)
    document = json.loads(POLICE_FILE.read_bytes())
    document["subject"]["related_people"] = document["subject"]["related_people"][:1]
    (folder / "09-domestic-abuse-notification-police.json").write_text(json.dumps(document), encoding="utf-8")
    shutil.copy(EXAMPLES / "15-concern-midwife-unborn-child.json", folder)
    code, out, err = _run(str(folder), "--household")
    assert (code, out) == (2, "")
    assert "no two children here are recorded as living together" in err
    assert "Traceback" not in err


def test_household_of_a_child_not_in_the_messages_is_refused_in_words() -> None:
    code, out, err = _run(str(EXAMPLES), "--household", "--child", "9990000018")
    assert (code, out) == (2, "")
    assert "no message here is about the child --child 9990000018" in err


def test_household_with_a_bad_child_number_is_refused_in_words() -> None:
    code, out, err = _run(str(EXAMPLES), "--household", "--child", "9990000027")
    assert (code, out) == (2, "")
    assert "--child takes a valid ten-digit NHS number" in err


def test_household_with_no_readable_input_is_refused_in_words(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    code, out, err = _run(str(broken), "--household")
    assert (code, out) == (2, "")
    assert "unreadable" in err
    assert "Traceback" not in err
