// Original file: dataaccess/v1/cache.proto


export interface DeleteCacheEntryResponse {
  /**
   * True when a live entry was removed; false when there was none (or only an expired
   * one, which is removed too).
   */
  'deleted'?: (boolean);
}

export interface DeleteCacheEntryResponse__Output {
  /**
   * True when a live entry was removed; false when there was none (or only an expired
   * one, which is removed too).
   */
  'deleted': (boolean);
}
