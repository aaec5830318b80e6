// Original file: dataaccess/v1/api_keys.proto


export interface ValidateAPIKeyRequest {
  /**
   * The key as presented: 1-256 printable characters.
   */
  'key'?: (string);
}

export interface ValidateAPIKeyRequest__Output {
  /**
   * The key as presented: 1-256 printable characters.
   */
  'key': (string);
}
