-- 0015 down: the policy clock and period functions removed (0016 uses them: down it first).
DROP FUNCTION policy_period(text, integer, text, timestamptz);
DROP FUNCTION policy_next_day(text, integer, date);
DROP FUNCTION policy_anchor_day(date, integer);
DROP FUNCTION policy_period_day(text, integer, timestamp);
DROP FUNCTION policy_window(bigint, timestamptz);
DROP FUNCTION dataaccess_now();
DROP TABLE policy_clock;
