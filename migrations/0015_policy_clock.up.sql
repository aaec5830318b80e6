-- 0015 the policy clock and the periods of key limits and budgets (issue 18).
--
-- dataaccess_now() is the clock every key-policy statement reads: now() plus an offset
-- kept in a one-row table, so that tests (and an operator rehearsing a month's end)
-- move every server's windows and periods at once with
--     UPDATE policy_clock SET offset_seconds = ...
-- The servers learn a new offset at their next contact with the ledger.
--
-- policy_window: fixed windows aligned to the Unix epoch (a 60 s window starts on the
-- minute). policy_period: calendar periods in an IANA time zone, starting at local
-- midnight of their day: 'daily'; 'weekly' on ISO weekday `anchor` (1 = Monday);
-- 'monthly' on day `anchor` of the month (1-31), or the month's last day when it is
-- shorter. Local midnight is converted with PostgreSQL's rules for local times: a
-- midnight that a daylight-saving change skips (America/Havana, America/Santiago in
-- some years) is read in the offset before the change, which lands on the first instant
-- after the gap; a midnight that repeats is read in the offset after the change (its
-- second occurrence, America/Havana's fall-back at 01:00). Periods are
-- computed from (policy, clock) only: nothing resets them, so nothing can reset twice
-- or late.

CREATE TABLE policy_clock (
    one_row        boolean          PRIMARY KEY DEFAULT true CHECK (one_row),
    offset_seconds double precision NOT NULL DEFAULT 0
        CHECK (offset_seconds BETWEEN -3.2e9 AND 3.2e9)
);
INSERT INTO policy_clock DEFAULT VALUES;

CREATE FUNCTION dataaccess_now() RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT now() + make_interval(secs => (SELECT offset_seconds FROM policy_clock))
$$;

CREATE FUNCTION policy_window(window_seconds bigint, at timestamptz,
    OUT period_start timestamptz, OUT period_end timestamptz)
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT to_timestamp(s), to_timestamp(s + window_seconds)
    FROM (SELECT floor(extract(epoch FROM at) / window_seconds) * window_seconds AS s) w
$$;

-- The local day a period containing local time `local` starts on.
CREATE FUNCTION policy_period_day(kind text, anchor integer, local timestamp) RETURNS date
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    today date := local::date;
    month_start date;
    start date;
BEGIN
    IF kind = 'daily' THEN
        RETURN today;
    ELSIF kind = 'weekly' THEN
        IF anchor NOT BETWEEN 1 AND 7 THEN
            RAISE EXCEPTION 'policy_period: weekly anchor % is not an ISO weekday 1-7', anchor
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN today - ((extract(isodow FROM today)::integer - anchor + 7) % 7);
    ELSIF kind = 'monthly' THEN
        IF anchor NOT BETWEEN 1 AND 31 THEN
            RAISE EXCEPTION 'policy_period: monthly anchor % is not a day 1-31', anchor
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        month_start := date_trunc('month', today)::date;
        start := policy_anchor_day(month_start, anchor);
        IF start > today THEN
            start := policy_anchor_day((month_start - interval '1 month')::date, anchor);
        END IF;
        RETURN start;
    END IF;
    RAISE EXCEPTION 'policy_period: unknown kind %', kind USING ERRCODE = 'invalid_parameter_value';
END;
$$;

-- Day `anchor` of the month starting on `month_start`, or its last day if shorter.
CREATE FUNCTION policy_anchor_day(month_start date, anchor integer) RETURNS date
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT least(month_start + (anchor - 1),
                 (month_start + interval '1 month' - interval '1 day')::date)
$$;

-- The day after the period starting on `start` ends (the next period's first day).
CREATE FUNCTION policy_next_day(kind text, anchor integer, start date) RETURNS date
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT CASE kind
        WHEN 'daily' THEN start + 1
        WHEN 'weekly' THEN start + 7
        ELSE policy_anchor_day((date_trunc('month', start) + interval '1 month')::date, anchor)
    END
$$;

CREATE FUNCTION policy_period(kind text, anchor integer, time_zone text, at timestamptz,
    OUT period_start timestamptz, OUT period_end timestamptz)
LANGUAGE plpgsql STABLE STRICT AS $$
DECLARE
    local timestamp := at AT TIME ZONE time_zone;
    first_day date := policy_period_day(kind, anchor, local);
BEGIN
    period_start := first_day::timestamp AT TIME ZONE time_zone;
    -- A local midnight's instant can lie after `at` when the day began with a gap:
    -- `at` then belongs to the period before.
    IF period_start > at THEN
        first_day := policy_period_day(kind, anchor, (first_day - 1)::timestamp);
        period_start := first_day::timestamp AT TIME ZONE time_zone;
    END IF;
    period_end := policy_next_day(kind, anchor, first_day)::timestamp AT TIME ZONE time_zone;
END;
$$;
