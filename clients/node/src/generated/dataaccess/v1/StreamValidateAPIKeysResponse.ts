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
 * A failed request of the stream, as a gRPC status would say it.
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
   * For INVALID_ARGUMENT: the fields of the request at fault, as in google.rpc.BadRequest
   * (paths within StreamValidateAPIKeysRequest, such as "request.key").
   */
  'field_violations'?: (_dataaccess_v1_StreamValidateAPIKeysResponse_FieldViolation)[];
}

/**
 * A failed request of the stream, as a gRPC status would say it.
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
   * For INVALID_ARGUMENT: the fields of the request at fault, as in google.rpc.BadRequest
   * (paths within StreamValidateAPIKeysRequest, such as "request.key").
   */
  'field_violations': (_dataaccess_v1_StreamValidateAPIKeysResponse_FieldViolation__Output)[];
}

export interface StreamValidateAPIKeysResponse {
  /**
   * The request's correlation_id.
   */
  'correlation_id'?: (string);
  /**
   * ValidateAPIKey's answer.
   */
  'result'?: (_dataaccess_v1_ValidateAPIKeyResponse | null);
  /**
   * Why the request has no answer: the status ValidateAPIKey would have failed with.
   */
  'error'?: (_dataaccess_v1_StreamValidateAPIKeysResponse_ItemError | null);
  'outcome'?: "result"|"error";
}

export interface StreamValidateAPIKeysResponse__Output {
  /**
   * The request's correlation_id.
   */
  'correlation_id': (string);
  /**
   * ValidateAPIKey's answer.
   */
  'result'?: (_dataaccess_v1_ValidateAPIKeyResponse__Output | null);
  /**
   * Why the request has no answer: the status ValidateAPIKey would have failed with.
   */
  'error'?: (_dataaccess_v1_StreamValidateAPIKeysResponse_ItemError__Output | null);
  'outcome'?: "result"|"error";
}
