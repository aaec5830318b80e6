// Original file: dataaccess/v1/cache.proto

import type { CacheEntry as _dataaccess_v1_CacheEntry, CacheEntry__Output as _dataaccess_v1_CacheEntry__Output } from '../../dataaccess/v1/CacheEntry';

export interface GetCacheEntryResponse {
  /**
   * False when no live entry has the key (never set, deleted, invalidated or expired).
   */
  'found'?: (boolean);
  /**
   * The entry, when found.
   */
  'entry'?: (_dataaccess_v1_CacheEntry | null);
}

export interface GetCacheEntryResponse__Output {
  /**
   * False when no live entry has the key (never set, deleted, invalidated or expired).
   */
  'found': (boolean);
  /**
   * The entry, when found.
   */
  'entry': (_dataaccess_v1_CacheEntry__Output | null);
}
