import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AuditEvent as _dataaccess_v1_AuditEvent, AuditEvent__Output as _dataaccess_v1_AuditEvent__Output } from './dataaccess/v1/AuditEvent';
import type { AuditServiceClient as _dataaccess_v1_AuditServiceClient, AuditServiceDefinition as _dataaccess_v1_AuditServiceDefinition } from './dataaccess/v1/AuditService';
import type { ListAuditEventsRequest as _dataaccess_v1_ListAuditEventsRequest, ListAuditEventsRequest__Output as _dataaccess_v1_ListAuditEventsRequest__Output } from './dataaccess/v1/ListAuditEventsRequest';
import type { ListAuditEventsResponse as _dataaccess_v1_ListAuditEventsResponse, ListAuditEventsResponse__Output as _dataaccess_v1_ListAuditEventsResponse__Output } from './dataaccess/v1/ListAuditEventsResponse';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  dataaccess: {
    v1: {
      AuditEvent: MessageTypeDefinition<_dataaccess_v1_AuditEvent, _dataaccess_v1_AuditEvent__Output>
      /**
       * AuditService reads the audit trail: one event per call that returned secrets (a FULL
       * OAuth token read), changed a credential (OAuth tokens, API keys, callers) or changed
       * a config (a version created, activated or rolled back), with
       * who made it, from where, on what, and how it ended. Events never hold a secret; they
       * are kept for DB_AUDIT_RETENTION_DAYS.
       */
      AuditService: SubtypeConstructor<typeof grpc.Client, _dataaccess_v1_AuditServiceClient> & { service: _dataaccess_v1_AuditServiceDefinition }
      ListAuditEventsRequest: MessageTypeDefinition<_dataaccess_v1_ListAuditEventsRequest, _dataaccess_v1_ListAuditEventsRequest__Output>
      ListAuditEventsResponse: MessageTypeDefinition<_dataaccess_v1_ListAuditEventsResponse, _dataaccess_v1_ListAuditEventsResponse__Output>
    }
  }
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}

