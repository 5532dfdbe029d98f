"""A receiving agency polling its MESH mailbox, run as a subprocess that the tests kill at an exact point.

Arguments: a JSON object with ``url``, ``shared_key``, ``agency``, ``tracker``
(a SQLite file), ``directory`` (the signed directory's file) and optionally
``stop_at`` (``read``, ``recorded`` or ``acknowledged``), ``stop_after`` (on
which message, counting from 1) and ``marker`` (a file written when stopped;
the process then waits to be killed).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

from mesh_world import MAILBOXES, POLICY, directory, private

from concernshare.crypto import keys
from concernshare.records import AgencyId
from concernshare.stores import SQLiteStore
from concernshare.tracker import Tracker
from concernshare.transport.mesh import MeshSettings, connect, poll
from concernshare.transport.mesh_sandbox import SANDBOX_PASSWORD


def main() -> None:
    """Poll once, stopping (to be killed) at the point asked for."""
    job = json.loads(sys.argv[1])
    agency = AgencyId(job["agency"])
    now = dt.datetime.now(dt.UTC)
    seen: dict[str, int] = {}

    def observe(point: str, mesh_id: str) -> None:
        seen[point] = seen.get(point, 0) + 1
        if point == job.get("stop_at") and seen[point] == job.get("stop_after", 1):
            Path(job["marker"]).write_text(mesh_id, encoding="utf-8")
            while True:
                time.sleep(1)

    secret = private(agency)
    store = SQLiteStore(job["tracker"])
    settings = MeshSettings(
        url=job["url"], mailbox=MAILBOXES[agency], password=SANDBOX_PASSWORD, shared_key=job["shared_key"].encode()
    )
    with connect(settings) as client:
        polled = poll(
            client,
            keys.decrypters_from(secret),
            keys.signer_from(secret),
            me=agency,
            directory=directory(Path(job["directory"]).read_bytes(), now),
            store=store,
            tracker=Tracker(store),
            clock=lambda: dt.datetime.now(dt.UTC),
            policy=POLICY,
            observe=observe,
        )
    print(json.dumps([p.outcome.value for p in polled]))


if __name__ == "__main__":
    main()
