// Original file: dataaccess/v1/api_keys.proto


export interface ListAPIKeysRequest {
  /**
   * Keys whose key_prefix starts with this (at most 8 characters).
   */
  'key_prefix'?: (string);
  'owner_id'?: (string);
  /**
   * Revoked and expired keys are left out unless asked for.
   */
  'include_revoked'?: (boolean);
  'include_expired'?: (boolean);
  /**
   * 0 means 50; at most 1000 (larger values are lowered to 1000).
   */
  'page_size'?: (number);
  'page_token'?: (string);
}

export interface ListAPIKeysRequest__Output {
  /**
   * Keys whose key_prefix starts with this (at most 8 characters).
   */
  'key_prefix': (string);
  'owner_id': (string);
  /**
   * Revoked and expired keys are left out unless asked for.
   */
  'include_revoked': (boolean);
  'include_expired': (boolean);
  /**
   * 0 means 50; at most 1000 (larger values are lowered to 1000).
   */
  'page_size': (number);
  'page_token': (string);
}
