// Original file: dataaccess/v1/oauth_tokens.proto

import type { OAuthToken as _dataaccess_v1_OAuthToken, OAuthToken__Output as _dataaccess_v1_OAuthToken__Output } from '../../dataaccess/v1/OAuthToken';

export interface ListOAuthTokensResponse {
  /**
   * BASIC view: never secrets.
   */
  'tokens'?: (_dataaccess_v1_OAuthToken)[];
  /**
   * Empty on the last page.
   */
  'next_page_token'?: (string);
}

export interface ListOAuthTokensResponse__Output {
  /**
   * BASIC view: never secrets.
   */
  'tokens': (_dataaccess_v1_OAuthToken__Output)[];
  /**
   * Empty on the last page.
   */
  'next_page_token': (string);
}
