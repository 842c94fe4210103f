"""PostgreSQL's append-only guard on a table: triggers that call ``llr_refuse_change()``.

The function itself, and the access log's triggers, are made by the security tables'
migration (``migrations/postgres/0003_security_tables.sql``, which says when the guard lets
a change through). ``llr db roles`` puts the same triggers on the event and snapshot
tables, whose names the event store chooses.
"""

from __future__ import annotations


def append_only_triggers(table: str) -> tuple[str, str]:
    """The row trigger (UPDATE, DELETE) and the statement trigger (TRUNCATE) of ``table``."""
    return (
        f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION llr_refuse_change()",
        f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION llr_refuse_change()",
    )
