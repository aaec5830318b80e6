-- Reverts 0014 dense latency histograms: the sparse tables rebuilt exactly from the
-- dense rows (one row per nonzero bucket), the views of 0011 and 0013 over them again.
-- Stop the servers first (their fold writes the dense tables).
DROP VIEW request_log_latency_hourly_all;
DROP VIEW request_log_latency_daily_all;
DROP VIEW request_log_latency_weekly_all;
DROP VIEW request_log_latency_hourly;
DROP VIEW request_log_latency_daily;
DROP VIEW request_log_latency_weekly;

CREATE TABLE request_log_latency_hourly (
    hour     timestamptz NOT NULL,
    provider text        NOT NULL,
    model    text        NOT NULL,
    bucket   smallint    NOT NULL,
    count    bigint      NOT NULL,
    PRIMARY KEY (hour, provider, model, bucket)
);
CREATE TABLE request_log_latency_daily (
    day      date     NOT NULL,
    provider text     NOT NULL,
    model    text     NOT NULL,
    bucket   smallint NOT NULL,
    count    bigint   NOT NULL,
    PRIMARY KEY (day, provider, model, bucket)
);
CREATE TABLE request_log_latency_weekly (
    week     date     NOT NULL CHECK (extract(isodow FROM week) = 1),
    provider text     NOT NULL,
    model    text     NOT NULL,
    bucket   smallint NOT NULL,
    count    bigint   NOT NULL,
    PRIMARY KEY (week, provider, model, bucket)
);

INSERT INTO request_log_latency_hourly (hour, provider, model, bucket, count)
SELECT hour, provider, model, n - 1, count
FROM request_log_histogram_hourly, unnest(counts) WITH ORDINALITY AS c(count, n)
WHERE count <> 0 ORDER BY 1, 2, 3, 4;
INSERT INTO request_log_latency_daily (day, provider, model, bucket, count)
SELECT day, provider, model, n - 1, count
FROM request_log_histogram_daily, unnest(counts) WITH ORDINALITY AS c(count, n)
WHERE count <> 0 ORDER BY 1, 2, 3, 4;
INSERT INTO request_log_latency_weekly (week, provider, model, bucket, count)
SELECT week, provider, model, n - 1, count
FROM request_log_histogram_weekly, unnest(counts) WITH ORDINALITY AS c(count, n)
WHERE count <> 0 ORDER BY 1, 2, 3, 4;

DROP TABLE request_log_histogram_hourly;
DROP TABLE request_log_histogram_daily;
DROP TABLE request_log_histogram_weekly;
DROP FUNCTION latency_counts_add(bigint[], bigint[]);
DROP FUNCTION latency_counts(smallint[], bigint[]);

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
