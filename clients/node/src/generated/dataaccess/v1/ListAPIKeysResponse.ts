// Original file: dataaccess/v1/api_keys.proto

import type { APIKey as _dataaccess_v1_APIKey, APIKey__Output as _dataaccess_v1_APIKey__Output } from '../../dataaccess/v1/APIKey';

export interface ListAPIKeysResponse {
  'api_keys'?: (_dataaccess_v1_APIKey)[];
  'next_page_token'?: (string);
}

export interface ListAPIKeysResponse__Output {
  'api_keys': (_dataaccess_v1_APIKey__Output)[];
  'next_page_token': (string);
}
