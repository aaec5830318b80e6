// Original file: dataaccess/v1/configs.proto

import type { ConfigVersion as _dataaccess_v1_ConfigVersion, ConfigVersion__Output as _dataaccess_v1_ConfigVersion__Output } from '../../dataaccess/v1/ConfigVersion';
import type { Long } from '@grpc/proto-loader';

export interface ActivateConfigVersionResponse {
  /**
   * The active version after the call.
   */
  'config'?: (_dataaccess_v1_ConfigVersion | null);
  /**
   * The name's activation count: +1 for every activation that changed the active
   * version (0 until the first). Watchers see it with each activation.
   */
  'revision'?: (number | string | Long);
  /**
   * The version active before this activation (0 if none); the one RollbackConfig
   * returns to.
   */
  'previous_version'?: (number | string | Long);
}

export interface ActivateConfigVersionResponse__Output {
  /**
   * The active version after the call.
   */
  'config': (_dataaccess_v1_ConfigVersion__Output | null);
  /**
   * The name's activation count: +1 for every activation that changed the active
   * version (0 until the first). Watchers see it with each activation.
   */
  'revision': (string);
  /**
   * The version active before this activation (0 if none); the one RollbackConfig
   * returns to.
   */
  'previous_version': (string);
}
