// Original file: dataaccess/v1/request_logs.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BatchInsertRequestLogsRequest as _dataaccess_v1_BatchInsertRequestLogsRequest, BatchInsertRequestLogsRequest__Output as _dataaccess_v1_BatchInsertRequestLogsRequest__Output } from '../../dataaccess/v1/BatchInsertRequestLogsRequest';
import type { BatchInsertRequestLogsResponse as _dataaccess_v1_BatchInsertRequestLogsResponse, BatchInsertRequestLogsResponse__Output as _dataaccess_v1_BatchInsertRequestLogsResponse__Output } from '../../dataaccess/v1/BatchInsertRequestLogsResponse';
import type { ListRequestLogsRequest as _dataaccess_v1_ListRequestLogsRequest, ListRequestLogsRequest__Output as _dataaccess_v1_ListRequestLogsRequest__Output } from '../../dataaccess/v1/ListRequestLogsRequest';
import type { ListRequestLogsResponse as _dataaccess_v1_ListRequestLogsResponse, ListRequestLogsResponse__Output as _dataaccess_v1_ListRequestLogsResponse__Output } from '../../dataaccess/v1/ListRequestLogsResponse';
import type { StreamRequestLogsRequest as _dataaccess_v1_StreamRequestLogsRequest, StreamRequestLogsRequest__Output as _dataaccess_v1_StreamRequestLogsRequest__Output } from '../../dataaccess/v1/StreamRequestLogsRequest';
import type { StreamRequestLogsResponse as _dataaccess_v1_StreamRequestLogsResponse, StreamRequestLogsResponse__Output as _dataaccess_v1_StreamRequestLogsResponse__Output } from '../../dataaccess/v1/StreamRequestLogsResponse';

/**
 * RequestLogService stores one log row per proxied request, in bulk. A log is identified
 * by (request_time, request_id): sending it again stores nothing and counts it as a
 * duplicate, so any batch or stream can be retried whole.
 */
