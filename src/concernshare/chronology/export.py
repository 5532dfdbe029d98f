"""Export a chronology: JSON (``schemas/chronology.schema.json``), CSV for a spreadsheet, and the HTML report.

:func:`to_html` is made in :mod:`concernshare.chronology.report`, which also
holds the words both the CSV and the report use for patterns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from typing import Final

from concernshare import codec
from concernshare.chronology.model import Chronology, Entry
from concernshare.chronology.report import PATTERN_TITLES, pattern_numbers, to_html

__all__ = ["CSV_COLUMNS", "to_csv", "to_html", "to_json"]

#: The CSV header, in column order: one row per entry, the probable matches after the joined entries.
CSV_COLUMNS: Final = (
    "Date",
    "Date precision",
    "Recorded (UTC)",
    "Agency",
    "Author role",
    "Event type",
    "Summary",
    "Significance",
    "Impact",
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

#: A cell starting with one of these is taken for a formula by spreadsheets (OWASP, "CSV injection").
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def to_json(chronology: Chronology) -> bytes:
    """The chronology as UTF-8 JSON, valid against the bundled ``chronology`` schema, ending in a newline.

    Raises nothing for a chronology built by :func:`~concernshare.chronology.build_chronology`.
    """
    document = codec.unstructure(chronology)
    return (json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")


def _cell(value: str) -> str:
    """Neutralise formula injection: a cell a spreadsheet would evaluate is prefixed with an apostrophe."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _words(value: object) -> str:
    return "" if value is None else str(value).replace("_", " ")


def _row(entry: Entry, patterns: list[int], titles: list[str]) -> list[str]:
    return [
        str(entry.event_date),
        entry.event_date.precision,
        f"{entry.recorded.astimezone(dt.UTC):%Y-%m-%d %H:%M}",
        entry.agency,
        entry.author_role or "",
        _words(entry.event_type) + (f" ({_words(entry.non_engagement)})" if entry.non_engagement else ""),
        entry.summary,
        entry.significance or "",
        _words(entry.impact),
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
    for entry in (*chronology.entries, *chronology.probable):
        yield _row(entry, numbers.get(entry.id, []), titles)


def to_csv(chronology: Chronology) -> str:
    """The entries as CSV (RFC 4180: CRLF line ends, quotes only where needed), a header row first.

    One row per entry, then one per probable match (its ``Match`` column says
    ``probable``, for a person to confirm). A cell that a spreadsheet would
    take for a formula (one starting with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return) is prefixed with ``'``. Patterns are numbered as in the
    HTML report. Conflicts and unreadable inputs are not rows: they are in the
    JSON and the report. Raises nothing.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in _rows(chronology):
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()
