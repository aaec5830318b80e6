// Original file: dataaccess/v1/cache.proto

import type { CacheEntry as _dataaccess_v1_CacheEntry, CacheEntry__Output as _dataaccess_v1_CacheEntry__Output } from '../../dataaccess/v1/CacheEntry';

export interface SetCacheEntryResponse {
  /**
   * The entry as stored, with its expire_time.
   */
  'entry'?: (_dataaccess_v1_CacheEntry | null);
}

export interface SetCacheEntryResponse__Output {
  /**
   * The entry as stored, with its expire_time.
   */
  'entry': (_dataaccess_v1_CacheEntry__Output | null);
}
