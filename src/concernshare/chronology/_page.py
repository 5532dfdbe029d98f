"""The parts of a chronology page: its style and policy, the tables, the patterns, the sections of one chronology.

:mod:`concernshare.chronology.report` puts them together into pages (one
child, several children, households); this module holds what every page is
made of, so that each page is drawn the same way.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from html import escape
from typing import Final

import attrs

from concernshare.chronology.model import Chronology, ChronologyChild, Entry, EntryState, Match, PatternKind, words
from concernshare.chronology.timeline import date_html, event_html, legend, short, text, timeline
from concernshare.records.codes import Status
from concernshare.records.types import utc_minute

__all__ = ["PATTERN_TITLES", "pattern_numbers"]

#: What each kind of pattern is called where a person reads it.
PATTERN_TITLES: Final = {
    PatternKind.REPEATED_NON_ENGAGEMENT: "Repeated missed contacts",
    PatternKind.CONCERNS_WITHOUT_ASSESSMENT: "Concerns without an assessment",
    PatternKind.OVERDUE_RESPONSE: "Overdue response",
    PatternKind.UNSEEN_GAP: "Long gap with the child unseen",
    PatternKind.RISING_FREQUENCY: "Rising frequency of concerns",
    PatternKind.WITHDRAWN_CONCERN: "Withdrawn concern",
    PatternKind.POSSIBLE_DUPLICATE: "Possible duplicates",
    PatternKind.TIMESCALE_BREACH: "Statutory timescale missed",
    PatternKind.FALTERING_GROWTH: "Faltering growth",
    PatternKind.NEGLECT_WITHOUT_CARE_PROFILE: "Neglect concern without a Graded Care Profile",
    PatternKind.CARE_PROFILE_REVIEW_OVERDUE: "Graded Care Profile review overdue",
    PatternKind.UNTRAINED_ASSESSOR: "Graded Care Profile by an untrained assessor",
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
#: What the page of several children adds to the style sheet: an article per child, headings a level down.
_CSS_MANY: Final = (
    _CSS
    + """
