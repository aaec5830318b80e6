-- 0010 cache: the shared TTL cache of CacheService (key -> bytes, an expiry, tags).
--
-- UNLOGGED, on purpose: a cache may lose its contents, and skipping the write-ahead log
-- makes every set cheaper (no WAL record, no full-page images, nothing for replicas to
-- replay). The consequences, documented in cache.proto and the README:
--   * after a crash of the primary (not a clean shutdown) PostgreSQL empties the table;
--   * the table is not replicated: a hot standby cannot read it at all ("cannot access
--     temporary or unlogged relations during recovery"), so every cache call goes to the
--     primary, and a promoted replica starts with an empty cache.
CREATE UNLOGGED TABLE cache_entries (
    key text PRIMARY KEY CHECK (octet_length(key) BETWEEN 1 AND 512),
    value bytea NOT NULL,
    tags text[] NOT NULL DEFAULT '{}',
    -- Computed by the database's clock (now() + ttl) when the entry is set; a read
    -- filters expires_at > now(), so an entry read after it is a miss.
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- Tag invalidation: tags && ARRAY[...] is answered by this index.
CREATE INDEX cache_entries_tags ON cache_entries USING gin (tags);
-- The sweep of expired entries walks this index, oldest expiry first.
CREATE INDEX cache_entries_expires_at ON cache_entries (expires_at);
