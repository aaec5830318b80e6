-- Reverts 0001 initial schema.
DROP TABLE request_logs;
DROP TABLE usage_applied_requests;
DROP TABLE usage_stats;
DROP TABLE api_keys;
DROP TABLE oauth_tokens;
