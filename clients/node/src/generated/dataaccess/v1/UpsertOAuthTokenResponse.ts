// Original file: dataaccess/v1/oauth_tokens.proto

import type { OAuthToken as _dataaccess_v1_OAuthToken, OAuthToken__Output as _dataaccess_v1_OAuthToken__Output } from '../../dataaccess/v1/OAuthToken';

export interface UpsertOAuthTokenResponse {
  /**
   * The stored token, BASIC view.
   */
  'token'?: (_dataaccess_v1_OAuthToken | null);
  /**
   * True if the token was created, false if an existing one was replaced.
   */
  'created'?: (boolean);
  /**
   * Pass to a later read to be sure it sees this write, on any server.
   */
  'consistency_token'?: (string);
}

export interface UpsertOAuthTokenResponse__Output {
  /**
   * The stored token, BASIC view.
   */
  'token': (_dataaccess_v1_OAuthToken__Output | null);
  /**
   * True if the token was created, false if an existing one was replaced.
   */
  'created': (boolean);
  /**
   * Pass to a later read to be sure it sees this write, on any server.
   */
  'consistency_token': (string);
}
