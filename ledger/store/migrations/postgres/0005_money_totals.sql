-- Money of the bookings: euro cents purchased, redeemed and refunded (own and public share)
-- per right, provider and calendar quarter; the counts say how many of a row's money events
-- did not know a share (their cents are not in the sums).
CREATE TABLE money_totals (
    right_code text NOT NULL,
    provider text NOT NULL,
    period text NOT NULL,
    purchased_own bigint NOT NULL,
    purchased_public bigint NOT NULL,
    redeemed_own bigint NOT NULL,
    redeemed_public bigint NOT NULL,
    refunded_own bigint NOT NULL,
    refunded_public bigint NOT NULL,
    own_unknown bigint NOT NULL,
    public_unknown bigint NOT NULL,
    CONSTRAINT money_totals_pkey PRIMARY KEY (right_code, provider, period)
);
-- The provider of each reservation: the events that close one name only its reference.
CREATE TABLE money_bookings (
    account_id uuid NOT NULL,
    reservation text NOT NULL,
    provider text NOT NULL,
    CONSTRAINT money_bookings_pkey PRIMARY KEY (account_id, reservation)
);
