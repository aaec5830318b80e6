// Original file: dataaccess/v1/api_keys.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';

export interface RotateAPIKeyRequest {
  'id'?: (string);
  /**
   * How long the old key keeps working; unset or zero: it stops at once. At most 30 days.
   */
  'grace_period'?: (_google_protobuf_Duration | null);
}

export interface RotateAPIKeyRequest__Output {
  'id': (string);
  /**
   * How long the old key keeps working; unset or zero: it stops at once. At most 30 days.
   */
  'grace_period': (_google_protobuf_Duration__Output | null);
}
