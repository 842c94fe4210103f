"""``llr db roles``: one PostgreSQL role per llr role, each with only the grants it needs.

The roles are group roles (NOLOGIN): a person or a service logs in as its own user and is
made a member, e.g. ``GRANT llr_backoffice TO alice``. ``llr_admin`` becomes the owner of
the ledger's tables; the others get grants per kind of table (below, as data). The event
and snapshot tables, and the registry's events table, get the append-only trigger
(``ledger/store/append_only.py``), so not even the owner changes a stored event unless
the maintenance switch is on.

One grant needs a word: the library takes ``LOCK TABLE <events> IN EXCLUSIVE MODE`` to
keep notification ids in commit order, and PostgreSQL allows that lock only to roles
holding UPDATE, DELETE or TRUNCATE on the table. Writers get TRUNCATE, the only one of
the three that no row-level path can use; the trigger refuses TRUNCATE to everyone.

Run it as the owner of the tables (or a superuser), after ``llr init``, and again after
every upgrade that adds tables: it (re)grants on every table it finds. This module is the
plan; the store carries it out (``ledger/store/postgres_roles.py``), as only PostgreSQL has
roles.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ledger.store.database_roles import Grants, Hardening, RolePlan, TableKind
from ledger.store.security_tables import SecurityTables

OWNER = "llr_admin"
# Per role, per kind of table: the privileges. The owner (llr_admin) has all of them by
# ownership and is not listed; the trigger still holds it to append-only on the guarded.
GRANTS: Mapping[str, Grants] = MappingProxyType({
    "llr_backoffice": {
        TableKind.EVENTS: ("SELECT", "INSERT", "TRUNCATE"),
        TableKind.SNAPSHOTS: ("SELECT", "INSERT"),
        TableKind.ACCESS_LOG: ("SELECT", "INSERT"),
        TableKind.SETTINGS: ("SELECT",),
        # its writes bring the read models up to date before the command returns
        TableKind.READ_MODELS: ("SELECT", "INSERT", "UPDATE", "DELETE"),
        # writes the registry of providers and trainings, and its read models with it
        TableKind.REGISTRY: ("SELECT", "INSERT", "TRUNCATE"),
        TableKind.REGISTRY_VIEWS: ("SELECT", "INSERT", "UPDATE", "DELETE"),
        # llr serve connects as a member of llr_backoffice (it acts for backoffice callers
        # among others) and must look tokens up; issuing and revoking them is the owner's
        TableKind.API_TOKENS: ("SELECT",),
    },
    "llr_auditor": {  # reads everything; its reads of a citizen are logged, hence INSERT
        TableKind.EVENTS: ("SELECT",),
        TableKind.SNAPSHOTS: ("SELECT",),
        TableKind.ACCESS_LOG: ("SELECT", "INSERT"),
        TableKind.SETTINGS: ("SELECT",),
        TableKind.READ_MODELS: ("SELECT",),
        TableKind.REGISTRY: ("SELECT",),
        TableKind.REGISTRY_VIEWS: ("SELECT",),
    },
    "llr_importer": {  # must load the accounts it writes to; reads no log, no read model
        TableKind.EVENTS: ("SELECT", "INSERT", "TRUNCATE"),
        TableKind.SNAPSHOTS: ("SELECT", "INSERT"),
        TableKind.SETTINGS: ("SELECT",),
        # reads the registry (a use names a registered training); never writes it
        TableKind.REGISTRY: ("SELECT",),
        TableKind.REGISTRY_VIEWS: ("SELECT",),
    },
})  # fmt: skip
GUARDED = (
    TableKind.EVENTS, TableKind.SNAPSHOTS, TableKind.ACCESS_LOG, TableKind.REGISTRY,
    TableKind.API_TOKENS,
)  # fmt: skip
PLAN = RolePlan(OWNER, GRANTS, GUARDED)


def harden(tables: SecurityTables, events_table: str, snapshots_table: str) -> Hardening:
    """Create the roles, hand the tables to the owner role, grant, guard: one transaction."""
    return tables.harden(PLAN, events_table, snapshots_table)
