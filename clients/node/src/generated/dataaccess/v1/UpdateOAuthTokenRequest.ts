// Original file: dataaccess/v1/oauth_tokens.proto

import type { OAuthToken as _dataaccess_v1_OAuthToken, OAuthToken__Output as _dataaccess_v1_OAuthToken__Output } from '../../dataaccess/v1/OAuthToken';
import type { FieldMask as _google_protobuf_FieldMask, FieldMask__Output as _google_protobuf_FieldMask__Output } from '../../google/protobuf/FieldMask';

export interface UpdateOAuthTokenRequest {
  /**
   * token.id names the token; the fields in update_mask are changed. An empty mask
   * means every field set in the request. A masked refresh_token left empty keeps the
   * stored one (providers often return none on refresh).
   */
  'token'?: (_dataaccess_v1_OAuthToken | null);
  /**
   * Allowed paths: access_token, refresh_token, token_type, expiry_time, scopes,
   * metadata, email, active, last_used_time.
   */
  'update_mask'?: (_google_protobuf_FieldMask | null);
  /**
   * Required: the etag of the token as read. A stale one gets ABORTED.
   */
  'etag'?: (string);
}

export interface UpdateOAuthTokenRequest__Output {
  /**
   * token.id names the token; the fields in update_mask are changed. An empty mask
   * means every field set in the request. A masked refresh_token left empty keeps the
   * stored one (providers often return none on refresh).
   */
  'token': (_dataaccess_v1_OAuthToken__Output | null);
  /**
   * Allowed paths: access_token, refresh_token, token_type, expiry_time, scopes,
   * metadata, email, active, last_used_time.
   */
  'update_mask': (_google_protobuf_FieldMask__Output | null);
  /**
   * Required: the etag of the token as read. A stale one gets ABORTED.
   */
  'etag': (string);
}
