// Original file: dataaccess/v1/api_keys.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreateAPIKeyRequest as _dataaccess_v1_CreateAPIKeyRequest, CreateAPIKeyRequest__Output as _dataaccess_v1_CreateAPIKeyRequest__Output } from '../../dataaccess/v1/CreateAPIKeyRequest';
import type { CreateAPIKeyResponse as _dataaccess_v1_CreateAPIKeyResponse, CreateAPIKeyResponse__Output as _dataaccess_v1_CreateAPIKeyResponse__Output } from '../../dataaccess/v1/CreateAPIKeyResponse';
import type { GetAPIKeyRequest as _dataaccess_v1_GetAPIKeyRequest, GetAPIKeyRequest__Output as _dataaccess_v1_GetAPIKeyRequest__Output } from '../../dataaccess/v1/GetAPIKeyRequest';
import type { GetAPIKeyResponse as _dataaccess_v1_GetAPIKeyResponse, GetAPIKeyResponse__Output as _dataaccess_v1_GetAPIKeyResponse__Output } from '../../dataaccess/v1/GetAPIKeyResponse';
import type { GetOwnerPolicyRequest as _dataaccess_v1_GetOwnerPolicyRequest, GetOwnerPolicyRequest__Output as _dataaccess_v1_GetOwnerPolicyRequest__Output } from '../../dataaccess/v1/GetOwnerPolicyRequest';
import type { GetOwnerPolicyResponse as _dataaccess_v1_GetOwnerPolicyResponse, GetOwnerPolicyResponse__Output as _dataaccess_v1_GetOwnerPolicyResponse__Output } from '../../dataaccess/v1/GetOwnerPolicyResponse';
import type { ListAPIKeysRequest as _dataaccess_v1_ListAPIKeysRequest, ListAPIKeysRequest__Output as _dataaccess_v1_ListAPIKeysRequest__Output } from '../../dataaccess/v1/ListAPIKeysRequest';
import type { ListAPIKeysResponse as _dataaccess_v1_ListAPIKeysResponse, ListAPIKeysResponse__Output as _dataaccess_v1_ListAPIKeysResponse__Output } from '../../dataaccess/v1/ListAPIKeysResponse';
import type { RevokeAPIKeyRequest as _dataaccess_v1_RevokeAPIKeyRequest, RevokeAPIKeyRequest__Output as _dataaccess_v1_RevokeAPIKeyRequest__Output } from '../../dataaccess/v1/RevokeAPIKeyRequest';
import type { RevokeAPIKeyResponse as _dataaccess_v1_RevokeAPIKeyResponse, RevokeAPIKeyResponse__Output as _dataaccess_v1_RevokeAPIKeyResponse__Output } from '../../dataaccess/v1/RevokeAPIKeyResponse';
import type { RotateAPIKeyRequest as _dataaccess_v1_RotateAPIKeyRequest, RotateAPIKeyRequest__Output as _dataaccess_v1_RotateAPIKeyRequest__Output } from '../../dataaccess/v1/RotateAPIKeyRequest';
import type { RotateAPIKeyResponse as _dataaccess_v1_RotateAPIKeyResponse, RotateAPIKeyResponse__Output as _dataaccess_v1_RotateAPIKeyResponse__Output } from '../../dataaccess/v1/RotateAPIKeyResponse';
import type { StreamValidateAPIKeysRequest as _dataaccess_v1_StreamValidateAPIKeysRequest, StreamValidateAPIKeysRequest__Output as _dataaccess_v1_StreamValidateAPIKeysRequest__Output } from '../../dataaccess/v1/StreamValidateAPIKeysRequest';
import type { StreamValidateAPIKeysResponse as _dataaccess_v1_StreamValidateAPIKeysResponse, StreamValidateAPIKeysResponse__Output as _dataaccess_v1_StreamValidateAPIKeysResponse__Output } from '../../dataaccess/v1/StreamValidateAPIKeysResponse';
import type { UpdateAPIKeyRequest as _dataaccess_v1_UpdateAPIKeyRequest, UpdateAPIKeyRequest__Output as _dataaccess_v1_UpdateAPIKeyRequest__Output } from '../../dataaccess/v1/UpdateAPIKeyRequest';
import type { UpdateAPIKeyResponse as _dataaccess_v1_UpdateAPIKeyResponse, UpdateAPIKeyResponse__Output as _dataaccess_v1_UpdateAPIKeyResponse__Output } from '../../dataaccess/v1/UpdateAPIKeyResponse';
import type { UpdateOwnerPolicyRequest as _dataaccess_v1_UpdateOwnerPolicyRequest, UpdateOwnerPolicyRequest__Output as _dataaccess_v1_UpdateOwnerPolicyRequest__Output } from '../../dataaccess/v1/UpdateOwnerPolicyRequest';
import type { UpdateOwnerPolicyResponse as _dataaccess_v1_UpdateOwnerPolicyResponse, UpdateOwnerPolicyResponse__Output as _dataaccess_v1_UpdateOwnerPolicyResponse__Output } from '../../dataaccess/v1/UpdateOwnerPolicyResponse';
import type { ValidateAPIKeyRequest as _dataaccess_v1_ValidateAPIKeyRequest, ValidateAPIKeyRequest__Output as _dataaccess_v1_ValidateAPIKeyRequest__Output } from '../../dataaccess/v1/ValidateAPIKeyRequest';
import type { ValidateAPIKeyResponse as _dataaccess_v1_ValidateAPIKeyResponse, ValidateAPIKeyResponse__Output as _dataaccess_v1_ValidateAPIKeyResponse__Output } from '../../dataaccess/v1/ValidateAPIKeyResponse';

