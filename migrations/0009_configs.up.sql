-- 0009 configs. Named YAML configurations in immutable versions numbered 1..n per name,
-- with one pointer row per name (config_heads) naming the active version: exactly one
-- active version per name by construction, switched by one guarded UPDATE. The head row
-- is also the lock that numbers versions without gaps, and the revision counts the
-- activations a watcher has seen.

CREATE TABLE config_heads (
    name             text        PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9._/-]{0,127}$'),
    latest_version   bigint      NOT NULL CHECK (latest_version >= 0),
    active_version   bigint,
    previous_version bigint,
    revision         bigint      NOT NULL DEFAULT 0 CHECK (revision >= 0),
    activated_at     timestamptz,
    activated_by     text,
    CHECK (active_version IS NULL OR active_version BETWEEN 1 AND latest_version),
    CHECK (previous_version IS NULL OR previous_version BETWEEN 1 AND latest_version)
);

CREATE TABLE configs (
    name       text        NOT NULL REFERENCES config_heads (name),
    version    bigint      NOT NULL CHECK (version >= 1),
    yaml       text        NOT NULL,
    sha256     bytea       NOT NULL CHECK (octet_length(sha256) = 32),
    size_bytes integer     NOT NULL CHECK (size_bytes >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text        NOT NULL,
    request_id text,
    PRIMARY KEY (name, version)
);

-- A retried CreateConfigVersion finds the version its first attempt made.
CREATE UNIQUE INDEX configs_name_request_id_idx ON configs (name, request_id)
    WHERE request_id IS NOT NULL;
