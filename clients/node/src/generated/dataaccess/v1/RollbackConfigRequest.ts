// Original file: dataaccess/v1/configs.proto

import type { Long } from '@grpc/proto-loader';

export interface RollbackConfigRequest {
  /**
   * The config's name.
   */
  'name'?: (string);
  /**
   * When set, the call is ABORTED (nothing changes) unless this is the active version
   * now; 0 means "no version is active".
   */
  'expected_active_version'?: (number | string | Long);
  '_expected_active_version'?: "expected_active_version";
}

export interface RollbackConfigRequest__Output {
  /**
   * The config's name.
   */
  'name': (string);
  /**
   * When set, the call is ABORTED (nothing changes) unless this is the active version
   * now; 0 means "no version is active".
   */
  'expected_active_version'?: (string);
  '_expected_active_version'?: "expected_active_version";
}
