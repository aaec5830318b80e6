// Original file: dataaccess/v1/analytics.proto

import type { APIKeyValidationReason as _dataaccess_v1_APIKeyValidationReason, APIKeyValidationReason__Output as _dataaccess_v1_APIKeyValidationReason__Output } from '../../dataaccess/v1/APIKeyValidationReason';
import type { Long } from '@grpc/proto-loader';

/**
 * Validations with one reason.
 */
export interface KeyValidationCount {
  'reason'?: (_dataaccess_v1_APIKeyValidationReason);
  'count'?: (number | string | Long);
}

/**
 * Validations with one reason.
 */
export interface KeyValidationCount__Output {
  'reason': (_dataaccess_v1_APIKeyValidationReason__Output);
  'count': (string);
}
