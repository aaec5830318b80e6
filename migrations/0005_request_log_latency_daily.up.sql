-- 0005 a daily latency histogram beside the hourly one, maintained at ingest in the same
-- statement: latency percentiles over long ranges read a row per day and bucket for
-- whole days and hourly rows only for the partial days at the edges.
--
-- Upgrading: servers built before 0005 do not maintain this table. Stop them (or
-- their log ingestion) before applying it; the backfill below covers what they wrote.

CREATE TABLE request_log_latency_daily (
    day      date     NOT NULL,
    provider text     NOT NULL,
    model    text     NOT NULL,
    bucket   smallint NOT NULL,
    count    bigint   NOT NULL,
    PRIMARY KEY (day, provider, model, bucket)
);

INSERT INTO request_log_latency_daily (day, provider, model, bucket, count)
SELECT (hour AT TIME ZONE 'UTC')::date, provider, model, bucket, sum(count)
FROM request_log_latency_hourly
GROUP BY 1, 2, 3, 4;
