// Original file: dataaccess/v1/api_keys.proto

import type { APIKey as _dataaccess_v1_APIKey, APIKey__Output as _dataaccess_v1_APIKey__Output } from '../../dataaccess/v1/APIKey';

export interface UpdateAPIKeyResponse {
  'api_key'?: (_dataaccess_v1_APIKey | null);
}

export interface UpdateAPIKeyResponse__Output {
  'api_key': (_dataaccess_v1_APIKey__Output | null);
}
