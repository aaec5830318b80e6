// Original file: dataaccess/v1/cache.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';

/**
 * One entry of a SetCacheEntries batch.
 */
export interface SetCacheEntriesItem {
  /**
   * The entry's key (1-512 bytes); each key at most once per batch.
   */
  'key'?: (string);
  /**
   * The value (at most DATAACCESS_CACHE_MAX_VALUE_BYTES).
   */
  'value'?: (Buffer | Uint8Array | string);
  /**
   * Required, 1 s to DATAACCESS_CACHE_MAX_TTL, as in SetCacheEntryRequest.
   */
  'ttl'?: (_google_protobuf_Duration | null);
  /**
   * Tags (at most 32, 1-128 characters each).
   */
  'tags'?: (string)[];
}

/**
 * One entry of a SetCacheEntries batch.
 */
export interface SetCacheEntriesItem__Output {
  /**
   * The entry's key (1-512 bytes); each key at most once per batch.
   */
  'key': (string);
  /**
   * The value (at most DATAACCESS_CACHE_MAX_VALUE_BYTES).
   */
  'value': (Buffer);
  /**
   * Required, 1 s to DATAACCESS_CACHE_MAX_TTL, as in SetCacheEntryRequest.
   */
  'ttl': (_google_protobuf_Duration__Output | null);
  /**
   * Tags (at most 32, 1-128 characters each).
   */
  'tags': (string)[];
}