export interface RequestLogServiceClient extends grpc.Client {
  /**
   * Stores up to 10,000 logs (by default) in one transaction.
   */
  BatchInsertRequestLogs(argument: _dataaccess_v1_BatchInsertRequestLogsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_BatchInsertRequestLogsResponse__Output>): grpc.ClientUnaryCall;
  BatchInsertRequestLogs(argument: _dataaccess_v1_BatchInsertRequestLogsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_BatchInsertRequestLogsResponse__Output>): grpc.ClientUnaryCall;
  BatchInsertRequestLogs(argument: _dataaccess_v1_BatchInsertRequestLogsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_BatchInsertRequestLogsResponse__Output>): grpc.ClientUnaryCall;
  BatchInsertRequestLogs(argument: _dataaccess_v1_BatchInsertRequestLogsRequest, callback: grpc.requestCallback<_dataaccess_v1_BatchInsertRequestLogsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Stores up to 10,000 logs (by default) in one transaction.
   */
  batchInsertRequestLogs(argument: _dataaccess_v1_BatchInsertRequestLogsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_BatchInsertRequestLogsResponse__Output>): grpc.ClientUnaryCall;
  batchInsertRequestLogs(argument: _dataaccess_v1_BatchInsertRequestLogsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_BatchInsertRequestLogsResponse__Output>): grpc.ClientUnaryCall;
  batchInsertRequestLogs(argument: _dataaccess_v1_BatchInsertRequestLogsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_BatchInsertRequestLogsResponse__Output>): grpc.ClientUnaryCall;
  batchInsertRequestLogs(argument: _dataaccess_v1_BatchInsertRequestLogsRequest, callback: grpc.requestCallback<_dataaccess_v1_BatchInsertRequestLogsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists logs, newest first, paginated.
   */
  ListRequestLogs(argument: _dataaccess_v1_ListRequestLogsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListRequestLogsResponse__Output>): grpc.ClientUnaryCall;
  ListRequestLogs(argument: _dataaccess_v1_ListRequestLogsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_ListRequestLogsResponse__Output>): grpc.ClientUnaryCall;
  ListRequestLogs(argument: _dataaccess_v1_ListRequestLogsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListRequestLogsResponse__Output>): grpc.ClientUnaryCall;
  ListRequestLogs(argument: _dataaccess_v1_ListRequestLogsRequest, callback: grpc.requestCallback<_dataaccess_v1_ListRequestLogsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists logs, newest first, paginated.
   */
  listRequestLogs(argument: _dataaccess_v1_ListRequestLogsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListRequestLogsResponse__Output>): grpc.ClientUnaryCall;
  listRequestLogs(argument: _dataaccess_v1_ListRequestLogsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_ListRequestLogsResponse__Output>): grpc.ClientUnaryCall;
  listRequestLogs(argument: _dataaccess_v1_ListRequestLogsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListRequestLogsResponse__Output>): grpc.ClientUnaryCall;
  listRequestLogs(argument: _dataaccess_v1_ListRequestLogsRequest, callback: grpc.requestCallback<_dataaccess_v1_ListRequestLogsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Client streaming: the server stores logs in chunks as they arrive, each chunk in
   * its own transaction, and answers with the totals when the stream ends. If the
   * stream breaks, the chunks already stored stay stored; resend the whole stream and
   * they are counted as duplicates.
   */
  StreamRequestLogs(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_StreamRequestLogsResponse__Output>): grpc.ClientWritableStream<_dataaccess_v1_StreamRequestLogsRequest>;
  StreamRequestLogs(metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_StreamRequestLogsResponse__Output>): grpc.ClientWritableStream<_dataaccess_v1_StreamRequestLogsRequest>;
  StreamRequestLogs(options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_StreamRequestLogsResponse__Output>): grpc.ClientWritableStream<_dataaccess_v1_StreamRequestLogsRequest>;
  StreamRequestLogs(callback: grpc.requestCallback<_dataaccess_v1_StreamRequestLogsResponse__Output>): grpc.ClientWritableStream<_dataaccess_v1_StreamRequestLogsRequest>;
  /**
   * Client streaming: the server stores logs in chunks as they arrive, each chunk in
   * its own transaction, and answers with the totals when the stream ends. If the
   * stream breaks, the chunks already stored stay stored; resend the whole stream and
   * they are counted as duplicates.
   */
  streamRequestLogs(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_StreamRequestLogsResponse__Output>): grpc.ClientWritableStream<_dataaccess_v1_StreamRequestLogsRequest>;
  streamRequestLogs(metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_StreamRequestLogsResponse__Output>): grpc.ClientWritableStream<_dataaccess_v1_StreamRequestLogsRequest>;
  streamRequestLogs(options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_StreamRequestLogsResponse__Output>): grpc.ClientWritableStream<_dataaccess_v1_StreamRequestLogsRequest>;
  streamRequestLogs(callback: grpc.requestCallback<_dataaccess_v1_StreamRequestLogsResponse__Output>): grpc.ClientWritableStream<_dataaccess_v1_StreamRequestLogsRequest>;
  
}

/**
 * RequestLogService stores one log row per proxied request, in bulk. A log is identified
 * by (request_time, request_id): sending it again stores nothing and counts it as a
 * duplicate, so any batch or stream can be retried whole.
 */
export interface RequestLogServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Stores up to 10,000 logs (by default) in one transaction.
   */
  BatchInsertRequestLogs: grpc.handleUnaryCall<_dataaccess_v1_BatchInsertRequestLogsRequest__Output, _dataaccess_v1_BatchInsertRequestLogsResponse>;
  
  /**
   * Lists logs, newest first, paginated.
   */
  ListRequestLogs: grpc.handleUnaryCall<_dataaccess_v1_ListRequestLogsRequest__Output, _dataaccess_v1_ListRequestLogsResponse>;
  
  /**
   * Client streaming: the server stores logs in chunks as they arrive, each chunk in
   * its own transaction, and answers with the totals when the stream ends. If the
   * stream breaks, the chunks already stored stay stored; resend the whole stream and
   * they are counted as duplicates.
   */
  StreamRequestLogs: grpc.handleClientStreamingCall<_dataaccess_v1_StreamRequestLogsRequest__Output, _dataaccess_v1_StreamRequestLogsResponse>;
  
}

export interface RequestLogServiceDefinition extends grpc.ServiceDefinition {
  BatchInsertRequestLogs: MethodDefinition<_dataaccess_v1_BatchInsertRequestLogsRequest, _dataaccess_v1_BatchInsertRequestLogsResponse, _dataaccess_v1_BatchInsertRequestLogsRequest__Output, _dataaccess_v1_BatchInsertRequestLogsResponse__Output>
  ListRequestLogs: MethodDefinition<_dataaccess_v1_ListRequestLogsRequest, _dataaccess_v1_ListRequestLogsResponse, _dataaccess_v1_ListRequestLogsRequest__Output, _dataaccess_v1_ListRequestLogsResponse__Output>
  StreamRequestLogs: MethodDefinition<_dataaccess_v1_StreamRequestLogsRequest, _dataaccess_v1_StreamRequestLogsResponse, _dataaccess_v1_StreamRequestLogsRequest__Output, _dataaccess_v1_StreamRequestLogsResponse__Output>
}
