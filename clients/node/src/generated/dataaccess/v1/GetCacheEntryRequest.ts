// Original file: dataaccess/v1/cache.proto


export interface GetCacheEntryRequest {
  /**
   * The entry's key (1-512 bytes).
   */
  'key'?: (string);
}

export interface GetCacheEntryRequest__Output {
  /**
   * The entry's key (1-512 bytes).
   */
  'key': (string);
}
