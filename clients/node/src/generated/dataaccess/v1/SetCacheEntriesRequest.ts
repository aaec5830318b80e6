// Original file: dataaccess/v1/cache.proto

import type { SetCacheEntriesItem as _dataaccess_v1_SetCacheEntriesItem, SetCacheEntriesItem__Output as _dataaccess_v1_SetCacheEntriesItem__Output } from '../../dataaccess/v1/SetCacheEntriesItem';

export interface SetCacheEntriesRequest {
  /**
   * 1-1000 entries with distinct keys (a key given twice is INVALID_ARGUMENT naming
   * the second one's index). Validated whole before anything is written.
   */
  'entries'?: (_dataaccess_v1_SetCacheEntriesItem)[];
}

export interface SetCacheEntriesRequest__Output {
  /**
   * 1-1000 entries with distinct keys (a key given twice is INVALID_ARGUMENT naming
   * the second one's index). Validated whole before anything is written.
   */
  'entries': (_dataaccess_v1_SetCacheEntriesItem__Output)[];
}
