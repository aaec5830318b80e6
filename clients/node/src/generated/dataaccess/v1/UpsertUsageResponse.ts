// Original file: dataaccess/v1/usage.proto


export interface UpsertUsageResponse {
  /**
   * True when request_id was applied before: nothing was added this time.
   */
  'replayed'?: (boolean);
}

export interface UpsertUsageResponse__Output {
  /**
   * True when request_id was applied before: nothing was added this time.
   */
  'replayed': (boolean);
}
