// Original file: dataaccess/v1/analytics.proto

import type { Long } from '@grpc/proto-loader';

/**
 * What usage writes naming a key (UsageRecord.api_key_id) charged over a day or range.
 */
export interface KeySpendTotals {
  /**
   * Usage records.
   */
  'requests'?: (number | string | Long);
  /**
   * Tokens charged: input + output + reasoning tokens of the records.
   */
  'tokens'?: (number | string | Long);
  /**
   * Cost (micro-units) of the records.
   */
  'cost'?: (number | string | Long);
}

/**
 * What usage writes naming a key (UsageRecord.api_key_id) charged over a day or range.
 */
export interface KeySpendTotals__Output {
  /**
   * Usage records.
   */
  'requests': (string);
  /**
   * Tokens charged: input + output + reasoning tokens of the records.
   */
  'tokens': (string);
  /**
   * Cost (micro-units) of the records.
   */
  'cost': (string);
}
