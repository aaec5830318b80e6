import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { DatabaseNode as _dataaccess_v1_DatabaseNode, DatabaseNode__Output as _dataaccess_v1_DatabaseNode__Output } from './dataaccess/v1/DatabaseNode';
import type { GetDatabaseStatusRequest as _dataaccess_v1_GetDatabaseStatusRequest, GetDatabaseStatusRequest__Output as _dataaccess_v1_GetDatabaseStatusRequest__Output } from './dataaccess/v1/GetDatabaseStatusRequest';
import type { GetDatabaseStatusResponse as _dataaccess_v1_GetDatabaseStatusResponse, GetDatabaseStatusResponse__Output as _dataaccess_v1_GetDatabaseStatusResponse__Output } from './dataaccess/v1/GetDatabaseStatusResponse';
import type { Migration as _dataaccess_v1_Migration, Migration__Output as _dataaccess_v1_Migration__Output } from './dataaccess/v1/Migration';
import type { OperationsServiceClient as _dataaccess_v1_OperationsServiceClient, OperationsServiceDefinition as _dataaccess_v1_OperationsServiceDefinition } from './dataaccess/v1/OperationsService';
import type { PoolStats as _dataaccess_v1_PoolStats, PoolStats__Output as _dataaccess_v1_PoolStats__Output } from './dataaccess/v1/PoolStats';
import type { SchemaStatus as _dataaccess_v1_SchemaStatus, SchemaStatus__Output as _dataaccess_v1_SchemaStatus__Output } from './dataaccess/v1/SchemaStatus';
import type { ServerProcess as _dataaccess_v1_ServerProcess, ServerProcess__Output as _dataaccess_v1_ServerProcess__Output } from './dataaccess/v1/ServerProcess';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  dataaccess: {
    v1: {
      DatabaseNode: MessageTypeDefinition<_dataaccess_v1_DatabaseNode, _dataaccess_v1_DatabaseNode__Output>
      GetDatabaseStatusRequest: MessageTypeDefinition<_dataaccess_v1_GetDatabaseStatusRequest, _dataaccess_v1_GetDatabaseStatusRequest__Output>
      GetDatabaseStatusResponse: MessageTypeDefinition<_dataaccess_v1_GetDatabaseStatusResponse, _dataaccess_v1_GetDatabaseStatusResponse__Output>
      Migration: MessageTypeDefinition<_dataaccess_v1_Migration, _dataaccess_v1_Migration__Output>
      NodeRole: EnumTypeDefinition
      /**
       * OperationsService answers operators' questions about the service itself:
       * the database nodes behind it and the state of the schema.
       */
      OperationsService: SubtypeConstructor<typeof grpc.Client, _dataaccess_v1_OperationsServiceClient> & { service: _dataaccess_v1_OperationsServiceDefinition }
      PoolStats: MessageTypeDefinition<_dataaccess_v1_PoolStats, _dataaccess_v1_PoolStats__Output>
      SchemaStatus: MessageTypeDefinition<_dataaccess_v1_SchemaStatus, _dataaccess_v1_SchemaStatus__Output>
      ServerProcess: MessageTypeDefinition<_dataaccess_v1_ServerProcess, _dataaccess_v1_ServerProcess__Output>
    }
  }
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}

