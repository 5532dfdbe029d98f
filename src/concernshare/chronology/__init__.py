"""The multi-agency chronology of one child, and of a household: build it, flag its patterns, export it."""

from __future__ import annotations

from concernshare.chronology.build import build_chronologies, build_chronology
from concernshare.chronology.model import (
    CHRONOLOGY_VERSION,
    Chronology,
    ChronologyChild,
    Entry,
    EntryState,
    Match,
    Pattern,
    PatternKind,
    Unreadable,
    Version,
)
from concernshare.chronology.patterns import Thresholds

__all__ = [
    "CHRONOLOGY_VERSION",
    "Chronology",
    "ChronologyChild",
    "Entry",
    "EntryState",
    "Match",
    "Pattern",
    "PatternKind",
    "Thresholds",
    "Unreadable",
    "Version",
    "build_chronologies",
    "build_chronology",
]
