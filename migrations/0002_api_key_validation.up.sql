-- 0002 API key validation: quotas, idempotent creation, rotation with a grace period,
-- and per-minute rate-limit windows shared by every server.

ALTER TABLE api_keys
    ADD COLUMN remaining_uses bigint,
    ADD COLUMN create_request_id text,
    ADD CONSTRAINT api_keys_remaining_uses_non_negative
        CHECK (remaining_uses IS NULL OR remaining_uses >= 0),
    ADD CONSTRAINT api_keys_create_request_id_length
        CHECK (create_request_id IS NULL OR length(create_request_id) BETWEEN 1 AND 128);
CREATE UNIQUE INDEX api_keys_create_request_id_key ON api_keys (create_request_id);

-- Hashes of keys replaced by RotateAPIKey: they keep working until valid_until.
CREATE TABLE api_key_retired_hashes (
    key_hash    bytea       PRIMARY KEY,
    api_key_id  uuid        NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    valid_until timestamptz NOT NULL,
    retired_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT api_key_retired_hashes_sha256 CHECK (octet_length(key_hash) = 32)
);
CREATE INDEX api_key_retired_hashes_api_key_id_idx ON api_key_retired_hashes (api_key_id);

-- Fixed one-minute windows of validations per key. UNLOGGED: a crash may forget the
-- current minute's counts (keys get a fresh window), which is cheaper than WAL-logging
-- every validation; replicas do not have it, and nothing reads it there.
CREATE UNLOGGED TABLE api_key_rate_windows (
    api_key_id   uuid        NOT NULL,
    window_start timestamptz NOT NULL,
    count        integer     NOT NULL,
    PRIMARY KEY (api_key_id, window_start)
);
