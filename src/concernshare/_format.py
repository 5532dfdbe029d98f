"""The version of the message format, at the bottom of the layers so that every module can read it.

The root package re-exports it as :data:`concernshare.FORMAT_VERSION`; inside
the package it is imported from here, since the root package stands above
every layer (it re-exports the everyday API) and only the entry points import it.
"""

from __future__ import annotations

from typing import Final

__all__ = ["FORMAT_VERSION"]

#: The version of the message format this package reads and writes.
FORMAT_VERSION: Final = "1.1"
