// Original file: dataaccess/v1/analytics.proto

import type { Long } from '@grpc/proto-loader';

export interface AuthUsage {
  'auth_id'?: (string);
  'requests'?: (number | string | Long);
  'total_tokens'?: (number | string | Long);
  /**
   * Distinct (provider, model) pairs the auth used in the range.
   */
  'distinct_models'?: (number | string | Long);
}

export interface AuthUsage__Output {
  'auth_id': (string);
  'requests': (string);
  'total_tokens': (string);
  /**
   * Distinct (provider, model) pairs the auth used in the range.
   */
  'distinct_models': (string);
}
