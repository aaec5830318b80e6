// Original file: dataaccess/v1/cache.proto


export interface DeleteCacheEntryRequest {
  /**
   * The entry's key (1-512 bytes).
   */
  'key'?: (string);
}

export interface DeleteCacheEntryRequest__Output {
  /**
   * The entry's key (1-512 bytes).
   */
  'key': (string);
}
