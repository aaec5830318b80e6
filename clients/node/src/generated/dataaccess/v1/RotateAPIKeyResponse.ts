// Original file: dataaccess/v1/api_keys.proto

import type { APIKey as _dataaccess_v1_APIKey, APIKey__Output as _dataaccess_v1_APIKey__Output } from '../../dataaccess/v1/APIKey';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface RotateAPIKeyResponse {
  'api_key'?: (_dataaccess_v1_APIKey | null);
  /**
   * The new key: keep it, it is never shown again.
   */
  'key'?: (string);
  /**
   * When the old key stops working.
   */
  'old_key_expire_time'?: (_google_protobuf_Timestamp | null);
}

export interface RotateAPIKeyResponse__Output {
  'api_key': (_dataaccess_v1_APIKey__Output | null);
  /**
   * The new key: keep it, it is never shown again.
   */
  'key': (string);
  /**
   * When the old key stops working.
   */
  'old_key_expire_time': (_google_protobuf_Timestamp__Output | null);
}
