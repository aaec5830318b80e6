// Original file: dataaccess/v1/api_keys.proto

import type { APIKeyValidationReason as _dataaccess_v1_APIKeyValidationReason, APIKeyValidationReason__Output as _dataaccess_v1_APIKeyValidationReason__Output } from '../../dataaccess/v1/APIKeyValidationReason';
import type { APIKey as _dataaccess_v1_APIKey, APIKey__Output as _dataaccess_v1_APIKey__Output } from '../../dataaccess/v1/APIKey';
import type { RateLimitState as _dataaccess_v1_RateLimitState, RateLimitState__Output as _dataaccess_v1_RateLimitState__Output } from '../../dataaccess/v1/RateLimitState';
import type { LimitState as _dataaccess_v1_LimitState, LimitState__Output as _dataaccess_v1_LimitState__Output } from '../../dataaccess/v1/LimitState';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

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
  /**
   * What decided the answer: for a refusal, the setting that refused ("disabled",
   * "allowed_models", "allowed_providers", "key.limits.<name>", "owner.limits.<name>",
   * "key.budgets.<name>", "owner.budgets.<name>", "rate_limit_per_minute",
   * "remaining_uses", "revoke_time", "expire_time"); for a valid answer of a key with
   * limits or budgets, the one with the least left in proportion to its size; else
   * empty.
   */
  'decided_by'?: (string);
  /**
   * The state of every limit and budget that applies, the key's then the owner's, after
   * this validation (what it was charged or held included).
   */
  'limits'?: (_dataaccess_v1_LimitState)[];
  /**
   * With reserve and a valid answer: the reservation, to settle with a usage write.
   */
  'reservation_id'?: (string);
  /**
   * When the reservation releases itself if not settled.
   */
  'reservation_expire_time'?: (_google_protobuf_Timestamp | null);
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
  /**
   * What decided the answer: for a refusal, the setting that refused ("disabled",
   * "allowed_models", "allowed_providers", "key.limits.<name>", "owner.limits.<name>",
   * "key.budgets.<name>", "owner.budgets.<name>", "rate_limit_per_minute",
   * "remaining_uses", "revoke_time", "expire_time"); for a valid answer of a key with
   * limits or budgets, the one with the least left in proportion to its size; else
   * empty.
   */
  'decided_by': (string);
  /**
   * The state of every limit and budget that applies, the key's then the owner's, after
   * this validation (what it was charged or held included).
   */
  'limits': (_dataaccess_v1_LimitState__Output)[];
  /**
   * With reserve and a valid answer: the reservation, to settle with a usage write.
   */
  'reservation_id': (string);
  /**
   * When the reservation releases itself if not settled.
   */
  'reservation_expire_time': (_google_protobuf_Timestamp__Output | null);
}
