"""One projection follower per store, whatever the number of worker processes.

Every worker of ``llr serve`` starts a follower; each would wake on every new event, read
and decode the same batch, and all but one would then find the positions moved and throw
their work away (``ledger/projections/catchup.py`` locks positions only to write). The
follower that holds this lock follows; the others try again now and then, so that one of
them takes over when its holder ends. PostgreSQL: a session advisory lock, released by
the server when the holder's connection goes. SQLite: an exclusive ``flock`` on a file
beside the database, released by the kernel when the holder's process goes.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator, Mapping
from pathlib import Path

import psycopg

# Any constant shared by every llr process (the migration lock is another).
FOLLOWER_LOCK = 0x6C6C7246  # "llrF"


@contextlib.contextmanager
def follower_lock(env: Mapping[str, str]) -> Iterator[bool]:
    """Whether this process holds the store's follower lock, for as long as the block runs."""
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        with postgres_lock(env) as held:
            yield held
    elif env.get("SQLITE_DBNAME", ":memory:") != ":memory:":
        with file_lock(Path(env["SQLITE_DBNAME"] + ".follower.lock")) as held:
            yield held
    else:
        yield True  # a store of one process


@contextlib.contextmanager
def postgres_lock(env: Mapping[str, str]) -> Iterator[bool]:
    with psycopg.connect(
        host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"], dbname=env["POSTGRES_DBNAME"],
        user=env["POSTGRES_USER"], password=env.get("POSTGRES_PASSWORD") or None,
        connect_timeout=int(env.get("POSTGRES_CONNECT_TIMEOUT", "10")), autocommit=True,
    ) as connection:  # fmt: skip
        row = connection.execute("SELECT pg_try_advisory_lock(%s)", (FOLLOWER_LOCK,)).fetchone()
        yield bool(row and row[0])  # closing the connection releases it


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[bool]:
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
