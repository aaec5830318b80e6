// Original file: dataaccess/v1/analytics.proto


export interface GetUsageSummaryRequest {
  /**
   * Inclusive day range, "YYYY-MM-DD" (UTC); both required, start_date <= end_date.
   */
  'start_date'?: (string);
  'end_date'?: (string);
  /**
   * Filters; empty ones do not filter.
   */
  'provider'?: (string);
  'model'?: (string);
  'auth_id'?: (string);
}

export interface GetUsageSummaryRequest__Output {
  /**
   * Inclusive day range, "YYYY-MM-DD" (UTC); both required, start_date <= end_date.
   */
  'start_date': (string);
  'end_date': (string);
  /**
   * Filters; empty ones do not filter.
   */
  'provider': (string);
  'model': (string);
  'auth_id': (string);
}
