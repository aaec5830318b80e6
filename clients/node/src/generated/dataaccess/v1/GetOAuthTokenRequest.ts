// Original file: dataaccess/v1/oauth_tokens.proto

import type { OAuthTokenView as _dataaccess_v1_OAuthTokenView, OAuthTokenView__Output as _dataaccess_v1_OAuthTokenView__Output } from '../../dataaccess/v1/OAuthTokenView';

export interface GetOAuthTokenRequest {
  /**
   * Either id, or provider and user_id.
   */
  'id'?: (string);
  'provider'?: (string);
  'user_id'?: (string);
  'view'?: (_dataaccess_v1_OAuthTokenView);
  /**
   * From a write's response: the read sees at least that write.
   */
  'consistency_token'?: (string);
}

export interface GetOAuthTokenRequest__Output {
  /**
   * Either id, or provider and user_id.
   */
  'id': (string);
  'provider': (string);
  'user_id': (string);
  'view': (_dataaccess_v1_OAuthTokenView__Output);
  /**
   * From a write's response: the read sees at least that write.
   */
  'consistency_token': (string);
}
