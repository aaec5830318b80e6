// Original file: dataaccess/v1/oauth_tokens.proto


export interface InvalidateOAuthTokenRequest {
  'id'?: (string);
}

export interface InvalidateOAuthTokenRequest__Output {
  'id': (string);
}
