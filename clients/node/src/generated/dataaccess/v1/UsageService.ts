// Original file: dataaccess/v1/usage.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BatchUpsertUsageRequest as _dataaccess_v1_BatchUpsertUsageRequest, BatchUpsertUsageRequest__Output as _dataaccess_v1_BatchUpsertUsageRequest__Output } from '../../dataaccess/v1/BatchUpsertUsageRequest';
import type { BatchUpsertUsageResponse as _dataaccess_v1_BatchUpsertUsageResponse, BatchUpsertUsageResponse__Output as _dataaccess_v1_BatchUpsertUsageResponse__Output } from '../../dataaccess/v1/BatchUpsertUsageResponse';
import type { ListUsageRequest as _dataaccess_v1_ListUsageRequest, ListUsageRequest__Output as _dataaccess_v1_ListUsageRequest__Output } from '../../dataaccess/v1/ListUsageRequest';
import type { ListUsageResponse as _dataaccess_v1_ListUsageResponse, ListUsageResponse__Output as _dataaccess_v1_ListUsageResponse__Output } from '../../dataaccess/v1/ListUsageResponse';
import type { UpsertUsageRequest as _dataaccess_v1_UpsertUsageRequest, UpsertUsageRequest__Output as _dataaccess_v1_UpsertUsageRequest__Output } from '../../dataaccess/v1/UpsertUsageRequest';
import type { UpsertUsageResponse as _dataaccess_v1_UpsertUsageResponse, UpsertUsageResponse__Output as _dataaccess_v1_UpsertUsageResponse__Output } from '../../dataaccess/v1/UpsertUsageResponse';

/**
 * UsageService keeps daily usage counters per (provider, model, auth_id, date), the
 * figures people are billed on. Increments are added exactly once per request_id, a
 * batch is applied whole or not at all, and concurrent batches never deadlock.
 */
