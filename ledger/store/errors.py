"""The database's refusals, told apart without the caller knowing the driver.

PostgreSQL refuses a statement to a database user without the privilege (``llr db roles``
gives each llr role only what it needs); SQLite has no users and never does. The driver is
looked up only once it is loaded: an error cannot come from a driver nobody imported, and
a SQLite store never pays for importing psycopg.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping


def permission_denied(error: BaseException) -> str | None:
    """The database's reason when ``error`` is its refusal for lack of privilege, else None."""
    if "psycopg" not in sys.modules:
        return None
    from psycopg.errors import InsufficientPrivilege

    if not isinstance(error, InsufficientPrivilege):
        return None
    return error.diag.message_primary or str(error)


# The event tables the database user may not insert into (PostgreSQL).
_NOT_INSERTABLE = (
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
    "AND c.relname LIKE '%%events' AND NOT has_table_privilege(c.oid, 'INSERT') "
    "ORDER BY c.relname"
)


def write_refused_after_abort(env: Mapping[str, str]) -> str | None:
    """Why a write whose pipeline aborted was refused, asked of the database again.

    The recorder writes in psycopg's pipeline mode: when the server refuses an INSERT for
    lack of privilege, the error that reaches us is at times only ``PipelineAborted``, the
    refusal itself lost. A second connection asks which event tables this user may not
    insert into, so the message names the real cause. None when it finds none (or cannot
    ask)."""
    import psycopg

    from ledger.store.read_models.postgres import conninfo

    try:
        with psycopg.connect(conninfo(env), autocommit=True) as connection:
            tables = [row[0] for row in connection.execute(_NOT_INSERTABLE)]
    except psycopg.Error:
        return None
    if not tables:
        return None
    return f"permission denied for table {', '.join(tables)}"
