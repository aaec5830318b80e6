// Original file: dataaccess/v1/oauth_tokens.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeleteOAuthTokenRequest as _dataaccess_v1_DeleteOAuthTokenRequest, DeleteOAuthTokenRequest__Output as _dataaccess_v1_DeleteOAuthTokenRequest__Output } from '../../dataaccess/v1/DeleteOAuthTokenRequest';
import type { DeleteOAuthTokenResponse as _dataaccess_v1_DeleteOAuthTokenResponse, DeleteOAuthTokenResponse__Output as _dataaccess_v1_DeleteOAuthTokenResponse__Output } from '../../dataaccess/v1/DeleteOAuthTokenResponse';
import type { GetOAuthTokenRequest as _dataaccess_v1_GetOAuthTokenRequest, GetOAuthTokenRequest__Output as _dataaccess_v1_GetOAuthTokenRequest__Output } from '../../dataaccess/v1/GetOAuthTokenRequest';
import type { GetOAuthTokenResponse as _dataaccess_v1_GetOAuthTokenResponse, GetOAuthTokenResponse__Output as _dataaccess_v1_GetOAuthTokenResponse__Output } from '../../dataaccess/v1/GetOAuthTokenResponse';
import type { InvalidateOAuthTokenRequest as _dataaccess_v1_InvalidateOAuthTokenRequest, InvalidateOAuthTokenRequest__Output as _dataaccess_v1_InvalidateOAuthTokenRequest__Output } from '../../dataaccess/v1/InvalidateOAuthTokenRequest';
import type { InvalidateOAuthTokenResponse as _dataaccess_v1_InvalidateOAuthTokenResponse, InvalidateOAuthTokenResponse__Output as _dataaccess_v1_InvalidateOAuthTokenResponse__Output } from '../../dataaccess/v1/InvalidateOAuthTokenResponse';
import type { ListOAuthTokensRequest as _dataaccess_v1_ListOAuthTokensRequest, ListOAuthTokensRequest__Output as _dataaccess_v1_ListOAuthTokensRequest__Output } from '../../dataaccess/v1/ListOAuthTokensRequest';
import type { ListOAuthTokensResponse as _dataaccess_v1_ListOAuthTokensResponse, ListOAuthTokensResponse__Output as _dataaccess_v1_ListOAuthTokensResponse__Output } from '../../dataaccess/v1/ListOAuthTokensResponse';
import type { UpdateOAuthTokenRequest as _dataaccess_v1_UpdateOAuthTokenRequest, UpdateOAuthTokenRequest__Output as _dataaccess_v1_UpdateOAuthTokenRequest__Output } from '../../dataaccess/v1/UpdateOAuthTokenRequest';
import type { UpdateOAuthTokenResponse as _dataaccess_v1_UpdateOAuthTokenResponse, UpdateOAuthTokenResponse__Output as _dataaccess_v1_UpdateOAuthTokenResponse__Output } from '../../dataaccess/v1/UpdateOAuthTokenResponse';
import type { UpsertOAuthTokenRequest as _dataaccess_v1_UpsertOAuthTokenRequest, UpsertOAuthTokenRequest__Output as _dataaccess_v1_UpsertOAuthTokenRequest__Output } from '../../dataaccess/v1/UpsertOAuthTokenRequest';
import type { UpsertOAuthTokenResponse as _dataaccess_v1_UpsertOAuthTokenResponse, UpsertOAuthTokenResponse__Output as _dataaccess_v1_UpsertOAuthTokenResponse__Output } from '../../dataaccess/v1/UpsertOAuthTokenResponse';

/**
 * OAuthTokenService keeps the OAuth tokens a proxy holds for each upstream provider
 * and user. Access and refresh tokens are stored only encrypted (AES-256-GCM) and are
 * returned only in the FULL view.
 */
