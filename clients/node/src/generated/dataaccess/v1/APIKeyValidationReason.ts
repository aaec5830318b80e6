// Original file: dataaccess/v1/api_keys.proto

/**
 * Why a key is valid or not.
 */
export const APIKeyValidationReason = {
  API_KEY_VALIDATION_REASON_UNSPECIFIED: 'API_KEY_VALIDATION_REASON_UNSPECIFIED',
  API_KEY_VALIDATION_REASON_VALID: 'API_KEY_VALIDATION_REASON_VALID',
  /**
   * No such key (or a key of the right form that was never issued).
   */
  API_KEY_VALIDATION_REASON_NOT_FOUND: 'API_KEY_VALIDATION_REASON_NOT_FOUND',
  API_KEY_VALIDATION_REASON_REVOKED: 'API_KEY_VALIDATION_REASON_REVOKED',
  /**
   * Past its expire_time, or replaced by rotation and past its grace period.
   */
  API_KEY_VALIDATION_REASON_EXPIRED: 'API_KEY_VALIDATION_REASON_EXPIRED',
  /**
   * Over rate_limit_per_minute in the current minute; see rate_limit.reset_time.
   */
  API_KEY_VALIDATION_REASON_RATE_LIMITED: 'API_KEY_VALIDATION_REASON_RATE_LIMITED',
  /**
   * remaining_uses is exhausted.
   */
  API_KEY_VALIDATION_REASON_USAGE_EXCEEDED: 'API_KEY_VALIDATION_REASON_USAGE_EXCEEDED',
} as const;

/**
 * Why a key is valid or not.
 */
export type APIKeyValidationReason =
  | 'API_KEY_VALIDATION_REASON_UNSPECIFIED'
  | 0
  | 'API_KEY_VALIDATION_REASON_VALID'
  | 1
  /**
   * No such key (or a key of the right form that was never issued).
   */
  | 'API_KEY_VALIDATION_REASON_NOT_FOUND'
  | 2
  | 'API_KEY_VALIDATION_REASON_REVOKED'
  | 3
  /**
   * Past its expire_time, or replaced by rotation and past its grace period.
   */
  | 'API_KEY_VALIDATION_REASON_EXPIRED'
  | 4
  /**
   * Over rate_limit_per_minute in the current minute; see rate_limit.reset_time.
   */
  | 'API_KEY_VALIDATION_REASON_RATE_LIMITED'
  | 5
  /**
   * remaining_uses is exhausted.
   */
  | 'API_KEY_VALIDATION_REASON_USAGE_EXCEEDED'
  | 6

/**
 * Why a key is valid or not.
 */
export type APIKeyValidationReason__Output = typeof APIKeyValidationReason[keyof typeof APIKeyValidationReason]
