// Original file: dataaccess/v1/oauth_tokens.proto

import type { OAuthToken as _dataaccess_v1_OAuthToken, OAuthToken__Output as _dataaccess_v1_OAuthToken__Output } from '../../dataaccess/v1/OAuthToken';

export interface UpsertOAuthTokenRequest {
  /**
   * provider, user_id and access_token are required; id, active, times and etag are
   * ignored.
   */
  'token'?: (_dataaccess_v1_OAuthToken | null);
}

export interface UpsertOAuthTokenRequest__Output {
  /**
   * provider, user_id and access_token are required; id, active, times and etag are
   * ignored.
   */
  'token': (_dataaccess_v1_OAuthToken__Output | null);
}
