// Original file: dataaccess/v1/configs.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ActivateConfigVersionRequest as _dataaccess_v1_ActivateConfigVersionRequest, ActivateConfigVersionRequest__Output as _dataaccess_v1_ActivateConfigVersionRequest__Output } from '../../dataaccess/v1/ActivateConfigVersionRequest';
import type { ActivateConfigVersionResponse as _dataaccess_v1_ActivateConfigVersionResponse, ActivateConfigVersionResponse__Output as _dataaccess_v1_ActivateConfigVersionResponse__Output } from '../../dataaccess/v1/ActivateConfigVersionResponse';
import type { CreateConfigVersionRequest as _dataaccess_v1_CreateConfigVersionRequest, CreateConfigVersionRequest__Output as _dataaccess_v1_CreateConfigVersionRequest__Output } from '../../dataaccess/v1/CreateConfigVersionRequest';
import type { CreateConfigVersionResponse as _dataaccess_v1_CreateConfigVersionResponse, CreateConfigVersionResponse__Output as _dataaccess_v1_CreateConfigVersionResponse__Output } from '../../dataaccess/v1/CreateConfigVersionResponse';
import type { GetConfigRequest as _dataaccess_v1_GetConfigRequest, GetConfigRequest__Output as _dataaccess_v1_GetConfigRequest__Output } from '../../dataaccess/v1/GetConfigRequest';
import type { GetConfigResponse as _dataaccess_v1_GetConfigResponse, GetConfigResponse__Output as _dataaccess_v1_GetConfigResponse__Output } from '../../dataaccess/v1/GetConfigResponse';
import type { ListConfigVersionsRequest as _dataaccess_v1_ListConfigVersionsRequest, ListConfigVersionsRequest__Output as _dataaccess_v1_ListConfigVersionsRequest__Output } from '../../dataaccess/v1/ListConfigVersionsRequest';
import type { ListConfigVersionsResponse as _dataaccess_v1_ListConfigVersionsResponse, ListConfigVersionsResponse__Output as _dataaccess_v1_ListConfigVersionsResponse__Output } from '../../dataaccess/v1/ListConfigVersionsResponse';
import type { RollbackConfigRequest as _dataaccess_v1_RollbackConfigRequest, RollbackConfigRequest__Output as _dataaccess_v1_RollbackConfigRequest__Output } from '../../dataaccess/v1/RollbackConfigRequest';
import type { RollbackConfigResponse as _dataaccess_v1_RollbackConfigResponse, RollbackConfigResponse__Output as _dataaccess_v1_RollbackConfigResponse__Output } from '../../dataaccess/v1/RollbackConfigResponse';
import type { WatchConfigRequest as _dataaccess_v1_WatchConfigRequest, WatchConfigRequest__Output as _dataaccess_v1_WatchConfigRequest__Output } from '../../dataaccess/v1/WatchConfigRequest';
import type { WatchConfigResponse as _dataaccess_v1_WatchConfigResponse, WatchConfigResponse__Output as _dataaccess_v1_WatchConfigResponse__Output } from '../../dataaccess/v1/WatchConfigResponse';

/**
 * ConfigService keeps named YAML configurations in immutable versions, numbered 1, 2,
 * 3, ... per name, with at most one active version per name. Activation switches the
 * active version atomically and is pushed to every watcher on every server process.
 * 
 * A name is 1-128 characters of a-z, 0-9, '.', '_', '/' and '-', starting with a letter
 * or a digit ("proxy/routing", "limits.v2").
 */
