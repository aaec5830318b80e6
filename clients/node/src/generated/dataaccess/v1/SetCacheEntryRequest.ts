// Original file: dataaccess/v1/cache.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';

export interface SetCacheEntryRequest {
  /**
   * The entry's key (1-512 bytes).
   */
  'key'?: (string);
  /**
   * The value (at most DATAACCESS_CACHE_MAX_VALUE_BYTES).
   */
  'value'?: (Buffer | Uint8Array | string);
  /**
   * Required: how long the entry lives, from 1 s to DATAACCESS_CACHE_MAX_TTL (7 days
   * by default); fractions of a second are kept. Missing or zero is INVALID_ARGUMENT.
   */
  'ttl'?: (_google_protobuf_Duration | null);
  /**
   * Tags (at most 32, 1-128 characters each); they replace the old entry's.
   */
  'tags'?: (string)[];
}

export interface SetCacheEntryRequest__Output {
  /**
   * The entry's key (1-512 bytes).
   */
  'key': (string);
  /**
   * The value (at most DATAACCESS_CACHE_MAX_VALUE_BYTES).
   */
  'value': (Buffer);
  /**
   * Required: how long the entry lives, from 1 s to DATAACCESS_CACHE_MAX_TTL (7 days
   * by default); fractions of a second are kept. Missing or zero is INVALID_ARGUMENT.
   */
  'ttl': (_google_protobuf_Duration__Output | null);
  /**
   * Tags (at most 32, 1-128 characters each); they replace the old entry's.
   */
  'tags': (string)[];
}
