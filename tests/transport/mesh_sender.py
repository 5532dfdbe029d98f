"""An agency sending one message over MESH, run as a subprocess that the tests kill at an exact point.

Arguments: a JSON object with ``url``, ``shared_key``, ``message`` (a message
file), ``tracker`` (a SQLite file), ``directory`` (the signed directory's file)
and optionally ``stop_at`` (``uploaded`` or ``recorded``), ``stop_after`` (on
which recipient, counting from 1) and ``marker`` (a file written when stopped;
the process then waits to be killed).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

from mesh_world import EXAMPLES, HV, MAILBOXES, directory, private

from concernshare import codec
from concernshare.crypto import keys
from concernshare.routing.rules import load_rules
from concernshare.stores import SQLiteStore
from concernshare.tracker import Tracker
from concernshare.transport.mesh import MeshSettings, connect, send
from concernshare.transport.mesh_sandbox import SANDBOX_PASSWORD


def main() -> None:
    """Send once, stopping (to be killed) at the point asked for."""
    job = json.loads(sys.argv[1])
    now = dt.datetime.now(dt.UTC)
    seen: dict[str, int] = {}

    def observe(point: str, recipient: str) -> None:
        seen[point] = seen.get(point, 0) + 1
        if point == job.get("stop_at") and seen[point] == job.get("stop_after", 1):
            Path(job["marker"]).write_text(recipient, encoding="utf-8")
            while True:
                time.sleep(1)

    store = SQLiteStore(job["tracker"])
    settings = MeshSettings(
        url=job["url"], mailbox=MAILBOXES[HV], password=SANDBOX_PASSWORD, shared_key=job["shared_key"].encode()
    )
    with connect(settings) as client:
        sent = send(
            codec.loads(Path(job["message"]).read_bytes()),
            keys.signer_from(private(HV)),
            client=client,
            rules=load_rules((EXAMPLES / "routing" / "mash-front-door.json").read_bytes()),
            directory=directory(Path(job["directory"]).read_bytes(), now),
            tracker=Tracker(store),
            at=now,
            observe=observe,
        )
    store.close()
    print(json.dumps({"uploaded": sorted(sent.uploads), "skipped": sorted(sent.skipped)}))


if __name__ == "__main__":
    main()
