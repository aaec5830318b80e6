// Original file: dataaccess/v1/analytics.proto


export interface GetKeySpendRequest {
  /**
   * Exactly one is required, as in GetKeyValidationsRequest.
   */
  'api_key_id'?: (string);
  'owner_id'?: (string);
  /**
   * Inclusive day range, "YYYY-MM-DD" (UTC days of the database's clock); both
   * required, start_date <= end_date.
   */
  'start_date'?: (string);
  'end_date'?: (string);
}

export interface GetKeySpendRequest__Output {
  /**
   * Exactly one is required, as in GetKeyValidationsRequest.
   */
  'api_key_id': (string);
  'owner_id': (string);
  /**
   * Inclusive day range, "YYYY-MM-DD" (UTC days of the database's clock); both
   * required, start_date <= end_date.
   */
  'start_date': (string);
  'end_date': (string);
}
