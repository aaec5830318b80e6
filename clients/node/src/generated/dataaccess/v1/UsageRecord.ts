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
  /**
   * Spend in micro-units of the caller's currency; summed like the counters.
   */
  'cost'?: (number | string | Long);
  /**
   * Input only, optional: the API key (id) the record is for. Its cost is charged to
   * the key's budgets and its owner's, in the period current at the write, and to the
   * key's spend analytics. Records for the same day, provider, model and auth_id but
   * different keys are summed alike in the counters.
   */
  'api_key_id'?: (string);
  /**
   * Input only, optional: settles this reservation (ValidateAPIKeyResponse) with the
   * record's figures as the actual: the estimate is released and the record's tokens
   * (input + output + reasoning) and cost are charged to the limits and budgets it held,
   * in the windows and periods it held them. A reservation is settled once: a retried
   * or second settlement charges nothing more. A reservation that had expired is not
   * held any more, so its actual is charged as a new charge. Implies api_key_id (which
   * may be left empty, or must match).
   */
  'reservation_id'?: (string);
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
  /**
   * Spend in micro-units of the caller's currency; summed like the counters.
   */
  'cost': (string);
  /**
   * Input only, optional: the API key (id) the record is for. Its cost is charged to
   * the key's budgets and its owner's, in the period current at the write, and to the
   * key's spend analytics. Records for the same day, provider, model and auth_id but
   * different keys are summed alike in the counters.
   */
  'api_key_id': (string);
  /**
   * Input only, optional: settles this reservation (ValidateAPIKeyResponse) with the
   * record's figures as the actual: the estimate is released and the record's tokens
   * (input + output + reasoning) and cost are charged to the limits and budgets it held,
   * in the windows and periods it held them. A reservation is settled once: a retried
   * or second settlement charges nothing more. A reservation that had expired is not
   * held any more, so its actual is charged as a new charge. Implies api_key_id (which
   * may be left empty, or must match).
   */
  'reservation_id': (string);
}
