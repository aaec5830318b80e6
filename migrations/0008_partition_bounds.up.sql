-- 0008 partition bounds: the daily-partition functions of 0006, replaced.
--
-- create_daily_partition names a partition <parent>_pYYYYMMDD with the year padded to
-- four digits, and refuses days outside years 1-9999: a fifth digit, or a BC year that
-- to_char prints like its AD twin, would make names that neither sort as dates nor stay
-- unique. A day already covered by a partition of another name (one made by hand) is
-- not created again: the overlap is reported as "nothing created", not as an error.
--
-- drop_daily_partitions_before goes by each partition's bounds as the catalog holds them
-- (pg_get_expr(relpartbound)), not by its name: a range partition whose upper bound is
-- at or before keep_from's midnight (UTC) holds only logs past retention and is dropped,
-- whatever it is called; one that straddles keep_from, a DEFAULT partition or one bound
-- by MAXVALUE stays. 0006 parsed dates out of names, so a name it did not expect could
-- break every cleanup. TimeZone and DateStyle are pinned so the bounds print, and parse
-- back, the same whatever the caller's session says.
--
-- Both stay SECURITY DEFINER with search_path pinned (as 0006 did, set again below:
-- CREATE OR REPLACE resets a function's settings but keeps its owner and grants) and
-- keep the allow-list of parents.

CREATE OR REPLACE FUNCTION create_daily_partition(parent text, day date) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    partition_name text;
BEGIN
    IF parent IS NULL OR parent NOT IN ('request_logs', 'audit_events') THEN
        RAISE EXCEPTION 'create_daily_partition: % is not a daily-partitioned table',
            coalesce(quote_literal(parent), 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF day IS NULL THEN
        RAISE EXCEPTION 'create_daily_partition: day is NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF day < DATE '0001-01-01' OR day > DATE '9999-12-31' THEN
        RAISE EXCEPTION 'create_daily_partition: % is outside the years 1-9999', day
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF to_regclass(quote_ident(parent)) IS NULL THEN
        RAISE EXCEPTION 'relation "%" does not exist', parent USING ERRCODE = 'undefined_table';
    END IF;
    partition_name := parent || '_p' || lpad(extract(year FROM day)::int::text, 4, '0')
        || to_char(day, 'MMDD');
    -- The key servers took before this function existed, so old and new servers never
    -- race each other's CREATE TABLE during an upgrade.
    PERFORM pg_advisory_xact_lock(hashtextextended('dataaccess.request_logs', 0));
    IF to_regclass(quote_ident(partition_name)) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    -- Bounds written with an explicit UTC offset and a padded year: the session's
    -- TimeZone and DateStyle cannot move a day's partition.
    BEGIN
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
            partition_name,
            parent,
            lpad(extract(year FROM day)::int::text, 4, '0') || to_char(day, '-MM-DD')
                || ' 00:00:00+00',
            lpad(extract(year FROM day + 1)::int::text, 4, '0') || to_char(day + 1, '-MM-DD')
                || ' 00:00:00+00'
        );
    EXCEPTION WHEN invalid_object_definition THEN
        -- "would overlap partition ...": another partition already holds (part of) the day.
        RETURN NULL;
    END;
    RETURN partition_name;
END
$$;

CREATE OR REPLACE FUNCTION drop_daily_partitions_before(parent text, keep_from date)
RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER
SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' AS $$
DECLARE
    doomed regclass;
    doomed_name text;
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
    -- The upper bound of a range partition on one timestamptz column is the one quoted
    -- literal after TO; DEFAULT and MAXVALUE have none (NULL here), and stay.
    FOR doomed, doomed_name IN
        SELECT c.oid::regclass, c.relname::text
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        CROSS JOIN LATERAL (
            SELECT substring(pg_get_expr(c.relpartbound, c.oid) FROM $re$ TO \('([^']*)'\)$re$)
                ::timestamptz AS upper_bound
        ) b
        WHERE i.inhparent = to_regclass(quote_ident(parent))
          AND b.upper_bound <= keep_from::timestamp AT TIME ZONE 'UTC'
        ORDER BY b.upper_bound, c.relname
    LOOP
        -- regclass prints schema-qualified when the partition lives in another schema.
        EXECUTE format('DROP TABLE %s', doomed);
        RETURN NEXT doomed_name;
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
