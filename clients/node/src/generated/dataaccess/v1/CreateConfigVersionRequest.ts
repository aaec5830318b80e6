// Original file: dataaccess/v1/configs.proto


export interface CreateConfigVersionRequest {
  /**
   * The config's name (see the service's naming rules).
   */
  'name'?: (string);
  /**
   * The YAML text (UTF-8), at most DATAACCESS_CONFIG_MAX_BYTES bytes; must parse.
   */
  'yaml'?: (string);
  /**
   * Optional idempotency key (at most 128 characters): a retry with the same name and
   * request_id returns the version the first call made, and stores nothing.
   */
  'request_id'?: (string);
  /**
   * Also make the new version the active one, in the same transaction.
   */
  'activate'?: (boolean);
}

export interface CreateConfigVersionRequest__Output {
  /**
   * The config's name (see the service's naming rules).
   */
  'name': (string);
  /**
   * The YAML text (UTF-8), at most DATAACCESS_CONFIG_MAX_BYTES bytes; must parse.
   */
  'yaml': (string);
  /**
   * Optional idempotency key (at most 128 characters): a retry with the same name and
   * request_id returns the version the first call made, and stores nothing.
   */
  'request_id': (string);
  /**
   * Also make the new version the active one, in the same transaction.
   */
  'activate': (boolean);
}
