// Original file: dataaccess/v1/cache.proto


export interface InvalidateCacheTagsRequest {
  /**
   * Entries carrying any of these tags are removed: 1-32 tags of 1-128 characters.
   */
  'tags'?: (string)[];
}

export interface InvalidateCacheTagsRequest__Output {
  /**
   * Entries carrying any of these tags are removed: 1-32 tags of 1-128 characters.
   */
  'tags': (string)[];
}
