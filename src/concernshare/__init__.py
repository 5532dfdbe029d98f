"""concernshare: share a concern about a child between agencies, typed, signed and encrypted."""

from __future__ import annotations

__version__ = "0.1.0.dev0"
FORMAT_VERSION = "1.0"
