-- Reverts 0004 request-log rollups.
DROP INDEX request_logs_time_idx;
DROP TABLE request_log_latency_hourly;
DROP TABLE request_log_hourly;
