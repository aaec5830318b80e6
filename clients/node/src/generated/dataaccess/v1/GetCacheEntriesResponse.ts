// Original file: dataaccess/v1/cache.proto

import type { CacheEntry as _dataaccess_v1_CacheEntry, CacheEntry__Output as _dataaccess_v1_CacheEntry__Output } from '../../dataaccess/v1/CacheEntry';

export interface GetCacheEntriesResponse {
  /**
   * The live entries found, in key order.
   */
  'entries'?: (_dataaccess_v1_CacheEntry)[];
  /**
   * The requested keys with no live entry, in key order.
   */
  'missing_keys'?: (string)[];
}

export interface GetCacheEntriesResponse__Output {
  /**
   * The live entries found, in key order.
   */
  'entries': (_dataaccess_v1_CacheEntry__Output)[];
  /**
   * The requested keys with no live entry, in key order.
   */
  'missing_keys': (string)[];
}
