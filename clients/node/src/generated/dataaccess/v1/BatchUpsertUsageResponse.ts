// Original file: dataaccess/v1/usage.proto

import type { Long } from '@grpc/proto-loader';

export interface BatchUpsertUsageResponse {
  /**
   * Records in the request.
   */
  'records_received'?: (number | string | Long);
  /**
   * Distinct (provider, model, auth_id, date) keys they added to.
   */
  'keys_updated'?: (number | string | Long);
  /**
   * True when request_id was applied before: the first call's figures, nothing added.
   */
  'replayed'?: (boolean);
  /**
   * Reservations the records settled (each settled once, however often it is named).
   */
  'reservations_settled'?: (number | string | Long);
}

export interface BatchUpsertUsageResponse__Output {
  /**
   * Records in the request.
   */
  'records_received': (string);
  /**
   * Distinct (provider, model, auth_id, date) keys they added to.
   */
  'keys_updated': (string);
  /**
   * True when request_id was applied before: the first call's figures, nothing added.
   */
  'replayed': (boolean);
  /**
   * Reservations the records settled (each settled once, however often it is named).
   */
  'reservations_settled': (string);
}
