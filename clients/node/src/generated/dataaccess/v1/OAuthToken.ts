// Original file: dataaccess/v1/oauth_tokens.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Struct as _google_protobuf_Struct, Struct__Output as _google_protobuf_Struct__Output } from '../../google/protobuf/Struct';

export interface OAuthToken {
  /**
   * Server-assigned, time-ordered UUID.
   */
  'id'?: (string);
  /**
   * Upstream provider: 1-64 characters of a-z, 0-9, ".", "_", "-" (e.g. "claude").
   */
  'provider'?: (string);
  /**
   * The provider's user or account id: 1-256 characters.
   */
  'user_id'?: (string);
  /**
   * Optional, at most 320 characters.
   */
  'email'?: (string);
  /**
   * Secret. Only in the FULL view. At most 16 KiB.
   */
  'access_token'?: (string);
  /**
   * Secret. Only in the FULL view. At most 16 KiB.
   */
  'refresh_token'?: (string);
  /**
   * Default "Bearer"; at most 32 characters.
   */
  'token_type'?: (string);
  /**
   * When the access token expires; unset if unknown.
   */
  'expiry_time'?: (_google_protobuf_Timestamp | null);
  /**
   * At most 100 scopes of at most 256 characters each.
   */
  'scopes'?: (string)[];
  /**
   * Free-form, at most 64 KiB serialized.
   */
  'metadata'?: (_google_protobuf_Struct | null);
  /**
   * False once invalidated.
   */
  'active'?: (boolean);
  'last_used_time'?: (_google_protobuf_Timestamp | null);
  'create_time'?: (_google_protobuf_Timestamp | null);
  'update_time'?: (_google_protobuf_Timestamp | null);
  /**
   * Changes with every change of the token; UpdateOAuthToken requires the current one.
   */
  'etag'?: (string);
}

export interface OAuthToken__Output {
  /**
   * Server-assigned, time-ordered UUID.
   */
  'id': (string);
  /**
   * Upstream provider: 1-64 characters of a-z, 0-9, ".", "_", "-" (e.g. "claude").
   */
  'provider': (string);
  /**
   * The provider's user or account id: 1-256 characters.
   */
  'user_id': (string);
  /**
   * Optional, at most 320 characters.
   */
  'email': (string);
  /**
   * Secret. Only in the FULL view. At most 16 KiB.
   */
  'access_token': (string);
  /**
   * Secret. Only in the FULL view. At most 16 KiB.
   */
  'refresh_token': (string);
  /**
   * Default "Bearer"; at most 32 characters.
   */
  'token_type': (string);
  /**
   * When the access token expires; unset if unknown.
   */
  'expiry_time': (_google_protobuf_Timestamp__Output | null);
  /**
   * At most 100 scopes of at most 256 characters each.
   */
  'scopes': (string)[];
  /**
   * Free-form, at most 64 KiB serialized.
   */
  'metadata': (_google_protobuf_Struct__Output | null);
  /**
   * False once invalidated.
   */
  'active': (boolean);
  'last_used_time': (_google_protobuf_Timestamp__Output | null);
  'create_time': (_google_protobuf_Timestamp__Output | null);
  'update_time': (_google_protobuf_Timestamp__Output | null);
  /**
   * Changes with every change of the token; UpdateOAuthToken requires the current one.
   */
  'etag': (string);
}
