"""Routing: who receives a message, and by when a response is due.

Due times in working days and school days, and the statutory timescales,
are reckoned by :mod:`concernshare.deadlines` (re-exported here), which the
chronology uses too.
"""

from __future__ import annotations

# The calendar's public names are listed once, in concernshare.deadlines.__all__; this package re-exports them all.
from concernshare.deadlines import *  # noqa: F403
from concernshare.deadlines import __all__ as __all__
