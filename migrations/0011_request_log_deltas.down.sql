-- Reverts 0011 request-log rollup deltas: the unfolded deltas are folded into the
-- rollups first (so no count is lost), then the views and the table go. Stop 0011's
-- servers first: they write deltas that nothing would fold any more.
LOCK TABLE request_log_delta IN EXCLUSIVE MODE;

INSERT INTO request_log_hourly AS h (hour, provider, model, requests, errors,
    input_tokens, output_tokens, latency_ms_sum)
SELECT hour, provider, model, sum(requests), sum(errors), sum(input_tokens),
    sum(output_tokens), sum(latency_ms_sum)
FROM request_log_delta GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
ON CONFLICT (hour, provider, model) DO UPDATE SET
    requests = h.requests + excluded.requests,
    errors = h.errors + excluded.errors,
    input_tokens = h.input_tokens + excluded.input_tokens,
    output_tokens = h.output_tokens + excluded.output_tokens,
    latency_ms_sum = h.latency_ms_sum + excluded.latency_ms_sum;

INSERT INTO request_log_latency_hourly AS l (hour, provider, model, bucket, count)
SELECT hour, provider, model, bucket, sum(requests)
FROM request_log_delta GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
ON CONFLICT (hour, provider, model, bucket) DO UPDATE SET count = l.count + excluded.count;

INSERT INTO request_log_latency_daily AS d (day, provider, model, bucket, count)
SELECT (hour AT TIME ZONE 'UTC')::date, provider, model, bucket, sum(requests)
FROM request_log_delta GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
ON CONFLICT (day, provider, model, bucket) DO UPDATE SET count = d.count + excluded.count;

DROP VIEW request_log_latency_daily_all;
DROP VIEW request_log_latency_hourly_all;
DROP VIEW request_log_hourly_all;
DROP TABLE request_log_delta;
