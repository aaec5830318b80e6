-- 0014 weekly usage rollups, so a 30-day usage query sums about four weeks and at most
-- six edge days instead of thirty days (db/usage_analytics.py):
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
-- Upgrading: stop the servers (or their usage writes) before applying it: servers
-- built before 0014 do not write the weekly rows. The backfill below covers the rest.

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
CREATE FUNCTION usage_week(day date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN day - (extract(isodow FROM day)::integer - 1);

-- The rollup rows of `days` and of the weeks that hold them, recomputed from
-- usage_stats (the backfill, and a delete).
CREATE OR REPLACE FUNCTION usage_rollups_rebuild(days date[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    weeks date[] := ARRAY(SELECT DISTINCT usage_week(d) FROM unnest(days) AS d);
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
    GROUP BY 1, 2, 3, 4;
    INSERT INTO usage_auth_daily
    SELECT usage_date, n.auth_number, sum(request_count), sum(total_tokens)
    FROM usage_stats JOIN usage_auth_numbers n USING (auth_id)
    WHERE usage_date = ANY(days)
    GROUP BY 1, 2;
    -- The weeks from the daily rows just made exact (and the untouched days beside them).
    DELETE FROM usage_weekly_chunks WHERE week = ANY(weeks);
    DELETE FROM usage_auth_weekly WHERE week = ANY(weeks);
    INSERT INTO usage_weekly_chunks
    SELECT usage_week(usage_date), provider, model, chunk, sum(request_count),
        sum(input_tokens), sum(output_tokens), sum(reasoning_tokens), sum(cached_tokens),
        sum(total_tokens), sum(success_count), sum(error_count), bit_or(auths)
    FROM usage_daily_chunks
    WHERE usage_week(usage_date) = ANY(weeks)
        AND usage_date BETWEEN (SELECT min(w) FROM unnest(weeks) w)
            AND (SELECT max(w) + 6 FROM unnest(weeks) w)
    GROUP BY 1, 2, 3, 4;
    INSERT INTO usage_auth_weekly
    SELECT usage_week(usage_date), auth_number, sum(request_count), sum(total_tokens)
    FROM usage_auth_daily
    WHERE usage_week(usage_date) = ANY(weeks)
        AND usage_date BETWEEN (SELECT min(w) FROM unnest(weeks) w)
            AND (SELECT max(w) + 6 FROM unnest(weeks) w)
    GROUP BY 1, 2;
END
$$;

SELECT usage_rollups_rebuild(ARRAY(SELECT DISTINCT usage_date FROM usage_stats));
