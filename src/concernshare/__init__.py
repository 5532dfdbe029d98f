"""concernshare: share a concern about a child between agencies, typed, signed and encrypted.

The package version (``__version__``) is separate from the message format's
version (``FORMAT_VERSION``).
"""

from __future__ import annotations

from typing import Final

__version__ = "0.1.0.dev0"
#: The version of the message format this package reads and writes.
FORMAT_VERSION: Final = "1.1"

__all__ = ["FORMAT_VERSION", "__version__"]
