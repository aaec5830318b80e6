-- 0016 down: key policies removed; keys keep their other settings.
ALTER TABLE usage_stats DROP CONSTRAINT usage_stats_cost_non_negative, DROP COLUMN cost;
DROP FUNCTION key_usage_charge(text[], uuid[], bigint[], bigint[]);
DROP FUNCTION key_limit_take(uuid[], bigint[], boolean);
DROP TABLE key_spend_daily;
DROP TABLE key_validation_hourly;
DROP TABLE key_reservations;
DROP TABLE key_limit_ledger;
DROP TABLE key_limits;
DROP TABLE key_owner_policies;
ALTER TABLE api_keys
    DROP CONSTRAINT api_keys_allowed_lists_size,
    DROP CONSTRAINT api_keys_refill_amount_positive,
    DROP CONSTRAINT api_keys_refill_interval_known,
    DROP CONSTRAINT api_keys_refill_complete,
    DROP CONSTRAINT api_keys_refill_day_range,
    DROP COLUMN disabled_at,
    DROP COLUMN allowed_models,
    DROP COLUMN allowed_providers,
    DROP COLUMN refill_amount,
    DROP COLUMN refill_interval,
    DROP COLUMN refill_day,
    DROP COLUMN last_refill_at;
