"""A writer for the crash and race tests, run as a separate process.

``record STORE...``: record deliveries in a loop, each followed by an
acknowledgement every other time, printing ``delivery ID`` or ``answer ID
DELIVERY_ID`` after each commit, until killed.

``race STORE... COUNT``: record COUNT receipts (the same ids in every writer)
as seen, and print the id of each one this process was first to record.

STORE is ``sqlite PATH`` or ``postgres DSN SCHEMA``.
"""

from __future__ import annotations

import datetime as dt
import sys
import uuid

from _stores import open_store
from concernshare.stores import Receipt, Store
from concernshare.tracker import Tracker

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
SENDER = "ods:RYV01/hv"
RECIPIENT = "la:E06000032/mash"


def record_forever(store: Store) -> None:
    """Record deliveries and acknowledgements until killed, reporting each commit."""
    tracker = Tracker(store)
    for n in range(sys.maxsize):
        message_id = str(uuid.uuid4())
        tracker.record_delivery(
            message_id=message_id,
            message_type="concern",
            sender=SENDER,
            recipient=RECIPIENT,
            sent_at=T0,
            due=T0 + dt.timedelta(days=1),
            expects="acknowledgement",
            concern_id=message_id,
        )
        print(f"delivery {message_id}", flush=True)
        if n % 2:
            answer = tracker.record_acknowledgement(
                answer_id=uuid.uuid4(),
                message_id=message_id,
                by=RECIPIENT,
                at=T0 + dt.timedelta(hours=1),
            )
            print(f"answer {answer.answer_id} {message_id}", flush=True)


def race(store: Store, count: int) -> None:
    """Record the same receipts as the other writers; print those this one recorded first."""
    for n in range(count):
        message_id = str(uuid.UUID(int=n))
        receipt = Receipt(sender=SENDER, message_id=message_id, sent=T0, received=T0)
        if store.record(receipt, keep_until=T0 + dt.timedelta(days=8)):
            print(message_id, flush=True)


def main(argv: list[str]) -> None:
    """Run the mode named first in ``argv``."""
    mode, rest = argv[0], argv[1:]
    width = 2 if rest[0] == "sqlite" else 3
    store, rest = open_store(rest[:width]), rest[width:]
    if mode == "record":
        record_forever(store)
    else:
        print("ready", flush=True)
        sys.stdin.readline()  # wait until every writer is ready, then go at once
        race(store, int(rest[0]))
    store.close()


if __name__ == "__main__":
    main(sys.argv[1:])
