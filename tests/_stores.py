"""How the tests make each store: memory, a SQLite file, and a throwaway schema on a real PostgreSQL server.

PostgreSQL is reached at ``CONCERNSHARE_TEST_POSTGRES`` (default
``postgresql://postgres@127.0.0.1:5432/test``). Where it cannot be reached the
PostgreSQL tests are skipped, except under CI (the ``CI`` environment variable
set), where they fail: CI runs ``.ci/services`` first, so a server must be there.
"""

from __future__ import annotations

import functools
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import pytest

from concernshare.stores import MemoryStore, SQLiteStore, Store

DEFAULT_DSN: Final = "postgresql://postgres@127.0.0.1:5432/test"
KINDS: Final = ("memory", "sqlite", "postgres")
#: Every schema this test run makes starts with this, so that one left behind by a crash can be found.
RUN_PREFIX: Final = f"cs_test_{uuid.uuid4().hex[:10]}"


def postgres_dsn() -> str:
    """The DSN of the PostgreSQL server the tests use."""
    return os.environ.get("CONCERNSHARE_TEST_POSTGRES", DEFAULT_DSN)


def _shown(dsn: str) -> str:
    """The DSN without its password, for messages."""
    return re.sub(r"(password=)\S+", r"\1***", re.sub(r"(://[^:@/]+:)[^@/]*@", r"\1***@", dsn))


@functools.cache
def _postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used, or None if it can."""
    try:
        import psycopg  # noqa: PLC0415  (optional: only the PostgreSQL tests need it)
    except ImportError as error:
        return f"psycopg cannot be imported ({error}); install it, and libpq, with pip install psycopg"
    try:
        psycopg.connect(postgres_dsn(), connect_timeout=5).close()
    except psycopg.Error as error:
        return f"cannot connect to {_shown(postgres_dsn())}: {str(error).strip()}"
    return None


def require_postgres() -> str:
    """The DSN, or skip the test (fail it under CI) when PostgreSQL cannot be reached."""
    problem = _postgres_problem()
    if problem is None:
        return postgres_dsn()
    message = (
        f"PostgreSQL store tests need a PostgreSQL server: {problem}. Set CONCERNSHARE_TEST_POSTGRES to a DSN "
        f"(default {DEFAULT_DSN}), or run .ci/services to start the local one."
    )
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so this is not skipped: {message}")
    pytest.skip(message)


def drop_schema(dsn: str, schema: str) -> None:
    """Drop a throwaway schema and everything in it."""
    import psycopg  # noqa: PLC0415

    if not schema.startswith("cs_test_") or not schema.replace("_", "").isalnum():
        raise ValueError("only the tests' own throwaway schemas are dropped")
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')  # the name is checked above


def new_schema() -> str:
    """A fresh schema name for this run."""
    return f"{RUN_PREFIX}_{uuid.uuid4().hex[:8]}"


@contextmanager
def postgres_schema() -> Iterator[tuple[str, str]]:
    """A (DSN, schema) whose schema is dropped afterwards; skips or fails as :func:`require_postgres` says."""
    dsn, schema = require_postgres(), new_schema()
    try:
        yield dsn, schema
    finally:
        drop_schema(dsn, schema)


def postgres_store(dsn: str, schema: str = "concernshare") -> Store:
    """A PostgresStore (imported here, so that a run without psycopg can still skip)."""
    from concernshare.stores import PostgresStore  # noqa: PLC0415

    return PostgresStore(dsn, schema=schema)


def open_store(args: list[str]) -> Store:
    """The store named by ``sqlite PATH`` or ``postgres DSN SCHEMA``."""
    return SQLiteStore(args[1]) if args[0] == "sqlite" else postgres_store(args[1], args[2])


@contextmanager
def make_store(kind: str, folder: Path) -> Iterator[Store]:
    """A fresh, empty store of ``kind``, closed (and its schema dropped) afterwards."""
    if kind == "memory":
        yield MemoryStore()
    elif kind == "sqlite":
        store = SQLiteStore(folder / "store.db")
        try:
            yield store
        finally:
            store.close()
    else:
        with postgres_schema() as (dsn, schema):
            pg = postgres_store(dsn, schema)
            try:
                yield pg
            finally:
                pg.close()
