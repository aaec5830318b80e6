// Original file: dataaccess/v1/analytics.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { KeyValidationCount as _dataaccess_v1_KeyValidationCount, KeyValidationCount__Output as _dataaccess_v1_KeyValidationCount__Output } from '../../dataaccess/v1/KeyValidationCount';
import type { Long } from '@grpc/proto-loader';

/**
 * Validations of one hour or day.
 */
export interface KeyValidationPoint {
  /**
   * Start of the hour or day.
   */
  'time'?: (_google_protobuf_Timestamp | null);
  /**
   * Every validation counted in it, whatever its reason.
   */
  'total'?: (number | string | Long);
  /**
   * Per reason with at least one, by reason number. Unknown keys (NOT_FOUND) are never
   * counted: they belong to no key.
   */
  'counts'?: (_dataaccess_v1_KeyValidationCount)[];
}

/**
 * Validations of one hour or day.
 */
export interface KeyValidationPoint__Output {
  /**
   * Start of the hour or day.
   */
  'time': (_google_protobuf_Timestamp__Output | null);
  /**
   * Every validation counted in it, whatever its reason.
   */
  'total': (string);
  /**
   * Per reason with at least one, by reason number. Unknown keys (NOT_FOUND) are never
   * counted: they belong to no key.
   */
  'counts': (_dataaccess_v1_KeyValidationCount__Output)[];
}
