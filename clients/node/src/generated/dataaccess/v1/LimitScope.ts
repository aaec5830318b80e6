// Original file: dataaccess/v1/api_keys.proto

/**
 * Where a limit or budget is set.
 */
export const LimitScope = {
  LIMIT_SCOPE_UNSPECIFIED: 'LIMIT_SCOPE_UNSPECIFIED',
  LIMIT_SCOPE_KEY: 'LIMIT_SCOPE_KEY',
  /**
   * Shared by every key of the owner.
   */
  LIMIT_SCOPE_OWNER: 'LIMIT_SCOPE_OWNER',
} as const;

/**
 * Where a limit or budget is set.
 */
export type LimitScope =
  | 'LIMIT_SCOPE_UNSPECIFIED'
  | 0
  | 'LIMIT_SCOPE_KEY'
  | 1
  /**
   * Shared by every key of the owner.
   */
  | 'LIMIT_SCOPE_OWNER'
  | 2

/**
 * Where a limit or budget is set.
 */
export type LimitScope__Output = typeof LimitScope[keyof typeof LimitScope]
