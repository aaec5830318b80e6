import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { BatchUpsertUsageRequest as _dataaccess_v1_BatchUpsertUsageRequest, BatchUpsertUsageRequest__Output as _dataaccess_v1_BatchUpsertUsageRequest__Output } from './dataaccess/v1/BatchUpsertUsageRequest';
import type { BatchUpsertUsageResponse as _dataaccess_v1_BatchUpsertUsageResponse, BatchUpsertUsageResponse__Output as _dataaccess_v1_BatchUpsertUsageResponse__Output } from './dataaccess/v1/BatchUpsertUsageResponse';
import type { ListUsageRequest as _dataaccess_v1_ListUsageRequest, ListUsageRequest__Output as _dataaccess_v1_ListUsageRequest__Output } from './dataaccess/v1/ListUsageRequest';
import type { ListUsageResponse as _dataaccess_v1_ListUsageResponse, ListUsageResponse__Output as _dataaccess_v1_ListUsageResponse__Output } from './dataaccess/v1/ListUsageResponse';
import type { UpsertUsageRequest as _dataaccess_v1_UpsertUsageRequest, UpsertUsageRequest__Output as _dataaccess_v1_UpsertUsageRequest__Output } from './dataaccess/v1/UpsertUsageRequest';
import type { UpsertUsageResponse as _dataaccess_v1_UpsertUsageResponse, UpsertUsageResponse__Output as _dataaccess_v1_UpsertUsageResponse__Output } from './dataaccess/v1/UpsertUsageResponse';
import type { UsageRecord as _dataaccess_v1_UsageRecord, UsageRecord__Output as _dataaccess_v1_UsageRecord__Output } from './dataaccess/v1/UsageRecord';
import type { UsageServiceClient as _dataaccess_v1_UsageServiceClient, UsageServiceDefinition as _dataaccess_v1_UsageServiceDefinition } from './dataaccess/v1/UsageService';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  dataaccess: {
    v1: {
      BatchUpsertUsageRequest: MessageTypeDefinition<_dataaccess_v1_BatchUpsertUsageRequest, _dataaccess_v1_BatchUpsertUsageRequest__Output>
      BatchUpsertUsageResponse: MessageTypeDefinition<_dataaccess_v1_BatchUpsertUsageResponse, _dataaccess_v1_BatchUpsertUsageResponse__Output>
      ListUsageRequest: MessageTypeDefinition<_dataaccess_v1_ListUsageRequest, _dataaccess_v1_ListUsageRequest__Output>
      ListUsageResponse: MessageTypeDefinition<_dataaccess_v1_ListUsageResponse, _dataaccess_v1_ListUsageResponse__Output>
      UpsertUsageRequest: MessageTypeDefinition<_dataaccess_v1_UpsertUsageRequest, _dataaccess_v1_UpsertUsageRequest__Output>
      UpsertUsageResponse: MessageTypeDefinition<_dataaccess_v1_UpsertUsageResponse, _dataaccess_v1_UpsertUsageResponse__Output>
      UsageRecord: MessageTypeDefinition<_dataaccess_v1_UsageRecord, _dataaccess_v1_UsageRecord__Output>
      /**
       * UsageService keeps daily usage counters per (provider, model, auth_id, date), the
       * figures people are billed on. Increments are added exactly once per request_id, a
       * batch is applied whole or not at all, and concurrent batches never deadlock.
       */
      UsageService: SubtypeConstructor<typeof grpc.Client, _dataaccess_v1_UsageServiceClient> & { service: _dataaccess_v1_UsageServiceDefinition }
    }
  }
}

