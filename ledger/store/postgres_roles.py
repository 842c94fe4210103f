"""Carry out a role plan on PostgreSQL: create the roles, hand every table to the owner role,
grant per kind of table, put the append-only triggers on: one transaction.

Run as the owner of the tables (or a superuser), after ``llr init``, and again after every
upgrade that adds tables: it (re)grants on every table it finds.
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

from ledger.store.append_only import append_only_triggers
from ledger.store.backend import Backend
from ledger.store.database_roles import Grants, Hardening, RolePlan, TableKind
from ledger.store.registry_tables import REGISTRY_EVENTS, VIEW_TABLES
from ledger.store.security_schema import ACCESS_TABLE, SETTINGS_TABLE, security_script
from ledger.store.token_schema import TOKEN_TABLES


def harden(datastore: Any, plan: RolePlan, events_table: str, snapshots_table: str) -> Hardening:
    done = Hardening()
    with datastore.transaction(commit=True) as cursor:
        done.created = create_roles(cursor, plan)
        # The security tables and the guard function, should this store lack them: the
        # script is the one `llr init` runs, and may run again.
        run(cursor, security_script(Backend.POSTGRES))
        done.tables = tables_by_kind(cursor, events_table, snapshots_table)
        give_to_owner(cursor, plan, done.tables)
        for role, grants in plan.grants.items():
            grant(cursor, role, grants, done.tables)
        done.guarded = guard(cursor, plan, done.tables)
    return done


def create_roles(cursor: Any, plan: RolePlan) -> list[str]:
    existing = {row["rolname"] for row in run(cursor, "SELECT rolname FROM pg_roles")}
    created = [role for role in (*plan.grants, plan.owner) if role not in existing]
    for role in created:
        run(cursor, sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    superuser = run(cursor, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not superuser[0]["rolsuper"]:
        # Handing a table to the owner role needs membership in it.
        run(cursor, sql.SQL("GRANT {} TO CURRENT_USER").format(sql.Identifier(plan.owner)))
    return created


def tables_by_kind(cursor: Any, events: str, snapshots: str) -> dict[TableKind, list[str]]:
    named = {events: TableKind.EVENTS, snapshots: TableKind.SNAPSHOTS,
             ACCESS_TABLE: TableKind.ACCESS_LOG, SETTINGS_TABLE: TableKind.SETTINGS,
             REGISTRY_EVENTS: TableKind.REGISTRY,
             **dict.fromkeys(VIEW_TABLES, TableKind.REGISTRY_VIEWS),
             **dict.fromkeys(TOKEN_TABLES, TableKind.API_TOKENS)}  # fmt: skip
    rows = run(
        cursor,
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
    )
    kinds: dict[TableKind, list[str]] = {kind: [] for kind in TableKind}
    for row in rows:
        kinds[named.get(row["tablename"], TableKind.READ_MODELS)].append(row["tablename"])
    return kinds


def give_to_owner(cursor: Any, plan: RolePlan, tables: dict[TableKind, list[str]]) -> None:
    owner = sql.Identifier(plan.owner)
    run(cursor, sql.SQL("GRANT USAGE, CREATE ON SCHEMA {} TO {}").format(schema_of(cursor), owner))
    for table in (t for names in tables.values() for t in names):
        run(cursor, sql.SQL("ALTER TABLE {} OWNER TO {}").format(sql.Identifier(table), owner))
        others = sql.SQL(", ").join(sql.Identifier(role) for role in plan.grants)
        run(cursor, sql.SQL("REVOKE ALL ON {} FROM PUBLIC, {}").format(
            sql.Identifier(table), others))  # fmt: skip
    run(cursor, sql.SQL("ALTER FUNCTION llr_refuse_change() OWNER TO {}").format(owner))


def grant(cursor: Any, role: str, grants: Grants, tables: dict[TableKind, list[str]]) -> None:
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


def guard(cursor: Any, plan: RolePlan, tables: dict[TableKind, list[str]]) -> list[str]:
    guarded = [table for kind in plan.append_only for table in tables[kind]]
    for table in guarded:
        for statement in append_only_triggers(table):
            run(cursor, statement)
    return guarded


def schema_of(cursor: Any) -> sql.Identifier:
    return sql.Identifier(run(cursor, "SELECT current_schema() AS name")[0]["name"])


def run(cursor: Any, statement: Any, params: tuple[Any, ...] | None = None) -> list[Any]:
    cursor.execute(statement, params)
    return list(cursor.fetchall()) if cursor.description else []
