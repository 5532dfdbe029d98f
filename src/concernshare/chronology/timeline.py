"""The SVG timeline of a chronology for the HTML report: one lane per agency, a mark per entry, gaps shaded.

Every text that came from a message is escaped, in the marks' tooltips too.
The timeline refers to entries by the element ids the report gives their
table rows, so that a mark links to its row; with several children on one
page, each timeline's own ids carry the child's prefix.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Iterator, Mapping, Sequence
from html import escape
from typing import Final

from concernshare.chronology.model import Chronology, Entry, EntryState, PatternKind, words
from concernshare.records.types import PartialDate

__all__ = ["date_text", "legend", "timeline"]

SVG_NS: Final = "http://www.w3.org/2000/svg"
_WIDTH: Final = 1000
_ROW: Final = 12
_ROWS: Final = 5
_AXIS: Final = 26


def date_text(date: PartialDate) -> str:
    """A partial date as what it is: ``2013-05-22``, ``2013-05 (month)`` or ``2013 (year)``. Raises nothing."""
    return str(date) if date.precision == "day" else f"{date} ({date.precision})"


def text(value: object) -> str:
    """Any value as escaped HTML text, quotes too."""
    return escape(str(value), quote=True)


@functools.lru_cache(maxsize=4096)
def short(value: str) -> str:
    """Escape a short text that repeats from entry to entry: an agency, a role, a date, a kind of event."""
    return escape(value, quote=True)


@functools.lru_cache(maxsize=4096)
def date_html(date: PartialDate) -> str:
    """A partial date as escaped HTML, as :func:`date_text` words it."""
    return escape(date_text(date))


def event_html(entry: Entry) -> str:
    """What kind of event, in words (escaped)."""
    if entry.non_engagement is not None:
        return short(f"missed contact: {words(entry.non_engagement)}")
    return "missed contact" if entry.event_type == "non_engagement" else short(words(entry.event_type))


class _Scale:
    """Days (as ordinals) to x: the plot runs from the first day any entry may mean to the day after the last."""

    def __init__(self, spans: Collection[tuple[int, int]], left: int) -> None:
        first, last = min(a for a, _ in spans), max(b for _, b in spans)
        pad = max((last - first) // 40, 15)
        self.start, self.end = dt.date.fromordinal(first - pad), dt.date.fromordinal(last + pad)
        self.origin, self.left = first - pad, left
        self.days = last - first + 2 * pad
        self.per_day = (_WIDTH - left - 12) / self.days

    def x(self, day: int) -> int:
        return round(self.left + (day - self.origin) * self.per_day)

    def ticks(self) -> Iterator[tuple[dt.date, str]]:
        """Every year (every fifth over 25 years), every quarter under two and a half years, every month under
        400 days, every Monday under 70."""
        years = self.days / 365.25
        if years > 2.5:
            step = 5 if years > 25 else 1
            years_shown = range(self.start.year + 1, self.end.year + 1)
            yield from ((dt.date(y, 1, 1), str(y)) for y in years_shown if y % step == 0)
            return
        if self.days <= 70:
            monday = self.start + dt.timedelta(days=7 - self.start.weekday())
            while monday < self.end:
                yield monday, monday.isoformat()
                monday += dt.timedelta(days=7)
            return
        months = (1, 4, 7, 10) if self.days > 400 else range(1, 13)
        month = dt.date(self.start.year, self.start.month, 1)
        while month < self.end:
            if month > self.start and month.month in months:
                yield month, f"{month:%Y}" if month.month == 1 else f"{month:%Y-%m}"
            month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _rows(extents: Sequence[tuple[int, int]]) -> list[int]:
    """Stack overlapping marks of a lane into rows, greedily; past the last row they overlap."""
    ends: list[int] = []
    rows: list[int] = []
    for start, end in extents:
        row = None
        for number, last in enumerate(ends):
            if start > last + 2:
                row = number
                break
        if row is None and len(ends) < _ROWS:
            row = len(ends)
            ends.append(end)
        elif row is None:
            row = min(range(_ROWS), key=ends.__getitem__)
        ends[row] = max(ends[row], end)
        rows.append(row)
    return rows


def _extent(span: tuple[int, int], day: bool, scale: _Scale) -> tuple[int, int]:
    x0, x1 = scale.x(span[0]), scale.x(span[1])
    return (x0 - 6, x0 + 6) if day else (x0, x1)


def _mark(entry: Entry, x0: int, x1: int, y: int, *, flagged: bool, anchor: str) -> str:
    withdrawn = entry.state is EntryState.WITHDRAWN
    kind = "wd" if withdrawn else "miss" if entry.event_type == "non_engagement" else "ev"
    flag = " flag" if flagged else ""
    summary = escape(entry.summary if len(entry.summary) <= 240 else entry.summary[:239] + "…")
    title = (
        f"<title>{date_html(entry.event_date)} · {short(entry.agency_name or entry.agency)} · {event_html(entry)}"
        f"{' · WITHDRAWN' if withdrawn else ''}: {summary}</title>"
    )
    if entry.event_date.precision != "day":
        shape = f'<rect class="span {kind}{flag}" x="{x0}" y="{y - 3}" width="{max(x1 - x0, 2)}" height="6"/>'
    elif kind == "miss":
        shape = f'<path class="miss{flag}" d="M{x0},{y - 6}l6,6-6,6-6-6z"/>'
    else:
        shape = f'<circle class="{kind}{flag}" cx="{x0}" cy="{y}" r="4.5"/>'
    if withdrawn:
        shape += f'<path class="strike" d="M{x0 - 5},{y + 5}L{x0 + 5},{y - 5}"/>'
    return f'<a href="#{anchor}">{title}{shape}</a>'


def timeline(chronology: Chronology, anchors: Mapping[str, str], flagged: Collection[str], *, prefix: str = "") -> str:
    """The SVG timeline of ``chronology``, as HTML. Raises nothing.

    Each mark links to ``#`` and the element id ``anchors`` gives its entry;
    entries whose id is in ``flagged`` are outlined; the timeline's own title
    and description ids start with ``prefix``.
    """
    entries = chronology.entries
    head = (
        f'<svg xmlns="{SVG_NS}" class="timeline" role="img" aria-labelledby="{prefix}tl-title {prefix}tl-desc" '
        f'viewBox="0 0 {_WIDTH} {{height}}">'
    )
    if not entries:
        return (
            head.format(height=40) + f'<title id="{prefix}tl-title">Timeline</title><desc id="{prefix}tl-desc">'
            'No entries.</desc><text x="12" y="24" class="tick">No entries.</text></svg>'
        )
    spans = {e.id: (e.event_date.earliest.toordinal(), e.event_date.latest.toordinal() + 1) for e in entries}
    lanes: dict[str, list[Entry]] = {agency: [] for agency in chronology.agencies}
    for entry in entries:
        lanes.setdefault(entry.agency, []).append(entry)
    names: dict[str, str] = {e.agency: e.agency_name for e in entries if e.agency_name}
    left = min(max(20 + 7 * max(len(names.get(a, a)) for a in lanes), 120), 360)
    scale = _Scale(spans.values(), left)
    marks: list[str] = []
    backgrounds: list[str] = []
    y = _AXIS
    for index, (agency, own) in enumerate(lanes.items()):
        extents = [_extent(spans[e.id], e.event_date.day is not None, scale) for e in own]
        rows = _rows(extents)
        height = 10 + _ROW * (max(rows) + 1)
        backgrounds.append(
            f'<rect class="lane{" odd" if index % 2 else ""}" x="0" y="{y}" width="{_WIDTH}" '
            f'height="{height}"/><text class="lname" x="{left - 8}" y="{y + height // 2 + 4}">'
            + (f"<title>{text(agency)}</title>{text(names[agency])}" if agency in names else text(agency))
            + "</text>"
        )
        for entry, row, (x0, x1) in zip(own, rows, extents, strict=True):
            at = x0 + 6 if entry.event_date.day is not None else x0
            marks.append(
                _mark(entry, at, x1, y + 11 + row * _ROW, flagged=entry.id in flagged, anchor=anchors[entry.id])
            )
        y += height
    grid = []
    for day, label in scale.ticks():
        x = scale.x(day.toordinal())
        room = x < _WIDTH - max(50, 7 * len(label))
        tick = f'<text class="tick" x="{x + 3}" y="{_AXIS - 10}">{text(label)}</text>' if room else ""
        grid.append(f'<line class="grid" x1="{x}" x2="{x}" y1="{_AXIS - 6}" y2="{y}"/>{tick}')
    for pattern in chronology.patterns:
        if pattern.kind is PatternKind.UNSEEN_GAP and all(i in spans for i in pattern.entries):
            x0, x1 = scale.x(spans[pattern.entries[0]][1]), scale.x(spans[pattern.entries[-1]][0])
            grid.append(
                f'<rect class="gap" x="{x0}" y="{_AXIS}" width="{max(x1 - x0, 1)}" '
                f'height="{y - _AXIS}"><title>{text(pattern.explanation)}</title></rect>'
            )
    desc = (
        f"{len(entries)} entries from {len(lanes)} agencies, one lane each, from "
        f"{dt.date.fromordinal(min(a for a, _ in spans.values()))} to "
        f"{dt.date.fromordinal(max(b for _, b in spans.values()) - 1)}. "
        "The same entries are listed in the table below."
    )
    return (
        head.format(height=y + 4) + f'<title id="{prefix}tl-title">Timeline of the chronology</title>'
        f'<desc id="{prefix}tl-desc">{text(desc)}</desc>'
        + "".join(backgrounds)
        + "".join(grid)
        + "".join(marks)
        + "</svg>"
    )


_LEGEND: Final = (
    ('<circle class="ev" cx="14" cy="8" r="4.5"/>', "an event on a known day"),
    ('<path class="miss" d="M14,2.5l5.5,5.5-5.5,5.5-5.5-5.5z"/>', "a missed contact (was not brought, no access…)"),
    (
        '<rect class="span ev" x="2" y="5" width="24" height="6"/>',
        "a date known only to the month or year: the bar spans the whole period",
    ),
    ('<circle class="wd" cx="14" cy="8" r="4.5"/><path class="strike" d="M9,13L19,3"/>', "withdrawn"),
    ('<circle class="ev flag" cx="14" cy="8" r="4.5"/>', "part of a flagged pattern (outlined)"),
    ('<rect class="gap" x="0" y="0" width="28" height="16"/>', "a long gap in which no agency saw the child"),
)


@functools.cache
def legend() -> str:
    """The key to the timeline's marks, as an HTML list. Raises nothing."""
    items = "".join(
        f'<li><svg xmlns="{SVG_NS}" viewBox="0 0 28 16" aria-hidden="true">{icon}</svg> {label}</li>'
        for icon, label in _LEGEND
    )
    return f'<ul class="legend" aria-label="Key to the timeline">{items}</ul>'
