// Original file: dataaccess/v1/usage.proto

import type { Long } from '@grpc/proto-loader';

export interface UpsertUsageResponse {
  /**
   * True when request_id was applied before: nothing was added this time.
   */
  'replayed'?: (boolean);
  /**
   * Reservations this write settled (0 or 1).
   */
  'reservations_settled'?: (number | string | Long);
}

export interface UpsertUsageResponse__Output {
  /**
   * True when request_id was applied before: nothing was added this time.
   */
  'replayed': (boolean);
  /**
   * Reservations this write settled (0 or 1).
   */
  'reservations_settled': (string);
}