/**
 * APIKeyService issues and checks the API keys callers of a proxy present. Only the
 * SHA-256 of a key and its first 8 characters are stored: the key itself is returned
 * once, by CreateAPIKey or RotateAPIKey, and never again.
 */
export interface APIKeyServiceClient extends grpc.Client {
  /**
   * Issues a new key. With a request_id, a retry returns the first call's record (but
   * not the key again: it was shown once) and creates nothing.
   */
  CreateAPIKey(argument: _dataaccess_v1_CreateAPIKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_CreateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  CreateAPIKey(argument: _dataaccess_v1_CreateAPIKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_CreateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  CreateAPIKey(argument: _dataaccess_v1_CreateAPIKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_CreateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  CreateAPIKey(argument: _dataaccess_v1_CreateAPIKeyRequest, callback: grpc.requestCallback<_dataaccess_v1_CreateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Issues a new key. With a request_id, a retry returns the first call's record (but
   * not the key again: it was shown once) and creates nothing.
   */
  createApiKey(argument: _dataaccess_v1_CreateAPIKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_CreateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  createApiKey(argument: _dataaccess_v1_CreateAPIKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_CreateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  createApiKey(argument: _dataaccess_v1_CreateAPIKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_CreateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  createApiKey(argument: _dataaccess_v1_CreateAPIKeyRequest, callback: grpc.requestCallback<_dataaccess_v1_CreateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Reads a key's public record.
   */
  GetAPIKey(argument: _dataaccess_v1_GetAPIKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  GetAPIKey(argument: _dataaccess_v1_GetAPIKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  GetAPIKey(argument: _dataaccess_v1_GetAPIKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  GetAPIKey(argument: _dataaccess_v1_GetAPIKeyRequest, callback: grpc.requestCallback<_dataaccess_v1_GetAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Reads a key's public record.
   */
  getApiKey(argument: _dataaccess_v1_GetAPIKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  getApiKey(argument: _dataaccess_v1_GetAPIKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  getApiKey(argument: _dataaccess_v1_GetAPIKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  getApiKey(argument: _dataaccess_v1_GetAPIKeyRequest, callback: grpc.requestCallback<_dataaccess_v1_GetAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Reads the limits and budgets shared by every key of one owner (empty when none were
   * set).
   */
  GetOwnerPolicy(argument: _dataaccess_v1_GetOwnerPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetOwnerPolicyResponse__Output>): grpc.ClientUnaryCall;
  GetOwnerPolicy(argument: _dataaccess_v1_GetOwnerPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetOwnerPolicyResponse__Output>): grpc.ClientUnaryCall;
  GetOwnerPolicy(argument: _dataaccess_v1_GetOwnerPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetOwnerPolicyResponse__Output>): grpc.ClientUnaryCall;
  GetOwnerPolicy(argument: _dataaccess_v1_GetOwnerPolicyRequest, callback: grpc.requestCallback<_dataaccess_v1_GetOwnerPolicyResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Reads the limits and budgets shared by every key of one owner (empty when none were
   * set).
   */
  getOwnerPolicy(argument: _dataaccess_v1_GetOwnerPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetOwnerPolicyResponse__Output>): grpc.ClientUnaryCall;
  getOwnerPolicy(argument: _dataaccess_v1_GetOwnerPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetOwnerPolicyResponse__Output>): grpc.ClientUnaryCall;
  getOwnerPolicy(argument: _dataaccess_v1_GetOwnerPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetOwnerPolicyResponse__Output>): grpc.ClientUnaryCall;
  getOwnerPolicy(argument: _dataaccess_v1_GetOwnerPolicyRequest, callback: grpc.requestCallback<_dataaccess_v1_GetOwnerPolicyResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists keys' public records, oldest first, paginated.
   */
  ListAPIKeys(argument: _dataaccess_v1_ListAPIKeysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListAPIKeysResponse__Output>): grpc.ClientUnaryCall;
  ListAPIKeys(argument: _dataaccess_v1_ListAPIKeysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_ListAPIKeysResponse__Output>): grpc.ClientUnaryCall;
  ListAPIKeys(argument: _dataaccess_v1_ListAPIKeysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListAPIKeysResponse__Output>): grpc.ClientUnaryCall;
  ListAPIKeys(argument: _dataaccess_v1_ListAPIKeysRequest, callback: grpc.requestCallback<_dataaccess_v1_ListAPIKeysResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists keys' public records, oldest first, paginated.
   */
  listApiKeys(argument: _dataaccess_v1_ListAPIKeysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListAPIKeysResponse__Output>): grpc.ClientUnaryCall;
  listApiKeys(argument: _dataaccess_v1_ListAPIKeysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_ListAPIKeysResponse__Output>): grpc.ClientUnaryCall;
  listApiKeys(argument: _dataaccess_v1_ListAPIKeysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListAPIKeysResponse__Output>): grpc.ClientUnaryCall;
  listApiKeys(argument: _dataaccess_v1_ListAPIKeysRequest, callback: grpc.requestCallback<_dataaccess_v1_ListAPIKeysResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Revokes a key at once, on every server. Idempotent.
   */
  RevokeAPIKey(argument: _dataaccess_v1_RevokeAPIKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_RevokeAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  RevokeAPIKey(argument: _dataaccess_v1_RevokeAPIKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_RevokeAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  RevokeAPIKey(argument: _dataaccess_v1_RevokeAPIKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_RevokeAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  RevokeAPIKey(argument: _dataaccess_v1_RevokeAPIKeyRequest, callback: grpc.requestCallback<_dataaccess_v1_RevokeAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Revokes a key at once, on every server. Idempotent.
   */
  revokeApiKey(argument: _dataaccess_v1_RevokeAPIKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_RevokeAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  revokeApiKey(argument: _dataaccess_v1_RevokeAPIKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_RevokeAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  revokeApiKey(argument: _dataaccess_v1_RevokeAPIKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_RevokeAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  revokeApiKey(argument: _dataaccess_v1_RevokeAPIKeyRequest, callback: grpc.requestCallback<_dataaccess_v1_RevokeAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Issues a new key for the same record; the old key keeps working for grace_period
   * (0: stops at once).
   */
  RotateAPIKey(argument: _dataaccess_v1_RotateAPIKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_RotateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  RotateAPIKey(argument: _dataaccess_v1_RotateAPIKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_RotateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  RotateAPIKey(argument: _dataaccess_v1_RotateAPIKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_RotateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  RotateAPIKey(argument: _dataaccess_v1_RotateAPIKeyRequest, callback: grpc.requestCallback<_dataaccess_v1_RotateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Issues a new key for the same record; the old key keeps working for grace_period
   * (0: stops at once).
   */
  rotateApiKey(argument: _dataaccess_v1_RotateAPIKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_RotateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  rotateApiKey(argument: _dataaccess_v1_RotateAPIKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_RotateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  rotateApiKey(argument: _dataaccess_v1_RotateAPIKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_RotateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  rotateApiKey(argument: _dataaccess_v1_RotateAPIKeyRequest, callback: grpc.requestCallback<_dataaccess_v1_RotateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Validates many keys over one long-lived stream, for proxies. Each request item names a
   * correlation_id and is answered once, with that id, as soon as its answer is ready:
   * answers may come in another order than the items, and several ready at once share
   * one response message. Each answer is what ValidateAPIKey would have answered (rate
   * limits and quotas counted once per item), or an item error (a malformed item, a
   * database outage) that ends neither the stream nor other items. The stream ends with
   * UNAVAILABLE past its longest duration (an hour by default) or when the server shuts
   * down, once the items it read are answered: items left unanswered were not counted,
   * send them again on a new stream.
   */
  StreamValidateAPIKeys(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_dataaccess_v1_StreamValidateAPIKeysRequest, _dataaccess_v1_StreamValidateAPIKeysResponse__Output>;
  StreamValidateAPIKeys(options?: grpc.CallOptions): grpc.ClientDuplexStream<_dataaccess_v1_StreamValidateAPIKeysRequest, _dataaccess_v1_StreamValidateAPIKeysResponse__Output>;
  /**
   * Validates many keys over one long-lived stream, for proxies. Each request item names a
   * correlation_id and is answered once, with that id, as soon as its answer is ready:
   * answers may come in another order than the items, and several ready at once share
   * one response message. Each answer is what ValidateAPIKey would have answered (rate
   * limits and quotas counted once per item), or an item error (a malformed item, a
   * database outage) that ends neither the stream nor other items. The stream ends with
   * UNAVAILABLE past its longest duration (an hour by default) or when the server shuts
   * down, once the items it read are answered: items left unanswered were not counted,
   * send them again on a new stream.
   */
  streamValidateApiKeys(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_dataaccess_v1_StreamValidateAPIKeysRequest, _dataaccess_v1_StreamValidateAPIKeysResponse__Output>;
  streamValidateApiKeys(options?: grpc.CallOptions): grpc.ClientDuplexStream<_dataaccess_v1_StreamValidateAPIKeysRequest, _dataaccess_v1_StreamValidateAPIKeysResponse__Output>;
  
  /**
   * Changes the fields named in update_mask.
   */
  UpdateAPIKey(argument: _dataaccess_v1_UpdateAPIKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpdateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  UpdateAPIKey(argument: _dataaccess_v1_UpdateAPIKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_UpdateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  UpdateAPIKey(argument: _dataaccess_v1_UpdateAPIKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpdateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  UpdateAPIKey(argument: _dataaccess_v1_UpdateAPIKeyRequest, callback: grpc.requestCallback<_dataaccess_v1_UpdateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Changes the fields named in update_mask.
   */
  updateApiKey(argument: _dataaccess_v1_UpdateAPIKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpdateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  updateApiKey(argument: _dataaccess_v1_UpdateAPIKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_UpdateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  updateApiKey(argument: _dataaccess_v1_UpdateAPIKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpdateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  updateApiKey(argument: _dataaccess_v1_UpdateAPIKeyRequest, callback: grpc.requestCallback<_dataaccess_v1_UpdateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Replaces the owner's limits and/or budgets (the fields named in update_mask), on
   * every server at once. Spending already counted in a window or period is kept for a
   * limit or budget of the same name.
   */
  UpdateOwnerPolicy(argument: _dataaccess_v1_UpdateOwnerPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpdateOwnerPolicyResponse__Output>): grpc.ClientUnaryCall;
  UpdateOwnerPolicy(argument: _dataaccess_v1_UpdateOwnerPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_UpdateOwnerPolicyResponse__Output>): grpc.ClientUnaryCall;
  UpdateOwnerPolicy(argument: _dataaccess_v1_UpdateOwnerPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpdateOwnerPolicyResponse__Output>): grpc.ClientUnaryCall;
  UpdateOwnerPolicy(argument: _dataaccess_v1_UpdateOwnerPolicyRequest, callback: grpc.requestCallback<_dataaccess_v1_UpdateOwnerPolicyResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Replaces the owner's limits and/or budgets (the fields named in update_mask), on
   * every server at once. Spending already counted in a window or period is kept for a
   * limit or budget of the same name.
   */
  updateOwnerPolicy(argument: _dataaccess_v1_UpdateOwnerPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpdateOwnerPolicyResponse__Output>): grpc.ClientUnaryCall;
  updateOwnerPolicy(argument: _dataaccess_v1_UpdateOwnerPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_UpdateOwnerPolicyResponse__Output>): grpc.ClientUnaryCall;
  updateOwnerPolicy(argument: _dataaccess_v1_UpdateOwnerPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpdateOwnerPolicyResponse__Output>): grpc.ClientUnaryCall;
  updateOwnerPolicy(argument: _dataaccess_v1_UpdateOwnerPolicyRequest, callback: grpc.requestCallback<_dataaccess_v1_UpdateOwnerPolicyResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Checks a key: answers valid or not with a reason, never an error status for an
   * unknown, revoked, expired, rate-limited or used-up key. Counts against the key's
   * rate limit and quota when valid.
   */
  ValidateAPIKey(argument: _dataaccess_v1_ValidateAPIKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ValidateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  ValidateAPIKey(argument: _dataaccess_v1_ValidateAPIKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_ValidateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  ValidateAPIKey(argument: _dataaccess_v1_ValidateAPIKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ValidateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  ValidateAPIKey(argument: _dataaccess_v1_ValidateAPIKeyRequest, callback: grpc.requestCallback<_dataaccess_v1_ValidateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Checks a key: answers valid or not with a reason, never an error status for an
   * unknown, revoked, expired, rate-limited or used-up key. Counts against the key's
   * rate limit and quota when valid.
   */
  validateApiKey(argument: _dataaccess_v1_ValidateAPIKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ValidateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  validateApiKey(argument: _dataaccess_v1_ValidateAPIKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_ValidateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  validateApiKey(argument: _dataaccess_v1_ValidateAPIKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ValidateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  validateApiKey(argument: _dataaccess_v1_ValidateAPIKeyRequest, callback: grpc.requestCallback<_dataaccess_v1_ValidateAPIKeyResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * APIKeyService issues and checks the API keys callers of a proxy present. Only the
 * SHA-256 of a key and its first 8 characters are stored: the key itself is returned
 * once, by CreateAPIKey or RotateAPIKey, and never again.
 */
export interface APIKeyServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Issues a new key. With a request_id, a retry returns the first call's record (but
   * not the key again: it was shown once) and creates nothing.
   */
  CreateAPIKey: grpc.handleUnaryCall<_dataaccess_v1_CreateAPIKeyRequest__Output, _dataaccess_v1_CreateAPIKeyResponse>;
  
  /**
   * Reads a key's public record.
   */
  GetAPIKey: grpc.handleUnaryCall<_dataaccess_v1_GetAPIKeyRequest__Output, _dataaccess_v1_GetAPIKeyResponse>;
  
  /**
   * Reads the limits and budgets shared by every key of one owner (empty when none were
   * set).
   */
  GetOwnerPolicy: grpc.handleUnaryCall<_dataaccess_v1_GetOwnerPolicyRequest__Output, _dataaccess_v1_GetOwnerPolicyResponse>;
  
  /**
   * Lists keys' public records, oldest first, paginated.
   */
  ListAPIKeys: grpc.handleUnaryCall<_dataaccess_v1_ListAPIKeysRequest__Output, _dataaccess_v1_ListAPIKeysResponse>;
  
  /**
   * Revokes a key at once, on every server. Idempotent.
   */
  RevokeAPIKey: grpc.handleUnaryCall<_dataaccess_v1_RevokeAPIKeyRequest__Output, _dataaccess_v1_RevokeAPIKeyResponse>;
  
  /**
   * Issues a new key for the same record; the old key keeps working for grace_period
   * (0: stops at once).
   */
  RotateAPIKey: grpc.handleUnaryCall<_dataaccess_v1_RotateAPIKeyRequest__Output, _dataaccess_v1_RotateAPIKeyResponse>;
  
  /**
   * Validates many keys over one long-lived stream, for proxies. Each request item names a
   * correlation_id and is answered once, with that id, as soon as its answer is ready:
   * answers may come in another order than the items, and several ready at once share
   * one response message. Each answer is what ValidateAPIKey would have answered (rate
   * limits and quotas counted once per item), or an item error (a malformed item, a
   * database outage) that ends neither the stream nor other items. The stream ends with
   * UNAVAILABLE past its longest duration (an hour by default) or when the server shuts
   * down, once the items it read are answered: items left unanswered were not counted,
   * send them again on a new stream.
   */
  StreamValidateAPIKeys: grpc.handleBidiStreamingCall<_dataaccess_v1_StreamValidateAPIKeysRequest__Output, _dataaccess_v1_StreamValidateAPIKeysResponse>;
  
  /**
   * Changes the fields named in update_mask.
   */
  UpdateAPIKey: grpc.handleUnaryCall<_dataaccess_v1_UpdateAPIKeyRequest__Output, _dataaccess_v1_UpdateAPIKeyResponse>;
  
  /**
   * Replaces the owner's limits and/or budgets (the fields named in update_mask), on
   * every server at once. Spending already counted in a window or period is kept for a
   * limit or budget of the same name.
   */
  UpdateOwnerPolicy: grpc.handleUnaryCall<_dataaccess_v1_UpdateOwnerPolicyRequest__Output, _dataaccess_v1_UpdateOwnerPolicyResponse>;
  
  /**
   * Checks a key: answers valid or not with a reason, never an error status for an
   * unknown, revoked, expired, rate-limited or used-up key. Counts against the key's
   * rate limit and quota when valid.
   */
  ValidateAPIKey: grpc.handleUnaryCall<_dataaccess_v1_ValidateAPIKeyRequest__Output, _dataaccess_v1_ValidateAPIKeyResponse>;
  
}

export interface APIKeyServiceDefinition extends grpc.ServiceDefinition {
  CreateAPIKey: MethodDefinition<_dataaccess_v1_CreateAPIKeyRequest, _dataaccess_v1_CreateAPIKeyResponse, _dataaccess_v1_CreateAPIKeyRequest__Output, _dataaccess_v1_CreateAPIKeyResponse__Output>
  GetAPIKey: MethodDefinition<_dataaccess_v1_GetAPIKeyRequest, _dataaccess_v1_GetAPIKeyResponse, _dataaccess_v1_GetAPIKeyRequest__Output, _dataaccess_v1_GetAPIKeyResponse__Output>
  GetOwnerPolicy: MethodDefinition<_dataaccess_v1_GetOwnerPolicyRequest, _dataaccess_v1_GetOwnerPolicyResponse, _dataaccess_v1_GetOwnerPolicyRequest__Output, _dataaccess_v1_GetOwnerPolicyResponse__Output>
  ListAPIKeys: MethodDefinition<_dataaccess_v1_ListAPIKeysRequest, _dataaccess_v1_ListAPIKeysResponse, _dataaccess_v1_ListAPIKeysRequest__Output, _dataaccess_v1_ListAPIKeysResponse__Output>
  RevokeAPIKey: MethodDefinition<_dataaccess_v1_RevokeAPIKeyRequest, _dataaccess_v1_RevokeAPIKeyResponse, _dataaccess_v1_RevokeAPIKeyRequest__Output, _dataaccess_v1_RevokeAPIKeyResponse__Output>
  RotateAPIKey: MethodDefinition<_dataaccess_v1_RotateAPIKeyRequest, _dataaccess_v1_RotateAPIKeyResponse, _dataaccess_v1_RotateAPIKeyRequest__Output, _dataaccess_v1_RotateAPIKeyResponse__Output>
  StreamValidateAPIKeys: MethodDefinition<_dataaccess_v1_StreamValidateAPIKeysRequest, _dataaccess_v1_StreamValidateAPIKeysResponse, _dataaccess_v1_StreamValidateAPIKeysRequest__Output, _dataaccess_v1_StreamValidateAPIKeysResponse__Output>
  UpdateAPIKey: MethodDefinition<_dataaccess_v1_UpdateAPIKeyRequest, _dataaccess_v1_UpdateAPIKeyResponse, _dataaccess_v1_UpdateAPIKeyRequest__Output, _dataaccess_v1_UpdateAPIKeyResponse__Output>
  UpdateOwnerPolicy: MethodDefinition<_dataaccess_v1_UpdateOwnerPolicyRequest, _dataaccess_v1_UpdateOwnerPolicyResponse, _dataaccess_v1_UpdateOwnerPolicyRequest__Output, _dataaccess_v1_UpdateOwnerPolicyResponse__Output>
  ValidateAPIKey: MethodDefinition<_dataaccess_v1_ValidateAPIKeyRequest, _dataaccess_v1_ValidateAPIKeyResponse, _dataaccess_v1_ValidateAPIKeyRequest__Output, _dataaccess_v1_ValidateAPIKeyResponse__Output>
}
