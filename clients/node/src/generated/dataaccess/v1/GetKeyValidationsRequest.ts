// Original file: dataaccess/v1/analytics.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Granularity as _dataaccess_v1_Granularity, Granularity__Output as _dataaccess_v1_Granularity__Output } from '../../dataaccess/v1/Granularity';

export interface GetKeyValidationsRequest {
  /**
   * Exactly one is required: a key id (a UUID), or an owner_id (1-256 characters: every
   * key of the owner, as owned when each validation was counted). A key or owner
   * without validations answers with zeros, not NOT_FOUND.
   */
  'api_key_id'?: (string);
  'owner_id'?: (string);
  /**
   * Half-open range, widened to whole hours (whole UTC days for DAY); both required.
   * At most 5,000 points of the granularity.
   */
  'start_time'?: (_google_protobuf_Timestamp | null);
  'end_time'?: (_google_protobuf_Timestamp | null);
  /**
   * Required: HOUR or DAY.
   */
  'granularity'?: (_dataaccess_v1_Granularity);
}

export interface GetKeyValidationsRequest__Output {
  /**
   * Exactly one is required: a key id (a UUID), or an owner_id (1-256 characters: every
   * key of the owner, as owned when each validation was counted). A key or owner
   * without validations answers with zeros, not NOT_FOUND.
   */
  'api_key_id': (string);
  'owner_id': (string);
  /**
   * Half-open range, widened to whole hours (whole UTC days for DAY); both required.
   * At most 5,000 points of the granularity.
   */
  'start_time': (_google_protobuf_Timestamp__Output | null);
  'end_time': (_google_protobuf_Timestamp__Output | null);
  /**
   * Required: HOUR or DAY.
   */
  'granularity': (_dataaccess_v1_Granularity__Output);
}
