// Original file: dataaccess/v1/api_keys.proto


export interface GetAPIKeyRequest {
  'id'?: (string);
}

export interface GetAPIKeyRequest__Output {
  'id': (string);
}
