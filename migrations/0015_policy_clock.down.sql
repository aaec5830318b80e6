DROP FUNCTION policy_period(text, integer, text, timestamptz); DROP FUNCTION policy_window(bigint, timestamptz); DROP FUNCTION dataaccess_now(); DROP TABLE policy_clock;
