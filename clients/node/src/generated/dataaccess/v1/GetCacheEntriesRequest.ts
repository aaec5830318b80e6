// Original file: dataaccess/v1/cache.proto


export interface GetCacheEntriesRequest {
  /**
   * 1-1000 keys (1-512 bytes each); a key given twice is answered once.
   */
  'keys'?: (string)[];
}

export interface GetCacheEntriesRequest__Output {
  /**
   * 1-1000 keys (1-512 bytes each); a key given twice is answered once.
   */
  'keys': (string)[];
}
