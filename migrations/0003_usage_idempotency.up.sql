-- 0003 usage idempotency: what an applied request_id answered, and which request it was.
-- A retry of the same request replays the answer; the same id on another request is
-- refused rather than silently dropped.
ALTER TABLE usage_applied_requests
    ADD COLUMN fingerprint text NOT NULL DEFAULT '',
    ADD COLUMN records_received bigint NOT NULL DEFAULT 0,
    ADD COLUMN keys_updated bigint NOT NULL DEFAULT 0;
ALTER TABLE usage_applied_requests
    ALTER COLUMN fingerprint DROP DEFAULT;
