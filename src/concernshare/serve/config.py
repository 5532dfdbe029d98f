"""The front door's configuration: a TOML file, then environment variables, then defaults.

Precedence, highest first: an environment variable ``CONCERNSHARE_SERVE_<NAME>``
(``CONCERNSHARE_SERVE_PORT``, ``CONCERNSHARE_SERVE_TLS_CERTFILE`` ...), the
value in the file's ``[serve]`` table (``[serve.tls]`` for the TLS names), the
default. Relative paths in the file are read from the file's folder; relative
paths in the environment from the working folder.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from concernshare.errors import UsageError
from concernshare.records import Status
from concernshare.transport.cloudevents import MAX_EVENT_BYTES

__all__ = ["ENVIRONMENT_PREFIX", "ServeConfig", "load_config"]

ENVIRONMENT_PREFIX: Final = "CONCERNSHARE_SERVE_"
_PATHS: Final = ("key", "directory", "authority", "spool", "inbox_key", "tls_certfile", "tls_keyfile", "tls_ca_certs")
_TEXTS: Final = ("tracker", "host")
_NUMBERS: Final = ("port", "max_body_bytes")
_TLS: Final = ("certfile", "keyfile", "ca_certs")
_REQUIRED: Final = ("key", "directory", "authority")


@attrs.frozen(kw_only=True)
class ServeConfig:
    """What ``concernshare serve`` needs; see the module for where each value comes from.

    ``key`` is the receiving agency's private JWK Set, ``directory`` the
    signed trust directory and ``authority`` the pinned authority keys;
    ``tracker`` a SQLite file or a ``postgresql://`` URL. ``spool`` keeps each
    accepted message, still sealed, for the inbox page; ``inbox_key`` (the
    operator's own key) lets the page open them and show the child's name.
    ``tls_*`` are handed to uvicorn: with a certificate and key it serves
    HTTPS, and with ``tls_ca_certs`` it asks for client certificates.
    """

    key: Path
    directory: Path
    authority: Path
    tracker: str = "concernshare-tracker.db"
    host: str = "127.0.0.1"
    port: int = 8080
    max_body_bytes: int = MAX_EVENT_BYTES
    accept_status: frozenset[Status] = frozenset({Status.ACTUAL})
    spool: Path | None = None
    inbox_key: Path | None = None
    tls_certfile: Path | None = None
    tls_keyfile: Path | None = None
    tls_ca_certs: Path | None = None

    def __attrs_post_init__(self) -> None:
        if (self.tls_certfile is None) != (self.tls_keyfile is None):
            raise UsageError("concernshare serve: tls certfile and keyfile go together: give both, or neither")
        if self.tls_ca_certs is not None and self.tls_certfile is None:
            raise UsageError("concernshare serve: tls ca_certs (client certificates) needs certfile and keyfile")
        if self.inbox_key is not None and self.spool is None:
            raise UsageError("concernshare serve: inbox_key opens the messages kept in spool: set spool as well")


def _file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"concernshare serve: cannot read the configuration {path}: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"concernshare serve: the configuration {path} is not valid TOML: {error}") from None
    serve = data.get("serve", {})
    unknown = sorted(set(data) - {"serve"})
    if not isinstance(serve, dict) or unknown:
        raise UsageError(f"concernshare serve: {path} must hold one [serve] table (found: {', '.join(unknown)})")
    tls = serve.pop("tls", {})
    if not isinstance(tls, dict):
        raise UsageError(f"concernshare serve: in {path}, tls must be a table: [serve.tls]")
    values = dict(serve) | {f"tls_{name}": value for name, value in tls.items()}
    allowed = {*_PATHS, *_TEXTS, *_NUMBERS, "accept_status"}
    extra = sorted(name for name in values if name not in allowed)
    if extra:
        raise UsageError(
            f"concernshare serve: {path} names settings that do not exist: {', '.join(extra)}; "
            f"the settings are {', '.join(sorted(allowed))}"
        )
    return values


def _environment(environ: Mapping[str, str]) -> dict[str, Any]:
    names = {*_PATHS, *_TEXTS, *_NUMBERS, "accept_status"}
    return {
        name: environ[ENVIRONMENT_PREFIX + name.upper()]
        for name in names
        if environ.get(ENVIRONMENT_PREFIX + name.upper())
    }


def _number(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise UsageError(f"concernshare serve: {name} must be a whole number")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise UsageError(f"concernshare serve: {name} must be a whole number") from None
    if name == "port" and not 0 < number < 65536:
        raise UsageError("concernshare serve: port must be between 1 and 65535")
    if name == "max_body_bytes" and number < 1024:
        raise UsageError("concernshare serve: max_body_bytes must be at least 1024")
    return number


def _statuses(value: Any) -> frozenset[Status]:
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
        raise UsageError("concernshare serve: accept_status is a list of statuses: actual, exercise, test")
    try:
        return frozenset({Status.ACTUAL} | {Status(n.strip()) for n in names if n.strip()})
    except ValueError:
        raise UsageError("concernshare serve: accept_status takes actual, exercise and test") from None


def _value(name: str, value: Any, base: Path) -> Any:
    if name in _NUMBERS:
        return _number(name, value)
    if name == "accept_status":
        return _statuses(value)
    if not isinstance(value, str) or not value:
        raise UsageError(f"concernshare serve: {name} must be a non-empty string")
    if name in _PATHS:
        return base / value
    if name == "tracker" and "://" not in value:
        return str(base / value)
    return value


def _resolve(values: Mapping[str, Any], base: Path) -> dict[str, Any]:
    return {name: _value(name, value, base) for name, value in values.items()}


def load_config(path: Path | None, environ: Mapping[str, str] | None = None) -> ServeConfig:
    """Read the configuration from ``path`` (if any) and the environment; see the module for the order.

    Raises :class:`~concernshare.errors.UsageError` naming the setting that is
    missing or wrong (never a value from it).
    """
    environment = os.environ if environ is None else environ
    values = _resolve(_file(path), path.parent) if path is not None else {}
    values |= _resolve(_environment(environment), Path())
    missing = [name for name in _REQUIRED if name not in values]
    if missing:
        raise UsageError(
            f"concernshare serve: set {', '.join(missing)} in the [serve] table of --config FILE or as "
            + ", ".join(ENVIRONMENT_PREFIX + name.upper() for name in missing),
        )
    return ServeConfig(**values)
