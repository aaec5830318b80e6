// Original file: dataaccess/v1/analytics.proto

import type { Long } from '@grpc/proto-loader';

export interface ErrorRate {
  'provider'?: (string);
  'model'?: (string);
  'requests'?: (number | string | Long);
  /**
   * Logs with status_code >= 400, or 0 (failed before any status).
   */
  'errors'?: (number | string | Long);
  /**
   * errors / requests.
   */
  'error_rate'?: (number | string);
}

export interface ErrorRate__Output {
  'provider': (string);
  'model': (string);
  'requests': (string);
  /**
   * Logs with status_code >= 400, or 0 (failed before any status).
   */
  'errors': (string);
  /**
   * errors / requests.
   */
  'error_rate': (number);
}
