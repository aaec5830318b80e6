// Original file: dataaccess/v1/analytics.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Long } from '@grpc/proto-loader';

export interface TimeSeriesPoint {
  /**
   * Start of the hour or day.
   */
  'time'?: (_google_protobuf_Timestamp | null);
  'requests'?: (number | string | Long);
  'input_tokens'?: (number | string | Long);
  'output_tokens'?: (number | string | Long);
  /**
   * input + output tokens.
   */
  'total_tokens'?: (number | string | Long);
  'errors'?: (number | string | Long);
}

export interface TimeSeriesPoint__Output {
  /**
   * Start of the hour or day.
   */
  'time': (_google_protobuf_Timestamp__Output | null);
  'requests': (string);
  'input_tokens': (string);
  'output_tokens': (string);
  /**
   * input + output tokens.
   */
  'total_tokens': (string);
  'errors': (string);
}
