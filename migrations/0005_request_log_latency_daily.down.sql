-- Reverts 0005 daily latency histogram.
DROP TABLE request_log_latency_daily;
