// Original file: dataaccess/v1/configs.proto


export interface ListConfigVersionsRequest {
  /**
   * The config's name.
   */
  'name'?: (string);
  /**
   * 0 means 50; at most 1000 (larger values are lowered to 1000).
   */
  'page_size'?: (number);
  /**
   * From a previous response, with the same name.
   */
  'page_token'?: (string);
}

export interface ListConfigVersionsRequest__Output {
  /**
   * The config's name.
   */
  'name': (string);
  /**
   * 0 means 50; at most 1000 (larger values are lowered to 1000).
   */
  'page_size': (number);
  /**
   * From a previous response, with the same name.
   */
  'page_token': (string);
}
