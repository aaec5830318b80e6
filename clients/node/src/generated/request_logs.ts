import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { BatchInsertRequestLogsRequest as _dataaccess_v1_BatchInsertRequestLogsRequest, BatchInsertRequestLogsRequest__Output as _dataaccess_v1_BatchInsertRequestLogsRequest__Output } from './dataaccess/v1/BatchInsertRequestLogsRequest';
import type { BatchInsertRequestLogsResponse as _dataaccess_v1_BatchInsertRequestLogsResponse, BatchInsertRequestLogsResponse__Output as _dataaccess_v1_BatchInsertRequestLogsResponse__Output } from './dataaccess/v1/BatchInsertRequestLogsResponse';
import type { ListRequestLogsRequest as _dataaccess_v1_ListRequestLogsRequest, ListRequestLogsRequest__Output as _dataaccess_v1_ListRequestLogsRequest__Output } from './dataaccess/v1/ListRequestLogsRequest';
import type { ListRequestLogsResponse as _dataaccess_v1_ListRequestLogsResponse, ListRequestLogsResponse__Output as _dataaccess_v1_ListRequestLogsResponse__Output } from './dataaccess/v1/ListRequestLogsResponse';
import type { RequestLog as _dataaccess_v1_RequestLog, RequestLog__Output as _dataaccess_v1_RequestLog__Output } from './dataaccess/v1/RequestLog';
import type { RequestLogServiceClient as _dataaccess_v1_RequestLogServiceClient, RequestLogServiceDefinition as _dataaccess_v1_RequestLogServiceDefinition } from './dataaccess/v1/RequestLogService';
import type { StreamRequestLogsRequest as _dataaccess_v1_StreamRequestLogsRequest, StreamRequestLogsRequest__Output as _dataaccess_v1_StreamRequestLogsRequest__Output } from './dataaccess/v1/StreamRequestLogsRequest';
import type { StreamRequestLogsResponse as _dataaccess_v1_StreamRequestLogsResponse, StreamRequestLogsResponse__Output as _dataaccess_v1_StreamRequestLogsResponse__Output } from './dataaccess/v1/StreamRequestLogsResponse';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  dataaccess: {
    v1: {
      BatchInsertRequestLogsRequest: MessageTypeDefinition<_dataaccess_v1_BatchInsertRequestLogsRequest, _dataaccess_v1_BatchInsertRequestLogsRequest__Output>
      BatchInsertRequestLogsResponse: MessageTypeDefinition<_dataaccess_v1_BatchInsertRequestLogsResponse, _dataaccess_v1_BatchInsertRequestLogsResponse__Output>
      ListRequestLogsRequest: MessageTypeDefinition<_dataaccess_v1_ListRequestLogsRequest, _dataaccess_v1_ListRequestLogsRequest__Output>
      ListRequestLogsResponse: MessageTypeDefinition<_dataaccess_v1_ListRequestLogsResponse, _dataaccess_v1_ListRequestLogsResponse__Output>
      RequestLog: MessageTypeDefinition<_dataaccess_v1_RequestLog, _dataaccess_v1_RequestLog__Output>
      /**
       * RequestLogService stores one log row per proxied request, in bulk. A log is identified
       * by (request_time, request_id): sending it again stores nothing and counts it as a
       * duplicate, so any batch or stream can be retried whole.
       */
      RequestLogService: SubtypeConstructor<typeof grpc.Client, _dataaccess_v1_RequestLogServiceClient> & { service: _dataaccess_v1_RequestLogServiceDefinition }
      StatusClass: EnumTypeDefinition
      StreamRequestLogsRequest: MessageTypeDefinition<_dataaccess_v1_StreamRequestLogsRequest, _dataaccess_v1_StreamRequestLogsRequest__Output>
      StreamRequestLogsResponse: MessageTypeDefinition<_dataaccess_v1_StreamRequestLogsResponse, _dataaccess_v1_StreamRequestLogsResponse__Output>
    }
  }
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}

