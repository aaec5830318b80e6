// Original file: dataaccess/v1/oauth_tokens.proto

import type { OAuthToken as _dataaccess_v1_OAuthToken, OAuthToken__Output as _dataaccess_v1_OAuthToken__Output } from '../../dataaccess/v1/OAuthToken';

export interface GetOAuthTokenResponse {
  'token'?: (_dataaccess_v1_OAuthToken | null);
}

export interface GetOAuthTokenResponse__Output {
  'token': (_dataaccess_v1_OAuthToken__Output | null);
}
