// Original file: dataaccess/v1/analytics.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Granularity as _dataaccess_v1_Granularity, Granularity__Output as _dataaccess_v1_Granularity__Output } from '../../dataaccess/v1/Granularity';

export interface GetUsageTimeSeriesRequest {
  /**
   * Half-open range, widened to whole hours or days; both required. The range may hold
   * at most 5,000 points of the granularity.
   */
  'start_time'?: (_google_protobuf_Timestamp | null);
  'end_time'?: (_google_protobuf_Timestamp | null);
  /**
   * Required.
   */
  'granularity'?: (_dataaccess_v1_Granularity);
  /**
   * Filters; empty ones do not filter.
   */
  'provider'?: (string);
  'model'?: (string);
}

export interface GetUsageTimeSeriesRequest__Output {
  /**
   * Half-open range, widened to whole hours or days; both required. The range may hold
   * at most 5,000 points of the granularity.
   */
  'start_time': (_google_protobuf_Timestamp__Output | null);
  'end_time': (_google_protobuf_Timestamp__Output | null);
  /**
   * Required.
   */
  'granularity': (_dataaccess_v1_Granularity__Output);
  /**
   * Filters; empty ones do not filter.
   */
  'provider': (string);
  'model': (string);
}
