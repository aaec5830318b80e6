// Original file: dataaccess/v1/analytics.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Long } from '@grpc/proto-loader';

export interface GetErrorRatesRequest {
  /**
   * Half-open range, widened to whole hours; both required.
   */
  'start_time'?: (_google_protobuf_Timestamp | null);
  'end_time'?: (_google_protobuf_Timestamp | null);
  /**
   * Groups with fewer requests are left out; at least 0.
   */
  'min_requests'?: (number | string | Long);
  /**
   * Filters; empty ones do not filter.
   */
  'provider'?: (string);
  'model'?: (string);
}

export interface GetErrorRatesRequest__Output {
  /**
   * Half-open range, widened to whole hours; both required.
   */
  'start_time': (_google_protobuf_Timestamp__Output | null);
  'end_time': (_google_protobuf_Timestamp__Output | null);
  /**
   * Groups with fewer requests are left out; at least 0.
   */
  'min_requests': (string);
  /**
   * Filters; empty ones do not filter.
   */
  'provider': (string);
  'model': (string);
}
