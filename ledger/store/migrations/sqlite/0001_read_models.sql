-- Read models of the projections (ledger/projections/), beside the event tables the
-- eventsourcing library creates itself (stored_events, stored_snapshots).
-- Dates are ISO text (YYYY-MM-DD), so they compare and sort as dates.
-- Unique keys are declared inside CREATE TABLE: a rebuild copies that text for the fresh
-- table it fills, and creates the other indexes (below) only when it swaps the copy in.

-- Where each projection has got to in the notification log: written in the same
-- transaction as the projection's own rows, so every event counts exactly once.
CREATE TABLE projection_positions (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);

-- balances: every lot of every citizen, with what is left of it.
CREATE TABLE balance_lots (
    account_id TEXT NOT NULL,
    lot TEXT NOT NULL,
    right_code TEXT NOT NULL,
    source TEXT NOT NULL,
    amount INTEGER NOT NULL,
    remaining INTEGER NOT NULL,
    state TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    expires_on TEXT,
    PRIMARY KEY (account_id, lot)
) WITHOUT ROWID;

-- expiring: the lots that have an expiry date, and who holds them (masked INSZ).
CREATE TABLE expiring_lots (
    account_id TEXT NOT NULL,
    lot TEXT NOT NULL,
    right_code TEXT NOT NULL,
    source TEXT NOT NULL,
    amount INTEGER NOT NULL,
    remaining INTEGER NOT NULL,
    state TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    PRIMARY KEY (account_id, lot)
) WITHOUT ROWID;
CREATE INDEX expiring_lots_open_by_date ON expiring_lots (expires_on)
    WHERE remaining > 0 AND state IN ('usable', 'suspended');
CREATE TABLE expiring_citizens (
    account_id TEXT PRIMARY KEY,
    citizen TEXT NOT NULL
) WITHOUT ROWID;

-- audit trail: one row per event across all citizens; position is the notification id.
CREATE TABLE audit_trail (
    position INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    event TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    right_code TEXT,
    amount INTEGER,
    lot TEXT,
    source TEXT,
    reference TEXT,
    batch TEXT,
    line INTEGER,
    detail TEXT
);
CREATE INDEX audit_trail_by_date ON audit_trail (effective_on);
CREATE INDEX audit_trail_by_event ON audit_trail (event, effective_on);
CREATE INDEX audit_trail_by_right ON audit_trail (right_code, effective_on);
CREATE INDEX audit_trail_by_source ON audit_trail (source, effective_on);
CREATE INDEX audit_trail_by_batch ON audit_trail (batch, line);

-- take-up: each citizen's current facts, and per citizen, right type and school year
-- what was granted, used, expired and forfeited, in the group (status, age band) the
-- citizen was in at their first entry of that year.
CREATE TABLE takeup_citizens (
    account_id TEXT PRIMARY KEY,
    education TEXT NOT NULL,
    birth_year INTEGER,
    status TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE takeup_facts (
    account_id TEXT NOT NULL,
    right_code TEXT NOT NULL,
    period TEXT NOT NULL,
    education TEXT NOT NULL,
    status TEXT NOT NULL,
    age_band TEXT NOT NULL,
    granted INTEGER NOT NULL,
    used INTEGER NOT NULL,
    expired INTEGER NOT NULL,
    forfeited INTEGER NOT NULL,
    PRIMARY KEY (account_id, right_code, period)
) WITHOUT ROWID;
CREATE INDEX takeup_facts_by_period ON takeup_facts (period, right_code);

-- sources: what each source granted and reported used, per batch and right type.
CREATE TABLE source_totals (
    source TEXT NOT NULL,
    batch TEXT NOT NULL,
    right_code TEXT NOT NULL,
    grants INTEGER NOT NULL,
    granted INTEGER NOT NULL,
    uses INTEGER NOT NULL,
    used INTEGER NOT NULL,
    reversed_granted INTEGER NOT NULL,
    reversed_used INTEGER NOT NULL,
    PRIMARY KEY (source, batch, right_code)
) WITHOUT ROWID;
