-- Reverts 0003 usage idempotency.
ALTER TABLE usage_applied_requests
    DROP COLUMN keys_updated,
    DROP COLUMN records_received,
    DROP COLUMN fingerprint;
