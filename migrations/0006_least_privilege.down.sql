-- Reverts 0006 least privilege. Servers that run as a DML-only role need these
-- functions: they can no longer create or drop log partitions afterwards.
DROP FUNCTION drop_daily_partitions_before(text, date);
DROP FUNCTION create_daily_partition(text, date);
