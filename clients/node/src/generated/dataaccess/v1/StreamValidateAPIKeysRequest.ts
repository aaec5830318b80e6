// Original file: dataaccess/v1/api_keys.proto

import type { ValidateAPIKeyRequest as _dataaccess_v1_ValidateAPIKeyRequest, ValidateAPIKeyRequest__Output as _dataaccess_v1_ValidateAPIKeyRequest__Output } from '../../dataaccess/v1/ValidateAPIKeyRequest';

export interface StreamValidateAPIKeysRequest {
  /**
   * The caller's name for this request, echoed in its answer: 1-128 characters. Unique
   * among the caller's requests in flight, or answers cannot be told apart.
   */
  'correlation_id'?: (string);
  /**
   * What ValidateAPIKey would be asked.
   */
  'request'?: (_dataaccess_v1_ValidateAPIKeyRequest | null);
}

export interface StreamValidateAPIKeysRequest__Output {
  /**
   * The caller's name for this request, echoed in its answer: 1-128 characters. Unique
   * among the caller's requests in flight, or answers cannot be told apart.
   */
  'correlation_id': (string);
  /**
   * What ValidateAPIKey would be asked.
   */
  'request': (_dataaccess_v1_ValidateAPIKeyRequest__Output | null);
}
