"""Open the read-model store that sits beside an event store.

The backends are imported only when asked for, so a SQLite run never loads psycopg.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from ledger.store.backend import Backend, backend_of
from ledger.store.read_models.base import ProjectionError, Store


@contextmanager
def opened(env: Mapping[str, str]) -> Iterator[Store]:
    """The read-model store of the event store configured by ``env``, closed on leaving."""
    store = open_store(env)
    try:
        yield store
    finally:
        store.close()


def open_store(env: Mapping[str, str]) -> Store:
    backend = backend_of(env)
    if backend is Backend.SQLITE:
        from ledger.store.read_models.sqlite import SqliteStore

        return SqliteStore(str(env.get("SQLITE_DBNAME")), int(env.get("SQLITE_LOCK_TIMEOUT") or 30))
    if backend is Backend.POSTGRES:
        from ledger.store.read_models.postgres import PostgresStore, conninfo

        return PostgresStore(conninfo(env))
    module = env.get("PERSISTENCE_MODULE") or "in memory"
    raise ProjectionError(
        f"read models need SQLite or PostgreSQL; this store is {module} "
        "(use --db PATH or --db postgresql://...)"
    )
