// Original file: dataaccess/v1/oauth_tokens.proto


export interface DeleteOAuthTokenResponse {
  'consistency_token'?: (string);
}

export interface DeleteOAuthTokenResponse__Output {
  'consistency_token': (string);
}
