// Original file: dataaccess/v1/cache.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

/**
 * One cache entry as stored.
 */
export interface CacheEntry {
  /**
   * 1-512 bytes of UTF-8, compared byte for byte.
   */
  'key'?: (string);
  /**
   * Opaque bytes, at most DATAACCESS_CACHE_MAX_VALUE_BYTES (1 MiB by default); may be
   * empty. Base64 in JSON (grpcurl).
   */
  'value'?: (Buffer | Uint8Array | string);
  /**
   * At most 32 distinct tags of 1-128 characters each, for InvalidateCacheTags;
   * answered in the order they were set, duplicates removed.
   */
  'tags'?: (string)[];
  /**
   * Output only: when the entry stops being returned (the database's clock at the set,
   * plus its ttl).
   */
  'expire_time'?: (_google_protobuf_Timestamp | null);
}

/**
 * One cache entry as stored.
 */
export interface CacheEntry__Output {
  /**
   * 1-512 bytes of UTF-8, compared byte for byte.
   */
  'key': (string);
  /**
   * Opaque bytes, at most DATAACCESS_CACHE_MAX_VALUE_BYTES (1 MiB by default); may be
   * empty. Base64 in JSON (grpcurl).
   */
  'value': (Buffer);
  /**
   * At most 32 distinct tags of 1-128 characters each, for InvalidateCacheTags;
   * answered in the order they were set, duplicates removed.
   */
  'tags': (string)[];
  /**
   * Output only: when the entry stops being returned (the database's clock at the set,
   * plus its ttl).
   */
  'expire_time': (_google_protobuf_Timestamp__Output | null);
}
