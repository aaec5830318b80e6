-- 0011 request-log rollup deltas: ingestion stops updating shared rollup rows.
--
-- Until 0011 a batch upserted its sums into request_log_hourly,
-- request_log_latency_hourly and request_log_latency_daily in the statement that stored
-- its logs, so concurrent batches for the same hours waited on each other's rows
-- (Lock:transactionid). Now a batch only INSERTs its own rows here, one per
-- (hour, provider, model, latency bucket) it touched, in the same statement as its logs:
-- logs and rollups+deltas never disagree, and no batch ever waits on another's rows.
-- A background fold (db/request_logs.py FOLD_DELTAS, one process at a time under an
-- advisory lock) deletes delta rows and adds their sums to the rollups in one
-- transaction, so a fold that dies midway loses and double-counts nothing.
--
-- One delta table, not one per rollup: each rollup is a sum over these rows (hourly
-- counters over the buckets, the daily histogram over the hours of a day), so a batch
-- writes about one row per group instead of three.
--
-- Readers use the *_all views: each rollup UNION ALL its unfolded deltas. Every query
-- over them sums, so a group split between the two is counted once in total; a reader's
-- snapshot sees a fold's delete and its upsert together or neither.
--
-- Upgrading: servers built before 0011 keep upserting the rollups directly, which stays
-- correct beside new servers (both kinds of rows are summed).

CREATE TABLE request_log_delta (
    -- The ingesting transaction: rows of one batch share it (a batch's identity, to
    -- see what is pending; the fold does not need it, every row stands alone).
    batch_id       bigint      NOT NULL DEFAULT pg_current_xact_id()::text::bigint,
    hour           timestamptz NOT NULL,
    provider       text        NOT NULL,
    model          text        NOT NULL,
    bucket         smallint    NOT NULL,
    requests       bigint      NOT NULL,
    errors         bigint      NOT NULL,
    input_tokens   bigint      NOT NULL,
    output_tokens  bigint      NOT NULL,
    latency_ms_sum bigint      NOT NULL
);
-- No index: inserts stay as cheap as a COPY, the fold takes rows in heap order, and the
-- table holds only the last seconds of ingestion (scanned whole by analytics).

CREATE VIEW request_log_hourly_all AS
SELECT hour, provider, model, requests, errors, input_tokens, output_tokens, latency_ms_sum
FROM request_log_hourly
UNION ALL
SELECT hour, provider, model, requests, errors, input_tokens, output_tokens, latency_ms_sum
FROM request_log_delta;

CREATE VIEW request_log_latency_hourly_all AS
SELECT hour, provider, model, bucket, count FROM request_log_latency_hourly
UNION ALL
SELECT hour, provider, model, bucket, requests FROM request_log_delta;

CREATE VIEW request_log_latency_daily_all AS
SELECT day, provider, model, bucket, count FROM request_log_latency_daily
UNION ALL
SELECT (hour AT TIME ZONE 'UTC')::date, provider, model, bucket, requests
FROM request_log_delta;
