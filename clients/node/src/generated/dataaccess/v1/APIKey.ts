// Original file: dataaccess/v1/api_keys.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Struct as _google_protobuf_Struct, Struct__Output as _google_protobuf_Struct__Output } from '../../google/protobuf/Struct';
import type { Long } from '@grpc/proto-loader';

export interface APIKey {
  /**
   * Server-assigned, time-ordered UUID.
   */
  'id'?: (string);
  /**
   * The key's first 8 characters, to recognise it.
   */
  'key_prefix'?: (string);
  /**
   * At most 200 characters.
   */
  'name'?: (string);
  /**
   * At most 2000 characters.
   */
  'description'?: (string);
  /**
   * The owner (auth id) the key acts for: required, 1-256 characters.
   */
  'owner_id'?: (string);
  /**
   * Validations per minute, across every server; 0 means unlimited.
   */
  'rate_limit_per_minute'?: (number);
  /**
   * When the key stops working; unset means never.
   */
  'expire_time'?: (_google_protobuf_Timestamp | null);
  /**
   * Validations the key may still pass; unset means unlimited.
   */
  'remaining_uses'?: (number | string | Long);
  /**
   * Free-form, at most 16 KiB serialized.
   */
  'metadata'?: (_google_protobuf_Struct | null);
  /**
   * Set once revoked.
   */
  'revoke_time'?: (_google_protobuf_Timestamp | null);
  /**
   * Last successful validation, to within a few seconds.
   */
  'last_used_time'?: (_google_protobuf_Timestamp | null);
  'create_time'?: (_google_protobuf_Timestamp | null);
  'update_time'?: (_google_protobuf_Timestamp | null);
  '_remaining_uses'?: "remaining_uses";
}

export interface APIKey__Output {
  /**
   * Server-assigned, time-ordered UUID.
   */
  'id': (string);
  /**
   * The key's first 8 characters, to recognise it.
   */
  'key_prefix': (string);
  /**
   * At most 200 characters.
   */
  'name': (string);
  /**
   * At most 2000 characters.
   */
  'description': (string);
  /**
   * The owner (auth id) the key acts for: required, 1-256 characters.
   */
  'owner_id': (string);
  /**
   * Validations per minute, across every server; 0 means unlimited.
   */
  'rate_limit_per_minute': (number);
  /**
   * When the key stops working; unset means never.
   */
  'expire_time': (_google_protobuf_Timestamp__Output | null);
  /**
   * Validations the key may still pass; unset means unlimited.
   */
  'remaining_uses'?: (string);
  /**
   * Free-form, at most 16 KiB serialized.
   */
  'metadata': (_google_protobuf_Struct__Output | null);
  /**
   * Set once revoked.
   */
  'revoke_time': (_google_protobuf_Timestamp__Output | null);
  /**
   * Last successful validation, to within a few seconds.
   */
  'last_used_time': (_google_protobuf_Timestamp__Output | null);
  'create_time': (_google_protobuf_Timestamp__Output | null);
  'update_time': (_google_protobuf_Timestamp__Output | null);
  '_remaining_uses'?: "remaining_uses";
}
