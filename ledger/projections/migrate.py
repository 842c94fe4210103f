"""Create and upgrade the read-model tables from ordered SQL files.

``ledger/store/migrations/<backend>/NNNN_name.sql`` (package data, so a wheel carries
them) are applied in name order, each in its own
transaction together with its row in ``schema_migrations`` (SQLite and PostgreSQL both
have transactional DDL), so a migration is either applied and recorded, or neither. A lock
(SQLite's write lock, a PostgreSQL advisory lock) lets many processes run ``upgrade`` at
once: the first applies, the others find nothing left to do.

Our own 60 lines rather than a library: the files are plain SQL, the two drivers are
already here, and what we need (ordered, recorded, transactional, concurrent-safe) is
less code than the configuration of yoyo-migrations, which would also open its own
connections and add a dependency.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files
from importlib.resources.abc import Traversable

from ledger.config import Settings
from ledger.store.read_models.base import ProjectionError, ReadModelsMissingError, Store
from ledger.store.read_models.opening import opened

MIGRATIONS: Traversable = files("ledger.store") / "migrations"
_FILE_NAME = re.compile(r"[0-9]{4}_[a-z0-9_]+\.sql")
BOOTSTRAP = (
    "CREATE TABLE IF NOT EXISTS schema_migrations "
    "(name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


@dataclass(frozen=True)
class Migration:
    name: str  # the file name without .sql, e.g. 0001_read_models
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def available(backend: str, folder: Traversable = MIGRATIONS) -> list[Migration]:
    """The migration files for a backend, in the order they apply."""
    sql_files = sorted(
        (f for f in (folder / backend).iterdir() if f.name.endswith(".sql")),
        key=lambda f: f.name,
    )
    strays = [f.name for f in sql_files if not _FILE_NAME.fullmatch(f.name)]
    if strays:
        raise ProjectionError(
            f"migration files {', '.join(strays)} in {folder / backend}: names must look "
            "like 0002_what_it_does.sql (4 digits, lower case)"
        )
    return [
        Migration(f.name.removesuffix(".sql"), f.read_text(encoding="utf-8")) for f in sql_files
    ]


def applied_names(store: Store) -> list[str]:
    if "schema_migrations" not in store.table_names():
        return []
    return [str(name) for (name,) in store.query("SELECT name FROM schema_migrations")]


def check_current(store: Store, folder: Traversable = MIGRATIONS) -> None:
    """Refuse to use read models whose migrations are not all applied."""
    applied = set(applied_names(store))
    pending = [m.name for m in available(store.backend, folder) if m.name not in applied]
    if pending:
        raise ReadModelsMissingError(
            f"the read models are not up to date (pending migrations: {', '.join(pending)}): "
            "run `llr init` or `llr db upgrade`"
        )


def upgrade(settings: Settings, folder: Traversable = MIGRATIONS) -> list[str]:
    """Apply the pending migrations; returns the names applied by this call."""
    done: list[str] = []
    with opened(settings.store_env(create_tables=False)) as store:
        for migration in available(store.backend, folder):
            if migration.name in applied_names(store):
                continue
            with store.transaction():
                store.lock_migrations()
                store.execute(BOOTSTRAP)
                if migration.name in applied_names(store):
                    continue  # another process applied it while we waited for the lock
                store.execute_script(migration.sql)
                store.execute(
                    "INSERT INTO schema_migrations (name, checksum, applied_at) VALUES (?, ?, ?)",
                    (migration.name, migration.checksum, datetime.now(UTC).isoformat()),
                )
            done.append(migration.name)
    return done


def status(settings: Settings, folder: Traversable = MIGRATIONS) -> tuple[list[str], list[str]]:
    """(applied, pending) migration names, each in order."""
    with opened(settings.store_env(create_tables=False)) as store:
        applied = sorted(applied_names(store))
        names = [m.name for m in available(store.backend, folder)]
    return applied, [name for name in names if name not in applied]
