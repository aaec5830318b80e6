-- 0001 initial schema: the tables of DESIGN.md §5 as far as they are settled.
-- Names are unqualified: the migration runner sets search_path to DB_SCHEMA.
-- Later migrations add what each capability needs (rotation, quotas, rollups, ...).

-- OAuth tokens of upstream providers. One live row per (provider, user_id).
-- Secrets are stored only as AES-256-GCM ciphertexts; encryption_key_id names the
-- key they were sealed with, so key rotation can find rows still under an old key.
CREATE TABLE oauth_tokens (
    id                       uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    provider                 text        NOT NULL,
    user_id                  text        NOT NULL,
    email                    text,
    access_token_ciphertext  bytea       NOT NULL,
    refresh_token_ciphertext bytea,
    encryption_key_id        text        NOT NULL,
    token_type               text        NOT NULL DEFAULT 'Bearer',
    expiry_time              timestamptz,
    scopes                   text[]      NOT NULL DEFAULT '{}',
    metadata                 jsonb       NOT NULL DEFAULT '{}',
    active                   boolean     NOT NULL DEFAULT true,
    version                  bigint      NOT NULL DEFAULT 1,
    last_used_at             timestamptz,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    deleted_at               timestamptz,
    CONSTRAINT oauth_tokens_provider_length CHECK (length(provider) BETWEEN 1 AND 64),
    CONSTRAINT oauth_tokens_user_id_length CHECK (length(user_id) BETWEEN 1 AND 256),
    CONSTRAINT oauth_tokens_version_positive CHECK (version > 0)
);
CREATE UNIQUE INDEX oauth_tokens_provider_user_id_key
    ON oauth_tokens (provider, user_id) WHERE deleted_at IS NULL;
CREATE INDEX oauth_tokens_expiry_time_idx
    ON oauth_tokens (expiry_time) WHERE deleted_at IS NULL AND active;
CREATE INDEX oauth_tokens_email_idx ON oauth_tokens (email) WHERE deleted_at IS NULL;
CREATE INDEX oauth_tokens_encryption_key_id_idx ON oauth_tokens (encryption_key_id);

-- API keys. Only the SHA-256 of the whole key and its first 8 characters are kept.
CREATE TABLE api_keys (
    id                    uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    key_hash              bytea       NOT NULL,
    key_prefix            text        NOT NULL,
    name                  text        NOT NULL DEFAULT '',
    description           text        NOT NULL DEFAULT '',
    owner_id              text        NOT NULL,
    rate_limit_per_minute integer,
    expire_time           timestamptz,
    revoked_at            timestamptz,
    last_used_at          timestamptz,
    metadata              jsonb       NOT NULL DEFAULT '{}',
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT api_keys_key_hash_sha256 CHECK (octet_length(key_hash) = 32),
    CONSTRAINT api_keys_key_prefix_length CHECK (length(key_prefix) = 8),
    CONSTRAINT api_keys_rate_limit_positive
        CHECK (rate_limit_per_minute IS NULL OR rate_limit_per_minute > 0)
);
CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys (key_hash);
CREATE INDEX api_keys_key_prefix_idx ON api_keys (key_prefix);
CREATE INDEX api_keys_owner_id_idx ON api_keys (owner_id);

-- Daily usage counters, incremented by upserts. total_tokens counts input, output and
-- reasoning tokens; cached tokens are a part of the input tokens and are not added.
CREATE TABLE usage_stats (
    usage_date       date        NOT NULL,
    provider         text        NOT NULL,
    model            text        NOT NULL,
    auth_id          text        NOT NULL,
    request_count    bigint      NOT NULL DEFAULT 0,
    input_tokens     bigint      NOT NULL DEFAULT 0,
    output_tokens    bigint      NOT NULL DEFAULT 0,
    reasoning_tokens bigint      NOT NULL DEFAULT 0,
    cached_tokens    bigint      NOT NULL DEFAULT 0,
    success_count    bigint      NOT NULL DEFAULT 0,
    error_count      bigint      NOT NULL DEFAULT 0,
    total_tokens     bigint      GENERATED ALWAYS AS
                                 (input_tokens + output_tokens + reasoning_tokens) STORED,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (usage_date, provider, model, auth_id),
    CONSTRAINT usage_stats_counters_non_negative CHECK (
        request_count >= 0 AND input_tokens >= 0 AND output_tokens >= 0
        AND reasoning_tokens >= 0 AND cached_tokens >= 0
        AND success_count >= 0 AND error_count >= 0
    )
);
CREATE INDEX usage_stats_auth_id_date_idx ON usage_stats (auth_id, usage_date);

-- Request ids of usage writes already applied: a retried write is counted once.
CREATE TABLE usage_applied_requests (
    request_id text        PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT usage_applied_requests_request_id_length
        CHECK (length(request_id) BETWEEN 1 AND 128)
);
CREATE INDEX usage_applied_requests_applied_at_idx ON usage_applied_requests (applied_at);

-- Request logs, partitioned by day on the request's own time. The key makes a
-- retried insert of the same request a no-op. Partitions are created ahead of time
-- by the ingest path; retention drops whole partitions.
CREATE TABLE request_logs (
    request_time  timestamptz NOT NULL,
    request_id    text        NOT NULL,
    provider      text        NOT NULL,
    model         text        NOT NULL DEFAULT '',
    auth_id       text        NOT NULL DEFAULT '',
    api_key_id    uuid,
    client_ip     inet,
    user_agent    text,
    method        text,
    path          text,
    status_code   integer     NOT NULL,
    latency_ms    integer     NOT NULL,
    input_tokens  bigint      NOT NULL DEFAULT 0,
    output_tokens bigint      NOT NULL DEFAULT 0,
    error_message text,
    PRIMARY KEY (request_time, request_id)
) PARTITION BY RANGE (request_time);
CREATE INDEX request_logs_auth_id_time_idx ON request_logs (auth_id, request_time);
