// Original file: dataaccess/v1/request_logs.proto

import type { Long } from '@grpc/proto-loader';

export interface BatchInsertRequestLogsResponse {
  /**
   * Logs stored now.
   */
  'inserted'?: (number | string | Long);
  /**
   * Logs that were stored before (same request_time and request_id), skipped.
   */
  'duplicates'?: (number | string | Long);
}

export interface BatchInsertRequestLogsResponse__Output {
  /**
   * Logs stored now.
   */
  'inserted': (string);
  /**
   * Logs that were stored before (same request_time and request_id), skipped.
   */
  'duplicates': (string);
}