nav.children{border:1px solid #bbb;background:#f7f9fb;padding:.2rem 1rem;max-width:60rem}
nav.children h2{margin-top:.5rem;border:0}nav.children ol{columns:1;padding-left:1.5rem}nav.children li{margin:.3rem 0}
article{margin-top:2.5rem;border-top:6px solid #2b5c8a;padding-top:.3rem}article>h2{border:0;margin:.3rem 0 .6rem}
article h3{margin-top:1.8rem;border-bottom:2px solid #ccc;font-size:1.2rem}ol.patterns h4{margin:0;font-size:1rem}
@media print{nav.children{display:block}article{break-before:page}h3{break-after:avoid}}
"""
)


def _csp(css: str) -> str:
    return (
        "default-src 'none'; style-src 'sha256-"
        + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
        + "'; base-uri 'none'; form-action 'none'"
    )


_CSP: Final = _csp(_CSS)
_CSP_MANY: Final = _csp(_CSS_MANY)
_HOWTO: Final = (
    '<p class="howto"><strong>How to read this:</strong> each mark and each row is one event as one agency '
    "recorded it, oldest first. A date known only to the month or year is shown as such, for example "
    "2013-05 (month), and drawn as a bar across that period. Flagged patterns are prompts for professional "
    "judgement, not conclusions; each names the entries behind it.</p>"
)


def pattern_numbers(chronology: Chronology) -> dict[str, list[int]]:
    """For each entry id, the numbers (from 1, in the chronology's order) of its patterns. Raises nothing."""
    numbers: dict[str, list[int]] = defaultdict(list)
    for number, pattern in enumerate(chronology.patterns, start=1):
        for entry_id in pattern.entries:
            numbers[entry_id].append(number)
    return numbers


def _count(items: Collection[object], one: str, many: str = "") -> str:
    return f"{len(items)} {one if len(items) == 1 else many or one + 's'}"


def _nhs(number: str) -> str:
    return f"{number[:3]} {number[3:6]} {number[6:]}"


def _name(child: ChronologyChild) -> str:
    """Who a chronology is about, in words (not escaped): the names, else the NHS number, else the mother's."""
    if child.names:
        return "; ".join(child.names)
    if child.nhs_number:
        return f"Child with NHS number {_nhs(child.nhs_number)}"
    mother = f" (mother's NHS number {_nhs(child.mother_nhs_number)})" if child.mother_nhs_number else ""
    return f"Unborn child{mother}"


@attrs.frozen
class _Refs:
    """How a chronology's part of the page refers to its entries, patterns and sections.

    ``prefix`` starts every element id (empty on the page of one child);
    ``level`` is the heading level of its sections; ``anchors`` gives each
    entry's element id and ``labels`` what a person calls it (``12``, or
    ``P3`` for a probable match).
    """

    prefix: str
    level: int
    anchors: dict[str, str]
    labels: dict[str, str]
    numbers: dict[str, list[int]]
    titles: list[str]

    @classmethod
    def of(cls, chronology: Chronology, prefix: str = "", level: int = 2) -> _Refs:
        labels = {entry.id: str(n) for n, entry in enumerate(chronology.entries, start=1)}
        labels.update((entry.id, f"P{n}") for n, entry in enumerate(chronology.probable, start=1))
        anchors = {
            entry_id: f"{prefix}{'p' if label[0] == 'P' else 'e'}{label.lstrip('P')}"
            for entry_id, label in labels.items()
        }
        return cls(
            prefix,
            level,
            anchors,
            labels,
            pattern_numbers(chronology),
            [PATTERN_TITLES[p.kind] for p in chronology.patterns],
        )


def _link(entry_id: str, refs: _Refs, label: str) -> str:
    """A link to an entry's row; ``label`` is HTML, already escaped."""
    anchor = refs.anchors.get(entry_id)
    return f'<a href="#{anchor}">{label}</a>' if anchor else label


def _state(entry: Entry, refs: _Refs) -> str:
    if entry.state is EntryState.CURRENT and entry.match is Match.NHS_NUMBER and not entry.possible_duplicates:
        return '<span class="state">Current</span>'
    parts = [f'<span class="state">{text(entry.state.value.capitalize())}</span>']
    if entry.withdrawal_reason is not None:
        parts[0] = f'<span class="state">Withdrawn: {text(words(entry.withdrawal_reason))}</span>'
    if entry.match is Match.UNBORN_LINK:
        parts.append("joined before birth, through the mother")
    if entry.match is Match.HOUSEHOLD:
        parts.append("a household event, about another child of the home")
    if entry.possible_duplicates:
        links = ", ".join(_link(i, refs, text(refs.labels.get(i, "?"))) for i in entry.possible_duplicates)
        parts.append(f"possible duplicate of entry {links}: check")
    return "<br>".join(parts)


def _agency(entry: Entry) -> str:
    """The agency by name where the directory gave one (its id beneath), else by id."""
    code = short(entry.agency).replace("/", "/<wbr>")
    if entry.agency_name:
        return f'{text(entry.agency_name)}<div class="small">{code}</div>'
    return code


def _impact(entry: Entry) -> str:
    return f'<div class="small">impact: {text(entry.impact)}</div>' if entry.impact else ""


def _outcome(entry: Entry) -> str:
    return f'<div class="small">outcome: {escape(entry.outcome)}</div>' if entry.outcome else ""


def _entry_row(entry: Entry, refs: _Refs, *, reason: bool, who: Mapping[str, str] | None = None) -> str:
    numbers = refs.numbers.get(entry.id, ())
    date = (
        date_html(entry.event_date)
        if entry.event_date.precision == "day"
        else f'<span class="approx">{date_html(entry.event_date)}</span>'
    )
    summary = escape(entry.summary)
    if entry.history:
        earlier = "".join(f"<li>{text(v.recorded.date())}: {text(v.summary)}</li>" for v in entry.history)
        summary += f'<div class="small">Earlier versions:<ul>{earlier}</ul></div>'
    patterns = "<br>".join(f'<a href="#{refs.prefix}pattern-{n}">{n}. {short(refs.titles[n - 1])}</a>' for n in numbers)
    source = f"ref {text(entry.source_record_reference)}<br>" if entry.source_record_reference else ""
    withdrawn = entry.state is EntryState.WITHDRAWN
    classes = " ".join(c for c, on in (("flagged", bool(numbers)), ("withdrawn", withdrawn)) if on)
    kind = f' class="{classes}"' if classes else ""
    why = f"<td>{text(entry.match_reason or '')}</td>" if reason else ""
    whose = f"<td>{text(who.get(entry.id, ''))}</td>" if who is not None else ""
    return (
        f'<tr id="{refs.anchors[entry.id]}"{kind}><td>{refs.labels[entry.id]}</td>'
        f'<th scope="row">{date}</th>{why}{whose}<td>{_agency(entry)}</td>'
        f'<td>{short(entry.author_role or "")}</td><td>{event_html(entry)}</td><td class="what">{summary}</td>'
        f'<td class="sig">{escape(entry.significance or "")}{_impact(entry)}</td>'
        f'<td class="sig">{escape(entry.action_taken or "")}{_outcome(entry)}</td>'
        f"<td>{short(str(entry.child_seen))}</td>"
        f'<td>{_state(entry, refs)}</td><td>{patterns}</td><td class="small">{source}message '
        f'<span title="{text(entry.message_id)}">{text(entry.message_id[:8])}</span></td></tr>'
    )


_HEADS: Final = (
    "No.",
    "Date",
    "Agency",
    "Recorded by",
    "Event",
    "What happened",
    "Significance for the child",
    "Action taken and outcome",
    "Child seen",
    "State",
    "Patterns",
    "Source",
)


def _table(
    caption: str, entries: Sequence[Entry], refs: _Refs, *, reason: bool = False, who: Mapping[str, str] | None = None
) -> str:
    heads = list(_HEADS)
    if reason:
        heads.insert(2, "Why it may be this child")
    if who is not None:
        heads.insert(2, "Whose chronologies")
    head = "".join(f'<th scope="col">{h}</th>' for h in heads)
    rows = "".join(_entry_row(e, refs, reason=reason, who=who) for e in entries)
    return f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _brief(entry: Entry, refs: _Refs) -> str:
    """An entry in a few words, as HTML: its number, date, agency and kind."""
    return (
        f"{refs.labels[entry.id]} ({date_html(entry.event_date)}, {short(entry.agency_name or entry.agency)}, "
        f"{event_html(entry)})"
    )


def _patterns(chronology: Chronology, refs: _Refs) -> str:
    if not chronology.patterns:
        return "<p>No pattern was flagged. That is not evidence that all is well.</p>"
    by_id = {e.id: e for e in (*chronology.entries, *chronology.probable)}
    items = []
    h = f"h{refs.level + 1}"
    for number, pattern in enumerate(chronology.patterns, start=1):
        links = ", ".join(_link(i, refs, _brief(by_id[i], refs) if i in by_id else text(i)) for i in pattern.entries)
        items.append(
            f'<li id="{refs.prefix}pattern-{number}"><{h}>{number}. {text(PATTERN_TITLES[pattern.kind])}'
            f"</{h}><p>{text(pattern.explanation)}</p><p>Entries behind it: {links}</p></li>"
        )
    return f'<ol class="patterns">{"".join(items)}</ol>'


def _identity(chronology: Chronology) -> str:
    child = chronology.child
    rows = [("Child", "; ".join(child.names) or "no name given")]
    if child.nhs_number:
        rows.append(("NHS number", _nhs(child.nhs_number)))
    if child.mother_nhs_number:
        rows.append(("Mother's NHS number (before birth)", _nhs(child.mother_nhs_number)))
    rows.append(("Born", str(child.birth_date) if child.birth_date else "not given"))
    rows.append(("Built", utc_minute(chronology.generated)))
    rows.append(("Entries", f"{len(chronology.entries)} from {_count(chronology.agencies, 'agency', 'agencies')}"))
    return '<dl class="who">' + "".join(f"<dt>{text(k)}</dt><dd>{text(v)}</dd>" for k, v in rows) + "</dl>"


def _banner(statuses: Collection[Status]) -> str:
    marked = sorted(s.value for s in set(statuses) - {Status.ACTUAL})
    if not marked:
        return ""
    mixed = " Some are actual messages: check why they are mixed." if Status.ACTUAL in statuses else ""
    return (
        f'<p class="banner" role="note">{text(" and ".join(marked).upper())}: built from '
        f"{text(' and '.join(marked))} messages, not a real case.{mixed}</p>"
    )


def _notes(chronology: Chronology, refs: _Refs) -> str:
    parts = []
    if chronology.unreadable:
        parts.append(
            f'<p class="warn" role="note">{_count(chronology.unreadable, "input")} could not be read: '
            f'this chronology is incomplete. See <a href="#{refs.prefix}unreadable">Inputs that could not '
            "be read</a>.</p>"
        )
    if chronology.probable or chronology.conflicts:
        probable = _count(chronology.probable, "probable match", "probable matches")
        parts.append(
            f'<p class="warn" role="note">{probable} and '
            f"{_count(chronology.conflicts, 'conflict')} are left out of the timeline for a person to check. "
            f'See <a href="#{refs.prefix}probable">Probable matches</a> and <a href="#{refs.prefix}conflicts">'
            "Conflicts</a>.</p>"
        )
    return "".join(parts)


def _section(refs: _Refs, name: str, title: str) -> str:
    return f'<section id="{refs.prefix}{name}"><h{refs.level}>{title}</h{refs.level}>'


def _sections(chronology: Chronology, refs: _Refs) -> Iterator[str]:
    yield (
        _section(refs, "probable", "Probable matches") + "<p>These entries have no NHS number but look like "
        "this child's. They are not merged: confirm or reject each one.</p>"
    )
    yield (
        _table("Entries that may be this child's, to confirm", chronology.probable, refs, reason=True)
        if chronology.probable
        else "<p>None.</p>"
    )
    yield (
        "</section>" + _section(refs, "conflicts", "Conflicts") + "<p>Messages that give a different NHS number "
        "for a child with the same name and birth date. They are never merged: find out which child each is "
        "about.</p>"
    )
    yield (
        "<ul>" + "".join(f"<li>message {text(m)}</li>" for m in chronology.conflicts) + "</ul>"
        if chronology.conflicts
        else "<p>None.</p>"
    )
    yield (
        "</section>" + _section(refs, "unreadable", "Inputs that could not be read") + "<p>Nothing from these is "
        "in this chronology. Ask the sender again, or open them by hand.</p>"
    )
    if chronology.unreadable:
        rows = "".join(
            f'<tr><th scope="row">{text(u.source)}</th><td>{text(u.problem)}</td></tr>' for u in chronology.unreadable
        )
        yield (
            "<table><caption>Inputs that could not be read, opened or validated</caption><thead><tr>"
            f'<th scope="col">Input</th><th scope="col">Problem</th></tr></thead><tbody>{rows}</tbody></table>'
        )
    else:
        yield "<p>None: every input was read.</p>"
    yield "</section>"


_CONTENTS: Final = (
    ("timeline", "Timeline"),
    ("patterns", "Patterns"),
    ("entries", "Entries"),
    ("probable", "Probable matches"),
    ("conflicts", "Conflicts"),
    ("unreadable", "Inputs that could not be read"),
)


def _contents(refs: _Refs, label: str) -> str:
    links = "".join(f'<li><a href="#{refs.prefix}{name}">{title}</a></li>' for name, title in _CONTENTS)
    return f'<nav aria-label="{label}"><ul>{links}</ul></nav>'


def _chronology(chronology: Chronology, refs: _Refs) -> Iterator[str]:
    """The timeline, the patterns and the tables of one chronology."""
    flagged = refs.numbers.keys()
    yield (
        _section(refs, "timeline", "Timeline")
        + f"<figure>{timeline(chronology, refs.anchors, flagged, prefix=refs.prefix)}"
        f"<figcaption>One lane per agency. Key:{legend()}</figcaption></figure></section>"
    )
    yield _section(refs, "patterns", "Patterns") + _patterns(chronology, refs) + "</section>"
    yield _section(refs, "entries", "Entries")
    count = len(chronology.entries)
    yield _table("The one entry" if count == 1 else f"All {count} entries, oldest first", chronology.entries, refs)
    yield "</section>"
    yield from _sections(chronology, refs)


def _page(title: str, css: str, csp: str, body: Iterator[str] | Sequence[str], version: str) -> str:
    return "".join(
        (
            '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
            '<meta name="referrer" content="no-referrer"><meta name="viewport" content="width=device-width">',
            f"<title>{text(title)}</title><style>{css}</style></head><body>",
            *body,
            f'</main><footer><p class="small">Chronology format {text(version)}, made by '
            "concernshare. It holds personal data about a child: keep and share it only as your information-sharing "
            "agreement allows.</p></footer></body></html>\n",
        )
    )
