-- TEMPORARY stand-in (lead's scratch; replaced by the helper's 0015)
CREATE TABLE policy_clock (one_row boolean PRIMARY KEY DEFAULT true CHECK (one_row), offset_seconds double precision NOT NULL DEFAULT 0);
INSERT INTO policy_clock DEFAULT VALUES;
CREATE FUNCTION dataaccess_now() RETURNS timestamptz STABLE LANGUAGE sql AS $$
  SELECT now() + make_interval(secs => (SELECT offset_seconds FROM policy_clock)) $$;
CREATE FUNCTION policy_window(window_seconds bigint, at timestamptz, OUT period_start timestamptz, OUT period_end timestamptz)
IMMUTABLE LANGUAGE sql AS $$
  SELECT to_timestamp(floor(extract(epoch FROM at) / window_seconds) * window_seconds),
         to_timestamp(floor(extract(epoch FROM at) / window_seconds) * window_seconds + window_seconds) $$;
CREATE FUNCTION policy_period(kind text, anchor integer, time_zone text, at timestamptz, OUT period_start timestamptz, OUT period_end timestamptz)
STABLE LANGUAGE plpgsql AS $$
DECLARE local timestamp := at AT TIME ZONE time_zone; s timestamp;
BEGIN
  IF kind = 'daily' THEN s := date_trunc('day', local);
    period_start := s AT TIME ZONE time_zone; period_end := (s + interval '1 day') AT TIME ZONE time_zone;
  ELSIF kind = 'weekly' THEN s := date_trunc('day', local) - make_interval(days => ((extract(isodow FROM local)::int - anchor + 7) % 7));
    period_start := s AT TIME ZONE time_zone; period_end := (s + interval '7 days') AT TIME ZONE time_zone;
  ELSE
    s := date_trunc('month', local) + make_interval(days => least(anchor, extract(day FROM date_trunc('month', local) + interval '1 month - 1 day')::int) - 1);
    IF s > local THEN s := date_trunc('month', local - interval '1 month') + make_interval(days => least(anchor, extract(day FROM date_trunc('month', local) - interval '1 day')::int) - 1); END IF;
    period_start := s AT TIME ZONE time_zone;
    s := date_trunc('month', s) + interval '1 month';
    period_end := (s + make_interval(days => least(anchor, extract(day FROM s + interval '1 month - 1 day')::int) - 1)) AT TIME ZONE time_zone;
  END IF;
  RETURN;
END $$;
