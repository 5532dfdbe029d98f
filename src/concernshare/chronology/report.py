"""The chronology as one self-contained HTML page: an SVG timeline with one lane per agency, and the same as tables.

The page loads nothing: no script, no font, no image; its one style sheet is
inline and allowed by hash in a Content-Security-Policy that forbids every
other load. Every text that came from a message is escaped, in the SVG too.
It prints on A4 landscape.

:func:`to_html` makes the page of one chronology; :func:`to_html_many` puts
the chronologies of several children on one page, each in an ``<article>`` of
its own (its own identity, timeline, patterns and tables, every element id
prefixed ``c1-``, ``c2-``… so that links stay within the child) under a list
of the children, and after them the household chronologies (the children who
live together side by side, every entry once), each an ``<article>`` with ids
prefixed ``h1-``, ``h2-``…; :func:`to_household_html` makes a page of
household chronologies alone. The timeline itself is drawn in
:mod:`concernshare.chronology.timeline`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from concernshare.chronology._page import (
    _CSP,
    _CSP_MANY,
    _CSS,
    _CSS_MANY,
    _HOWTO,
    PATTERN_TITLES,
    _banner,
    _chronology,
    _contents,
    _count,
    _identity,
    _name,
    _nhs,
    _notes,
    _page,
    _Refs,
    _section,
    _table,
    pattern_numbers,
)
from concernshare.chronology.history import Household
from concernshare.chronology.model import Chronology, ChronologyChild
from concernshare.chronology.timeline import date_text, legend, text, timeline
from concernshare.records.codes import Status

__all__ = ["PATTERN_TITLES", "date_text", "pattern_numbers", "to_household_html", "to_html", "to_html_many"]


def to_html(chronology: Chronology, *, statuses: Collection[Status] = ()) -> str:
    """The chronology as one self-contained, print-friendly HTML page.

    Any ``exercise`` or ``test`` status among the messages it was built from
    (``chronology.statuses``, and ``statuses`` if given) is shown in a banner at
    the top. Raises nothing.
    """
    refs = _Refs.of(chronology)
    child = chronology.child
    who = "; ".join(child.names) or (f"NHS {_nhs(child.nhs_number)}" if child.nhs_number else "unborn child")
    body = [
        f"<header><h1>Multi-agency chronology</h1>{_banner({*chronology.statuses, *statuses})}"
        f"{_notes(chronology, refs)}{_identity(chronology)}{_HOWTO}</header>",
        _contents(refs, "Contents"),
        "<main>",
        *_chronology(chronology, refs),
    ]
    return _page(f"Chronology: {who}", _CSS, _CSP, body, chronology.format_version)


def _child_item(number: int, chronology: Chronology) -> str:
    child = chronology.child
    how = f"NHS number {_nhs(child.nhs_number)}" if child.nhs_number else "known only before birth, by the mother"
    born = f", born {child.birth_date}" if child.birth_date else ""
    agencies = _count(chronology.agencies, "agency", "agencies")
    found = [
        f"{_count(chronology.entries, 'entry', 'entries')} from {agencies}",
        _count(chronology.patterns, "pattern") + " flagged",
    ]
    if chronology.probable or chronology.conflicts:
        found.append(
            f"{_count(chronology.probable, 'probable match', 'probable matches')} and "
            f"{_count(chronology.conflicts, 'conflict')} to check"
        )
    return f'<li><a href="#c{number}">{text(_name(child))}</a>: {text(how + born)}; {text("; ".join(found))}.</li>'


def _household_name(household: Household) -> str:
    names = [_name(child) for child in household.children]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _household(number: int, household: Household) -> Iterator[str]:
    """The article of one household chronology: its timeline and one table, each row saying whose it is."""
    entries = tuple(item.entry for item in household.entries)
    merged = Chronology(
        format_version=household.format_version,
        generated=household.generated,
        child=ChronologyChild(),
        entries=entries,
        agencies=tuple(dict.fromkeys(e.agency for e in entries)),
    )
    refs = _Refs.of(merged, f"h{number}-", 3)
    names = {c.nhs_number: "; ".join(c.names) or _nhs(c.nhs_number) for c in household.children if c.nhs_number}
    who = {item.entry.id: ", ".join(names.get(n, n) for n in item.children) for item in household.entries}
    shared = sum(1 for item in household.entries if len(item.children) > 1)
    yield (
        f'<article id="h{number}" aria-labelledby="h{number}-name"><h2 id="h{number}-name">Household: '
        f"{text(_household_name(household))}</h2><p>The chronologies of {len(household.children)} children "
        "recorded as living together, side by side: every entry once, with the children whose chronologies hold "
        f"it. {_count(range(shared), 'entry is', 'entries are')} in more than one child's chronology: an event "
        "about one child that concerns every child of the home (a domestic abuse incident there) is in each "
        "child's own chronology too. Patterns are judged in each child's own chronology, not here.</p>"
    )
    yield (
        _section(refs, "timeline", "Timeline") + f"<figure>{timeline(merged, refs.anchors, (), prefix=refs.prefix)}"
        f"<figcaption>One lane per agency, every child of the household. Key:{legend()}</figcaption></figure>"
        "</section>"
    )
    yield _section(refs, "entries", "Entries")
    yield _table(f"All {len(entries)} entries of the household, oldest first", entries, refs, who=who)
    yield "</section></article>"


def to_household_html(households: Sequence[Household], *, statuses: Collection[Status] = ()) -> str:
    """Household chronologies as one self-contained, print-friendly HTML page, an article for each.

    Each household is an ``<article id="hN">`` (N from 1, in the order given)
    with its timeline and one table of every entry once, each row saying in
    whose chronologies it is. Raises :class:`ValueError` for none.
    """
    if not households:
        raise ValueError("no household to show")
    every = {*statuses, *(s for h in households for s in h.statuses)}
    body = [
        f"<header><h1>Household chronologies</h1>{_banner(every)}{_HOWTO}</header>",
        "<main>",
    ]
    for number, household in enumerate(households, start=1):
        body.extend(_household(number, household))
    title = "Household chronology" if len(households) == 1 else f"{len(households)} household chronologies"
    return _page(title, _CSS_MANY, _CSP_MANY, body, households[0].format_version)


def to_html_many(
    chronologies: Sequence[Chronology],
    *,
    statuses: Collection[Status] = (),
    households: Sequence[Household] = (),
) -> str:
    """Several children's chronologies as one self-contained, print-friendly HTML page.

    A list of the children comes first; then each child's chronology is an
    ``<article id="cN">`` (N from 1, in the order given) with its own identity,
    notes, timeline, patterns and tables, every element id in it prefixed
    ``cN-``. Nothing is merged between children. After them, each of
    ``households`` is an ``<article id="hN">``, as :func:`to_household_html`
    makes it: the household view beside the per-child ones. The page has one
    banner for the ``exercise`` or ``test`` statuses of all of them (and
    ``statuses``). One chronology and no household gives exactly the page of
    :func:`to_html`. Raises :class:`ValueError` for no chronology.
    """
    if not chronologies:
        raise ValueError("no chronology to show")
    if len(chronologies) == 1 and not households:
        return to_html(chronologies[0], statuses=statuses)
    every = {*statuses, *(s for c in chronologies for s in c.statuses)}
    children = "".join(_child_item(n, c) for n, c in enumerate(chronologies, start=1)) + "".join(
        f'<li><a href="#h{n}">Household: {text(_household_name(h))}</a>: '
        f"{text(_count(h.entries, 'entry', 'entries'))}, side by side.</li>"
        for n, h in enumerate(households, start=1)
    )
    body = [
        f"<header><h1>Multi-agency chronologies</h1>{_banner(every)}<p>These messages are about "
        f"{_count(chronologies, 'child', 'children')}. Each has a chronology of their own below: an entry is joined "
        "to a child only by that child's NHS number (or, before birth, through the mother's), and nothing is merged "
        "between children; an event about a child that concerns every child of the home (a domestic abuse "
        f"incident) is in the chronology of each child recorded as living there, marked as such.</p>{_HOWTO}</header>",
        f'<nav class="children" aria-labelledby="children"><h2 id="children">Children</h2><ol>{children}</ol></nav>',
        "<main>",
    ]
    for number, chronology in enumerate(chronologies, start=1):
        refs = _Refs.of(chronology, f"c{number}-", 3)
        name = text(_name(chronology.child))
        body.append(
            f'<article id="c{number}" aria-labelledby="c{number}-name"><h2 id="c{number}-name">{number}. '
            f"{name}</h2>{_notes(chronology, refs)}{_identity(chronology)}"
            f"{_contents(refs, f'Contents: child {number}')}"
        )
        body.extend(_chronology(chronology, refs))
        body.append("</article>")
    for number, household in enumerate(households, start=1):
        body.extend(_household(number, household))
    return _page(
        f"Chronologies of {len(chronologies)} children", _CSS_MANY, _CSP_MANY, body, chronologies[0].format_version
    )
