// Original file: dataaccess/v1/api_keys.proto

import type { APIKey as _dataaccess_v1_APIKey, APIKey__Output as _dataaccess_v1_APIKey__Output } from '../../dataaccess/v1/APIKey';
import type { FieldMask as _google_protobuf_FieldMask, FieldMask__Output as _google_protobuf_FieldMask__Output } from '../../google/protobuf/FieldMask';

export interface UpdateAPIKeyRequest {
  /**
   * api_key.id names the key.
   */
  'api_key'?: (_dataaccess_v1_APIKey | null);
  /**
   * Allowed paths: name, description, rate_limit_per_minute, expire_time,
   * remaining_uses (a refill by hand), metadata, limits, budgets, refill,
   * allowed_models, allowed_providers, disabled. A list path replaces the whole list.
   * Required.
   */
  'update_mask'?: (_google_protobuf_FieldMask | null);
}

export interface UpdateAPIKeyRequest__Output {
  /**
   * api_key.id names the key.
   */
  'api_key': (_dataaccess_v1_APIKey__Output | null);
  /**
   * Allowed paths: name, description, rate_limit_per_minute, expire_time,
   * remaining_uses (a refill by hand), metadata, limits, budgets, refill,
   * allowed_models, allowed_providers, disabled. A list path replaces the whole list.
   * Required.
   */
  'update_mask': (_google_protobuf_FieldMask__Output | null);
}
