-- Reverts 0008 partition bounds: the functions as 0006 made them (names from to_char,
-- cleanup by name). CREATE OR REPLACE keeps their owner and grants; it drops 0008's
-- TimeZone and DateStyle settings, and search_path is pinned again as 0006 did.

CREATE OR REPLACE FUNCTION create_daily_partition(parent text, day date) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    partition_name text := parent || '_p' || to_char(day, 'YYYYMMDD');
BEGIN
    IF parent IS NULL OR parent NOT IN ('request_logs', 'audit_events') THEN
        RAISE EXCEPTION 'create_daily_partition: % is not a daily-partitioned table',
            coalesce(quote_literal(parent), 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF day IS NULL THEN
        RAISE EXCEPTION 'create_daily_partition: day is NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF to_regclass(quote_ident(parent)) IS NULL THEN
        RAISE EXCEPTION 'relation "%" does not exist', parent USING ERRCODE = 'undefined_table';
    END IF;
    -- The key servers took before this function existed, so old and new servers never
    -- race each other's CREATE TABLE during an upgrade.
    PERFORM pg_advisory_xact_lock(hashtextextended('dataaccess.request_logs', 0));
    IF to_regclass(quote_ident(partition_name)) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    -- Bounds written with an explicit UTC offset: the session's TimeZone and DateStyle
    -- cannot move a day's partition.
    EXECUTE format(
        'CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
        partition_name,
        parent,
        to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00',
        to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00'
    );
    RETURN partition_name;
END
$$;

CREATE OR REPLACE FUNCTION drop_daily_partitions_before(parent text, keep_from date) RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    doomed text;
BEGIN
    IF parent IS NULL OR parent NOT IN ('request_logs', 'audit_events') THEN
        RAISE EXCEPTION 'drop_daily_partitions_before: % is not a daily-partitioned table',
            coalesce(quote_literal(parent), 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF keep_from IS NULL THEN
        RAISE EXCEPTION 'drop_daily_partitions_before: keep_from is NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF to_regclass(quote_ident(parent)) IS NULL THEN
        RAISE EXCEPTION 'relation "%" does not exist', parent USING ERRCODE = 'undefined_table';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('dataaccess.request_logs', 0));
    -- Only partitions named as create_daily_partition names them: anything else attached
    -- to the parent (a DEFAULT partition, say) is an operator's and stays.
    FOR doomed IN
        SELECT c.relname
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = to_regclass(quote_ident(parent))
          AND c.relname ~ ('^' || parent || '_p[0-9]{8}$')
          AND to_date(right(c.relname, 8), 'YYYYMMDD') < keep_from
        ORDER BY c.relname
    LOOP
        EXECUTE format('DROP TABLE %I', doomed);
        RETURN NEXT doomed;
    END LOOP;
END
$$;

DO $$
BEGIN
    EXECUTE format(
        'ALTER FUNCTION create_daily_partition(text, date) SET search_path = %I, pg_temp',
        current_schema()
    );
    EXECUTE format(
        'ALTER FUNCTION drop_daily_partitions_before(text, date) SET search_path = %I, pg_temp',
        current_schema()
    );
END
$$;
