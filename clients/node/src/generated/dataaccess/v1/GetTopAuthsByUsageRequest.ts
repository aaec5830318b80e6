// Original file: dataaccess/v1/analytics.proto

import type { TopAuthsOrder as _dataaccess_v1_TopAuthsOrder, TopAuthsOrder__Output as _dataaccess_v1_TopAuthsOrder__Output } from '../../dataaccess/v1/TopAuthsOrder';

export interface GetTopAuthsByUsageRequest {
  /**
   * Inclusive day range, "YYYY-MM-DD" (UTC); both required, start_date <= end_date.
   */
  'start_date'?: (string);
  'end_date'?: (string);
  /**
   * 0 means 10; at most 1000.
   */
  'limit'?: (number);
  'order_by'?: (_dataaccess_v1_TopAuthsOrder);
  /**
   * Filters; empty ones do not filter.
   */
  'provider'?: (string);
  'model'?: (string);
}

export interface GetTopAuthsByUsageRequest__Output {
  /**
   * Inclusive day range, "YYYY-MM-DD" (UTC); both required, start_date <= end_date.
   */
  'start_date': (string);
  'end_date': (string);
  /**
   * 0 means 10; at most 1000.
   */
  'limit': (number);
  'order_by': (_dataaccess_v1_TopAuthsOrder__Output);
  /**
   * Filters; empty ones do not filter.
   */
  'provider': (string);
  'model': (string);
}
