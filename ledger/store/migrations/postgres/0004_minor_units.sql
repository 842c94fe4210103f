-- Issue 11: amounts are kept in minor units (hours and days in hundredths); events written
-- before hold whole hours and days and are read as hundredths. Read models projected from
-- those events hold whole units: their rows and positions are reset, so the next catch-up
-- projects every event again, in minor units. (Career and review events also get rows of
-- their own in the audit trail this way.)
DELETE FROM balance_lots;
DELETE FROM expiring_citizens;
DELETE FROM audit_trail;
DELETE FROM takeup_citizens;
DELETE FROM takeup_facts;
DELETE FROM source_totals;
DELETE FROM projection_positions;
