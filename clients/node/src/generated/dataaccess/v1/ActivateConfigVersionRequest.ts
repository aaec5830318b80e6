// Original file: dataaccess/v1/configs.proto

import type { Long } from '@grpc/proto-loader';

export interface ActivateConfigVersionRequest {
  /**
   * The config's name.
   */
  'name'?: (string);
  /**
   * The version to activate (1 or more).
   */
  'version'?: (number | string | Long);
  /**
   * When set, the call is ABORTED (nothing changes) unless this is the active version
   * now; 0 means "no version is active".
   */
  'expected_active_version'?: (number | string | Long);
  '_expected_active_version'?: "expected_active_version";
}

export interface ActivateConfigVersionRequest__Output {
  /**
   * The config's name.
   */
  'name': (string);
  /**
   * The version to activate (1 or more).
   */
  'version': (string);
  /**
   * When set, the call is ABORTED (nothing changes) unless this is the active version
   * now; 0 means "no version is active".
   */
  'expected_active_version'?: (string);
  '_expected_active_version'?: "expected_active_version";
}
