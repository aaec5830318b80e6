-- 0007 callers and audit. Bearer credentials of callers without client certificates
-- (only the token's SHA-256 and first 8 characters), and the audit trail of calls that
-- return secrets or change a credential: append-only, in daily partitions created
-- through create_daily_partition() (0006) and dropped by `dataaccess cleanup`.

CREATE TABLE callers (
    name         text        PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_-]{0,62}$'),
    role         text        NOT NULL CHECK (role ~ '^[a-z][a-z0-9_-]{0,62}$'),
    token_hash   bytea       NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    token_prefix text        NOT NULL CHECK (length(token_prefix) = 8),
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);

CREATE TABLE audit_events (
    event_time  timestamptz NOT NULL,
    event_id    uuid        NOT NULL,
    caller      text        NOT NULL,
    method      text        NOT NULL,
    resource_id text        NOT NULL,
    outcome     text        NOT NULL,
    peer        text        NOT NULL,
    PRIMARY KEY (event_time, event_id)
) PARTITION BY RANGE (event_time);

CREATE INDEX audit_events_caller_time_idx ON audit_events (caller, event_time);
CREATE INDEX audit_events_resource_time_idx ON audit_events (resource_id, event_time);
