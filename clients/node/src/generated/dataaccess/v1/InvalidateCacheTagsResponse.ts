// Original file: dataaccess/v1/cache.proto

import type { Long } from '@grpc/proto-loader';

export interface InvalidateCacheTagsResponse {
  /**
   * Live (unexpired) entries removed; expired ones that carried a tag are removed too
   * but not counted.
   */
  'deleted_count'?: (number | string | Long);
}

export interface InvalidateCacheTagsResponse__Output {
  /**
   * Live (unexpired) entries removed; expired ones that carried a tag are removed too
   * but not counted.
   */
  'deleted_count': (string);
}
