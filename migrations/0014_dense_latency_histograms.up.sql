-- 0014 dense latency histograms: one row per (hour, day or week) x provider x model
-- with the counts of all 227 latency buckets, instead of one row per occupied bucket.
--
-- A percentile read (db/analytics.py) sums its pieces' rows element by element: its cost
-- follows the pieces' rows (hours, days and weeks x pairs), no longer how many buckets
-- the logs happen to occupy (a few at 10 k logs, ~100 per hour and pair at 30 M). The
-- buckets are bounded: latency_ms <= 2^31-1 (domain/log_checks.py, an int4 column), and
-- bucket b = ceil(ln(ms) / ln 1.1) (0 for <= 1 ms) <= 226, so counts[b + 1] is bucket b.
-- The CHECK keeps every array exactly 227 counts without NULLs: a bucket out of range
-- fails the writing statement instead of widening an array.
--
-- counts is STORAGE PLAIN: a row (~1.9 kB) is then never compressed nor moved out of
-- line, so reading counts[i] never detoasts (provider and model, if ever very long, are
-- the columns moved instead).
--
-- The rollup fold (db/rollup_fold.py FOLD_DELTAS) upserts one dense row per key it
-- touches (latency_counts builds it from the chunk's sparse deltas, latency_counts_add
-- adds it to the stored one). The sparse names stay as read-only views over the dense
-- rows (request_log_latency_{hourly,daily,weekly}, and their *_all views with the
-- unfolded deltas), for operators and checks that read histograms as (bucket, count).
--
-- Upgrading: stop the servers (their rollup fold) before applying it: servers built
-- before 0014 fold into the sparse tables, which this drops.

CREATE FUNCTION latency_counts(buckets smallint[], counts bigint[]) RETURNS bigint[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    result bigint[] := array_fill(0::bigint, ARRAY[227]);
BEGIN
    FOR i IN 1 .. coalesce(cardinality(buckets), 0) LOOP
        -- Out of 0..226: a NULL lands outside the array, and the table's CHECK refuses
        -- it; a NULL bucket is an error here.
        result[buckets[i] + 1] := result[buckets[i] + 1] + counts[i];
    END LOOP;
    RETURN result;
END
$$;

-- Element-wise sum of two histograms (of different lengths: NULLs, refused by the CHECK).
CREATE FUNCTION latency_counts_add(a bigint[], b bigint[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ARRAY(SELECT x + y FROM unnest(a, b) WITH ORDINALITY AS t(x, y, n) ORDER BY n);

CREATE TABLE request_log_histogram_hourly (
    hour     timestamptz NOT NULL,
    provider text        NOT NULL,
    model    text        NOT NULL,
    counts   bigint[]    NOT NULL CHECK (
        array_ndims(counts) = 1 AND array_lower(counts, 1) = 1
        AND cardinality(counts) = 227 AND array_position(counts, NULL) IS NULL),
    PRIMARY KEY (hour, provider, model)
);
CREATE TABLE request_log_histogram_daily (
    day      date     NOT NULL,
    provider text     NOT NULL,
    model    text     NOT NULL,
    counts   bigint[] NOT NULL CHECK (
        array_ndims(counts) = 1 AND array_lower(counts, 1) = 1
        AND cardinality(counts) = 227 AND array_position(counts, NULL) IS NULL),
    PRIMARY KEY (day, provider, model)
);
CREATE TABLE request_log_histogram_weekly (
    week     date     NOT NULL CHECK (extract(isodow FROM week) = 1),
    provider text     NOT NULL,
    model    text     NOT NULL,
    counts   bigint[] NOT NULL CHECK (
        array_ndims(counts) = 1 AND array_lower(counts, 1) = 1
        AND cardinality(counts) = 227 AND array_position(counts, NULL) IS NULL),
    PRIMARY KEY (week, provider, model)
);
ALTER TABLE request_log_histogram_hourly ALTER COLUMN counts SET STORAGE PLAIN;
ALTER TABLE request_log_histogram_daily ALTER COLUMN counts SET STORAGE PLAIN;
ALTER TABLE request_log_histogram_weekly ALTER COLUMN counts SET STORAGE PLAIN;

-- Exact copies of the sparse rows, in key order (as the fold writes them).
INSERT INTO request_log_histogram_hourly (hour, provider, model, counts)
SELECT hour, provider, model, latency_counts(array_agg(bucket), array_agg(count))
FROM request_log_latency_hourly GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
INSERT INTO request_log_histogram_daily (day, provider, model, counts)
SELECT day, provider, model, latency_counts(array_agg(bucket), array_agg(count))
FROM request_log_latency_daily GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
INSERT INTO request_log_histogram_weekly (week, provider, model, counts)
SELECT week, provider, model, latency_counts(array_agg(bucket), array_agg(count))
FROM request_log_latency_weekly GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;

DROP VIEW request_log_latency_hourly_all;
DROP VIEW request_log_latency_daily_all;
DROP VIEW request_log_latency_weekly_all;
DROP TABLE request_log_latency_hourly;
DROP TABLE request_log_latency_daily;
DROP TABLE request_log_latency_weekly;

-- The sparse shape, read-only: each nonzero bucket of each dense row.
CREATE VIEW request_log_latency_hourly AS
SELECT hour, provider, model, (n - 1)::smallint AS bucket, count
FROM request_log_histogram_hourly, unnest(counts) WITH ORDINALITY AS c(count, n)
WHERE count <> 0;
CREATE VIEW request_log_latency_daily AS
SELECT day, provider, model, (n - 1)::smallint AS bucket, count
FROM request_log_histogram_daily, unnest(counts) WITH ORDINALITY AS c(count, n)
WHERE count <> 0;
CREATE VIEW request_log_latency_weekly AS
SELECT week, provider, model, (n - 1)::smallint AS bucket, count
FROM request_log_histogram_weekly, unnest(counts) WITH ORDINALITY AS c(count, n)
WHERE count <> 0;

CREATE VIEW request_log_latency_hourly_all AS
SELECT hour, provider, model, bucket, count FROM request_log_latency_hourly
UNION ALL
SELECT hour, provider, model, bucket, requests FROM request_log_delta;
CREATE VIEW request_log_latency_daily_all AS
SELECT day, provider, model, bucket, count FROM request_log_latency_daily
UNION ALL
SELECT (hour AT TIME ZONE 'UTC')::date, provider, model, bucket, requests
FROM request_log_delta;
CREATE VIEW request_log_latency_weekly_all AS
SELECT week, provider, model, bucket, count FROM request_log_latency_weekly
UNION ALL
SELECT week_of((hour AT TIME ZONE 'UTC')::date), provider, model, bucket, requests
FROM request_log_delta;
