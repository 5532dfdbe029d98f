"""The front door's inbox page: the concerns received, when a decision on each is due, and which are overdue.

The page reads the tracker only, which holds ids, agencies, times and states:
it shows no personal data. Only where the operator's own key is configured
(``inbox_key``) does it open the accepted messages kept in the spool (still
sealed at rest) and show each child's name. A decision on a concern is due
one working day after it arrived (Working Together's referral decision, in
England's working days); a concern is overdue when that time has passed and
the tracker records no decision sent on it by this agency. The page is
read-only, runs no script, and every value on it is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import attrs

from concernshare.crypto.keys import Decrypter
from concernshare.deadlines import WorkingCalendar, add_working_days
from concernshare.errors import SealError
from concernshare.records import Message, MessageType
from concernshare.records.types import utc_minute
from concernshare.sealing import OpenPolicy, open_sealed
from concernshare.stores.facts import Arrival
from concernshare.transport.cloudevents import Receiver

__all__ = ["HEADERS", "Row", "page", "rows", "spool_name"]

#: No script, no frames, nothing fetched from elsewhere; not cached.
HEADERS: Final = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_CALENDAR: Final = WorkingCalendar()


def spool_name(sender: str, message_id: str) -> str:
    """The file an accepted message is kept in: the sender's id made safe for a file name, and the message id."""
    safe = "".join(c if c.isalnum() or c == "-" else "_" for c in sender)
    return f"{safe}.{message_id}.sealed.json"


@attrs.frozen(kw_only=True)
class Row:
    """One concern received: ids, agency, times and state; ``child`` only with the operator's key."""

    message_id: str
    sender: str
    received: dt.datetime
    state: str
    due: dt.datetime | None
    decided: dt.datetime | None
    overdue: bool
    child: str | None = attrs.field(default=None, repr=False)


def _child(message: Message) -> str:
    subject = message.subject
    if subject.unborn:
        return "unborn child"
    if subject.name is None:
        return "name not known"
    return " ".join(part for part in (subject.name.given, subject.name.family) if part) or "name not known"


def _open(receiver: Receiver, spool: Path, arrival: Arrival, decrypters: Sequence[Decrypter]) -> str:
    try:
        sealed = (spool / spool_name(arrival.sender, arrival.message_id)).read_bytes()
    except OSError:
        return "not kept in the spool"
    policy = OpenPolicy(accept_status=frozenset(receiver.policy.accept_status))
    try:
        opened = open_sealed(
            sealed,
            decrypters,
            me=receiver.me,
            directory=receiver.directory,
            store=receiver.tracker.store,
            now=arrival.received_at,
            archive=True,
            policy=policy,
        )
    except SealError:
        return "cannot be opened with the inbox key"
    return _child(opened.message)


def rows(
    receiver: Receiver, *, at: dt.datetime, spool: Path | None = None, decrypters: Sequence[Decrypter] = ()
) -> tuple[Row, ...]:
    """The concerns received by ``receiver``, newest first, as at ``at``."""
    store = receiver.tracker.store
    found = []
    for arrival in reversed(store.received(receiver.me, MessageType.CONCERN)):
        decided = min(
            (
                d.sent_at
                for d in store.sent_on(arrival.message_id)
                if d.sender == receiver.me and d.message_type == MessageType.DECISION
            ),
            default=None,
        )
        withdrawn = store.withdrawal(arrival.message_id) is not None
        due = add_working_days(arrival.received_at, 1, _CALENDAR) if arrival.accepted and not withdrawn else None
        if not arrival.accepted:
            state = f"content refused ({', '.join(arrival.problems) or 'no code'})"
        else:
            state = "withdrawn" if withdrawn else "decided" if decided else "awaiting a decision"
        child = None
        if decrypters and spool is not None and arrival.accepted:
            child = _open(receiver, spool, arrival, decrypters)
        found.append(
            Row(
                message_id=arrival.message_id,
                sender=arrival.sender,
                received=arrival.received_at,
                state=state,
                due=due,
                decided=decided,
                overdue=due is not None and decided is None and due < at,
                child=child,
            )
        )
    return tuple(found)


_STYLE: Final = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ccc; }
tr.overdue td { background: #fde2e1; }
.flag { font-weight: bold; color: #a00; }
"""


def page(
    receiver: Receiver, *, at: dt.datetime, spool: Path | None = None, decrypters: Sequence[Decrypter] = ()
) -> str:
    """The inbox page as HTML: every value escaped, no script."""
    found = rows(receiver, at=at, spool=spool, decrypters=decrypters)
    named = any(row.child is not None for row in found)
    e = html.escape
    head = ["Received", "From", "Message id", "State", "Decision due", "Overdue", *(["Child"] if named else [])]
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Inbox of {e(receiver.me)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>Concerns received by {e(receiver.me)}</h1>",
        f'<p id="as-at">As at {e(utc_minute(at))}. {len(found)} concern{"" if len(found) == 1 else "s"}, '
        f'<span id="overdue-count">{sum(row.overdue for row in found)}</span> overdue.</p>',
        '<table id="inbox"><thead><tr>' + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr></thead><tbody>",
    ]
    for row in found:
        cells = [
            utc_minute(row.received),
            row.sender,
            row.message_id,
            row.state,
            utc_minute(row.due) if row.due else "",
            "overdue" if row.overdue else "",
            *([row.child or ""] if named else []),
        ]
        rendered = "".join(
            f'<td class="flag">{e(c)}</td>' if c == "overdue" and i == 5 else f"<td>{e(c)}</td>"
            for i, c in enumerate(cells)
        )
        css = ' class="overdue"' if row.overdue else ""
        lines.append(f'<tr{css} data-message-id="{e(row.message_id)}">{rendered}</tr>')
    lines += ["</tbody></table>", "</body></html>"]
    return "\n".join(lines)
