"""concernshare: share a concern about a child between agencies, typed, signed and encrypted.

The package version (``__version__``) is separate from the message format's
version (``FORMAT_VERSION``).

The everyday API is importable from here, each function from the module that
defines it (and documented there); importing the package alone loads none of
them, so ``import concernshare`` stays cheap:

- :func:`~concernshare.validation.validate` and
  :func:`~concernshare.validation.iter_problems`: check a message;
- :func:`~concernshare.codec.loads` and :func:`~concernshare.codec.dumps`:
  strict JSON to a record and back;
- :func:`~concernshare.sealing.seal` and
  :func:`~concernshare.sealing.open_sealed`: sign and encrypt, decrypt and
  verify;
- :func:`~concernshare.exchange.send` and
  :func:`~concernshare.exchange.receive`: route, seal and record, or open and
  record;
- :func:`~concernshare.routing.plan.route`: who receives a message, and by when.

.. versionadded:: 0.1.0
   ``validate``, ``iter_problems``, ``loads``, ``dumps``, ``seal``,
   ``open_sealed``, ``send``, ``receive`` and ``route`` from the package itself.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Final

from concernshare import _format

if TYPE_CHECKING:
    from concernshare.codec import dumps, loads
    from concernshare.exchange import receive, send
    from concernshare.routing.plan import route
    from concernshare.sealing import open_sealed, seal
    from concernshare.validation import iter_problems, validate

__version__ = "0.1.0.dev0"
#: The version of the message format this package reads and writes.
FORMAT_VERSION: Final = _format.FORMAT_VERSION

__all__ = [
    "FORMAT_VERSION",
    "__version__",
    "dumps",
    "iter_problems",
    "loads",
    "open_sealed",
    "receive",
    "route",
    "seal",
    "send",
    "validate",
]

#: Where each name of the everyday API is defined: imported on first use.
_EVERYDAY: Final = {
    "validate": "concernshare.validation",
    "iter_problems": "concernshare.validation",
    "loads": "concernshare.codec",
    "dumps": "concernshare.codec",
    "seal": "concernshare.sealing",
    "open_sealed": "concernshare.sealing",
    "send": "concernshare.exchange",
    "receive": "concernshare.exchange",
    "route": "concernshare.routing.plan",
}


def __getattr__(name: str) -> object:
    """Import a function of the everyday API from its module when it is first asked for."""
    try:
        module = _EVERYDAY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_EVERYDAY})
