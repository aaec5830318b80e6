import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ActivateConfigVersionRequest as _dataaccess_v1_ActivateConfigVersionRequest, ActivateConfigVersionRequest__Output as _dataaccess_v1_ActivateConfigVersionRequest__Output } from './dataaccess/v1/ActivateConfigVersionRequest';
import type { ActivateConfigVersionResponse as _dataaccess_v1_ActivateConfigVersionResponse, ActivateConfigVersionResponse__Output as _dataaccess_v1_ActivateConfigVersionResponse__Output } from './dataaccess/v1/ActivateConfigVersionResponse';
import type { ConfigServiceClient as _dataaccess_v1_ConfigServiceClient, ConfigServiceDefinition as _dataaccess_v1_ConfigServiceDefinition } from './dataaccess/v1/ConfigService';
import type { ConfigVersion as _dataaccess_v1_ConfigVersion, ConfigVersion__Output as _dataaccess_v1_ConfigVersion__Output } from './dataaccess/v1/ConfigVersion';
import type { CreateConfigVersionRequest as _dataaccess_v1_CreateConfigVersionRequest, CreateConfigVersionRequest__Output as _dataaccess_v1_CreateConfigVersionRequest__Output } from './dataaccess/v1/CreateConfigVersionRequest';
import type { CreateConfigVersionResponse as _dataaccess_v1_CreateConfigVersionResponse, CreateConfigVersionResponse__Output as _dataaccess_v1_CreateConfigVersionResponse__Output } from './dataaccess/v1/CreateConfigVersionResponse';
import type { GetConfigRequest as _dataaccess_v1_GetConfigRequest, GetConfigRequest__Output as _dataaccess_v1_GetConfigRequest__Output } from './dataaccess/v1/GetConfigRequest';
import type { GetConfigResponse as _dataaccess_v1_GetConfigResponse, GetConfigResponse__Output as _dataaccess_v1_GetConfigResponse__Output } from './dataaccess/v1/GetConfigResponse';
import type { ListConfigVersionsRequest as _dataaccess_v1_ListConfigVersionsRequest, ListConfigVersionsRequest__Output as _dataaccess_v1_ListConfigVersionsRequest__Output } from './dataaccess/v1/ListConfigVersionsRequest';
import type { ListConfigVersionsResponse as _dataaccess_v1_ListConfigVersionsResponse, ListConfigVersionsResponse__Output as _dataaccess_v1_ListConfigVersionsResponse__Output } from './dataaccess/v1/ListConfigVersionsResponse';
import type { RollbackConfigRequest as _dataaccess_v1_RollbackConfigRequest, RollbackConfigRequest__Output as _dataaccess_v1_RollbackConfigRequest__Output } from './dataaccess/v1/RollbackConfigRequest';
import type { RollbackConfigResponse as _dataaccess_v1_RollbackConfigResponse, RollbackConfigResponse__Output as _dataaccess_v1_RollbackConfigResponse__Output } from './dataaccess/v1/RollbackConfigResponse';
import type { WatchConfigRequest as _dataaccess_v1_WatchConfigRequest, WatchConfigRequest__Output as _dataaccess_v1_WatchConfigRequest__Output } from './dataaccess/v1/WatchConfigRequest';
import type { WatchConfigResponse as _dataaccess_v1_WatchConfigResponse, WatchConfigResponse__Output as _dataaccess_v1_WatchConfigResponse__Output } from './dataaccess/v1/WatchConfigResponse';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  dataaccess: {
    v1: {
      ActivateConfigVersionRequest: MessageTypeDefinition<_dataaccess_v1_ActivateConfigVersionRequest, _dataaccess_v1_ActivateConfigVersionRequest__Output>
      ActivateConfigVersionResponse: MessageTypeDefinition<_dataaccess_v1_ActivateConfigVersionResponse, _dataaccess_v1_ActivateConfigVersionResponse__Output>
      /**
       * ConfigService keeps named YAML configurations in immutable versions, numbered 1, 2,
       * 3, ... per name, with at most one active version per name. Activation switches the
       * active version atomically and is pushed to every watcher on every server process.
       * 
       * A name is 1-128 characters of a-z, 0-9, '.', '_', '/' and '-', starting with a letter
       * or a digit ("proxy/routing", "limits.v2").
       */
      ConfigService: SubtypeConstructor<typeof grpc.Client, _dataaccess_v1_ConfigServiceClient> & { service: _dataaccess_v1_ConfigServiceDefinition }
      ConfigVersion: MessageTypeDefinition<_dataaccess_v1_ConfigVersion, _dataaccess_v1_ConfigVersion__Output>
      CreateConfigVersionRequest: MessageTypeDefinition<_dataaccess_v1_CreateConfigVersionRequest, _dataaccess_v1_CreateConfigVersionRequest__Output>
      CreateConfigVersionResponse: MessageTypeDefinition<_dataaccess_v1_CreateConfigVersionResponse, _dataaccess_v1_CreateConfigVersionResponse__Output>
      GetConfigRequest: MessageTypeDefinition<_dataaccess_v1_GetConfigRequest, _dataaccess_v1_GetConfigRequest__Output>
      GetConfigResponse: MessageTypeDefinition<_dataaccess_v1_GetConfigResponse, _dataaccess_v1_GetConfigResponse__Output>
      ListConfigVersionsRequest: MessageTypeDefinition<_dataaccess_v1_ListConfigVersionsRequest, _dataaccess_v1_ListConfigVersionsRequest__Output>
      ListConfigVersionsResponse: MessageTypeDefinition<_dataaccess_v1_ListConfigVersionsResponse, _dataaccess_v1_ListConfigVersionsResponse__Output>
      RollbackConfigRequest: MessageTypeDefinition<_dataaccess_v1_RollbackConfigRequest, _dataaccess_v1_RollbackConfigRequest__Output>
      RollbackConfigResponse: MessageTypeDefinition<_dataaccess_v1_RollbackConfigResponse, _dataaccess_v1_RollbackConfigResponse__Output>
      WatchConfigRequest: MessageTypeDefinition<_dataaccess_v1_WatchConfigRequest, _dataaccess_v1_WatchConfigRequest__Output>
      WatchConfigResponse: MessageTypeDefinition<_dataaccess_v1_WatchConfigResponse, _dataaccess_v1_WatchConfigResponse__Output>
    }
  }
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}

