// Original file: dataaccess/v1/analytics.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface GetLatencyPercentilesRequest {
  /**
   * Half-open range, widened to whole hours; both required.
   */
  'start_time'?: (_google_protobuf_Timestamp | null);
  'end_time'?: (_google_protobuf_Timestamp | null);
  /**
   * Percentiles wanted, each in (0, 100]; empty means 50, 95 and 99; at most 20.
   */
  'percentiles'?: (number | string)[];
  /**
   * One row per provider, per model, per both, or (neither) one row overall.
   */
  'group_by_provider'?: (boolean);
  'group_by_model'?: (boolean);
  /**
   * Filters; empty ones do not filter.
   */
  'provider'?: (string);
  'model'?: (string);
}

export interface GetLatencyPercentilesRequest__Output {
  /**
   * Half-open range, widened to whole hours; both required.
   */
  'start_time': (_google_protobuf_Timestamp__Output | null);
  'end_time': (_google_protobuf_Timestamp__Output | null);
  /**
   * Percentiles wanted, each in (0, 100]; empty means 50, 95 and 99; at most 20.
   */
  'percentiles': (number)[];
  /**
   * One row per provider, per model, per both, or (neither) one row overall.
   */
  'group_by_provider': (boolean);
  'group_by_model': (boolean);
  /**
   * Filters; empty ones do not filter.
   */
  'provider': (string);
  'model': (string);
}
