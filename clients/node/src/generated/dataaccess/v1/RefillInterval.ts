// Original file: dataaccess/v1/api_keys.proto

/**
 * How often a Refill happens.
 */
export const RefillInterval = {
  REFILL_INTERVAL_UNSPECIFIED: 'REFILL_INTERVAL_UNSPECIFIED',
  /**
   * Every day at 00:00 UTC.
   */
  REFILL_INTERVAL_DAILY: 'REFILL_INTERVAL_DAILY',
  /**
   * Every month at 00:00 UTC of day_of_month.
   */
  REFILL_INTERVAL_MONTHLY: 'REFILL_INTERVAL_MONTHLY',
} as const;

/**
 * How often a Refill happens.
 */
export type RefillInterval =
  | 'REFILL_INTERVAL_UNSPECIFIED'
  | 0
  /**
   * Every day at 00:00 UTC.
   */
  | 'REFILL_INTERVAL_DAILY'
  | 1
  /**
   * Every month at 00:00 UTC of day_of_month.
   */
  | 'REFILL_INTERVAL_MONTHLY'
  | 2

/**
 * How often a Refill happens.
 */
export type RefillInterval__Output = typeof RefillInterval[keyof typeof RefillInterval]
