// Original file: dataaccess/v1/api_keys.proto

import type { ValidateAPIKeyRequest as _dataaccess_v1_ValidateAPIKeyRequest, ValidateAPIKeyRequest__Output as _dataaccess_v1_ValidateAPIKeyRequest__Output } from '../../dataaccess/v1/ValidateAPIKeyRequest';

/**
 * One key to validate.
 */
export interface _dataaccess_v1_StreamValidateAPIKeysRequest_Item {
  /**
   * The caller's name for this item, echoed in its answer: 1-128 characters. Unique
   * among the caller's items in flight, or answers cannot be told apart.
   */
  'correlation_id'?: (string);
  /**
   * What ValidateAPIKey would be asked.
   */
  'request'?: (_dataaccess_v1_ValidateAPIKeyRequest | null);
}

/**
 * One key to validate.
 */
export interface _dataaccess_v1_StreamValidateAPIKeysRequest_Item__Output {
  /**
   * The caller's name for this item, echoed in its answer: 1-128 characters. Unique
   * among the caller's items in flight, or answers cannot be told apart.
   */
  'correlation_id': (string);
  /**
   * What ValidateAPIKey would be asked.
   */
  'request': (_dataaccess_v1_ValidateAPIKeyRequest__Output | null);
}

export interface StreamValidateAPIKeysRequest {
  /**
   * Validated one by one, each answered once. One item per message is simplest; a proxy
   * sending the keys it has at hand together pays the stream's cost per message once.
   */
  'items'?: (_dataaccess_v1_StreamValidateAPIKeysRequest_Item)[];
}

export interface StreamValidateAPIKeysRequest__Output {
  /**
   * Validated one by one, each answered once. One item per message is simplest; a proxy
   * sending the keys it has at hand together pays the stream's cost per message once.
   */
  'items': (_dataaccess_v1_StreamValidateAPIKeysRequest_Item__Output)[];
}
