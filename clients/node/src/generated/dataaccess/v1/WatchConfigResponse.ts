// Original file: dataaccess/v1/configs.proto

import type { ConfigVersion as _dataaccess_v1_ConfigVersion, ConfigVersion__Output as _dataaccess_v1_ConfigVersion__Output } from '../../dataaccess/v1/ConfigVersion';
import type { Long } from '@grpc/proto-loader';

export interface WatchConfigResponse {
  /**
   * The active version.
   */
  'config'?: (_dataaccess_v1_ConfigVersion | null);
  /**
   * The activation count at which it became active: increases from one message to the
   * next, possibly by more than one if the watcher skipped activations.
   */
  'revision'?: (number | string | Long);
}

export interface WatchConfigResponse__Output {
  /**
   * The active version.
   */
  'config': (_dataaccess_v1_ConfigVersion__Output | null);
  /**
   * The activation count at which it became active: increases from one message to the
   * next, possibly by more than one if the watcher skipped activations.
   */
  'revision': (string);
}
