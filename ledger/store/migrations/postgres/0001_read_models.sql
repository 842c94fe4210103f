-- Read models of the projections (ledger/projections/), beside the event tables the
-- eventsourcing library creates itself (ledger_events, ledger_snapshots).
-- Keep index and constraint names short: a rebuild adds "_next" to them (63-byte limit).

-- Where each projection has got to in the notification log: written in the same
-- transaction as the projection's own rows, so every event counts exactly once.
CREATE TABLE projection_positions (
    name text PRIMARY KEY,
    position bigint NOT NULL,
    updated_at timestamptz NOT NULL
);

-- balances: every lot of every citizen, with what is left of it.
CREATE TABLE balance_lots (
    account_id uuid NOT NULL,
    lot text NOT NULL,
    right_code text NOT NULL,
    source text NOT NULL,
    amount bigint NOT NULL,
    remaining bigint NOT NULL,
    state text NOT NULL,
    valid_from date NOT NULL,
    expires_on date,
    CONSTRAINT balance_lots_pkey PRIMARY KEY (account_id, lot)
);

-- expiring: the lots that have an expiry date, and who holds them (masked INSZ).
CREATE TABLE expiring_lots (
    account_id uuid NOT NULL,
    lot text NOT NULL,
    right_code text NOT NULL,
    source text NOT NULL,
    amount bigint NOT NULL,
    remaining bigint NOT NULL,
    state text NOT NULL,
    valid_from date NOT NULL,
    expires_on date NOT NULL,
    CONSTRAINT expiring_lots_pkey PRIMARY KEY (account_id, lot)
);
CREATE INDEX expiring_lots_open_by_date ON expiring_lots (expires_on)
    WHERE remaining > 0 AND state IN ('usable', 'suspended');
CREATE TABLE expiring_citizens (
    account_id uuid NOT NULL,
    citizen text NOT NULL,
    CONSTRAINT expiring_citizens_pkey PRIMARY KEY (account_id)
);

-- audit trail: one row per event across all citizens; position is the notification id.
CREATE TABLE audit_trail (
    position bigint NOT NULL,
    account_id uuid NOT NULL,
    version bigint NOT NULL,
    event text NOT NULL,
    effective_on date NOT NULL,
    recorded_at timestamptz NOT NULL,
    actor text NOT NULL,
    right_code text,
    amount bigint,
    lot text,
    source text,
    reference text,
    batch text,
    line integer,
    detail text,
    CONSTRAINT audit_trail_pkey PRIMARY KEY (position)
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
    account_id uuid NOT NULL,
    education text NOT NULL,
    birth_year integer,
    status text NOT NULL,
    CONSTRAINT takeup_citizens_pkey PRIMARY KEY (account_id)
);
CREATE TABLE takeup_facts (
    account_id uuid NOT NULL,
    right_code text NOT NULL,
    period text NOT NULL,
    education text NOT NULL,
    status text NOT NULL,
    age_band text NOT NULL,
    granted bigint NOT NULL,
    used bigint NOT NULL,
    expired bigint NOT NULL,
    forfeited bigint NOT NULL,
    CONSTRAINT takeup_facts_pkey PRIMARY KEY (account_id, right_code, period)
);
CREATE INDEX takeup_facts_by_period ON takeup_facts (period, right_code);

-- sources: what each source granted and reported used, per batch and right type.
CREATE TABLE source_totals (
    source text NOT NULL,
    batch text NOT NULL,
    right_code text NOT NULL,
    grants bigint NOT NULL,
    granted bigint NOT NULL,
    uses bigint NOT NULL,
    used bigint NOT NULL,
    reversed_granted bigint NOT NULL,
    reversed_used bigint NOT NULL,
    CONSTRAINT source_totals_pkey PRIMARY KEY (source, batch, right_code)
);
