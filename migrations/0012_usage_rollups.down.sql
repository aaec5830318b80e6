-- Reverts 0012 usage rollups.
DROP TRIGGER usage_rollups_deleted ON usage_stats;
DROP FUNCTION usage_rollups_deleted();
DROP FUNCTION usage_rollups_rebuild(date[]);
DROP TABLE usage_auth_daily;
DROP TABLE usage_daily_chunks;
DROP TABLE usage_auth_numbers;
