// Original file: dataaccess/v1/configs.proto

import type { Long } from '@grpc/proto-loader';

export interface GetConfigRequest {
  /**
   * The config's name.
   */
  'name'?: (string);
  /**
   * The version to read; 0 reads the active version.
   */
  'version'?: (number | string | Long);
}

export interface GetConfigRequest__Output {
  /**
   * The config's name.
   */
  'name': (string);
  /**
   * The version to read; 0 reads the active version.
   */
  'version': (string);
}
