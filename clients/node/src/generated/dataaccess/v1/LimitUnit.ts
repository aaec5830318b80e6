// Original file: dataaccess/v1/api_keys.proto

/**
 * What a limit or budget counts.
 */
export const LimitUnit = {
  LIMIT_UNIT_UNSPECIFIED: 'LIMIT_UNIT_UNSPECIFIED',
  /**
   * Validations (each states how many, 1 by default).
   */
  LIMIT_UNIT_REQUESTS: 'LIMIT_UNIT_REQUESTS',
  /**
   * Tokens, as validations state them (or settlements report them).
   */
  LIMIT_UNIT_TOKENS: 'LIMIT_UNIT_TOKENS',
  /**
   * Spend in micro-units of the caller's currency (1,000,000 = one dollar, say).
   */
  LIMIT_UNIT_COST: 'LIMIT_UNIT_COST',
} as const;

/**
 * What a limit or budget counts.
 */
export type LimitUnit =
  | 'LIMIT_UNIT_UNSPECIFIED'
  | 0
  /**
   * Validations (each states how many, 1 by default).
   */
  | 'LIMIT_UNIT_REQUESTS'
  | 1
  /**
   * Tokens, as validations state them (or settlements report them).
   */
  | 'LIMIT_UNIT_TOKENS'
  | 2
  /**
   * Spend in micro-units of the caller's currency (1,000,000 = one dollar, say).
   */
  | 'LIMIT_UNIT_COST'
  | 3

/**
 * What a limit or budget counts.
 */
export type LimitUnit__Output = typeof LimitUnit[keyof typeof LimitUnit]
