// Original file: dataaccess/v1/cache.proto

import type { CacheEntry as _dataaccess_v1_CacheEntry, CacheEntry__Output as _dataaccess_v1_CacheEntry__Output } from '../../dataaccess/v1/CacheEntry';

export interface SetCacheEntriesResponse {
  /**
   * The entries as stored, with their expire_time, in key order.
   */
  'entries'?: (_dataaccess_v1_CacheEntry)[];
}

export interface SetCacheEntriesResponse__Output {
  /**
   * The entries as stored, with their expire_time, in key order.
   */
  'entries': (_dataaccess_v1_CacheEntry__Output)[];
}
