// Original file: dataaccess/v1/api_keys.proto

import type { APIKey as _dataaccess_v1_APIKey, APIKey__Output as _dataaccess_v1_APIKey__Output } from '../../dataaccess/v1/APIKey';

export interface CreateAPIKeyResponse {
  'api_key'?: (_dataaccess_v1_APIKey | null);
  /**
   * The key itself: keep it, it is never shown again. Empty when replayed is true.
   */
  'key'?: (string);
  /**
   * True when request_id matched an earlier call: its record, no new key.
   */
  'replayed'?: (boolean);
}

export interface CreateAPIKeyResponse__Output {
  'api_key': (_dataaccess_v1_APIKey__Output | null);
  /**
   * The key itself: keep it, it is never shown again. Empty when replayed is true.
   */
  'key': (string);
  /**
   * True when request_id matched an earlier call: its record, no new key.
   */
  'replayed': (boolean);
}
