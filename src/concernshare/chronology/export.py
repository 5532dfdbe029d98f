"""Export chronologies: JSON (``schemas/chronology.schema.json``), CSV for a spreadsheet, and the HTML report.

Each export takes one chronology (:func:`to_json`, :func:`to_csv`,
:func:`to_html`) or the chronologies of several children, as
:func:`~concernshare.chronology.build.build_chronologies` gives them
(:func:`to_json_many`: a JSON array of chronology documents, each valid
against the schema; :func:`to_csv_many`: one table whose first column, "Child",
says whose each row is; :func:`to_html_many`: one page with an article per
child). A household chronology (:mod:`concernshare.chronology.history`) is
exported by :func:`household_json` (``schemas/household.schema.json``),
:func:`household_csv` (a "Household" column first) and
:func:`~concernshare.chronology.report.to_household_html`.
:func:`to_html` and :func:`to_html_many` are made in
:mod:`concernshare.chronology.report`, which also holds the words both the CSV
and the report use for patterns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from typing import Final

from concernshare import codec
from concernshare.chronology.history import Household
from concernshare.chronology.model import Chronology, ChronologyChild, Entry, words
from concernshare.chronology.report import (
    PATTERN_TITLES,
    pattern_numbers,
    to_household_html,
    to_html,
    to_html_many,
)

__all__ = [
    "CSV_COLUMNS",
    "HOUSEHOLD_CSV_COLUMNS",
    "child_label",
    "household_csv",
    "household_json",
    "to_csv",
    "to_csv_many",
    "to_household_html",
    "to_html",
    "to_html_many",
    "to_json",
    "to_json_many",
]

#: The CSV header, in column order: one row per entry, the probable matches after the joined entries.
CSV_COLUMNS: Final = (
    "Child",
    "Date",
    "Date precision",
    "Recorded (UTC)",
    "Agency",
    "Agency name",
    "Author role",
    "Event type",
    "Summary",
    "Significance",
    "Impact",
    "Action taken",
    "Outcome",
    "Child seen",
    "State",
    "Withdrawal reason",
    "Match",
    "Match reason",
    "Possible duplicates",
    "Patterns",
    "Earlier versions",
    "Source reference",
    "Message id",
    "Entry id",
)

#: The household CSV's header: a "Household" column (its children's NHS numbers), then the columns of
#: :data:`CSV_COLUMNS`, whose "Child" column lists the children whose chronologies hold the entry.
HOUSEHOLD_CSV_COLUMNS: Final = ("Household", *CSV_COLUMNS)

#: A cell starting with one of these is taken for a formula by spreadsheets (OWASP, "CSV injection").
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def to_json(chronology: Chronology) -> bytes:
    """The chronology as UTF-8 JSON, valid against the bundled ``chronology`` schema, ending in a newline.

    Raises nothing for a chronology built by :func:`~concernshare.chronology.build_chronology`.
    """
    return _dumps(codec.unstructure(chronology))


def to_json_many(chronologies: Sequence[Chronology]) -> bytes:
    """The chronologies as a UTF-8 JSON array of chronology documents, ending in a newline.

    Each item is valid against the bundled ``chronology`` schema on its own;
    the array is in the order given (any length, one included). Raises
    nothing for chronologies built by
    :func:`~concernshare.chronology.build.build_chronologies`.
    """
    return _dumps([codec.unstructure(chronology) for chronology in chronologies])


def _dumps(document: object) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")


def child_label(child: ChronologyChild) -> str:
    """The "Child" column of the CSV: the NHS number, or ``unborn of`` and the mother's. Raises nothing."""
    if child.nhs_number:
        return child.nhs_number
    return f"unborn of {child.mother_nhs_number}" if child.mother_nhs_number else "unknown"


def _cell(value: str) -> str:
    """Neutralise formula injection: a cell a spreadsheet would evaluate is prefixed with an apostrophe."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _words(value: object) -> str:
    return "" if value is None else words(value)


def _row(child: str, entry: Entry, patterns: list[int], titles: list[str]) -> list[str]:
    return [
        child,
        str(entry.event_date),
        entry.event_date.precision,
        f"{entry.recorded.astimezone(dt.UTC):%Y-%m-%d %H:%M}",
        entry.agency,
        entry.agency_name or "",
        entry.author_role or "",
        _words(entry.event_type) + (f" ({_words(entry.non_engagement)})" if entry.non_engagement else ""),
        entry.summary,
        entry.significance or "",
        _words(entry.impact),
        entry.action_taken or "",
        entry.outcome or "",
        _words(entry.child_seen),
        _words(entry.state),
        _words(entry.withdrawal_reason),
        _words(entry.match),
        entry.match_reason or "",
        "; ".join(entry.possible_duplicates),
        "; ".join(f"{number}: {titles[number - 1]}" for number in patterns),
        str(len(entry.history)) if entry.history else "",
        entry.source_record_reference or "",
        entry.message_id,
        entry.id,
    ]


def _rows(chronology: Chronology) -> Iterable[list[str]]:
    numbers = pattern_numbers(chronology)
    titles = [PATTERN_TITLES[p.kind] for p in chronology.patterns]
    child = child_label(chronology.child)
    for entry in (*chronology.entries, *chronology.probable):
        yield _row(child, entry, numbers.get(entry.id, []), titles)


def to_csv(chronology: Chronology) -> str:
    """The entries as CSV (RFC 4180: CRLF line ends, quotes only where needed), a header row first.

    The first column, "Child", is the child's NHS number (``unborn of`` and the
    mother's NHS number for a chronology begun before birth). One row per
    entry, then one per probable match (its ``Match`` column says
    ``probable``, for a person to confirm). A cell that a spreadsheet would
    take for a formula (one starting with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return) is prefixed with ``'``. Patterns are numbered as in the
    HTML report. Conflicts and unreadable inputs are not rows: they are in the
    JSON and the report. Raises nothing.
    """
    return to_csv_many((chronology,))


def to_csv_many(chronologies: Sequence[Chronology]) -> str:
    """Several children's chronologies as one CSV, as :func:`to_csv` makes it, with one header row.

    Each chronology's rows follow the one before's, in the order given; the
    "Child" column says whose each row is, and each child's patterns are
    numbered on their own, as in the HTML report. Raises nothing.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for chronology in chronologies:
        for row in _rows(chronology):
            writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def household_json(household: Household | Sequence[Household]) -> bytes:
    """A household chronology as UTF-8 JSON, valid against the bundled ``household`` schema; several as an array.

    Ends in a newline. Raises nothing.
    """
    if isinstance(household, Household):
        return _dumps(codec.unstructure(household))
    return _dumps([codec.unstructure(item) for item in household])


def household_csv(households: Sequence[Household]) -> str:
    """Household chronologies as one CSV (as :func:`to_csv` makes it), one row per entry of each household.

    The first column, "Household", names the household by its children's NHS
    numbers; the "Child" column lists the children in whose chronologies the
    entry is (an entry in several is one row). Patterns are judged in each
    child's own chronology, so the "Patterns" column is empty. Raises nothing.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n")
    writer.writerow(HOUSEHOLD_CSV_COLUMNS)
    for household in households:
        label = "; ".join(child_label(child) for child in household.children)
        for item in household.entries:
            row = [label, *_row("; ".join(item.children), item.entry, [], [])]
            writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()
