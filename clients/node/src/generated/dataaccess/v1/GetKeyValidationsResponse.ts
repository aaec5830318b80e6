// Original file: dataaccess/v1/analytics.proto

import type { KeyValidationPoint as _dataaccess_v1_KeyValidationPoint, KeyValidationPoint__Output as _dataaccess_v1_KeyValidationPoint__Output } from '../../dataaccess/v1/KeyValidationPoint';
import type { KeyValidationCount as _dataaccess_v1_KeyValidationCount, KeyValidationCount__Output as _dataaccess_v1_KeyValidationCount__Output } from '../../dataaccess/v1/KeyValidationCount';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Long } from '@grpc/proto-loader';

export interface GetKeyValidationsResponse {
  /**
   * Every hour or day of the range, oldest first; those without validations have total
   * 0 and no counts.
   */
  'points'?: (_dataaccess_v1_KeyValidationPoint)[];
  /**
   * Over the whole range: total, and per reason with at least one, by reason number.
   */
  'total'?: (number | string | Long);
  'counts'?: (_dataaccess_v1_KeyValidationCount)[];
  /**
   * The range used: the request's, widened to whole hours or days.
   */
  'start_time'?: (_google_protobuf_Timestamp | null);
  'end_time'?: (_google_protobuf_Timestamp | null);
  'as_of_time'?: (_google_protobuf_Timestamp | null);
}

export interface GetKeyValidationsResponse__Output {
  /**
   * Every hour or day of the range, oldest first; those without validations have total
   * 0 and no counts.
   */
  'points': (_dataaccess_v1_KeyValidationPoint__Output)[];
  /**
   * Over the whole range: total, and per reason with at least one, by reason number.
   */
  'total': (string);
  'counts': (_dataaccess_v1_KeyValidationCount__Output)[];
  /**
   * The range used: the request's, widened to whole hours or days.
   */
  'start_time': (_google_protobuf_Timestamp__Output | null);
  'end_time': (_google_protobuf_Timestamp__Output | null);
  'as_of_time': (_google_protobuf_Timestamp__Output | null);
}
