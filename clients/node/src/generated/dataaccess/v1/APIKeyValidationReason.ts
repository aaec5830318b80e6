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
  /**
   * The key is disabled (UpdateAPIKey "disabled"); enabling it makes it valid again.
   */
  API_KEY_VALIDATION_REASON_DISABLED: 'API_KEY_VALIDATION_REASON_DISABLED',
  /**
   * The model or provider is not in the key's allowed list (or was not named);
   * decided_by says which list.
   */
  API_KEY_VALIDATION_REASON_MODEL_NOT_ALLOWED: 'API_KEY_VALIDATION_REASON_MODEL_NOT_ALLOWED',
  /**
   * A limit of the key or its owner has less left in its window than the validation
   * states; decided_by names it and limits holds its state.
   */
  API_KEY_VALIDATION_REASON_LIMIT_EXCEEDED: 'API_KEY_VALIDATION_REASON_LIMIT_EXCEEDED',
  /**
   * A budget of the key or its owner has nothing left (or less than the stated cost).
   */
  API_KEY_VALIDATION_REASON_BUDGET_EXCEEDED: 'API_KEY_VALIDATION_REASON_BUDGET_EXCEEDED',
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
   * The key is disabled (UpdateAPIKey "disabled"); enabling it makes it valid again.
   */
  | 'API_KEY_VALIDATION_REASON_DISABLED'
  | 7
  /**
   * The model or provider is not in the key's allowed list (or was not named);
   * decided_by says which list.
   */
  | 'API_KEY_VALIDATION_REASON_MODEL_NOT_ALLOWED'
  | 8
  /**
   * A limit of the key or its owner has less left in its window than the validation
   * states; decided_by names it and limits holds its state.
   */
  | 'API_KEY_VALIDATION_REASON_LIMIT_EXCEEDED'
  | 9
  /**
   * A budget of the key or its owner has nothing left (or less than the stated cost).
   */
  | 'API_KEY_VALIDATION_REASON_BUDGET_EXCEEDED'
  | 10

/**
 * Why a key is valid or not.
 */
export type APIKeyValidationReason__Output = typeof APIKeyValidationReason[keyof typeof APIKeyValidationReason]
