import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { DeleteOAuthTokenRequest as _dataaccess_v1_DeleteOAuthTokenRequest, DeleteOAuthTokenRequest__Output as _dataaccess_v1_DeleteOAuthTokenRequest__Output } from './dataaccess/v1/DeleteOAuthTokenRequest';
import type { DeleteOAuthTokenResponse as _dataaccess_v1_DeleteOAuthTokenResponse, DeleteOAuthTokenResponse__Output as _dataaccess_v1_DeleteOAuthTokenResponse__Output } from './dataaccess/v1/DeleteOAuthTokenResponse';
import type { GetOAuthTokenRequest as _dataaccess_v1_GetOAuthTokenRequest, GetOAuthTokenRequest__Output as _dataaccess_v1_GetOAuthTokenRequest__Output } from './dataaccess/v1/GetOAuthTokenRequest';
import type { GetOAuthTokenResponse as _dataaccess_v1_GetOAuthTokenResponse, GetOAuthTokenResponse__Output as _dataaccess_v1_GetOAuthTokenResponse__Output } from './dataaccess/v1/GetOAuthTokenResponse';
import type { InvalidateOAuthTokenRequest as _dataaccess_v1_InvalidateOAuthTokenRequest, InvalidateOAuthTokenRequest__Output as _dataaccess_v1_InvalidateOAuthTokenRequest__Output } from './dataaccess/v1/InvalidateOAuthTokenRequest';
import type { InvalidateOAuthTokenResponse as _dataaccess_v1_InvalidateOAuthTokenResponse, InvalidateOAuthTokenResponse__Output as _dataaccess_v1_InvalidateOAuthTokenResponse__Output } from './dataaccess/v1/InvalidateOAuthTokenResponse';
import type { ListOAuthTokensRequest as _dataaccess_v1_ListOAuthTokensRequest, ListOAuthTokensRequest__Output as _dataaccess_v1_ListOAuthTokensRequest__Output } from './dataaccess/v1/ListOAuthTokensRequest';
import type { ListOAuthTokensResponse as _dataaccess_v1_ListOAuthTokensResponse, ListOAuthTokensResponse__Output as _dataaccess_v1_ListOAuthTokensResponse__Output } from './dataaccess/v1/ListOAuthTokensResponse';
import type { OAuthToken as _dataaccess_v1_OAuthToken, OAuthToken__Output as _dataaccess_v1_OAuthToken__Output } from './dataaccess/v1/OAuthToken';
import type { OAuthTokenServiceClient as _dataaccess_v1_OAuthTokenServiceClient, OAuthTokenServiceDefinition as _dataaccess_v1_OAuthTokenServiceDefinition } from './dataaccess/v1/OAuthTokenService';
import type { UpdateOAuthTokenRequest as _dataaccess_v1_UpdateOAuthTokenRequest, UpdateOAuthTokenRequest__Output as _dataaccess_v1_UpdateOAuthTokenRequest__Output } from './dataaccess/v1/UpdateOAuthTokenRequest';
import type { UpdateOAuthTokenResponse as _dataaccess_v1_UpdateOAuthTokenResponse, UpdateOAuthTokenResponse__Output as _dataaccess_v1_UpdateOAuthTokenResponse__Output } from './dataaccess/v1/UpdateOAuthTokenResponse';
import type { UpsertOAuthTokenRequest as _dataaccess_v1_UpsertOAuthTokenRequest, UpsertOAuthTokenRequest__Output as _dataaccess_v1_UpsertOAuthTokenRequest__Output } from './dataaccess/v1/UpsertOAuthTokenRequest';
import type { UpsertOAuthTokenResponse as _dataaccess_v1_UpsertOAuthTokenResponse, UpsertOAuthTokenResponse__Output as _dataaccess_v1_UpsertOAuthTokenResponse__Output } from './dataaccess/v1/UpsertOAuthTokenResponse';
import type { FieldMask as _google_protobuf_FieldMask, FieldMask__Output as _google_protobuf_FieldMask__Output } from './google/protobuf/FieldMask';
import type { ListValue as _google_protobuf_ListValue, ListValue__Output as _google_protobuf_ListValue__Output } from './google/protobuf/ListValue';
import type { Struct as _google_protobuf_Struct, Struct__Output as _google_protobuf_Struct__Output } from './google/protobuf/Struct';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';
import type { Value as _google_protobuf_Value, Value__Output as _google_protobuf_Value__Output } from './google/protobuf/Value';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  dataaccess: {
    v1: {
      DeleteOAuthTokenRequest: MessageTypeDefinition<_dataaccess_v1_DeleteOAuthTokenRequest, _dataaccess_v1_DeleteOAuthTokenRequest__Output>
      DeleteOAuthTokenResponse: MessageTypeDefinition<_dataaccess_v1_DeleteOAuthTokenResponse, _dataaccess_v1_DeleteOAuthTokenResponse__Output>
      GetOAuthTokenRequest: MessageTypeDefinition<_dataaccess_v1_GetOAuthTokenRequest, _dataaccess_v1_GetOAuthTokenRequest__Output>
      GetOAuthTokenResponse: MessageTypeDefinition<_dataaccess_v1_GetOAuthTokenResponse, _dataaccess_v1_GetOAuthTokenResponse__Output>
      InvalidateOAuthTokenRequest: MessageTypeDefinition<_dataaccess_v1_InvalidateOAuthTokenRequest, _dataaccess_v1_InvalidateOAuthTokenRequest__Output>
      InvalidateOAuthTokenResponse: MessageTypeDefinition<_dataaccess_v1_InvalidateOAuthTokenResponse, _dataaccess_v1_InvalidateOAuthTokenResponse__Output>
      ListOAuthTokensRequest: MessageTypeDefinition<_dataaccess_v1_ListOAuthTokensRequest, _dataaccess_v1_ListOAuthTokensRequest__Output>
      ListOAuthTokensResponse: MessageTypeDefinition<_dataaccess_v1_ListOAuthTokensResponse, _dataaccess_v1_ListOAuthTokensResponse__Output>
      OAuthToken: MessageTypeDefinition<_dataaccess_v1_OAuthToken, _dataaccess_v1_OAuthToken__Output>
      /**
       * OAuthTokenService keeps the OAuth tokens a proxy holds for each upstream provider
       * and user. Access and refresh tokens are stored only encrypted (AES-256-GCM) and are
       * returned only in the FULL view.
       */
      OAuthTokenService: SubtypeConstructor<typeof grpc.Client, _dataaccess_v1_OAuthTokenServiceClient> & { service: _dataaccess_v1_OAuthTokenServiceDefinition }
      OAuthTokenView: EnumTypeDefinition
      UpdateOAuthTokenRequest: MessageTypeDefinition<_dataaccess_v1_UpdateOAuthTokenRequest, _dataaccess_v1_UpdateOAuthTokenRequest__Output>
      UpdateOAuthTokenResponse: MessageTypeDefinition<_dataaccess_v1_UpdateOAuthTokenResponse, _dataaccess_v1_UpdateOAuthTokenResponse__Output>
      UpsertOAuthTokenRequest: MessageTypeDefinition<_dataaccess_v1_UpsertOAuthTokenRequest, _dataaccess_v1_UpsertOAuthTokenRequest__Output>
      UpsertOAuthTokenResponse: MessageTypeDefinition<_dataaccess_v1_UpsertOAuthTokenResponse, _dataaccess_v1_UpsertOAuthTokenResponse__Output>
    }
  }
  google: {
    protobuf: {
      FieldMask: MessageTypeDefinition<_google_protobuf_FieldMask, _google_protobuf_FieldMask__Output>
      ListValue: MessageTypeDefinition<_google_protobuf_ListValue, _google_protobuf_ListValue__Output>
      NullValue: EnumTypeDefinition
      Struct: MessageTypeDefinition<_google_protobuf_Struct, _google_protobuf_Struct__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
      Value: MessageTypeDefinition<_google_protobuf_Value, _google_protobuf_Value__Output>
    }
  }
}

