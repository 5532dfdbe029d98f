"""Helpers for testing code that uses concernshare; part of the public API.

- :func:`assert_valid_message` fails with every problem of a message, one per
  line with its pointer and code.
- :mod:`concernshare.testing.strategies` holds hypothesis strategies for every
  record of the format. It needs hypothesis, which concernshare itself does not
  depend on, so this package imports nothing heavy: import the strategies
  module where you use it (``from concernshare.testing import strategies``).
- :mod:`concernshare.testing.world` builds a throwaway world of agencies with
  keys and a signed directory.
- :mod:`concernshare.testing.pytest_plugin` is a pytest plugin (registered
  through the ``pytest11`` entry point) with fixtures for all of the above.
"""

from __future__ import annotations

from concernshare.testing.assertions import assert_valid_message

__all__ = ["assert_valid_message"]
