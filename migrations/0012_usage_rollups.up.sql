-- 0012 usage rollups, so the usage analytics cost what a range's days and groups hold,
-- not its usage rows (one per day, provider, model and auth):
--
-- * usage_auth_numbers interns every auth id as a small integer (from 0, no gaps);
-- * usage_daily_chunks: per day x provider x model x chunk (256 consecutive auth
--   numbers), the counters' sums and the set of the chunk's auths with usage as a
--   256-bit bitmap: exact distinct auths over a range are the population count of the
--   bitmaps OR-ed per chunk (bit_or, bit_count), and the counters are plain sums;
-- * usage_auth_daily: per day x auth, the requests and total tokens over every
--   provider and model: the top auths of a range sum one row per day and auth.
--
-- Triggers on usage_stats keep them in the statement that writes the counters (the
-- statement-level transition tables: one set-based write per batch, not one per row),
-- so they are exact at every commit and need no change to the writers. Rows are
-- written in key order, as the counters are: concurrent batches cannot deadlock. A
-- chunk row is shared by 256 auths of one day and model, so contention stays local.
-- usage_stats is never pruned (retention keeps every counter); a DELETE recomputes the
-- rollup rows it touched from what remains.
--
-- Upgrading: apply it with the servers running; the backfill below runs in this
-- migration's transaction, after which the triggers cover every write.

CREATE TABLE usage_auth_numbers (
    auth_id     text    PRIMARY KEY,
    auth_number integer NOT NULL UNIQUE
);

CREATE TABLE usage_daily_chunks (
    usage_date       date     NOT NULL,
    provider         text     NOT NULL,
    model            text     NOT NULL,
    chunk            integer  NOT NULL,
    request_count    bigint   NOT NULL,
    input_tokens     bigint   NOT NULL,
    output_tokens    bigint   NOT NULL,
    reasoning_tokens bigint   NOT NULL,
    cached_tokens    bigint   NOT NULL,
    total_tokens     bigint   NOT NULL,
    success_count    bigint   NOT NULL,
    error_count      bigint   NOT NULL,
    auths            bit(256) NOT NULL,
    PRIMARY KEY (usage_date, provider, model, chunk)
);

CREATE TABLE usage_auth_daily (
    usage_date    date    NOT NULL,
    auth_number   integer NOT NULL,
    request_count bigint  NOT NULL,
    total_tokens  bigint  NOT NULL,
    PRIMARY KEY (usage_date, auth_number)
);

