-- The API tokens of `llr serve` (ledger/store/token_tables.py, ledger/security/tokens.py).
-- Two append-only tables: a token is issued once (api_tokens) and revoked at most once
-- (api_token_revocations), each a row of its own, so no row is ever updated and who issued
-- and who revoked what stays on record. Only a hash of a token's secret is stored.
CREATE TABLE api_tokens (
    token_id TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    expires_at TEXT,
    issued_by TEXT NOT NULL
);
CREATE TABLE api_token_revocations (
    token_id TEXT PRIMARY KEY REFERENCES api_tokens (token_id),
    revoked_at TEXT NOT NULL,
    revoked_by TEXT NOT NULL,
    reason TEXT
);
CREATE TRIGGER api_tokens_no_update BEFORE UPDATE ON api_tokens
BEGIN SELECT RAISE(ABORT, 'llr: the API tokens are append-only'); END;
CREATE TRIGGER api_tokens_no_delete BEFORE DELETE ON api_tokens
BEGIN SELECT RAISE(ABORT, 'llr: the API tokens are append-only'); END;
CREATE TRIGGER api_token_revocations_no_update BEFORE UPDATE ON api_token_revocations
BEGIN SELECT RAISE(ABORT, 'llr: the API token revocations are append-only'); END;
CREATE TRIGGER api_token_revocations_no_delete BEFORE DELETE ON api_token_revocations
BEGIN SELECT RAISE(ABORT, 'llr: the API token revocations are append-only'); END;
