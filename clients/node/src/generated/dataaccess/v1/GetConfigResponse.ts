// Original file: dataaccess/v1/configs.proto

import type { ConfigVersion as _dataaccess_v1_ConfigVersion, ConfigVersion__Output as _dataaccess_v1_ConfigVersion__Output } from '../../dataaccess/v1/ConfigVersion';

export interface GetConfigResponse {
  'config'?: (_dataaccess_v1_ConfigVersion | null);
}

export interface GetConfigResponse__Output {
  'config': (_dataaccess_v1_ConfigVersion__Output | null);
}