-- Adds to both rollups what a statement changed in usage_stats: `after` holds the rows
-- it wrote, `before` the same keys' rows before it (none for an insert). New auth ids
-- are numbered first, in auth id order, under a transaction lock, so numbers have no
-- gaps (a sequence would skip one per conflict); the lock is taken only by a statement
-- that brings an auth never seen before. Then each rollup row takes the sum of its
-- rows' changes, and its chunk's set the auths of the rows new to it.
CREATE FUNCTION usage_rollups_apply(after usage_stats[], before usage_stats[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT FROM unnest(after) a
        WHERE NOT EXISTS (SELECT FROM usage_auth_numbers n WHERE n.auth_id = a.auth_id)
    ) THEN
        PERFORM pg_advisory_xact_lock(hashtext('usage_auth_numbers'));
        INSERT INTO usage_auth_numbers (auth_id, auth_number)
        SELECT auth_id, (SELECT coalesce(max(auth_number) + 1, 0) FROM usage_auth_numbers)
            + row_number() OVER (ORDER BY auth_id) - 1
        FROM (SELECT DISTINCT auth_id FROM unnest(after)) fresh
        WHERE NOT EXISTS (SELECT FROM usage_auth_numbers n WHERE n.auth_id = fresh.auth_id);
    END IF;
    INSERT INTO usage_daily_chunks AS r
    SELECT a.usage_date, a.provider, a.model, n.auth_number >> 8,
        sum(a.request_count - coalesce(b.request_count, 0)),
        sum(a.input_tokens - coalesce(b.input_tokens, 0)),
        sum(a.output_tokens - coalesce(b.output_tokens, 0)),
        sum(a.reasoning_tokens - coalesce(b.reasoning_tokens, 0)),
        sum(a.cached_tokens - coalesce(b.cached_tokens, 0)),
        sum(a.total_tokens - coalesce(b.total_tokens, 0)),
        sum(a.success_count - coalesce(b.success_count, 0)),
        sum(a.error_count - coalesce(b.error_count, 0)),
        bit_or(CASE WHEN b.auth_id IS NULL
                    THEN set_bit(B'0'::bit(256), n.auth_number & 255, 1)
                    ELSE B'0'::bit(256) END)
    FROM unnest(after) a JOIN usage_auth_numbers n USING (auth_id)
    LEFT JOIN unnest(before) b USING (usage_date, provider, model, auth_id)
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (usage_date, provider, model, chunk) DO UPDATE SET
        request_count = r.request_count + excluded.request_count,
        input_tokens = r.input_tokens + excluded.input_tokens,
        output_tokens = r.output_tokens + excluded.output_tokens,
        reasoning_tokens = r.reasoning_tokens + excluded.reasoning_tokens,
        cached_tokens = r.cached_tokens + excluded.cached_tokens,
        total_tokens = r.total_tokens + excluded.total_tokens,
        success_count = r.success_count + excluded.success_count,
        error_count = r.error_count + excluded.error_count,
        auths = r.auths | excluded.auths;
    INSERT INTO usage_auth_daily AS r
    SELECT a.usage_date, n.auth_number,
        sum(a.request_count - coalesce(b.request_count, 0)),
        sum(a.total_tokens - coalesce(b.total_tokens, 0))
    FROM unnest(after) a JOIN usage_auth_numbers n USING (auth_id)
    LEFT JOIN unnest(before) b USING (usage_date, provider, model, auth_id)
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (usage_date, auth_number) DO UPDATE SET
        request_count = r.request_count + excluded.request_count,
        total_tokens = r.total_tokens + excluded.total_tokens;
END
$$;

-- Transition tables allow one event per trigger: one trigger for inserts, one for
-- updates. An INSERT ... ON CONFLICT DO UPDATE fires both (the update's first, then
-- the insert's), each with its own rows; applying them in two passes would lock
-- rollup rows in two sorted runs, and two such statements could deadlock. So a
-- statement that inserts is flagged before it runs (a transaction-local setting); its
-- update trigger only keeps its rows (in the setting, as text), and its insert trigger
-- applies both in one pass. A plain UPDATE applies its rows at once.
CREATE FUNCTION usage_rollups_inserting() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('dataaccess.usage_rollups_inserting', 'on', true);
    RETURN NULL;
END
$$;
CREATE FUNCTION usage_rollups_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('dataaccess.usage_rollups_inserting', true) = 'on' THEN
        PERFORM set_config('dataaccess.usage_rollups_after',
            ARRAY(SELECT a::usage_stats FROM after a)::text, true);
        PERFORM set_config('dataaccess.usage_rollups_before',
            ARRAY(SELECT b::usage_stats FROM before b)::text, true);
    ELSE
        PERFORM usage_rollups_apply(
            ARRAY(SELECT a::usage_stats FROM after a), ARRAY(SELECT b::usage_stats FROM before b));
    END IF;
    RETURN NULL;
END
$$;
CREATE FUNCTION usage_rollups_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    updated_after usage_stats[] := coalesce(
        nullif(current_setting('dataaccess.usage_rollups_after', true), '')::usage_stats[], '{}');
    updated_before usage_stats[] := coalesce(
        nullif(current_setting('dataaccess.usage_rollups_before', true), '')::usage_stats[], '{}');
BEGIN
    PERFORM set_config('dataaccess.usage_rollups_inserting', '', true);
    PERFORM set_config('dataaccess.usage_rollups_after', '', true);
    PERFORM set_config('dataaccess.usage_rollups_before', '', true);
    PERFORM usage_rollups_apply(
        ARRAY(SELECT a::usage_stats FROM after a) || updated_after, updated_before);
    RETURN NULL;
END
$$;
-- A delete (no code path deletes counters today) recomputes the rollup rows of the
-- days it touched from the counters that remain: rare, and exact.
CREATE FUNCTION usage_rollups_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM usage_rollups_rebuild(ARRAY(SELECT DISTINCT usage_date FROM before));
    RETURN NULL;
END
$$;
CREATE FUNCTION usage_rollups_rebuild(days date[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM usage_daily_chunks WHERE usage_date = ANY(days);
    DELETE FROM usage_auth_daily WHERE usage_date = ANY(days);
    PERFORM usage_rollups_apply(
        ARRAY(SELECT u FROM usage_stats u WHERE usage_date = ANY(days)), '{}'::usage_stats[]);
END
$$;

CREATE TRIGGER usage_rollups_inserting BEFORE INSERT ON usage_stats
    FOR EACH STATEMENT EXECUTE FUNCTION usage_rollups_inserting();
CREATE TRIGGER usage_rollups_inserted AFTER INSERT ON usage_stats
    REFERENCING NEW TABLE AS after
    FOR EACH STATEMENT EXECUTE FUNCTION usage_rollups_inserted();
CREATE TRIGGER usage_rollups_updated AFTER UPDATE ON usage_stats
    REFERENCING OLD TABLE AS before NEW TABLE AS after
    FOR EACH STATEMENT EXECUTE FUNCTION usage_rollups_updated();
CREATE TRIGGER usage_rollups_deleted AFTER DELETE ON usage_stats
    REFERENCING OLD TABLE AS before
    FOR EACH STATEMENT EXECUTE FUNCTION usage_rollups_deleted();

-- The backfill, after the triggers exist: creating them locked out writers until this
-- transaction commits, so nothing is counted twice or missed.
INSERT INTO usage_auth_numbers (auth_id, auth_number)
SELECT auth_id, row_number() OVER (ORDER BY auth_id) - 1
FROM (SELECT DISTINCT auth_id FROM usage_stats) auths;
INSERT INTO usage_daily_chunks
SELECT usage_date, provider, model, n.auth_number >> 8, sum(request_count), sum(input_tokens),
    sum(output_tokens), sum(reasoning_tokens), sum(cached_tokens), sum(total_tokens),
    sum(success_count), sum(error_count),
    bit_or(set_bit(B'0'::bit(256), n.auth_number & 255, 1))
FROM usage_stats JOIN usage_auth_numbers n USING (auth_id)
GROUP BY 1, 2, 3, 4;
INSERT INTO usage_auth_daily
SELECT usage_date, n.auth_number, sum(request_count), sum(total_tokens)
FROM usage_stats JOIN usage_auth_numbers n USING (auth_id)
GROUP BY 1, 2;
