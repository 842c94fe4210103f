-- The API tokens of `llr serve` (ledger/store/token_tables.py, ledger/security/tokens.py).
-- Two append-only tables: a token is issued once (api_tokens) and revoked at most once
-- (api_token_revocations), each a row of its own, so no row is ever updated and who issued
-- and who revoked what stays on record. Only a hash of a token's secret is stored.
CREATE TABLE api_tokens (
    token_id text PRIMARY KEY,
    secret_hash text NOT NULL,
    actor text NOT NULL,
    role text NOT NULL,
    issued_at timestamptz NOT NULL,
    expires_at timestamptz,
    issued_by text NOT NULL
);
CREATE TABLE api_token_revocations (
    token_id text PRIMARY KEY REFERENCES api_tokens (token_id),
    revoked_at timestamptz NOT NULL,
    revoked_by text NOT NULL,
    reason text
);
-- The guard of 0003_security_tables (llr_refuse_change): UPDATE, DELETE and TRUNCATE are
-- refused to everyone, unless the table's owner turns the maintenance switch on.
CREATE OR REPLACE TRIGGER api_tokens_append_only BEFORE UPDATE OR DELETE ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION llr_refuse_change();
CREATE OR REPLACE TRIGGER api_tokens_no_truncate BEFORE TRUNCATE ON api_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION llr_refuse_change();
CREATE OR REPLACE TRIGGER api_token_revocations_append_only
    BEFORE UPDATE OR DELETE ON api_token_revocations
    FOR EACH ROW EXECUTE FUNCTION llr_refuse_change();
CREATE OR REPLACE TRIGGER api_token_revocations_no_truncate
    BEFORE TRUNCATE ON api_token_revocations
    FOR EACH STATEMENT EXECUTE FUNCTION llr_refuse_change();
