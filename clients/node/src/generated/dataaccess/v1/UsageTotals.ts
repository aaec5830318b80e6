// Original file: dataaccess/v1/analytics.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Usage counters summed over a range.
 */
export interface UsageTotals {
  'requests'?: (number | string | Long);
  'input_tokens'?: (number | string | Long);
  'output_tokens'?: (number | string | Long);
  'reasoning_tokens'?: (number | string | Long);
  'cached_tokens'?: (number | string | Long);
  /**
   * input + output + reasoning tokens.
   */
  'total_tokens'?: (number | string | Long);
  'successes'?: (number | string | Long);
  'errors'?: (number | string | Long);
  /**
   * Distinct auth_ids with a counter in the range.
   */
  'distinct_auths'?: (number | string | Long);
}

/**
 * Usage counters summed over a range.
 */
export interface UsageTotals__Output {
  'requests': (string);
  'input_tokens': (string);
  'output_tokens': (string);
  'reasoning_tokens': (string);
  'cached_tokens': (string);
  /**
   * input + output + reasoning tokens.
   */
  'total_tokens': (string);
  'successes': (string);
  'errors': (string);
  /**
   * Distinct auth_ids with a counter in the range.
   */
  'distinct_auths': (string);
}
