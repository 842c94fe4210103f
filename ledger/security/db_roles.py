"""``llr db roles``: one PostgreSQL role per llr role, each with only the grants it needs.

The roles are group roles (NOLOGIN): a person or a service logs in as its own user and is
made a member, e.g. ``GRANT llr_backoffice TO alice``. ``llr_admin`` becomes the owner of
the ledger's tables; the others get grants per kind of table (below, as data). The event
and snapshot tables get the append-only trigger (``guard_sql.py``), so not even the owner
changes a stored event unless the maintenance switch is on.

One grant needs a word: the library takes ``LOCK TABLE <events> IN EXCLUSIVE MODE`` to
keep notification ids in commit order, and PostgreSQL allows that lock only to roles
holding UPDATE, DELETE or TRUNCATE on the table. Writers get TRUNCATE, the only one of
the three that no row-level path can use; the trigger refuses TRUNCATE to everyone.

Run it as the owner of the tables (or a superuser), after ``llr init``, and again after
every upgrade that adds tables: it (re)grants on every table it finds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from psycopg import sql

from ledger.security.guard_sql import POSTGRES_GUARD_FUNCTION, postgres_guard_triggers
from ledger.security.tables import ACCESS_TABLE, SETTINGS_TABLE


class TableKind(StrEnum):
    EVENTS = "events"
    SNAPSHOTS = "snapshots"
    ACCESS_LOG = "access log"
    SETTINGS = "settings"
    READ_MODELS = "read models"


OWNER = "llr_admin"
# Per role, per kind of table: the privileges. The owner (llr_admin) has all of them by
# ownership and is not listed; the trigger still holds it to append-only on the guarded.
GRANTS: Mapping[str, Mapping[TableKind, tuple[str, ...]]] = MappingProxyType({
    "llr_backoffice": {
        TableKind.EVENTS: ("SELECT", "INSERT", "TRUNCATE"),
        TableKind.SNAPSHOTS: ("SELECT", "INSERT"),
        TableKind.ACCESS_LOG: ("SELECT", "INSERT"),
        TableKind.SETTINGS: ("SELECT",),
        # its writes bring the read models up to date before the command returns
        TableKind.READ_MODELS: ("SELECT", "INSERT", "UPDATE", "DELETE"),
    },
    "llr_auditor": {  # reads everything; its reads of a citizen are logged, hence INSERT
        TableKind.EVENTS: ("SELECT",),
        TableKind.SNAPSHOTS: ("SELECT",),
        TableKind.ACCESS_LOG: ("SELECT", "INSERT"),
        TableKind.SETTINGS: ("SELECT",),
        TableKind.READ_MODELS: ("SELECT",),
    },
    "llr_importer": {  # must load the accounts it writes to; reads no log, no read model
        TableKind.EVENTS: ("SELECT", "INSERT", "TRUNCATE"),
        TableKind.SNAPSHOTS: ("SELECT", "INSERT"),
        TableKind.SETTINGS: ("SELECT",),
    },
})  # fmt: skip
ROLES = (*GRANTS, OWNER)
GUARDED = (TableKind.EVENTS, TableKind.SNAPSHOTS, TableKind.ACCESS_LOG)


@dataclass
class Hardening:
    """What ``llr db roles`` did."""

    created: list[str] = field(default_factory=list)
    tables: dict[TableKind, list[str]] = field(default_factory=dict)
    guarded: list[str] = field(default_factory=list)


def harden(datastore: Any, events_table: str, snapshots_table: str) -> Hardening:
    """Create the roles, hand the tables to the owner role, grant, guard: one transaction."""
    done = Hardening()
    with datastore.transaction(commit=True) as cursor:
        done.created = create_roles(cursor)
        done.tables = tables_by_kind(cursor, events_table, snapshots_table)
        give_to_owner(cursor, done.tables)
        for role, grants in GRANTS.items():
            grant(cursor, role, grants, done.tables)
        done.guarded = guard(cursor, done.tables)
    return done


def create_roles(cursor: Any) -> list[str]:
    existing = {row["rolname"] for row in run(cursor, "SELECT rolname FROM pg_roles")}
    created = [role for role in ROLES if role not in existing]
    for role in created:
        run(cursor, sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    superuser = run(cursor, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not superuser[0]["rolsuper"]:
        # Handing a table to llr_admin needs membership in it.
        run(cursor, sql.SQL("GRANT {} TO CURRENT_USER").format(sql.Identifier(OWNER)))
    return created


def tables_by_kind(cursor: Any, events: str, snapshots: str) -> dict[TableKind, list[str]]:
    named = {events: TableKind.EVENTS, snapshots: TableKind.SNAPSHOTS,
             ACCESS_TABLE: TableKind.ACCESS_LOG, SETTINGS_TABLE: TableKind.SETTINGS}  # fmt: skip
    rows = run(
        cursor,
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
    )
    kinds: dict[TableKind, list[str]] = {kind: [] for kind in TableKind}
    for row in rows:
        kinds[named.get(row["tablename"], TableKind.READ_MODELS)].append(row["tablename"])
    return kinds


def give_to_owner(cursor: Any, tables: dict[TableKind, list[str]]) -> None:
    owner = sql.Identifier(OWNER)
    run(cursor, sql.SQL("GRANT USAGE, CREATE ON SCHEMA {} TO {}").format(schema_of(cursor), owner))
    for table in (t for names in tables.values() for t in names):
        run(cursor, sql.SQL("ALTER TABLE {} OWNER TO {}").format(sql.Identifier(table), owner))
        others = sql.SQL(", ").join(sql.Identifier(role) for role in GRANTS)
        run(cursor, sql.SQL("REVOKE ALL ON {} FROM PUBLIC, {}").format(
            sql.Identifier(table), others))  # fmt: skip
    run(cursor, POSTGRES_GUARD_FUNCTION)
    run(cursor, sql.SQL("ALTER FUNCTION llr_refuse_change() OWNER TO {}").format(owner))


def grant(
    cursor: Any, role: str, grants: Mapping[TableKind, tuple[str, ...]],
    tables: dict[TableKind, list[str]],
) -> None:  # fmt: skip
    who = sql.Identifier(role)
    run(cursor, sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema_of(cursor), who))
    for kind, privileges in grants.items():
        for table in tables[kind]:
            what = sql.SQL(", ").join(sql.SQL(p) for p in privileges)
            run(cursor, sql.SQL("GRANT {} ON {} TO {}").format(what, sql.Identifier(table), who))
            if "INSERT" in privileges:
                grant_sequences(cursor, table, who)


def grant_sequences(cursor: Any, table: str, who: sql.Identifier) -> None:
    """An INSERT into a table with a serial column draws from its sequence."""
    rows = run(
        cursor,
        "SELECT s.relname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid "
        "WHERE d.refobjid = %s::regclass AND s.relkind = 'S'",
        (table,),
    )
    for row in rows:
        name = sql.Identifier(row["relname"])
        run(cursor, sql.SQL("GRANT USAGE ON SEQUENCE {} TO {}").format(name, who))


def guard(cursor: Any, tables: dict[TableKind, list[str]]) -> list[str]:
    guarded = [table for kind in GUARDED for table in tables[kind]]
    for table in guarded:
        for statement in postgres_guard_triggers(table):
            run(cursor, statement)
    return guarded


def schema_of(cursor: Any) -> sql.Identifier:
    return sql.Identifier(run(cursor, "SELECT current_schema() AS name")[0]["name"])


def run(cursor: Any, statement: Any, params: tuple[Any, ...] | None = None) -> list[Any]:
    cursor.execute(statement, params)
    return list(cursor.fetchall()) if cursor.description else []
