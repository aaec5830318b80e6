// Original file: dataaccess/v1/configs.proto

import type { ConfigVersion as _dataaccess_v1_ConfigVersion, ConfigVersion__Output as _dataaccess_v1_ConfigVersion__Output } from '../../dataaccess/v1/ConfigVersion';
import type { Long } from '@grpc/proto-loader';

export interface RollbackConfigResponse {
  /**
   * The active version after the rollback.
   */
  'config'?: (_dataaccess_v1_ConfigVersion | null);
  /**
   * The name's activation count after the rollback.
   */
  'revision'?: (number | string | Long);
  /**
   * The version active before the rollback: a second rollback returns to it.
   */
  'previous_version'?: (number | string | Long);
}

export interface RollbackConfigResponse__Output {
  /**
   * The active version after the rollback.
   */
  'config': (_dataaccess_v1_ConfigVersion__Output | null);
  /**
   * The name's activation count after the rollback.
   */
  'revision': (string);
  /**
   * The version active before the rollback: a second rollback returns to it.
   */
  'previous_version': (string);
}
