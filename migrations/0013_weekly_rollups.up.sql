-- 0013 weekly rollups, so a 30-day query sums about four weeks and the edge days
-- around them instead of thirty days.
--
-- Usage (db/usage_analytics.py):
--
-- * usage_weekly_chunks: per ISO week (its Monday) x provider x model x chunk of 256
--   auth numbers, the counters' sums and the set of the chunk's auths with usage in
--   the week (the bit_or of the week's daily bitmaps);
-- * usage_auth_weekly: per ISO week x auth, the requests and total tokens over every
--   provider and model (the sum of the week's usage_auth_daily rows).
--
-- A range is read as its whole weeks from these tables plus its edge days (before the
-- first whole week, after the last) from the daily ones: the pieces are disjoint and
-- cover the range, so sums add and bitmaps OR exactly.
--
-- The UpsertUsage statement (db/usage.py) writes them beside the daily rollups, so they
-- are exact at every commit. usage_rollups_rebuild (the backfill, and the delete
-- trigger of 0012) now also recomputes the weeks that hold the days it is given.
--
-- Request logs (db/analytics.py, domain/analytics.py histogram_pieces):
--
-- * request_log_latency_weekly: per ISO week x provider x model x latency bucket, the
--   count, beside the daily and hourly histograms; request_log_latency_weekly_all adds
--   the unfolded deltas (0011), as the other *_all views do. The rollup fold
--   (db/rollup_fold.py FOLD_DELTAS) adds a chunk's deltas to it in the statement that
--   adds them to the daily one. Percentiles read whole weeks from it, whole days
--   outside them from the daily histogram and partial days from the hourly one. Like
--   the other rollups, retention keeps it when it drops old log partitions.
--
-- Upgrading: stop the servers (their usage writes and their rollup fold) before applying
-- it: servers built before 0013 write neither weekly table. The backfills below cover
-- what they wrote.

CREATE TABLE usage_weekly_chunks (
    week             date     NOT NULL CHECK (extract(isodow FROM week) = 1),
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
    PRIMARY KEY (week, provider, model, chunk)
);

CREATE TABLE usage_auth_weekly (
    week          date    NOT NULL CHECK (extract(isodow FROM week) = 1),
    auth_number   integer NOT NULL,
    request_count bigint  NOT NULL,
    total_tokens  bigint  NOT NULL,
    PRIMARY KEY (week, auth_number)
);

-- The ISO week (its Monday) of a day: the key of the weekly rows.
CREATE FUNCTION week_of(day date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN day - (extract(isodow FROM day)::integer - 1);

-- The rollup rows of `days` and of the weeks that hold them, recomputed from
-- usage_stats (the backfill, and a delete). Written in key order, so that a day's (or a
-- week's) rows lie together as ingestion leaves them, not spread over the whole table
-- in hash order (which cost the top auths' ranking a heap page per row read).
CREATE OR REPLACE FUNCTION usage_rollups_rebuild(days date[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    weeks date[] := ARRAY(SELECT DISTINCT week_of(d) FROM unnest(days) AS d);
BEGIN
    INSERT INTO usage_auth_numbers (auth_id)
    SELECT DISTINCT auth_id FROM usage_stats u
    WHERE usage_date = ANY(days)
        AND NOT EXISTS (SELECT FROM usage_auth_numbers n WHERE n.auth_id = u.auth_id)
    ORDER BY 1
    ON CONFLICT (auth_id) DO NOTHING;
    DELETE FROM usage_daily_chunks WHERE usage_date = ANY(days);
    DELETE FROM usage_auth_daily WHERE usage_date = ANY(days);
    INSERT INTO usage_daily_chunks
    SELECT usage_date, provider, model, n.auth_number >> 8, sum(request_count),
        sum(input_tokens), sum(output_tokens), sum(reasoning_tokens), sum(cached_tokens),
        sum(total_tokens), sum(success_count), sum(error_count),
        bit_or(set_bit(B'0'::bit(256), n.auth_number & 255, 1))
    FROM usage_stats JOIN usage_auth_numbers n USING (auth_id)
    WHERE usage_date = ANY(days)
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;
    INSERT INTO usage_auth_daily
    SELECT usage_date, n.auth_number, sum(request_count), sum(total_tokens)
    FROM usage_stats JOIN usage_auth_numbers n USING (auth_id)
    WHERE usage_date = ANY(days)
    GROUP BY 1, 2 ORDER BY 1, 2;
    -- The weeks from the daily rows just made exact (and the untouched days beside them).
    DELETE FROM usage_weekly_chunks WHERE week = ANY(weeks);
    DELETE FROM usage_auth_weekly WHERE week = ANY(weeks);
    INSERT INTO usage_weekly_chunks
    SELECT week_of(usage_date), provider, model, chunk, sum(request_count),
        sum(input_tokens), sum(output_tokens), sum(reasoning_tokens), sum(cached_tokens),
        sum(total_tokens), sum(success_count), sum(error_count), bit_or(auths)
    FROM usage_daily_chunks
    WHERE week_of(usage_date) = ANY(weeks)
        AND usage_date BETWEEN (SELECT min(w) FROM unnest(weeks) w)
            AND (SELECT max(w) + 6 FROM unnest(weeks) w)
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;
    INSERT INTO usage_auth_weekly
    SELECT week_of(usage_date), auth_number, sum(request_count), sum(total_tokens)
    FROM usage_auth_daily
    WHERE week_of(usage_date) = ANY(weeks)
        AND usage_date BETWEEN (SELECT min(w) FROM unnest(weeks) w)
            AND (SELECT max(w) + 6 FROM unnest(weeks) w)
    GROUP BY 1, 2 ORDER BY 1, 2;
END
$$;

SELECT usage_rollups_rebuild(ARRAY(SELECT DISTINCT usage_date FROM usage_stats));

CREATE TABLE request_log_latency_weekly (
    week     date     NOT NULL CHECK (extract(isodow FROM week) = 1),
    provider text     NOT NULL,
    model    text     NOT NULL,
    bucket   smallint NOT NULL,
    count    bigint   NOT NULL,
    PRIMARY KEY (week, provider, model, bucket)
);

CREATE VIEW request_log_latency_weekly_all AS
SELECT week, provider, model, bucket, count FROM request_log_latency_weekly
UNION ALL
SELECT week_of((hour AT TIME ZONE 'UTC')::date), provider, model, bucket, requests
FROM request_log_delta;

-- The folded daily histogram, week by week (the deltas are in the view until folded).
INSERT INTO request_log_latency_weekly (week, provider, model, bucket, count)
SELECT week_of(day), provider, model, bucket, sum(count)
FROM request_log_latency_daily
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;
