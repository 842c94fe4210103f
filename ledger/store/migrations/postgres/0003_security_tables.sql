-- The two tables security needs beside the event tables (ledger/store/security_tables.py).
-- `llr init` runs this script itself before it binds the store to its cipher key, so every
-- statement may run again: stores made before it was a migration have these tables.
--
-- llr_settings: what `llr init` recorded about the store (is it encrypted, the key check).
CREATE TABLE IF NOT EXISTS llr_settings (name text PRIMARY KEY, value text NOT NULL);

-- access_log: one row per read of a citizen's data, the record encrypted with the store's
-- cipher when it has one.
CREATE TABLE IF NOT EXISTS access_log (
    id bigserial PRIMARY KEY,
    account_id uuid NOT NULL,
    recorded_at timestamptz NOT NULL,
    record bytea NOT NULL
);
CREATE INDEX IF NOT EXISTS access_log_by_account ON access_log (account_id, id);

-- The guard of append-only tables: refuses UPDATE, DELETE and TRUNCATE even to the owner
-- and superusers, unless the maintenance switch is on in that session *and* the session
-- acts with the owner's rights:
--
--     BEGIN; SET LOCAL llr.maintenance = 'on'; UPDATE ...; COMMIT;
--
-- Any role can set a custom setting such as llr.maintenance, so the switch alone opens
-- nothing. The access log is guarded here; `llr db roles` guards the event and snapshot
-- tables with the same function (ledger/store/append_only.py), not `llr init`, so that
-- tests that tamper with events on purpose can still do so on an unhardened store.
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
$$;
CREATE OR REPLACE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION llr_refuse_change();
CREATE OR REPLACE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION llr_refuse_change();
