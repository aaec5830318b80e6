// Original file: dataaccess/v1/analytics.proto

import type { TimeSeriesPoint as _dataaccess_v1_TimeSeriesPoint, TimeSeriesPoint__Output as _dataaccess_v1_TimeSeriesPoint__Output } from '../../dataaccess/v1/TimeSeriesPoint';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface GetUsageTimeSeriesResponse {
  /**
   * Every hour or day of the range, oldest first; those without logs are zeros.
   */
  'points'?: (_dataaccess_v1_TimeSeriesPoint)[];
  'start_time'?: (_google_protobuf_Timestamp | null);
  'end_time'?: (_google_protobuf_Timestamp | null);
  'as_of_time'?: (_google_protobuf_Timestamp | null);
}

export interface GetUsageTimeSeriesResponse__Output {
  /**
   * Every hour or day of the range, oldest first; those without logs are zeros.
   */
  'points': (_dataaccess_v1_TimeSeriesPoint__Output)[];
  'start_time': (_google_protobuf_Timestamp__Output | null);
  'end_time': (_google_protobuf_Timestamp__Output | null);
  'as_of_time': (_google_protobuf_Timestamp__Output | null);
}
