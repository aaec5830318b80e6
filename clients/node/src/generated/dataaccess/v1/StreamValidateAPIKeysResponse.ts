// Original file: dataaccess/v1/api_keys.proto

import type { ValidateAPIKeyResponse as _dataaccess_v1_ValidateAPIKeyResponse, ValidateAPIKeyResponse__Output as _dataaccess_v1_ValidateAPIKeyResponse__Output } from '../../dataaccess/v1/ValidateAPIKeyResponse';

/**
 * One field at fault.
 */
export interface _dataaccess_v1_StreamValidateAPIKeysResponse_FieldViolation {
  'field'?: (string);
  'description'?: (string);
}

/**
 * One field at fault.
 */
export interface _dataaccess_v1_StreamValidateAPIKeysResponse_FieldViolation__Output {
  'field': (string);
  'description': (string);
}

/**
 * The answer to one item.
 */
export interface _dataaccess_v1_StreamValidateAPIKeysResponse_Item {
  /**
   * The item's correlation_id.
   */
  'correlation_id'?: (string);
  /**
   * ValidateAPIKey's answer.
   */
  'result'?: (_dataaccess_v1_ValidateAPIKeyResponse | null);
  /**
   * Why the item has no answer: the status ValidateAPIKey would have failed with.
   */
  'error'?: (_dataaccess_v1_StreamValidateAPIKeysResponse_ItemError | null);
  'outcome'?: "result"|"error";
}

/**
 * The answer to one item.
 */
export interface _dataaccess_v1_StreamValidateAPIKeysResponse_Item__Output {
  /**
   * The item's correlation_id.
   */
  'correlation_id': (string);
  /**
   * ValidateAPIKey's answer.
   */
  'result'?: (_dataaccess_v1_ValidateAPIKeyResponse__Output | null);
  /**
   * Why the item has no answer: the status ValidateAPIKey would have failed with.
   */
  'error'?: (_dataaccess_v1_StreamValidateAPIKeysResponse_ItemError__Output | null);
  'outcome'?: "result"|"error";
}

/**
 * A failed item, as a gRPC status would say it.
 */
export interface _dataaccess_v1_StreamValidateAPIKeysResponse_ItemError {
  /**
   * The gRPC status code (google.rpc.Code): 3 INVALID_ARGUMENT, 14 UNAVAILABLE, ...
   */
  'code'?: (number);
  /**
   * For developers; never holds the key.
   */
  'message'?: (string);
  /**
   * For INVALID_ARGUMENT: the fields of the item at fault, as in google.rpc.BadRequest
   * (paths within the request's Item, such as "request.key").
   */
  'field_violations'?: (_dataaccess_v1_StreamValidateAPIKeysResponse_FieldViolation)[];
}

/**
 * A failed item, as a gRPC status would say it.
 */
export interface _dataaccess_v1_StreamValidateAPIKeysResponse_ItemError__Output {
  /**
   * The gRPC status code (google.rpc.Code): 3 INVALID_ARGUMENT, 14 UNAVAILABLE, ...
   */
  'code': (number);
  /**
   * For developers; never holds the key.
   */
  'message': (string);
  /**
   * For INVALID_ARGUMENT: the fields of the item at fault, as in google.rpc.BadRequest
   * (paths within the request's Item, such as "request.key").
   */
  'field_violations': (_dataaccess_v1_StreamValidateAPIKeysResponse_FieldViolation__Output)[];
}

export interface StreamValidateAPIKeysResponse {
  /**
   * Answers ready at the same time, in no particular order.
   */
  'items'?: (_dataaccess_v1_StreamValidateAPIKeysResponse_Item)[];
}

export interface StreamValidateAPIKeysResponse__Output {
  /**
   * Answers ready at the same time, in no particular order.
   */
  'items': (_dataaccess_v1_StreamValidateAPIKeysResponse_Item__Output)[];
}
