// Original file: dataaccess/v1/operations.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetDatabaseStatusRequest as _dataaccess_v1_GetDatabaseStatusRequest, GetDatabaseStatusRequest__Output as _dataaccess_v1_GetDatabaseStatusRequest__Output } from '../../dataaccess/v1/GetDatabaseStatusRequest';
import type { GetDatabaseStatusResponse as _dataaccess_v1_GetDatabaseStatusResponse, GetDatabaseStatusResponse__Output as _dataaccess_v1_GetDatabaseStatusResponse__Output } from '../../dataaccess/v1/GetDatabaseStatusResponse';

/**
 * OperationsService answers operators' questions about the service itself:
 * the database nodes behind it and the state of the schema.
 */
export interface OperationsServiceClient extends grpc.Client {
  /**
   * Reports every configured database node (role, reachability, replication
   * lag, connection-pool statistics) and the schema's migration state.
   * Answers even while the database is down: unreachable nodes say so.
   */
  GetDatabaseStatus(argument: _dataaccess_v1_GetDatabaseStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetDatabaseStatusResponse__Output>): grpc.ClientUnaryCall;
  GetDatabaseStatus(argument: _dataaccess_v1_GetDatabaseStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetDatabaseStatusResponse__Output>): grpc.ClientUnaryCall;
  GetDatabaseStatus(argument: _dataaccess_v1_GetDatabaseStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetDatabaseStatusResponse__Output>): grpc.ClientUnaryCall;
  GetDatabaseStatus(argument: _dataaccess_v1_GetDatabaseStatusRequest, callback: grpc.requestCallback<_dataaccess_v1_GetDatabaseStatusResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Reports every configured database node (role, reachability, replication
   * lag, connection-pool statistics) and the schema's migration state.
   * Answers even while the database is down: unreachable nodes say so.
   */
  getDatabaseStatus(argument: _dataaccess_v1_GetDatabaseStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetDatabaseStatusResponse__Output>): grpc.ClientUnaryCall;
  getDatabaseStatus(argument: _dataaccess_v1_GetDatabaseStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetDatabaseStatusResponse__Output>): grpc.ClientUnaryCall;
  getDatabaseStatus(argument: _dataaccess_v1_GetDatabaseStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetDatabaseStatusResponse__Output>): grpc.ClientUnaryCall;
  getDatabaseStatus(argument: _dataaccess_v1_GetDatabaseStatusRequest, callback: grpc.requestCallback<_dataaccess_v1_GetDatabaseStatusResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * OperationsService answers operators' questions about the service itself:
 * the database nodes behind it and the state of the schema.
 */
export interface OperationsServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Reports every configured database node (role, reachability, replication
   * lag, connection-pool statistics) and the schema's migration state.
   * Answers even while the database is down: unreachable nodes say so.
   */
  GetDatabaseStatus: grpc.handleUnaryCall<_dataaccess_v1_GetDatabaseStatusRequest__Output, _dataaccess_v1_GetDatabaseStatusResponse>;
  
}

export interface OperationsServiceDefinition extends grpc.ServiceDefinition {
  GetDatabaseStatus: MethodDefinition<_dataaccess_v1_GetDatabaseStatusRequest, _dataaccess_v1_GetDatabaseStatusResponse, _dataaccess_v1_GetDatabaseStatusRequest__Output, _dataaccess_v1_GetDatabaseStatusResponse__Output>
}
