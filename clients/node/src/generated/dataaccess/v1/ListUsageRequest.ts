// Original file: dataaccess/v1/usage.proto


export interface ListUsageRequest {
  /**
   * Filters; empty ones do not filter.
   */
  'auth_id'?: (string);
  'provider'?: (string);
  'model'?: (string);
  /**
   * Inclusive day range, "YYYY-MM-DD"; either may be empty.
   */
  'start_date'?: (string);
  'end_date'?: (string);
  /**
   * 0 means 50; at most 1000 (larger values are lowered to 1000).
   */
  'page_size'?: (number);
  'page_token'?: (string);
}

export interface ListUsageRequest__Output {
  /**
   * Filters; empty ones do not filter.
   */
  'auth_id': (string);
  'provider': (string);
  'model': (string);
  /**
   * Inclusive day range, "YYYY-MM-DD"; either may be empty.
   */
  'start_date': (string);
  'end_date': (string);
  /**
   * 0 means 50; at most 1000 (larger values are lowered to 1000).
   */
  'page_size': (number);
  'page_token': (string);
}
