// Original file: dataaccess/v1/audit.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ListAuditEventsRequest as _dataaccess_v1_ListAuditEventsRequest, ListAuditEventsRequest__Output as _dataaccess_v1_ListAuditEventsRequest__Output } from '../../dataaccess/v1/ListAuditEventsRequest';
import type { ListAuditEventsResponse as _dataaccess_v1_ListAuditEventsResponse, ListAuditEventsResponse__Output as _dataaccess_v1_ListAuditEventsResponse__Output } from '../../dataaccess/v1/ListAuditEventsResponse';

/**
 * AuditService reads the audit trail: one event per call that returned secrets (a FULL
 * OAuth token read), changed a credential (OAuth tokens, API keys, callers) or changed
 * a config (a version created, activated or rolled back), with
 * who made it, from where, on what, and how it ended. Events never hold a secret; they
 * are kept for DB_AUDIT_RETENTION_DAYS.
 */
export interface AuditServiceClient extends grpc.Client {
  /**
   * Lists events, newest first, paginated.
   */
  ListAuditEvents(argument: _dataaccess_v1_ListAuditEventsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  ListAuditEvents(argument: _dataaccess_v1_ListAuditEventsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  ListAuditEvents(argument: _dataaccess_v1_ListAuditEventsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  ListAuditEvents(argument: _dataaccess_v1_ListAuditEventsRequest, callback: grpc.requestCallback<_dataaccess_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists events, newest first, paginated.
   */
  listAuditEvents(argument: _dataaccess_v1_ListAuditEventsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  listAuditEvents(argument: _dataaccess_v1_ListAuditEventsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  listAuditEvents(argument: _dataaccess_v1_ListAuditEventsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  listAuditEvents(argument: _dataaccess_v1_ListAuditEventsRequest, callback: grpc.requestCallback<_dataaccess_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * AuditService reads the audit trail: one event per call that returned secrets (a FULL
 * OAuth token read), changed a credential (OAuth tokens, API keys, callers) or changed
 * a config (a version created, activated or rolled back), with
 * who made it, from where, on what, and how it ended. Events never hold a secret; they
 * are kept for DB_AUDIT_RETENTION_DAYS.
 */
export interface AuditServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Lists events, newest first, paginated.
   */
  ListAuditEvents: grpc.handleUnaryCall<_dataaccess_v1_ListAuditEventsRequest__Output, _dataaccess_v1_ListAuditEventsResponse>;
  
}

export interface AuditServiceDefinition extends grpc.ServiceDefinition {
  ListAuditEvents: MethodDefinition<_dataaccess_v1_ListAuditEventsRequest, _dataaccess_v1_ListAuditEventsResponse, _dataaccess_v1_ListAuditEventsRequest__Output, _dataaccess_v1_ListAuditEventsResponse__Output>
}
