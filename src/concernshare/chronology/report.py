"""The chronology as one self-contained HTML page: an SVG timeline with one lane per agency, and the same as tables.

The page loads nothing: no script, no font, no image; its one style sheet is
inline and allowed by hash in a Content-Security-Policy that forbids every
other load. Every text that came from a message is escaped, in the SVG too.
It prints on A4 landscape.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from html import escape
from typing import Final

import attrs

from concernshare.chronology.model import Chronology, Entry, EntryState, Match, PatternKind
from concernshare.records.codes import Status
from concernshare.records.types import PartialDate

__all__ = ["PATTERN_TITLES", "date_text", "pattern_numbers", "to_html"]

#: What each kind of pattern is called where a person reads it.
PATTERN_TITLES: Final = {
    PatternKind.REPEATED_NON_ENGAGEMENT: "Repeated missed contacts",
    PatternKind.CONCERNS_WITHOUT_ASSESSMENT: "Concerns without an assessment",
    PatternKind.OVERDUE_RESPONSE: "Overdue response",
    PatternKind.UNSEEN_GAP: "Long gap with the child unseen",
    PatternKind.RISING_FREQUENCY: "Rising frequency of concerns",
    PatternKind.WITHDRAWN_CONCERN: "Withdrawn concern",
    PatternKind.POSSIBLE_DUPLICATE: "Possible duplicates",
}

_CSS: Final = """
:root{color-scheme:light;font-family:system-ui,"Segoe UI",Arial,sans-serif;color:#1b1b1b;background:#fff}
body{margin:1.5rem;line-height:1.4}h1{margin:0 0 .5rem}h2{margin-top:2rem;border-bottom:2px solid #ccc}
.banner{border:3px solid #8a1c1c;background:#fdecec;padding:.5rem 1rem;font-weight:bold}
.warn{border-left:6px solid #c25e00;background:#fff4e5;padding:.4rem 1rem}
dl.who{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem;margin:0}dl.who dt{font-weight:bold}
dl.who dd{margin:0}.howto{max-width:60rem}nav ul{columns:2;max-width:40rem}
svg.timeline{width:100%;height:auto;border:1px solid #ccc;background:#fff}
.lane{fill:#f4f6f8}.lane.odd{fill:#fff}.grid{stroke:#ccc;stroke-width:1}.tick{font-size:11px;fill:#444}
.lname{font-size:12px;fill:#1b1b1b;text-anchor:end}.gap{fill:#f6c98f;fill-opacity:.35}
.ev{fill:#2b5c8a;stroke:#fff;stroke-width:1}.miss{fill:#b3261e;stroke:#fff;stroke-width:1}
.span{fill-opacity:.35;stroke-dasharray:3 2}.span.ev,.span.miss{stroke:currentcolor}
.span.ev{color:#2b5c8a}.span.miss{color:#b3261e}
.wd{fill:#fff;stroke:#777;stroke-width:1.5}.strike{stroke:#777;stroke-width:1.5}
.flag{stroke:#e07b00;stroke-width:3}.span.flag{stroke:#e07b00;stroke-dasharray:none}
ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1.5rem}
ul.legend svg{width:28px;height:16px;vertical-align:middle}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.92rem}
caption{text-align:left;font-weight:bold;padding:.3rem 0}
th,td{border:1px solid #bbb;padding:.25rem .4rem;vertical-align:top;text-align:left}
thead th{background:#e8ecf0}tbody th{white-space:nowrap;font-weight:normal}
tr.flagged td:first-child{border-left:5px solid #e07b00}tr.withdrawn td,tr.withdrawn th{color:#555;background:#f2f2f2}
.approx{font-style:italic}.small{font-size:.8rem;color:#444;overflow-wrap:anywhere}
.state{font-weight:bold}td.what{min-width:13rem}td.sig{min-width:9rem}td.small{min-width:5.5rem}
ol.patterns{list-style:none;padding:0}ol.patterns>li{margin-bottom:.8rem}ol.patterns h3{margin:0;font-size:1rem}
@page{size:A4 landscape;margin:12mm}
@media print{body{margin:0;font-size:9pt}nav{display:none}a{color:inherit;text-decoration:none}
thead{display:table-header-group}tr,li,figure{break-inside:avoid}h2{break-after:avoid}
.banner,.warn,tr.withdrawn td,.lane,.gap{print-color-adjust:exact;-webkit-print-color-adjust:exact}}
"""
_CSP: Final = (
    "default-src 'none'; style-src 'sha256-"
    + base64.b64encode(hashlib.sha256(_CSS.encode()).digest()).decode()
    + "'; base-uri 'none'; form-action 'none'"
)
_SVG_NS: Final = "http://www.w3.org/2000/svg"
_WIDTH: Final = 1000
_ROW: Final = 12
_ROWS: Final = 5
_AXIS: Final = 26
_DAY: Final = dt.timedelta(days=1)


def date_text(date: PartialDate) -> str:
    """A partial date as what it is: ``2013-05-22``, ``2013-05 (month)`` or ``2013 (year)``. Raises nothing."""
    return str(date) if date.precision == "day" else f"{date} ({date.precision})"


def pattern_numbers(chronology: Chronology) -> dict[str, list[int]]:
    """For each entry id, the numbers (from 1, in the chronology's order) of its patterns. Raises nothing."""
    numbers: dict[str, list[int]] = defaultdict(list)
    for number, pattern in enumerate(chronology.patterns, start=1):
        for entry_id in pattern.entries:
            numbers[entry_id].append(number)
    return numbers


def _e(text: object) -> str:
    return escape(str(text), quote=True)


@functools.lru_cache(maxsize=4096)
def _short(text: str) -> str:
    """Escape a short text that repeats from entry to entry: an agency, a role, a date, a kind of event."""
    return escape(text, quote=True)


@functools.lru_cache(maxsize=4096)
def _date(date: PartialDate) -> str:
    return escape(date_text(date))


def _words(value: object) -> str:
    return str(value).replace("_", " ")


def _event(entry: Entry) -> str:
    """What kind of event, in words (escaped)."""
    if entry.non_engagement is not None:
        return _short(f"missed contact: {_words(entry.non_engagement)}")
    return "missed contact" if entry.event_type == "non_engagement" else _short(_words(entry.event_type))


def _count(items: Collection[object], one: str, many: str = "") -> str:
    return f"{len(items)} {one if len(items) == 1 else many or one + 's'}"


def _nhs(number: str) -> str:
    return f"{number[:3]} {number[3:6]} {number[6:]}"


@attrs.frozen
class _Refs:
    """How the page refers to entries and patterns: anchors, pattern numbers per entry, pattern titles."""

    anchors: dict[str, str]
    numbers: dict[str, list[int]]
    titles: list[str]

    @classmethod
    def of(cls, chronology: Chronology) -> _Refs:
        anchors = {entry.id: f"e{n}" for n, entry in enumerate(chronology.entries, start=1)}
        anchors.update((entry.id, f"p{n}") for n, entry in enumerate(chronology.probable, start=1))
        return cls(anchors, pattern_numbers(chronology), [PATTERN_TITLES[p.kind] for p in chronology.patterns])


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
        """Every year (every fifth over 25 years), or every quarter over less than two and a half years."""
        years = self.days / 365.25
        if years > 2.5:
            step = 5 if years > 25 else 1
            years_shown = range(self.start.year + 1, self.end.year + 1)
            yield from ((dt.date(y, 1, 1), str(y)) for y in years_shown if y % step == 0)
            return
        month = dt.date(self.start.year, self.start.month, 1)
        while month < self.end:
            if month > self.start and month.month in (1, 4, 7, 10):
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
    title = (f"<title>{_date(entry.event_date)} · {_short(entry.agency)} · {_event(entry)}"
             f"{' · WITHDRAWN' if withdrawn else ''}: {summary}</title>")
    if entry.event_date.precision != "day":
        shape = f'<rect class="span {kind}{flag}" x="{x0}" y="{y - 3}" width="{max(x1 - x0, 2)}" height="6"/>'
    elif kind == "miss":
        shape = f'<path class="miss{flag}" d="M{x0},{y - 6}l6,6-6,6-6-6z"/>'
    else:
        shape = f'<circle class="{kind}{flag}" cx="{x0}" cy="{y}" r="4.5"/>'
    if withdrawn:
        shape += f'<path class="strike" d="M{x0 - 5},{y + 5}L{x0 + 5},{y - 5}"/>'
    return f'<a href="#{anchor}">{title}{shape}</a>'


def _timeline(chronology: Chronology, refs: _Refs) -> str:
    entries = chronology.entries
    head = (f'<svg xmlns="{_SVG_NS}" class="timeline" role="img" aria-labelledby="tl-title tl-desc" '
            f'viewBox="0 0 {_WIDTH} {{height}}">')
    if not entries:
        return (head.format(height=40) + '<title id="tl-title">Timeline</title><desc id="tl-desc">No entries.</desc>'
                '<text x="12" y="24" class="tick">No entries.</text></svg>')
    spans = {e.id: (e.event_date.earliest.toordinal(), e.event_date.latest.toordinal() + 1) for e in entries}
    lanes: dict[str, list[Entry]] = {agency: [] for agency in chronology.agencies}
    for entry in entries:
        lanes.setdefault(entry.agency, []).append(entry)
    left = min(max(20 + 7 * max(len(a) for a in lanes), 120), 360)
    scale = _Scale(spans.values(), left)
    marks: list[str] = []
    backgrounds: list[str] = []
    y = _AXIS
    for index, (agency, own) in enumerate(lanes.items()):
        extents = [_extent(spans[e.id], e.event_date.day is not None, scale) for e in own]
        rows = _rows(extents)
        height = 10 + _ROW * (max(rows) + 1)
        backgrounds.append(f'<rect class="lane{" odd" if index % 2 else ""}" x="0" y="{y}" width="{_WIDTH}" '
                           f'height="{height}"/><text class="lname" x="{left - 8}" y="{y + height // 2 + 4}">'
                           f"{_e(agency)}</text>")
        for entry, row, (x0, x1) in zip(own, rows, extents, strict=True):
            at = x0 + 6 if entry.event_date.day is not None else x0
            marks.append(_mark(entry, at, x1, y + 11 + row * _ROW, flagged=entry.id in refs.numbers,
                               anchor=refs.anchors[entry.id]))
        y += height
    grid = []
    for day, label in scale.ticks():
        x = scale.x(day.toordinal())
        text = f'<text class="tick" x="{x + 3}" y="{_AXIS - 10}">{_e(label)}</text>' if x < _WIDTH - 50 else ""
        grid.append(f'<line class="grid" x1="{x}" x2="{x}" y1="{_AXIS - 6}" y2="{y}"/>{text}')
    for pattern in chronology.patterns:
        if pattern.kind is PatternKind.UNSEEN_GAP and all(i in spans for i in pattern.entries):
            x0, x1 = scale.x(spans[pattern.entries[0]][1]), scale.x(spans[pattern.entries[-1]][0])
            grid.append(f'<rect class="gap" x="{x0}" y="{_AXIS}" width="{max(x1 - x0, 1)}" '
                        f'height="{y - _AXIS}"><title>{_e(pattern.explanation)}</title></rect>')
    desc = (f"{len(entries)} entries from {len(lanes)} agencies, one lane each, from "
            f"{dt.date.fromordinal(min(a for a, _ in spans.values()))} to "
            f"{dt.date.fromordinal(max(b for _, b in spans.values()) - 1)}. "
            "The same entries are listed in the table below.")
    return (head.format(height=y + 4) + '<title id="tl-title">Timeline of the chronology</title>'
            f'<desc id="tl-desc">{_e(desc)}</desc>' + "".join(backgrounds) + "".join(grid) + "".join(marks)
            + "</svg>")


_LEGEND: Final = (
    ('<circle class="ev" cx="14" cy="8" r="4.5"/>', "an event on a known day"),
    ('<path class="miss" d="M14,2.5l5.5,5.5-5.5,5.5-5.5-5.5z"/>', "a missed contact (was not brought, no access…)"),
    ('<rect class="span ev" x="2" y="5" width="24" height="6"/>', "a date known only to the month or year: "
     "the bar spans the whole period"),
    ('<circle class="wd" cx="14" cy="8" r="4.5"/><path class="strike" d="M9,13L19,3"/>', "withdrawn"),
    ('<circle class="ev flag" cx="14" cy="8" r="4.5"/>', "part of a flagged pattern (outlined)"),
    ('<rect class="gap" x="0" y="0" width="28" height="16"/>', "a long gap in which no agency saw the child"),
)


def _legend() -> str:
    items = "".join(f'<li><svg xmlns="{_SVG_NS}" viewBox="0 0 28 16" aria-hidden="true">{icon}</svg> {text}</li>'
                    for icon, text in _LEGEND)
    return f'<ul class="legend" aria-label="Key to the timeline">{items}</ul>'


def _number(anchor: str) -> str:
    """What a person calls an entry: ``12`` for a joined one, ``P3`` for a probable match."""
    return anchor[1:] if anchor.startswith("e") else anchor.upper()


def _link(entry_id: str, anchors: dict[str, str], label: str) -> str:
    """A link to an entry's row; ``label`` is HTML, already escaped."""
    anchor = anchors.get(entry_id)
    return f'<a href="#{anchor}">{label}</a>' if anchor else label


def _state(entry: Entry, anchors: dict[str, str]) -> str:
    if entry.state is EntryState.CURRENT and entry.match is not Match.UNBORN_LINK and not entry.possible_duplicates:
        return '<span class="state">Current</span>'
    parts = [f'<span class="state">{_e(entry.state.value.capitalize())}</span>']
    if entry.withdrawal_reason is not None:
        parts[0] = f'<span class="state">Withdrawn: {_e(_words(entry.withdrawal_reason))}</span>'
    if entry.match is Match.UNBORN_LINK:
        parts.append("joined before birth, through the mother")
    if entry.possible_duplicates:
        links = ", ".join(_link(i, anchors, _e(_number(anchors.get(i, "?")))) for i in entry.possible_duplicates)
        parts.append(f"possible duplicate of entry {links}: check")
    return "<br>".join(parts)


def _entry_row(entry: Entry, refs: _Refs, *, reason: bool) -> str:
    anchor, numbers = refs.anchors[entry.id], refs.numbers.get(entry.id, ())
    date = (_date(entry.event_date) if entry.event_date.precision == "day"
            else f'<span class="approx">{_date(entry.event_date)}</span>')
    summary = escape(entry.summary)
    if entry.history:
        earlier = "".join(f"<li>{_e(v.recorded.date())}: {_e(v.summary)}</li>" for v in entry.history)
        summary += f'<div class="small">Earlier versions:<ul>{earlier}</ul></div>'
    patterns = "<br>".join(f'<a href="#pattern-{n}">{n}. {_short(refs.titles[n - 1])}</a>' for n in numbers)
    source = f"ref {_e(entry.source_record_reference)}<br>" if entry.source_record_reference else ""
    withdrawn = entry.state is EntryState.WITHDRAWN
    classes = " ".join(c for c, on in (("flagged", bool(numbers)), ("withdrawn", withdrawn)) if on)
    kind = f' class="{classes}"' if classes else ""
    why = f"<td>{_e(entry.match_reason or '')}</td>" if reason else ""
    return (
        f'<tr id="{anchor}"{kind}><td>{_number(anchor)}</td>'
        f'<th scope="row">{date}</th>{why}<td>{_short(entry.agency).replace("/", "/<wbr>")}</td>'
        f"<td>{_short(entry.author_role or '')}</td><td>{_event(entry)}</td><td class=\"what\">{summary}</td>"
        f'<td class="sig">{escape(entry.significance or "")}</td><td>{_short(str(entry.child_seen))}</td>'
        f'<td>{_state(entry, refs.anchors)}</td><td>{patterns}</td><td class="small">{source}message '
        f'<span title="{_e(entry.message_id)}">{_e(entry.message_id[:8])}</span></td></tr>'
    )


_HEADS: Final = ("No.", "Date", "Agency", "Recorded by", "Event", "What happened", "Significance for the child",
                 "Child seen", "State", "Patterns", "Source")


def _table(caption: str, entries: Sequence[Entry], refs: _Refs, *, reason: bool = False) -> str:
    heads = list(_HEADS)
    if reason:
        heads.insert(2, "Why it may be this child")
    head = "".join(f'<th scope="col">{h}</th>' for h in heads)
    rows = "".join(_entry_row(e, refs, reason=reason) for e in entries)
    return f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _brief(entry: Entry, refs: _Refs) -> str:
    """An entry in a few words, as HTML: its number, date, agency and kind."""
    return f"{_number(refs.anchors[entry.id])} ({_date(entry.event_date)}, {_short(entry.agency)}, {_event(entry)})"


def _patterns(chronology: Chronology, refs: _Refs) -> str:
    if not chronology.patterns:
        return "<p>No pattern was flagged. That is not evidence that all is well.</p>"
    by_id = {e.id: e for e in (*chronology.entries, *chronology.probable)}
    items = []
    for number, pattern in enumerate(chronology.patterns, start=1):
        links = ", ".join(_link(i, refs.anchors, _brief(by_id[i], refs) if i in by_id else _e(i))
                          for i in pattern.entries)
        items.append(f'<li id="pattern-{number}"><h3>{number}. {_e(PATTERN_TITLES[pattern.kind])}</h3>'
                     f"<p>{_e(pattern.explanation)}</p><p>Entries behind it: {links}</p></li>")
    return f'<ol class="patterns">{"".join(items)}</ol>'


def _identity(chronology: Chronology) -> str:
    child = chronology.child
    rows = [("Child", "; ".join(child.names) or "no name given")]
    if child.nhs_number:
        rows.append(("NHS number", _nhs(child.nhs_number)))
    if child.mother_nhs_number:
        rows.append(("Mother's NHS number (before birth)", _nhs(child.mother_nhs_number)))
    rows.append(("Born", str(child.birth_date) if child.birth_date else "not given"))
    rows.append(("Built", f"{chronology.generated.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"))
    rows.append(("Entries", f"{len(chronology.entries)} from {_count(chronology.agencies, 'agency', 'agencies')}"))
    return '<dl class="who">' + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows) + "</dl>"


def _warnings(chronology: Chronology, statuses: Collection[Status]) -> str:
    parts = []
    marked = sorted(s.value for s in set(statuses) - {Status.ACTUAL})
    if marked:
        mixed = " Some are actual messages: check why they are mixed." if Status.ACTUAL in statuses else ""
        parts.append(f'<p class="banner" role="note">{_e(" and ".join(marked).upper())}: built from '
                     f"{_e(' and '.join(marked))} messages, not a real case.{mixed}</p>")
    if chronology.unreadable:
        parts.append(f'<p class="warn" role="note">{_count(chronology.unreadable, "input")} could not be read: '
                     'this chronology is incomplete. See <a href="#unreadable">Inputs that could not be read</a>.</p>')
    if chronology.probable or chronology.conflicts:
        probable = _count(chronology.probable, "probable match", "probable matches")
        parts.append(f'<p class="warn" role="note">{probable} and '
                     f"{_count(chronology.conflicts, 'conflict')} are left out of the timeline for a person to check. "
                     'See <a href="#probable">Probable matches</a> and <a href="#conflicts">Conflicts</a>.</p>')
    return "".join(parts)


def _sections(chronology: Chronology, refs: _Refs) -> Iterator[str]:
    yield ('<section id="probable"><h2>Probable matches</h2><p>These entries have no NHS number but look like '
           "this child's. They are not merged: confirm or reject each one.</p>")
    yield (_table("Entries that may be this child's, to confirm", chronology.probable, refs, reason=True)
           if chronology.probable else "<p>None.</p>")
    yield ('</section><section id="conflicts"><h2>Conflicts</h2><p>Messages that give a different NHS number for '
           "a child with the same name and birth date. They are never merged: find out which child each is "
           "about.</p>")
    yield ("<ul>" + "".join(f"<li>message {_e(m)}</li>" for m in chronology.conflicts) + "</ul>"
           if chronology.conflicts else "<p>None.</p>")
    yield ('</section><section id="unreadable"><h2>Inputs that could not be read</h2><p>Nothing from these is in '
           "this chronology. Ask the sender again, or open them by hand.</p>")
    if chronology.unreadable:
        rows = "".join(f'<tr><th scope="row">{_e(u.source)}</th><td>{_e(u.problem)}</td></tr>'
                       for u in chronology.unreadable)
        yield ('<table><caption>Inputs that could not be read, opened or validated</caption><thead><tr>'
               f'<th scope="col">Input</th><th scope="col">Problem</th></tr></thead><tbody>{rows}</tbody></table>')
    else:
        yield "<p>None: every input was read.</p>"
    yield "</section>"


def to_html(chronology: Chronology, *, statuses: Collection[Status] = ()) -> str:
    """The chronology as one self-contained, print-friendly HTML page.

    Any ``exercise`` or ``test`` status among the messages it was built from
    (``chronology.statuses``, and ``statuses`` if given) is shown in a banner at
    the top. Raises nothing.
    """
    statuses = {*chronology.statuses, *statuses}
    refs = _Refs.of(chronology)
    who = "; ".join(chronology.child.names) or (
        f"NHS {_nhs(chronology.child.nhs_number)}" if chronology.child.nhs_number else "unborn child")
    parts = [
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="referrer" content="no-referrer"><meta name="viewport" content="width=device-width">',
        f"<title>Chronology: {_e(who)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>Multi-agency chronology</h1>{_warnings(chronology, statuses)}{_identity(chronology)}",
        '<p class="howto"><strong>How to read this:</strong> each mark and each row is one event as one agency '
        "recorded it, oldest first. A date known only to the month or year is shown as such, for example "
        "2013-05 (month), and drawn as a bar across that period. Flagged patterns are prompts for professional "
        "judgement, not conclusions; each names the entries behind it.</p></header>",
        '<nav aria-label="Contents"><ul><li><a href="#timeline">Timeline</a></li><li><a href="#patterns">Patterns'
        '</a></li><li><a href="#entries">Entries</a></li><li><a href="#probable">Probable matches</a></li>'
        '<li><a href="#conflicts">Conflicts</a></li><li><a href="#unreadable">Inputs that could not be read</a>'
        "</li></ul></nav><main>",
        f'<section id="timeline"><h2>Timeline</h2><figure>{_timeline(chronology, refs)}'
        f"<figcaption>One lane per agency. Key:{_legend()}</figcaption></figure></section>",
        f'<section id="patterns"><h2>Patterns</h2>{_patterns(chronology, refs)}</section>',
        '<section id="entries"><h2>Entries</h2>',
        _table(f"All {len(chronology.entries)} entries, oldest first", chronology.entries, refs),
        "</section>", *_sections(chronology, refs),
        f"</main><footer><p class=\"small\">Chronology format {_e(chronology.format_version)}, made by "
        "concernshare. It holds personal data about a child: keep and share it only as your information-sharing "
        "agreement allows.</p></footer></body></html>\n",
    ]
    return "".join(parts)