export interface OAuthTokenServiceClient extends grpc.Client {
  /**
   * Soft-deletes the token: it is no longer readable or listed. Idempotent.
   */
  DeleteOAuthToken(argument: _dataaccess_v1_DeleteOAuthTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_DeleteOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  DeleteOAuthToken(argument: _dataaccess_v1_DeleteOAuthTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_DeleteOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  DeleteOAuthToken(argument: _dataaccess_v1_DeleteOAuthTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_DeleteOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  DeleteOAuthToken(argument: _dataaccess_v1_DeleteOAuthTokenRequest, callback: grpc.requestCallback<_dataaccess_v1_DeleteOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Soft-deletes the token: it is no longer readable or listed. Idempotent.
   */
  deleteOAuthToken(argument: _dataaccess_v1_DeleteOAuthTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_DeleteOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  deleteOAuthToken(argument: _dataaccess_v1_DeleteOAuthTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_DeleteOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  deleteOAuthToken(argument: _dataaccess_v1_DeleteOAuthTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_DeleteOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  deleteOAuthToken(argument: _dataaccess_v1_DeleteOAuthTokenRequest, callback: grpc.requestCallback<_dataaccess_v1_DeleteOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Reads one token, by id or by (provider, user_id). Deleted tokens are NOT_FOUND.
   */
  GetOAuthToken(argument: _dataaccess_v1_GetOAuthTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  GetOAuthToken(argument: _dataaccess_v1_GetOAuthTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  GetOAuthToken(argument: _dataaccess_v1_GetOAuthTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  GetOAuthToken(argument: _dataaccess_v1_GetOAuthTokenRequest, callback: grpc.requestCallback<_dataaccess_v1_GetOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Reads one token, by id or by (provider, user_id). Deleted tokens are NOT_FOUND.
   */
  getOAuthToken(argument: _dataaccess_v1_GetOAuthTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  getOAuthToken(argument: _dataaccess_v1_GetOAuthTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  getOAuthToken(argument: _dataaccess_v1_GetOAuthTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  getOAuthToken(argument: _dataaccess_v1_GetOAuthTokenRequest, callback: grpc.requestCallback<_dataaccess_v1_GetOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Marks the token inactive (it stays readable). Idempotent.
   */
  InvalidateOAuthToken(argument: _dataaccess_v1_InvalidateOAuthTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_InvalidateOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  InvalidateOAuthToken(argument: _dataaccess_v1_InvalidateOAuthTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_InvalidateOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  InvalidateOAuthToken(argument: _dataaccess_v1_InvalidateOAuthTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_InvalidateOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  InvalidateOAuthToken(argument: _dataaccess_v1_InvalidateOAuthTokenRequest, callback: grpc.requestCallback<_dataaccess_v1_InvalidateOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Marks the token inactive (it stays readable). Idempotent.
   */
  invalidateOAuthToken(argument: _dataaccess_v1_InvalidateOAuthTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_InvalidateOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  invalidateOAuthToken(argument: _dataaccess_v1_InvalidateOAuthTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_InvalidateOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  invalidateOAuthToken(argument: _dataaccess_v1_InvalidateOAuthTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_InvalidateOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  invalidateOAuthToken(argument: _dataaccess_v1_InvalidateOAuthTokenRequest, callback: grpc.requestCallback<_dataaccess_v1_InvalidateOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists tokens (never with secrets), ordered by creation, paginated.
   */
  ListOAuthTokens(argument: _dataaccess_v1_ListOAuthTokensRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListOAuthTokensResponse__Output>): grpc.ClientUnaryCall;
  ListOAuthTokens(argument: _dataaccess_v1_ListOAuthTokensRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_ListOAuthTokensResponse__Output>): grpc.ClientUnaryCall;
  ListOAuthTokens(argument: _dataaccess_v1_ListOAuthTokensRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListOAuthTokensResponse__Output>): grpc.ClientUnaryCall;
  ListOAuthTokens(argument: _dataaccess_v1_ListOAuthTokensRequest, callback: grpc.requestCallback<_dataaccess_v1_ListOAuthTokensResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists tokens (never with secrets), ordered by creation, paginated.
   */
  listOAuthTokens(argument: _dataaccess_v1_ListOAuthTokensRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListOAuthTokensResponse__Output>): grpc.ClientUnaryCall;
  listOAuthTokens(argument: _dataaccess_v1_ListOAuthTokensRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_ListOAuthTokensResponse__Output>): grpc.ClientUnaryCall;
  listOAuthTokens(argument: _dataaccess_v1_ListOAuthTokensRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListOAuthTokensResponse__Output>): grpc.ClientUnaryCall;
  listOAuthTokens(argument: _dataaccess_v1_ListOAuthTokensRequest, callback: grpc.requestCallback<_dataaccess_v1_ListOAuthTokensResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Changes the fields named in update_mask if etag still matches (ABORTED if not).
   */
  UpdateOAuthToken(argument: _dataaccess_v1_UpdateOAuthTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpdateOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  UpdateOAuthToken(argument: _dataaccess_v1_UpdateOAuthTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_UpdateOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  UpdateOAuthToken(argument: _dataaccess_v1_UpdateOAuthTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpdateOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  UpdateOAuthToken(argument: _dataaccess_v1_UpdateOAuthTokenRequest, callback: grpc.requestCallback<_dataaccess_v1_UpdateOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Changes the fields named in update_mask if etag still matches (ABORTED if not).
   */
  updateOAuthToken(argument: _dataaccess_v1_UpdateOAuthTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpdateOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  updateOAuthToken(argument: _dataaccess_v1_UpdateOAuthTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_UpdateOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  updateOAuthToken(argument: _dataaccess_v1_UpdateOAuthTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpdateOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  updateOAuthToken(argument: _dataaccess_v1_UpdateOAuthTokenRequest, callback: grpc.requestCallback<_dataaccess_v1_UpdateOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Inserts the token of (provider, user_id), or replaces the live one. A request
   * without refresh_token keeps the stored refresh token. Reactivates the token.
   */
  UpsertOAuthToken(argument: _dataaccess_v1_UpsertOAuthTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpsertOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  UpsertOAuthToken(argument: _dataaccess_v1_UpsertOAuthTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_UpsertOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  UpsertOAuthToken(argument: _dataaccess_v1_UpsertOAuthTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpsertOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  UpsertOAuthToken(argument: _dataaccess_v1_UpsertOAuthTokenRequest, callback: grpc.requestCallback<_dataaccess_v1_UpsertOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Inserts the token of (provider, user_id), or replaces the live one. A request
   * without refresh_token keeps the stored refresh token. Reactivates the token.
   */
  upsertOAuthToken(argument: _dataaccess_v1_UpsertOAuthTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpsertOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  upsertOAuthToken(argument: _dataaccess_v1_UpsertOAuthTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_UpsertOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  upsertOAuthToken(argument: _dataaccess_v1_UpsertOAuthTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpsertOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  upsertOAuthToken(argument: _dataaccess_v1_UpsertOAuthTokenRequest, callback: grpc.requestCallback<_dataaccess_v1_UpsertOAuthTokenResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * OAuthTokenService keeps the OAuth tokens a proxy holds for each upstream provider
 * and user. Access and refresh tokens are stored only encrypted (AES-256-GCM) and are
 * returned only in the FULL view.
 */
export interface OAuthTokenServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Soft-deletes the token: it is no longer readable or listed. Idempotent.
   */
  DeleteOAuthToken: grpc.handleUnaryCall<_dataaccess_v1_DeleteOAuthTokenRequest__Output, _dataaccess_v1_DeleteOAuthTokenResponse>;
  
  /**
   * Reads one token, by id or by (provider, user_id). Deleted tokens are NOT_FOUND.
   */
  GetOAuthToken: grpc.handleUnaryCall<_dataaccess_v1_GetOAuthTokenRequest__Output, _dataaccess_v1_GetOAuthTokenResponse>;
  
  /**
   * Marks the token inactive (it stays readable). Idempotent.
   */
  InvalidateOAuthToken: grpc.handleUnaryCall<_dataaccess_v1_InvalidateOAuthTokenRequest__Output, _dataaccess_v1_InvalidateOAuthTokenResponse>;
  
  /**
   * Lists tokens (never with secrets), ordered by creation, paginated.
   */
  ListOAuthTokens: grpc.handleUnaryCall<_dataaccess_v1_ListOAuthTokensRequest__Output, _dataaccess_v1_ListOAuthTokensResponse>;
  
  /**
   * Changes the fields named in update_mask if etag still matches (ABORTED if not).
   */
  UpdateOAuthToken: grpc.handleUnaryCall<_dataaccess_v1_UpdateOAuthTokenRequest__Output, _dataaccess_v1_UpdateOAuthTokenResponse>;
  
  /**
   * Inserts the token of (provider, user_id), or replaces the live one. A request
   * without refresh_token keeps the stored refresh token. Reactivates the token.
   */
  UpsertOAuthToken: grpc.handleUnaryCall<_dataaccess_v1_UpsertOAuthTokenRequest__Output, _dataaccess_v1_UpsertOAuthTokenResponse>;
  
}

export interface OAuthTokenServiceDefinition extends grpc.ServiceDefinition {
  DeleteOAuthToken: MethodDefinition<_dataaccess_v1_DeleteOAuthTokenRequest, _dataaccess_v1_DeleteOAuthTokenResponse, _dataaccess_v1_DeleteOAuthTokenRequest__Output, _dataaccess_v1_DeleteOAuthTokenResponse__Output>
  GetOAuthToken: MethodDefinition<_dataaccess_v1_GetOAuthTokenRequest, _dataaccess_v1_GetOAuthTokenResponse, _dataaccess_v1_GetOAuthTokenRequest__Output, _dataaccess_v1_GetOAuthTokenResponse__Output>
  InvalidateOAuthToken: MethodDefinition<_dataaccess_v1_InvalidateOAuthTokenRequest, _dataaccess_v1_InvalidateOAuthTokenResponse, _dataaccess_v1_InvalidateOAuthTokenRequest__Output, _dataaccess_v1_InvalidateOAuthTokenResponse__Output>
  ListOAuthTokens: MethodDefinition<_dataaccess_v1_ListOAuthTokensRequest, _dataaccess_v1_ListOAuthTokensResponse, _dataaccess_v1_ListOAuthTokensRequest__Output, _dataaccess_v1_ListOAuthTokensResponse__Output>
  UpdateOAuthToken: MethodDefinition<_dataaccess_v1_UpdateOAuthTokenRequest, _dataaccess_v1_UpdateOAuthTokenResponse, _dataaccess_v1_UpdateOAuthTokenRequest__Output, _dataaccess_v1_UpdateOAuthTokenResponse__Output>
  UpsertOAuthToken: MethodDefinition<_dataaccess_v1_UpsertOAuthTokenRequest, _dataaccess_v1_UpsertOAuthTokenResponse, _dataaccess_v1_UpsertOAuthTokenRequest__Output, _dataaccess_v1_UpsertOAuthTokenResponse__Output>
}