export interface ConfigServiceClient extends grpc.Client {
  /**
   * Makes a version the active one. Activating the version already active changes
   * nothing and succeeds (so a retry is harmless); with expected_active_version set, a
   * different active version is ABORTED and nothing changes.
   */
  ActivateConfigVersion(argument: _dataaccess_v1_ActivateConfigVersionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ActivateConfigVersionResponse__Output>): grpc.ClientUnaryCall;
  ActivateConfigVersion(argument: _dataaccess_v1_ActivateConfigVersionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_ActivateConfigVersionResponse__Output>): grpc.ClientUnaryCall;
  ActivateConfigVersion(argument: _dataaccess_v1_ActivateConfigVersionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ActivateConfigVersionResponse__Output>): grpc.ClientUnaryCall;
  ActivateConfigVersion(argument: _dataaccess_v1_ActivateConfigVersionRequest, callback: grpc.requestCallback<_dataaccess_v1_ActivateConfigVersionResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Makes a version the active one. Activating the version already active changes
   * nothing and succeeds (so a retry is harmless); with expected_active_version set, a
   * different active version is ABORTED and nothing changes.
   */
  activateConfigVersion(argument: _dataaccess_v1_ActivateConfigVersionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ActivateConfigVersionResponse__Output>): grpc.ClientUnaryCall;
  activateConfigVersion(argument: _dataaccess_v1_ActivateConfigVersionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_ActivateConfigVersionResponse__Output>): grpc.ClientUnaryCall;
  activateConfigVersion(argument: _dataaccess_v1_ActivateConfigVersionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ActivateConfigVersionResponse__Output>): grpc.ClientUnaryCall;
  activateConfigVersion(argument: _dataaccess_v1_ActivateConfigVersionRequest, callback: grpc.requestCallback<_dataaccess_v1_ActivateConfigVersionResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Stores a new version of a config (the next number of its name), optionally
   * activating it in the same transaction. The YAML must parse (safe loader) and stay
   * within DATAACCESS_CONFIG_MAX_BYTES; a YAML error is INVALID_ARGUMENT naming field
   * `yaml` with the parser's problem, line and column.
   */
  CreateConfigVersion(argument: _dataaccess_v1_CreateConfigVersionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_CreateConfigVersionResponse__Output>): grpc.ClientUnaryCall;
  CreateConfigVersion(argument: _dataaccess_v1_CreateConfigVersionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_CreateConfigVersionResponse__Output>): grpc.ClientUnaryCall;
  CreateConfigVersion(argument: _dataaccess_v1_CreateConfigVersionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_CreateConfigVersionResponse__Output>): grpc.ClientUnaryCall;
  CreateConfigVersion(argument: _dataaccess_v1_CreateConfigVersionRequest, callback: grpc.requestCallback<_dataaccess_v1_CreateConfigVersionResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Stores a new version of a config (the next number of its name), optionally
   * activating it in the same transaction. The YAML must parse (safe loader) and stay
   * within DATAACCESS_CONFIG_MAX_BYTES; a YAML error is INVALID_ARGUMENT naming field
   * `yaml` with the parser's problem, line and column.
   */
  createConfigVersion(argument: _dataaccess_v1_CreateConfigVersionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_CreateConfigVersionResponse__Output>): grpc.ClientUnaryCall;
  createConfigVersion(argument: _dataaccess_v1_CreateConfigVersionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_CreateConfigVersionResponse__Output>): grpc.ClientUnaryCall;
  createConfigVersion(argument: _dataaccess_v1_CreateConfigVersionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_CreateConfigVersionResponse__Output>): grpc.ClientUnaryCall;
  createConfigVersion(argument: _dataaccess_v1_CreateConfigVersionRequest, callback: grpc.requestCallback<_dataaccess_v1_CreateConfigVersionResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * One version of a config: the active one (version 0), or the given one. NOT_FOUND
   * when the name or version does not exist, or nothing is active.
   */
  GetConfig(argument: _dataaccess_v1_GetConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetConfigResponse__Output>): grpc.ClientUnaryCall;
  GetConfig(argument: _dataaccess_v1_GetConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetConfigResponse__Output>): grpc.ClientUnaryCall;
  GetConfig(argument: _dataaccess_v1_GetConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetConfigResponse__Output>): grpc.ClientUnaryCall;
  GetConfig(argument: _dataaccess_v1_GetConfigRequest, callback: grpc.requestCallback<_dataaccess_v1_GetConfigResponse__Output>): grpc.ClientUnaryCall;
  /**
   * One version of a config: the active one (version 0), or the given one. NOT_FOUND
   * when the name or version does not exist, or nothing is active.
   */
  getConfig(argument: _dataaccess_v1_GetConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetConfigResponse__Output>): grpc.ClientUnaryCall;
  getConfig(argument: _dataaccess_v1_GetConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetConfigResponse__Output>): grpc.ClientUnaryCall;
  getConfig(argument: _dataaccess_v1_GetConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetConfigResponse__Output>): grpc.ClientUnaryCall;
  getConfig(argument: _dataaccess_v1_GetConfigRequest, callback: grpc.requestCallback<_dataaccess_v1_GetConfigResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The versions of a config, newest first, paginated.
   */
  ListConfigVersions(argument: _dataaccess_v1_ListConfigVersionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListConfigVersionsResponse__Output>): grpc.ClientUnaryCall;
  ListConfigVersions(argument: _dataaccess_v1_ListConfigVersionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_ListConfigVersionsResponse__Output>): grpc.ClientUnaryCall;
  ListConfigVersions(argument: _dataaccess_v1_ListConfigVersionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListConfigVersionsResponse__Output>): grpc.ClientUnaryCall;
  ListConfigVersions(argument: _dataaccess_v1_ListConfigVersionsRequest, callback: grpc.requestCallback<_dataaccess_v1_ListConfigVersionsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The versions of a config, newest first, paginated.
   */
  listConfigVersions(argument: _dataaccess_v1_ListConfigVersionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListConfigVersionsResponse__Output>): grpc.ClientUnaryCall;
  listConfigVersions(argument: _dataaccess_v1_ListConfigVersionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_ListConfigVersionsResponse__Output>): grpc.ClientUnaryCall;
  listConfigVersions(argument: _dataaccess_v1_ListConfigVersionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListConfigVersionsResponse__Output>): grpc.ClientUnaryCall;
  listConfigVersions(argument: _dataaccess_v1_ListConfigVersionsRequest, callback: grpc.requestCallback<_dataaccess_v1_ListConfigVersionsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Activates the version that was active before the current one. Like `kubectl
   * rollout undo`, a second rollback toggles back. FAILED_PRECONDITION when there is no
   * previous version; ABORTED on a stale expected_active_version.
   */
  RollbackConfig(argument: _dataaccess_v1_RollbackConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_RollbackConfigResponse__Output>): grpc.ClientUnaryCall;
  RollbackConfig(argument: _dataaccess_v1_RollbackConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_RollbackConfigResponse__Output>): grpc.ClientUnaryCall;
  RollbackConfig(argument: _dataaccess_v1_RollbackConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_RollbackConfigResponse__Output>): grpc.ClientUnaryCall;
  RollbackConfig(argument: _dataaccess_v1_RollbackConfigRequest, callback: grpc.requestCallback<_dataaccess_v1_RollbackConfigResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Activates the version that was active before the current one. Like `kubectl
   * rollout undo`, a second rollback toggles back. FAILED_PRECONDITION when there is no
   * previous version; ABORTED on a stale expected_active_version.
   */
  rollbackConfig(argument: _dataaccess_v1_RollbackConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_RollbackConfigResponse__Output>): grpc.ClientUnaryCall;
  rollbackConfig(argument: _dataaccess_v1_RollbackConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_RollbackConfigResponse__Output>): grpc.ClientUnaryCall;
  rollbackConfig(argument: _dataaccess_v1_RollbackConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_RollbackConfigResponse__Output>): grpc.ClientUnaryCall;
  rollbackConfig(argument: _dataaccess_v1_RollbackConfigRequest, callback: grpc.requestCallback<_dataaccess_v1_RollbackConfigResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The active version at once, then one message per activation, until the caller
   * cancels. If the name has versions but none is active, the first message waits for
   * the first activation; NOT_FOUND if the name has no version. A watcher that falls
   * behind skips to the latest activation (it never misses the latest one). At server
   * shutdown the stream ends with UNAVAILABLE: reconnect (to another server).
   */
  WatchConfig(argument: _dataaccess_v1_WatchConfigRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_dataaccess_v1_WatchConfigResponse__Output>;
  WatchConfig(argument: _dataaccess_v1_WatchConfigRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_dataaccess_v1_WatchConfigResponse__Output>;
  /**
   * The active version at once, then one message per activation, until the caller
   * cancels. If the name has versions but none is active, the first message waits for
   * the first activation; NOT_FOUND if the name has no version. A watcher that falls
   * behind skips to the latest activation (it never misses the latest one). At server
   * shutdown the stream ends with UNAVAILABLE: reconnect (to another server).
   */
  watchConfig(argument: _dataaccess_v1_WatchConfigRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_dataaccess_v1_WatchConfigResponse__Output>;
  watchConfig(argument: _dataaccess_v1_WatchConfigRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_dataaccess_v1_WatchConfigResponse__Output>;
  
}

/**
 * ConfigService keeps named YAML configurations in immutable versions, numbered 1, 2,
 * 3, ... per name, with at most one active version per name. Activation switches the
 * active version atomically and is pushed to every watcher on every server process.
 * 
 * A name is 1-128 characters of a-z, 0-9, '.', '_', '/' and '-', starting with a letter
 * or a digit ("proxy/routing", "limits.v2").
 */
export interface ConfigServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Makes a version the active one. Activating the version already active changes
   * nothing and succeeds (so a retry is harmless); with expected_active_version set, a
   * different active version is ABORTED and nothing changes.
   */
  ActivateConfigVersion: grpc.handleUnaryCall<_dataaccess_v1_ActivateConfigVersionRequest__Output, _dataaccess_v1_ActivateConfigVersionResponse>;
  
  /**
   * Stores a new version of a config (the next number of its name), optionally
   * activating it in the same transaction. The YAML must parse (safe loader) and stay
   * within DATAACCESS_CONFIG_MAX_BYTES; a YAML error is INVALID_ARGUMENT naming field
   * `yaml` with the parser's problem, line and column.
   */
  CreateConfigVersion: grpc.handleUnaryCall<_dataaccess_v1_CreateConfigVersionRequest__Output, _dataaccess_v1_CreateConfigVersionResponse>;
  
  /**
   * One version of a config: the active one (version 0), or the given one. NOT_FOUND
   * when the name or version does not exist, or nothing is active.
   */
  GetConfig: grpc.handleUnaryCall<_dataaccess_v1_GetConfigRequest__Output, _dataaccess_v1_GetConfigResponse>;
  
  /**
   * The versions of a config, newest first, paginated.
   */
  ListConfigVersions: grpc.handleUnaryCall<_dataaccess_v1_ListConfigVersionsRequest__Output, _dataaccess_v1_ListConfigVersionsResponse>;
  
  /**
   * Activates the version that was active before the current one. Like `kubectl
   * rollout undo`, a second rollback toggles back. FAILED_PRECONDITION when there is no
   * previous version; ABORTED on a stale expected_active_version.
   */
  RollbackConfig: grpc.handleUnaryCall<_dataaccess_v1_RollbackConfigRequest__Output, _dataaccess_v1_RollbackConfigResponse>;
  
  /**
   * The active version at once, then one message per activation, until the caller
   * cancels. If the name has versions but none is active, the first message waits for
   * the first activation; NOT_FOUND if the name has no version. A watcher that falls
   * behind skips to the latest activation (it never misses the latest one). At server
   * shutdown the stream ends with UNAVAILABLE: reconnect (to another server).
   */
  WatchConfig: grpc.handleServerStreamingCall<_dataaccess_v1_WatchConfigRequest__Output, _dataaccess_v1_WatchConfigResponse>;
  
}

export interface ConfigServiceDefinition extends grpc.ServiceDefinition {
  ActivateConfigVersion: MethodDefinition<_dataaccess_v1_ActivateConfigVersionRequest, _dataaccess_v1_ActivateConfigVersionResponse, _dataaccess_v1_ActivateConfigVersionRequest__Output, _dataaccess_v1_ActivateConfigVersionResponse__Output>
  CreateConfigVersion: MethodDefinition<_dataaccess_v1_CreateConfigVersionRequest, _dataaccess_v1_CreateConfigVersionResponse, _dataaccess_v1_CreateConfigVersionRequest__Output, _dataaccess_v1_CreateConfigVersionResponse__Output>
  GetConfig: MethodDefinition<_dataaccess_v1_GetConfigRequest, _dataaccess_v1_GetConfigResponse, _dataaccess_v1_GetConfigRequest__Output, _dataaccess_v1_GetConfigResponse__Output>
  ListConfigVersions: MethodDefinition<_dataaccess_v1_ListConfigVersionsRequest, _dataaccess_v1_ListConfigVersionsResponse, _dataaccess_v1_ListConfigVersionsRequest__Output, _dataaccess_v1_ListConfigVersionsResponse__Output>
  RollbackConfig: MethodDefinition<_dataaccess_v1_RollbackConfigRequest, _dataaccess_v1_RollbackConfigResponse, _dataaccess_v1_RollbackConfigRequest__Output, _dataaccess_v1_RollbackConfigResponse__Output>
  WatchConfig: MethodDefinition<_dataaccess_v1_WatchConfigRequest, _dataaccess_v1_WatchConfigResponse, _dataaccess_v1_WatchConfigRequest__Output, _dataaccess_v1_WatchConfigResponse__Output>
}
