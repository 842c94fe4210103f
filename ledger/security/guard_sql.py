"""PostgreSQL's guard of append-only tables: a trigger that refuses UPDATE, DELETE, TRUNCATE.

It refuses even the table's owner and superusers, unless the documented maintenance switch
is on in that session *and* the session acts with the owner's rights:

    BEGIN; SET LOCAL llr.maintenance = 'on'; UPDATE ...; COMMIT;

Any role can set a custom setting such as ``llr.maintenance``, so the switch alone opens
nothing: a role that is not the owner stays refused. ``llr init`` guards the access log
this way; ``llr db roles`` guards the event and snapshot tables (not ``llr init``, so that
tests that tamper with events on purpose can still do so on an unhardened store).
"""

from __future__ import annotations

MAINTENANCE_SETTING = "llr.maintenance"

POSTGRES_GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION llr_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('llr.maintenance', true) = 'on' AND pg_has_role(
        current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE'
    ) THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'llr: % on % refused: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'maintenance by the table owner only: SET LOCAL llr.maintenance = ''on''';
END
$$
"""


def postgres_guard_triggers(table: str) -> tuple[str, str]:
    """The row trigger (UPDATE, DELETE) and the statement trigger (TRUNCATE) of ``table``."""
    return (
        f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION llr_refuse_change()",
        f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION llr_refuse_change()",
    )
