"""The read models on PostgreSQL: the same database as the events, its own connection.

Bulk writes go through ``COPY`` (the pure-Python psycopg adapts parameters slowly, while a
text block it just sends): plain inserts straight into the table, upserts through a
temporary table and one ``INSERT ... SELECT ... ON CONFLICT``. Positions are locked with
``SELECT ... FOR UPDATE`` in name order, so runners queue instead of counting twice.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

from ledger.store.read_models.base import (
    ProjectionError,
    ReadModelsMissingError,
    Row,
    Store,
    sql_name,
)

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
SWAP_LOCK_ATTEMPTS = 600
LOT_CHANGE_COLUMNS = ("account_id", "lot", "emptied", "units", "state")
# Any constant shared by every llr process: the advisory lock that serialises migrations.
MIGRATION_LOCK = 0x11E_D6E2
_INDEX_HEAD = re.compile(r"^CREATE (UNIQUE )?INDEX \S+ ON (ONLY )?\S+ ")


def conninfo(env: Mapping[str, str]) -> str:
    return make_conninfo(
        dbname=env.get("POSTGRES_DBNAME"),
        host=env.get("POSTGRES_HOST") or "127.0.0.1",
        port=env.get("POSTGRES_PORT") or "5432",
        user=env.get("POSTGRES_USER") or "postgres",
        password=env.get("POSTGRES_PASSWORD") or None,
        connect_timeout=env.get("POSTGRES_CONNECT_TIMEOUT") or "10",
    )


def copy_text(rows: Sequence[Row]) -> str:
    """Rows in COPY's text format: tab-separated, \\N for NULL, specials escaped.

    Escaping every cell costs more than the rest; a tab, newline or backslash is rare in
    our values, so one look over all text cells decides whether any escaping is needed."""
    texts = "".join(v for row in rows for v in row if type(v) is str)
    if any(special in texts for special in "\\\t\n\r"):
        cells = [["\\N" if v is None else str(v).translate(_COPY_ESCAPES) for v in r] for r in rows]
    else:
        cells = [["\\N" if v is None else str(v) for v in row] for row in rows]
    return "\n".join(map("\t".join, cells)) + "\n"


class PostgresStore(Store):
    backend = "postgres"

    def __init__(self, info: str) -> None:
        self.connection = psycopg.connect(info, autocommit=True)
        # A projection commit lost in a crash loses its position with it, so its events are
        # projected again: no need to wait for the WAL flush (the events' own commits do).
        self.connection.execute("SET synchronous_commit = off")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.connection.transaction():
            yield

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        # READ COMMITTED, not REPEATABLE READ: a snapshot taken before a rebuild's swap
        # would not see the rows its last transaction added to the swapped-in table. Each
        # statement sees what is committed, and the locks held to the end keep a swap from
        # replacing a table this transaction has already read.
        with self.connection.transaction():
            self.connection.execute("SET TRANSACTION READ ONLY")
            yield

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.connection.execute(*placeheld(sql, params)).fetchall()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.connection.execute(*placeheld(sql, params))

    def execute_script(self, script: str) -> None:
        # Without parameters psycopg sends the text as one simple query: many statements.
        self.connection.execute(script.encode())

    def lock_migrations(self) -> None:
        self.connection.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))

    def select_accounts(
        self, table: str, columns: Sequence[str], account_ids: Iterable[str]
    ) -> list[tuple[Any, ...]]:
        listed = ", ".join(
            f"{sql_name(c)}::text" if c == "account_id" else sql_name(c) for c in columns
        )
        sql = f"SELECT {listed} FROM {sql_name(table)} WHERE account_id = ANY(%s::uuid[])"
        return self.connection.execute(sql, (list(account_ids),)).fetchall()

    def copy_in(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        sql = f"COPY {sql_name(table)} ({', '.join(map(sql_name, columns))}) FROM STDIN"
        with self.connection.cursor() as cursor, cursor.copy(sql) as copy:
            copy.write(copy_text(rows))

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        if rows:
            self.copy_in(table, columns, rows)

    def upsert(
        self,
        table: str,
        columns: Sequence[str],
        keys: Sequence[str],
        rows: Sequence[Row],
        *,
        add: Sequence[str] = (),
        keep: Sequence[str] = (),
    ) -> None:
        if not rows:
            return
        load = sql_name(f"load_{table}")
        self.execute(f"CREATE TEMPORARY TABLE {load} (LIKE {sql_name(table)} INCLUDING DEFAULTS)")
        self.copy_in(load, columns, rows)
        self.execute(upsert_sql(table, load, tuple(columns), tuple(keys), tuple(add), tuple(keep)))
        self.execute(f"DROP TABLE {load}")

    def update_lots(self, table: str, changes: Sequence[Row]) -> int:
        if not changes:
            return 0
        self.execute(
            "CREATE TEMPORARY TABLE load_lot_changes "
            "(account_id uuid, lot text, emptied boolean, units bigint, state text)"
        )
        self.copy_in("load_lot_changes", LOT_CHANGE_COLUMNS, changes)
        found = self.connection.execute(
            f"UPDATE {sql_name(table)} AS t SET "
            "remaining = CASE WHEN c.emptied THEN 0 ELSE t.remaining END + c.units, "
            "state = COALESCE(c.state, t.state) FROM load_lot_changes c "
            "WHERE t.account_id = c.account_id AND t.lot = c.lot"
        ).rowcount
        self.execute("DROP TABLE load_lot_changes")
        return found

    def lock_positions(self, names: Sequence[str]) -> dict[str, int]:
        ordered = sorted(names)
        self.connection.execute(
            "INSERT INTO projection_positions (name, position, updated_at) "
            "SELECT unnest(%s::text[]), 0, now() ON CONFLICT (name) DO NOTHING",
            (ordered,),
        )
        rows = self.connection.execute(
            "SELECT name, position FROM projection_positions WHERE name = ANY(%s) "
            "ORDER BY name FOR UPDATE",
            (ordered,),
        ).fetchall()
        return {str(name): int(position) for name, position in rows}

    def set_positions(self, positions: Mapping[str, int]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO projection_positions (name, position, updated_at) "
                "VALUES (%s, %s, now()) ON CONFLICT (name) DO UPDATE SET "
                "position = excluded.position, updated_at = excluded.updated_at",
                list(positions.items()),
            )

    def table_names(self) -> set[str]:
        rows = self.query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return {str(name) for (name,) in rows}

    def create_copy(self, table: str, suffix: str) -> None:
        if table not in self.table_names():
            raise ReadModelsMissingError(f"table {table} is missing: run `llr db upgrade`")
        copy = sql_name(table + suffix)
        self.execute(f"DROP TABLE IF EXISTS {copy}")
        self.execute(f"CREATE TABLE {copy} (LIKE {sql_name(table)} INCLUDING DEFAULTS)")
        for name, definition in self.query(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ?::regclass AND contype IN ('p', 'u')",
            (table,),
        ):
            self.execute(
                f"ALTER TABLE {copy} ADD CONSTRAINT {sql_name(name + suffix)} {definition}"
            )

    def index_copy(self, table: str, suffix: str) -> None:
        for name, definition in self.plain_indexes(table):
            head = f"CREATE \\1INDEX {sql_name(name + suffix)} ON {sql_name(table + suffix)} "
            self.execute(_INDEX_HEAD.sub(head, definition))

    def lock_tables(self, tables: Sequence[str]) -> None:
        """All the live tables at once, or none: a reader that holds one of them and waits
        for another must not deadlock with us. Each attempt waits briefly (shorter than
        PostgreSQL's deadlock_timeout of 1 s, so a reader is never the one cancelled),
        gives its locks back on failure (a savepoint) and tries again."""
        names = ", ".join(map(sql_name, tables))
        for attempt in range(SWAP_LOCK_ATTEMPTS):
            try:
                with self.connection.transaction():
                    self.connection.execute("SET LOCAL lock_timeout = '200ms'")
                    self.connection.execute(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE")
                    self.connection.execute("SET LOCAL lock_timeout = 0")
                return
            except psycopg.errors.LockNotAvailable:
                time.sleep(min(0.01 * attempt, 0.5))
        raise ProjectionError(
            f"cannot swap in the rebuilt {names}: readers kept them busy for minutes"
        )

    def swap_in(self, table: str, suffix: str) -> None:
        copy = sql_name(table + suffix)
        constraints = self.query(
            "SELECT conname FROM pg_constraint WHERE conrelid = ?::regclass "
            "AND contype IN ('p', 'u')",
            (copy,),
        )
        indexes = [name for name, _ in self.plain_indexes(copy)]
        self.execute(f"DROP TABLE {sql_name(table)}")
        self.execute(f"ALTER TABLE {copy} RENAME TO {table}")
        for (name,) in constraints:
            self.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {name} TO {live(name, suffix)}")
        for name in indexes:
            self.execute(f"ALTER INDEX {sql_name(name)} RENAME TO {live(name, suffix)}")

    def plain_indexes(self, table: str) -> list[tuple[str, str]]:
        """Indexes that back no constraint: (name, CREATE INDEX statement)."""
        rows = self.query(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = current_schema() AND tablename = ? AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = ?::regclass)",
            (table, table),
        )
        return [(str(name), str(definition)) for name, definition in rows]

    def close(self) -> None:
        self.connection.close()


def placeheld(sql: str, params: Sequence[Any]) -> tuple[str, Sequence[Any] | None]:
    """Portable ``?`` placeholders as psycopg's ``%s``; without parameters the text is sent
    as it is, so a literal ``%`` (LIKE 'a%') needs no escaping."""
    return (sql.replace("?", "%s"), params) if params else (sql, None)


def live(name: str, suffix: str) -> str:
    return sql_name(name[: -len(suffix)] if name.endswith(suffix) else name)


@lru_cache(maxsize=64)
def upsert_sql(
    table: str,
    load: str,
    columns: tuple[str, ...],
    keys: tuple[str, ...],
    add: tuple[str, ...],
    keep: tuple[str, ...],
) -> str:
    changes = [
        f"{c} = cur.{c} + excluded.{c}" if c in add else f"{c} = excluded.{c}"
        for c in columns
        if c not in keys and c not in keep
    ]
    action = f"DO UPDATE SET {', '.join(changes)}" if changes else "DO NOTHING"
    listed = ", ".join(columns)
    return (
        f"INSERT INTO {table} AS cur ({listed}) SELECT {listed} FROM {load} "
        f"ON CONFLICT ({', '.join(keys)}) {action}"
    )
