// Original file: dataaccess/v1/usage.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Increments (in requests) or totals (in ListUsage) of one key and day.
 */
export interface UsageRecord {
  /**
   * 1-64 characters.
   */
  'provider'?: (string);
  /**
   * 1-256 characters.
   */
  'model'?: (string);
  /**
   * 1-256 characters.
   */
  'auth_id'?: (string);
  /**
   * The day, ISO 8601 "YYYY-MM-DD" (UTC).
   */
  'date'?: (string);
  /**
   * Counters: each at least 0.
   */
  'request_count'?: (number | string | Long);
  'input_tokens'?: (number | string | Long);
  'output_tokens'?: (number | string | Long);
  'reasoning_tokens'?: (number | string | Long);
  /**
   * Part of input_tokens; not added to total_tokens.
   */
  'cached_tokens'?: (number | string | Long);
  'success_count'?: (number | string | Long);
  'error_count'?: (number | string | Long);
  /**
   * Output only: input + output + reasoning tokens.
   */
  'total_tokens'?: (number | string | Long);
}

/**
 * Increments (in requests) or totals (in ListUsage) of one key and day.
 */
export interface UsageRecord__Output {
  /**
   * 1-64 characters.
   */
  'provider': (string);
  /**
   * 1-256 characters.
   */
  'model': (string);
  /**
   * 1-256 characters.
   */
  'auth_id': (string);
  /**
   * The day, ISO 8601 "YYYY-MM-DD" (UTC).
   */
  'date': (string);
  /**
   * Counters: each at least 0.
   */
  'request_count': (string);
  'input_tokens': (string);
  'output_tokens': (string);
  'reasoning_tokens': (string);
  /**
   * Part of input_tokens; not added to total_tokens.
   */
  'cached_tokens': (string);
  'success_count': (string);
  'error_count': (string);
  /**
   * Output only: input + output + reasoning tokens.
   */
  'total_tokens': (string);
}
