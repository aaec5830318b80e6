-- 0004 request-log rollups, maintained at ingest in the same statement as the logs, so
-- analytics never scans raw logs: per hour x provider x model, counters and latency sum;
-- and a latency histogram with buckets growing by 10% (bucket b holds latencies in
-- (1.1^(b-1), 1.1^b] ms; bucket 0 holds up to 1 ms).

CREATE TABLE request_log_hourly (
    hour           timestamptz NOT NULL,
    provider       text        NOT NULL,
    model          text        NOT NULL,
    requests       bigint      NOT NULL,
    errors         bigint      NOT NULL,
    input_tokens   bigint      NOT NULL,
    output_tokens  bigint      NOT NULL,
    latency_ms_sum bigint      NOT NULL,
    PRIMARY KEY (hour, provider, model)
);

CREATE TABLE request_log_latency_hourly (
    hour     timestamptz NOT NULL,
    provider text        NOT NULL,
    model    text        NOT NULL,
    bucket   smallint    NOT NULL,
    count    bigint      NOT NULL,
    PRIMARY KEY (hour, provider, model, bucket)
);

-- Newest-first listing per auth and overall.
CREATE INDEX request_logs_time_idx ON request_logs (request_time DESC, request_id DESC);
