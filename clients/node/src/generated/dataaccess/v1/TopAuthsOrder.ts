// Original file: dataaccess/v1/analytics.proto

/**
 * What GetTopAuthsByUsage ranks by.
 */
export const TopAuthsOrder = {
  /**
   * Requests.
   */
  TOP_AUTHS_ORDER_UNSPECIFIED: 'TOP_AUTHS_ORDER_UNSPECIFIED',
  TOP_AUTHS_ORDER_REQUESTS: 'TOP_AUTHS_ORDER_REQUESTS',
  TOP_AUTHS_ORDER_TOTAL_TOKENS: 'TOP_AUTHS_ORDER_TOTAL_TOKENS',
} as const;

/**
 * What GetTopAuthsByUsage ranks by.
 */
export type TopAuthsOrder =
  /**
   * Requests.
   */
  | 'TOP_AUTHS_ORDER_UNSPECIFIED'
  | 0
  | 'TOP_AUTHS_ORDER_REQUESTS'
  | 1
  | 'TOP_AUTHS_ORDER_TOTAL_TOKENS'
  | 2

/**
 * What GetTopAuthsByUsage ranks by.
 */
export type TopAuthsOrder__Output = typeof TopAuthsOrder[keyof typeof TopAuthsOrder]
