// Original file: dataaccess/v1/oauth_tokens.proto

/**
 * How much of a token a read returns.
 */
export const OAuthTokenView = {
  /**
   * The same as BASIC.
   */
  O_AUTH_TOKEN_VIEW_UNSPECIFIED: 'O_AUTH_TOKEN_VIEW_UNSPECIFIED',
  /**
   * Everything but access_token and refresh_token.
   */
  O_AUTH_TOKEN_VIEW_BASIC: 'O_AUTH_TOKEN_VIEW_BASIC',
  /**
   * Everything, secrets included.
   */
  O_AUTH_TOKEN_VIEW_FULL: 'O_AUTH_TOKEN_VIEW_FULL',
} as const;

/**
 * How much of a token a read returns.
 */
export type OAuthTokenView =
  /**
   * The same as BASIC.
   */
  | 'O_AUTH_TOKEN_VIEW_UNSPECIFIED'
  | 0
  /**
   * Everything but access_token and refresh_token.
   */
  | 'O_AUTH_TOKEN_VIEW_BASIC'
  | 1
  /**
   * Everything, secrets included.
   */
  | 'O_AUTH_TOKEN_VIEW_FULL'
  | 2

/**
 * How much of a token a read returns.
 */
export type OAuthTokenView__Output = typeof OAuthTokenView[keyof typeof OAuthTokenView]
