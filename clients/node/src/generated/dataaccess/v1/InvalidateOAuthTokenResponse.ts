// Original file: dataaccess/v1/oauth_tokens.proto

import type { OAuthToken as _dataaccess_v1_OAuthToken, OAuthToken__Output as _dataaccess_v1_OAuthToken__Output } from '../../dataaccess/v1/OAuthToken';

export interface InvalidateOAuthTokenResponse {
  'token'?: (_dataaccess_v1_OAuthToken | null);
  'consistency_token'?: (string);
}

export interface InvalidateOAuthTokenResponse__Output {
  'token': (_dataaccess_v1_OAuthToken__Output | null);
  'consistency_token': (string);
}
