// Original file: dataaccess/v1/api_keys.proto

import type { APIKey as _dataaccess_v1_APIKey, APIKey__Output as _dataaccess_v1_APIKey__Output } from '../../dataaccess/v1/APIKey';

export interface CreateAPIKeyRequest {
  /**
   * name, description, owner_id, rate_limit_per_minute, expire_time, remaining_uses,
   * metadata, limits, budgets, refill, allowed_models, allowed_providers and disabled
   * are used; the rest (id, key_prefix, the *_time fields, refill.last_refill_time) is
   * ignored.
   */
  'api_key'?: (_dataaccess_v1_APIKey | null);
  /**
   * Optional idempotency key (1-128 characters).
   */
  'request_id'?: (string);
}

export interface CreateAPIKeyRequest__Output {
  /**
   * name, description, owner_id, rate_limit_per_minute, expire_time, remaining_uses,
   * metadata, limits, budgets, refill, allowed_models, allowed_providers and disabled
   * are used; the rest (id, key_prefix, the *_time fields, refill.last_refill_time) is
   * ignored.
   */
  'api_key': (_dataaccess_v1_APIKey__Output | null);
  /**
   * Optional idempotency key (1-128 characters).
   */
  'request_id': (string);
}
