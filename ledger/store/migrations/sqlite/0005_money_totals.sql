-- Money of the bookings: euro cents purchased, redeemed and refunded (own and public share)
-- per right, provider and calendar quarter; the counts say how many of a row's money events
-- did not know a share (their cents are not in the sums).
CREATE TABLE money_totals (
    right_code TEXT NOT NULL,
    provider TEXT NOT NULL,
    period TEXT NOT NULL,
    purchased_own INTEGER NOT NULL,
    purchased_public INTEGER NOT NULL,
    redeemed_own INTEGER NOT NULL,
    redeemed_public INTEGER NOT NULL,
    refunded_own INTEGER NOT NULL,
    refunded_public INTEGER NOT NULL,
    own_unknown INTEGER NOT NULL,
    public_unknown INTEGER NOT NULL,
    PRIMARY KEY (right_code, provider, period)
) WITHOUT ROWID;
-- The provider of each reservation: the events that close one name only its reference.
CREATE TABLE money_bookings (
    account_id TEXT NOT NULL,
    reservation TEXT NOT NULL,
    provider TEXT NOT NULL,
    PRIMARY KEY (account_id, reservation)
) WITHOUT ROWID;