export interface UsageServiceClient extends grpc.Client {
  /**
   * Adds many records' counters in one transaction (records for the same key are
   * summed first). At most 10,000 records by default.
   */
  BatchUpsertUsage(argument: _dataaccess_v1_BatchUpsertUsageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_BatchUpsertUsageResponse__Output>): grpc.ClientUnaryCall;
  BatchUpsertUsage(argument: _dataaccess_v1_BatchUpsertUsageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_BatchUpsertUsageResponse__Output>): grpc.ClientUnaryCall;
  BatchUpsertUsage(argument: _dataaccess_v1_BatchUpsertUsageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_BatchUpsertUsageResponse__Output>): grpc.ClientUnaryCall;
  BatchUpsertUsage(argument: _dataaccess_v1_BatchUpsertUsageRequest, callback: grpc.requestCallback<_dataaccess_v1_BatchUpsertUsageResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Adds many records' counters in one transaction (records for the same key are
   * summed first). At most 10,000 records by default.
   */
  batchUpsertUsage(argument: _dataaccess_v1_BatchUpsertUsageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_BatchUpsertUsageResponse__Output>): grpc.ClientUnaryCall;
  batchUpsertUsage(argument: _dataaccess_v1_BatchUpsertUsageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_BatchUpsertUsageResponse__Output>): grpc.ClientUnaryCall;
  batchUpsertUsage(argument: _dataaccess_v1_BatchUpsertUsageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_BatchUpsertUsageResponse__Output>): grpc.ClientUnaryCall;
  batchUpsertUsage(argument: _dataaccess_v1_BatchUpsertUsageRequest, callback: grpc.requestCallback<_dataaccess_v1_BatchUpsertUsageResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists daily counters, by date then provider, model and auth_id.
   */
  ListUsage(argument: _dataaccess_v1_ListUsageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListUsageResponse__Output>): grpc.ClientUnaryCall;
  ListUsage(argument: _dataaccess_v1_ListUsageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_ListUsageResponse__Output>): grpc.ClientUnaryCall;
  ListUsage(argument: _dataaccess_v1_ListUsageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListUsageResponse__Output>): grpc.ClientUnaryCall;
  ListUsage(argument: _dataaccess_v1_ListUsageRequest, callback: grpc.requestCallback<_dataaccess_v1_ListUsageResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists daily counters, by date then provider, model and auth_id.
   */
  listUsage(argument: _dataaccess_v1_ListUsageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListUsageResponse__Output>): grpc.ClientUnaryCall;
  listUsage(argument: _dataaccess_v1_ListUsageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_ListUsageResponse__Output>): grpc.ClientUnaryCall;
  listUsage(argument: _dataaccess_v1_ListUsageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListUsageResponse__Output>): grpc.ClientUnaryCall;
  listUsage(argument: _dataaccess_v1_ListUsageRequest, callback: grpc.requestCallback<_dataaccess_v1_ListUsageResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Adds one record's counters.
   */
  UpsertUsage(argument: _dataaccess_v1_UpsertUsageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpsertUsageResponse__Output>): grpc.ClientUnaryCall;
  UpsertUsage(argument: _dataaccess_v1_UpsertUsageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_UpsertUsageResponse__Output>): grpc.ClientUnaryCall;
  UpsertUsage(argument: _dataaccess_v1_UpsertUsageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpsertUsageResponse__Output>): grpc.ClientUnaryCall;
  UpsertUsage(argument: _dataaccess_v1_UpsertUsageRequest, callback: grpc.requestCallback<_dataaccess_v1_UpsertUsageResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Adds one record's counters.
   */
  upsertUsage(argument: _dataaccess_v1_UpsertUsageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpsertUsageResponse__Output>): grpc.ClientUnaryCall;
  upsertUsage(argument: _dataaccess_v1_UpsertUsageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_UpsertUsageResponse__Output>): grpc.ClientUnaryCall;
  upsertUsage(argument: _dataaccess_v1_UpsertUsageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_UpsertUsageResponse__Output>): grpc.ClientUnaryCall;
  upsertUsage(argument: _dataaccess_v1_UpsertUsageRequest, callback: grpc.requestCallback<_dataaccess_v1_UpsertUsageResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * UsageService keeps daily usage counters per (provider, model, auth_id, date), the
 * figures people are billed on. Increments are added exactly once per request_id, a
 * batch is applied whole or not at all, and concurrent batches never deadlock.
 */
export interface UsageServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Adds many records' counters in one transaction (records for the same key are
   * summed first). At most 10,000 records by default.
   */
  BatchUpsertUsage: grpc.handleUnaryCall<_dataaccess_v1_BatchUpsertUsageRequest__Output, _dataaccess_v1_BatchUpsertUsageResponse>;
  
  /**
   * Lists daily counters, by date then provider, model and auth_id.
   */
  ListUsage: grpc.handleUnaryCall<_dataaccess_v1_ListUsageRequest__Output, _dataaccess_v1_ListUsageResponse>;
  
  /**
   * Adds one record's counters.
   */
  UpsertUsage: grpc.handleUnaryCall<_dataaccess_v1_UpsertUsageRequest__Output, _dataaccess_v1_UpsertUsageResponse>;
  
}

export interface UsageServiceDefinition extends grpc.ServiceDefinition {
  BatchUpsertUsage: MethodDefinition<_dataaccess_v1_BatchUpsertUsageRequest, _dataaccess_v1_BatchUpsertUsageResponse, _dataaccess_v1_BatchUpsertUsageRequest__Output, _dataaccess_v1_BatchUpsertUsageResponse__Output>
  ListUsage: MethodDefinition<_dataaccess_v1_ListUsageRequest, _dataaccess_v1_ListUsageResponse, _dataaccess_v1_ListUsageRequest__Output, _dataaccess_v1_ListUsageResponse__Output>
  UpsertUsage: MethodDefinition<_dataaccess_v1_UpsertUsageRequest, _dataaccess_v1_UpsertUsageResponse, _dataaccess_v1_UpsertUsageRequest__Output, _dataaccess_v1_UpsertUsageResponse__Output>
}
