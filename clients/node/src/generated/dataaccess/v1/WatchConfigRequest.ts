// Original file: dataaccess/v1/configs.proto


export interface WatchConfigRequest {
  /**
   * The config's name.
   */
  'name'?: (string);
}

export interface WatchConfigRequest__Output {
  /**
   * The config's name.
   */
  'name': (string);
}
