// Original file: dataaccess/v1/api_keys.proto

import type { APIKeyValidationReason as _dataaccess_v1_APIKeyValidationReason, APIKeyValidationReason__Output as _dataaccess_v1_APIKeyValidationReason__Output } from '../../dataaccess/v1/APIKeyValidationReason';
import type { APIKey as _dataaccess_v1_APIKey, APIKey__Output as _dataaccess_v1_APIKey__Output } from '../../dataaccess/v1/APIKey';
import type { RateLimitState as _dataaccess_v1_RateLimitState, RateLimitState__Output as _dataaccess_v1_RateLimitState__Output } from '../../dataaccess/v1/RateLimitState';

export interface ValidateAPIKeyResponse {
  'valid'?: (boolean);
  'reason'?: (_dataaccess_v1_APIKeyValidationReason);
  /**
   * The key's public record; unset for NOT_FOUND.
   */
  'api_key'?: (_dataaccess_v1_APIKey | null);
  /**
   * Set when the key has a rate limit.
   */
  'rate_limit'?: (_dataaccess_v1_RateLimitState | null);
}

export interface ValidateAPIKeyResponse__Output {
  'valid': (boolean);
  'reason': (_dataaccess_v1_APIKeyValidationReason__Output);
  /**
   * The key's public record; unset for NOT_FOUND.
   */
  'api_key': (_dataaccess_v1_APIKey__Output | null);
  /**
   * Set when the key has a rate limit.
   */
  'rate_limit': (_dataaccess_v1_RateLimitState__Output | null);
}
