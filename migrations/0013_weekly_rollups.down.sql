-- Reverts 0013 weekly rollups: usage_rollups_rebuild as 0012 made it. The weekly rows
-- are sums of daily ones, which stay: nothing is lost.
DROP VIEW request_log_latency_weekly_all;
DROP TABLE request_log_latency_weekly;
CREATE OR REPLACE FUNCTION usage_rollups_rebuild(days date[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO usage_auth_numbers (auth_id)
    SELECT DISTINCT auth_id FROM usage_stats u
    WHERE usage_date = ANY(days)
        AND NOT EXISTS (SELECT FROM usage_auth_numbers n WHERE n.auth_id = u.auth_id)
    ORDER BY 1
    ON CONFLICT (auth_id) DO NOTHING;
    DELETE FROM usage_daily_chunks WHERE usage_date = ANY(days);
    DELETE FROM usage_auth_daily WHERE usage_date = ANY(days);
    INSERT INTO usage_daily_chunks
    SELECT usage_date, provider, model, n.auth_number >> 8, sum(request_count),
        sum(input_tokens), sum(output_tokens), sum(reasoning_tokens), sum(cached_tokens),
        sum(total_tokens), sum(success_count), sum(error_count),
        bit_or(set_bit(B'0'::bit(256), n.auth_number & 255, 1))
    FROM usage_stats JOIN usage_auth_numbers n USING (auth_id)
    WHERE usage_date = ANY(days)
    GROUP BY 1, 2, 3, 4;
    INSERT INTO usage_auth_daily
    SELECT usage_date, n.auth_number, sum(request_count), sum(total_tokens)
    FROM usage_stats JOIN usage_auth_numbers n USING (auth_id)
    WHERE usage_date = ANY(days)
    GROUP BY 1, 2;
END
$$;
DROP FUNCTION week_of(date);
DROP TABLE usage_auth_weekly;
DROP TABLE usage_weekly_chunks;
