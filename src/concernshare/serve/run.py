"""Build the front door from its configuration and serve it with uvicorn, in the foreground or on a thread."""

from __future__ import annotations

import copy
import datetime as dt
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from uvicorn.config import LOGGING_CONFIG

from concernshare.crypto import keys
from concernshare.directory import open_directory
from concernshare.errors import ConcernshareError, NotForUs, SealError, UsageError
from concernshare.sealing import OpenPolicy
from concernshare.serve.app import FrontDoor, create_app
from concernshare.serve.config import ServeConfig
from concernshare.stores import SQLiteStore, Store
from concernshare.tracker import Tracker
from concernshare.transport.cloudevents import Receiver

__all__ = ["build", "open_store", "running", "serve", "uvicorn_options"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def open_store(tracker: str) -> Store:
    """The tracker's store: PostgreSQL for a ``postgresql://`` URL, else a SQLite file."""
    if tracker.startswith(("postgresql://", "postgres://")):
        try:
            from concernshare.stores.postgres import PostgresStore  # noqa: PLC0415  (psycopg is optional)
        except ImportError:
            raise UsageError(
                "concernshare serve: a PostgreSQL tracker needs psycopg: pip install 'concernshare[postgres]'"
            ) from None
        return PostgresStore(tracker)
    return SQLiteStore(tracker)


def _private(path: Any, what: str) -> tuple[keys.PrivateJwk, ...]:
    try:
        return keys.loads_private_jwk_set(path.read_bytes())
    except OSError as error:
        raise UsageError(f"concernshare serve: cannot read the {what} {path}: {error.strerror}") from None
    except SealError as error:
        raise UsageError(f"concernshare serve: the {what} {path} is not usable: {error}") from None


def build(config: ServeConfig) -> Starlette:
    """The front door of ``config``: keys read and the directory verified now, so that mistakes show at start.

    Raises :class:`~concernshare.errors.UsageError` for a key, directory or
    tracker that cannot be read or used.
    """
    private = _private(config.key, "key file")
    inbox_private = _private(config.inbox_key, "inbox key file") if config.inbox_key else ()
    try:
        pinned = keys.loads_public_jwk_set(config.authority.read_bytes())
        directory_bytes = config.directory.read_bytes()
    except OSError as error:
        raise UsageError(f"concernshare serve: cannot read {error.filename}: {error.strerror}") from None
    except SealError as error:
        raise UsageError(f"concernshare serve: the authority keys are not usable: {error}") from None
    store = open_store(config.tracker)
    try:
        directory = open_directory(directory_bytes, pinned, now=_now(), store=store)
        me = next((found[0].id for key in private if (found := directory.key(key.kid))), None)
        if me is None:
            raise NotForUs("none of the keys in the key file belongs to an agency in the directory")
        signer, decrypters = keys.signer_from(private), keys.decrypters_from(private)
    except ConcernshareError as error:
        raise UsageError(f"concernshare serve: {error}") from None
    finally:
        store.close()
    policy = OpenPolicy(accept_status=config.accept_status)

    def open_receiver() -> Receiver:
        return Receiver(
            me=me,
            decrypters=decrypters,
            signer=signer,
            directory=directory,
            tracker=Tracker(open_store(config.tracker)),
            policy=policy,
        )

    return create_app(
        FrontDoor(
            open_receiver=open_receiver,
            clock=_now,
            max_body_bytes=config.max_body_bytes,
            spool=config.spool,
            inbox_decrypters=keys.decrypters_from(inbox_private) if inbox_private else (),
        )
    )


def uvicorn_options(config: ServeConfig) -> dict[str, Any]:
    """uvicorn's options for ``config``: where to listen, and TLS when a certificate is configured."""
    options: dict[str, Any] = {"host": config.host, "port": config.port, "proxy_headers": False, "server_header": False}
    if config.tls_certfile is not None:
        options |= {"ssl_certfile": str(config.tls_certfile), "ssl_keyfile": str(config.tls_keyfile)}
    if config.tls_ca_certs is not None:
        options |= {"ssl_ca_certs": str(config.tls_ca_certs), "ssl_cert_reqs": ssl.CERT_REQUIRED}
    return options


def serve(config: ServeConfig) -> None:
    """Serve the front door of ``config`` until interrupted (Ctrl-C or SIGTERM); log as uvicorn does."""
    logging_config = copy.deepcopy(LOGGING_CONFIG)
    logging_config["loggers"]["concernshare"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    uvicorn.run(build(config), log_level="info", log_config=logging_config, **uvicorn_options(config))


@contextmanager
def running(app: Any, *, host: str = "127.0.0.1", port: int = 0, **options: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a thread; yield its base URL (``port`` 0: a free port); stop it after."""
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", **options))
    thread = threading.Thread(target=server.run, name="concernshare-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise UsageError(f"the front door could not start on {host}:{port}")
        time.sleep(0.02)
    (listener,) = [s for srv in server.servers for s in (srv.sockets or ())][:1]
    scheme = "https" if "ssl_certfile" in options else "http"
    try:
        yield f"{scheme}://{host}:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
