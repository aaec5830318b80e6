// Original file: dataaccess/v1/usage.proto

import type { UsageRecord as _dataaccess_v1_UsageRecord, UsageRecord__Output as _dataaccess_v1_UsageRecord__Output } from '../../dataaccess/v1/UsageRecord';

export interface UpsertUsageRequest {
  'record'?: (_dataaccess_v1_UsageRecord | null);
  /**
   * Optional idempotency key, 1-128 characters: applied once, whatever the retries. It
   * also settles the reservation made with the same request_id (ValidateAPIKeyRequest),
   * as record.reservation_id would.
   */
  'request_id'?: (string);
}

export interface UpsertUsageRequest__Output {
  'record': (_dataaccess_v1_UsageRecord__Output | null);
  /**
   * Optional idempotency key, 1-128 characters: applied once, whatever the retries. It
   * also settles the reservation made with the same request_id (ValidateAPIKeyRequest),
   * as record.reservation_id would.
   */
  'request_id': (string);
}
