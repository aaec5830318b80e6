// Original file: dataaccess/v1/oauth_tokens.proto


export interface DeleteOAuthTokenRequest {
  'id'?: (string);
}

export interface DeleteOAuthTokenRequest__Output {
  'id': (string);
}
