// Original file: dataaccess/v1/api_keys.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Long } from '@grpc/proto-loader';

export interface RateLimitState {
  /**
   * Validations allowed per window (one minute).
   */
  'limit'?: (number | string | Long);
  /**
   * Validations left in the current window.
   */
  'remaining'?: (number | string | Long);
  /**
   * When the current window ends.
   */
  'reset_time'?: (_google_protobuf_Timestamp | null);
}

export interface RateLimitState__Output {
  /**
   * Validations allowed per window (one minute).
   */
  'limit': (string);
  /**
   * Validations left in the current window.
   */
  'remaining': (string);
  /**
   * When the current window ends.
   */
  'reset_time': (_google_protobuf_Timestamp__Output | null);
}
