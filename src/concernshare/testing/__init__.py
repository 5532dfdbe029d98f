"""Helpers for testing code that uses concernshare; part of the public API.

:mod:`concernshare.testing.strategies` holds hypothesis strategies for every
record of the format. It needs hypothesis, which concernshare itself does not
depend on, so this package imports nothing: import the strategies module where
you use it::

    from concernshare.testing import strategies
"""

from __future__ import annotations

__all__: list[str] = []
