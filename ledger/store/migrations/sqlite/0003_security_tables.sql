-- The two tables security needs beside the event tables (ledger/store/security_tables.py).
-- `llr init` runs this script itself before it binds the store to its cipher key, so every
-- statement may run again: stores made before it was a migration have these tables.
--
-- llr_settings: what `llr init` recorded about the store (is it encrypted, the key check).
CREATE TABLE IF NOT EXISTS llr_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);

-- access_log: one row per read of a citizen's data, the record encrypted with the store's
-- cipher when it has one. Append-only: the triggers refuse UPDATE and DELETE.
CREATE TABLE IF NOT EXISTS access_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    record BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS access_log_by_account ON access_log (account_id, id);
CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'llr: the access log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'llr: the access log is append-only'); END;
