// Original file: dataaccess/v1/configs.proto

import type { ConfigVersion as _dataaccess_v1_ConfigVersion, ConfigVersion__Output as _dataaccess_v1_ConfigVersion__Output } from '../../dataaccess/v1/ConfigVersion';
import type { Long } from '@grpc/proto-loader';

export interface CreateConfigVersionResponse {
  /**
   * The new version (or the first call's, for a retried request_id).
   */
  'config'?: (_dataaccess_v1_ConfigVersion | null);
  /**
   * True when request_id was seen before and nothing was stored.
   */
  'replayed'?: (boolean);
  /**
   * The name's activation count after the call (see ActivateConfigVersionResponse).
   */
  'revision'?: (number | string | Long);
}

export interface CreateConfigVersionResponse__Output {
  /**
   * The new version (or the first call's, for a retried request_id).
   */
  'config': (_dataaccess_v1_ConfigVersion__Output | null);
  /**
   * True when request_id was seen before and nothing was stored.
   */
  'replayed': (boolean);
  /**
   * The name's activation count after the call (see ActivateConfigVersionResponse).
   */
  'revision': (string);
}
