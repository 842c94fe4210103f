-- Issue 6: with a cipher key the read models hold no personal field in clear. Issue 4: a
-- rebuild writes every lot once, not twice, and builds smaller trail indexes.
--
-- expiring: the lots are read from balance_lots (this partial index finds the open ones
-- by expiry date); the projection keeps only who holds them, the masked INSZ sealed with
-- the store's cipher when it has one. Its rows and position are reset, so the next
-- catch-up projects them again in the new form.
DROP TABLE expiring_lots;
DROP TABLE IF EXISTS expiring_lots_next;
CREATE INDEX balance_lots_open_by_expiry ON balance_lots (expires_on)
    WHERE expires_on IS NOT NULL AND remaining > 0 AND state IN ('usable', 'suspended');
DELETE FROM expiring_citizens;
DROP TABLE IF EXISTS expiring_citizens_next;

-- take-up: a citizen's education and birth year become one "profile" text (low|1993),
-- sealed with a key; the per-citizen rows keep the status at first entry of the year and
-- the counts, and the report takes education and age band from the profile.
DROP TABLE takeup_facts;
DROP TABLE takeup_citizens;
DROP TABLE IF EXISTS takeup_facts_next;
DROP TABLE IF EXISTS takeup_citizens_next;
CREATE TABLE takeup_citizens (
    account_id uuid NOT NULL,
    profile text NOT NULL,
    status text NOT NULL,
    CONSTRAINT takeup_citizens_pkey PRIMARY KEY (account_id)
);
CREATE TABLE takeup_facts (
    account_id uuid NOT NULL,
    right_code text NOT NULL,
    period text NOT NULL,
    status text NOT NULL,
    granted bigint NOT NULL,
    used bigint NOT NULL,
    expired bigint NOT NULL,
    forfeited bigint NOT NULL,
    CONSTRAINT takeup_facts_pkey PRIMARY KEY (account_id, right_code, period)
);

-- audit trail: right types are few (five), so an index on them finds a fifth of the
-- trail, no better than reading it; right and dates together are served by the date index.
-- Sources and batches are searched by value, which a row without one never matches, and
-- most rows have none (only grants and imported lines do): their indexes leave those out
-- (a query "source = ?" can use such a partial index). Index building is a tenth of a
-- rebuild (issue 4).
DROP INDEX audit_trail_by_right;
DROP INDEX audit_trail_by_source;
DROP INDEX audit_trail_by_batch;
CREATE INDEX audit_trail_by_source ON audit_trail (source, effective_on)
    WHERE source IS NOT NULL;
CREATE INDEX audit_trail_by_batch ON audit_trail (batch, line) WHERE batch IS NOT NULL;

DELETE FROM projection_positions
    WHERE name IN ('expiring', 'expiring_next', 'takeup', 'takeup_next');
