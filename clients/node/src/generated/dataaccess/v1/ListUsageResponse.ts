// Original file: dataaccess/v1/usage.proto

import type { UsageRecord as _dataaccess_v1_UsageRecord, UsageRecord__Output as _dataaccess_v1_UsageRecord__Output } from '../../dataaccess/v1/UsageRecord';

export interface ListUsageResponse {
  'records'?: (_dataaccess_v1_UsageRecord)[];
  'next_page_token'?: (string);
}

export interface ListUsageResponse__Output {
  'records': (_dataaccess_v1_UsageRecord__Output)[];
  'next_page_token': (string);
}
