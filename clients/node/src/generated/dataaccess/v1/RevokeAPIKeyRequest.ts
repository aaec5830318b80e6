// Original file: dataaccess/v1/api_keys.proto


export interface RevokeAPIKeyRequest {
  'id'?: (string);
}

export interface RevokeAPIKeyRequest__Output {
  'id': (string);
}
