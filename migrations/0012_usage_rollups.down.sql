-- Reverts 0012 usage rollups.
DROP TRIGGER usage_rollups_deleted ON usage_stats;
DROP TRIGGER usage_rollups_updated ON usage_stats;
DROP TRIGGER usage_rollups_inserted ON usage_stats;
DROP TRIGGER usage_rollups_inserting ON usage_stats;
DROP FUNCTION usage_rollups_deleted();
DROP FUNCTION usage_rollups_updated();
DROP FUNCTION usage_rollups_inserted();
DROP FUNCTION usage_rollups_inserting();
DROP FUNCTION usage_rollups_rebuild(date[]);
DROP FUNCTION usage_rollups_apply(usage_stats[], usage_stats[]);
DROP TABLE usage_auth_daily;
DROP TABLE usage_daily_chunks;
DROP TABLE usage_auth_numbers;
