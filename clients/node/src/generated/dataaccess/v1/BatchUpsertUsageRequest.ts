// Original file: dataaccess/v1/usage.proto

import type { UsageRecord as _dataaccess_v1_UsageRecord, UsageRecord__Output as _dataaccess_v1_UsageRecord__Output } from '../../dataaccess/v1/UsageRecord';

export interface BatchUpsertUsageRequest {
  'records'?: (_dataaccess_v1_UsageRecord)[];
  /**
   * Optional idempotency key, 1-128 characters, for the whole batch.
   */
  'request_id'?: (string);
}

export interface BatchUpsertUsageRequest__Output {
  'records': (_dataaccess_v1_UsageRecord__Output)[];
  /**
   * Optional idempotency key, 1-128 characters, for the whole batch.
   */
  'request_id': (string);
}
