import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { APIKey as _dataaccess_v1_APIKey, APIKey__Output as _dataaccess_v1_APIKey__Output } from './dataaccess/v1/APIKey';
import type { APIKeyServiceClient as _dataaccess_v1_APIKeyServiceClient, APIKeyServiceDefinition as _dataaccess_v1_APIKeyServiceDefinition } from './dataaccess/v1/APIKeyService';
import type { Budget as _dataaccess_v1_Budget, Budget__Output as _dataaccess_v1_Budget__Output } from './dataaccess/v1/Budget';
import type { CreateAPIKeyRequest as _dataaccess_v1_CreateAPIKeyRequest, CreateAPIKeyRequest__Output as _dataaccess_v1_CreateAPIKeyRequest__Output } from './dataaccess/v1/CreateAPIKeyRequest';
import type { CreateAPIKeyResponse as _dataaccess_v1_CreateAPIKeyResponse, CreateAPIKeyResponse__Output as _dataaccess_v1_CreateAPIKeyResponse__Output } from './dataaccess/v1/CreateAPIKeyResponse';
import type { GetAPIKeyRequest as _dataaccess_v1_GetAPIKeyRequest, GetAPIKeyRequest__Output as _dataaccess_v1_GetAPIKeyRequest__Output } from './dataaccess/v1/GetAPIKeyRequest';
import type { GetAPIKeyResponse as _dataaccess_v1_GetAPIKeyResponse, GetAPIKeyResponse__Output as _dataaccess_v1_GetAPIKeyResponse__Output } from './dataaccess/v1/GetAPIKeyResponse';
import type { GetOwnerPolicyRequest as _dataaccess_v1_GetOwnerPolicyRequest, GetOwnerPolicyRequest__Output as _dataaccess_v1_GetOwnerPolicyRequest__Output } from './dataaccess/v1/GetOwnerPolicyRequest';
import type { GetOwnerPolicyResponse as _dataaccess_v1_GetOwnerPolicyResponse, GetOwnerPolicyResponse__Output as _dataaccess_v1_GetOwnerPolicyResponse__Output } from './dataaccess/v1/GetOwnerPolicyResponse';
import type { Limit as _dataaccess_v1_Limit, Limit__Output as _dataaccess_v1_Limit__Output } from './dataaccess/v1/Limit';
import type { LimitState as _dataaccess_v1_LimitState, LimitState__Output as _dataaccess_v1_LimitState__Output } from './dataaccess/v1/LimitState';
import type { ListAPIKeysRequest as _dataaccess_v1_ListAPIKeysRequest, ListAPIKeysRequest__Output as _dataaccess_v1_ListAPIKeysRequest__Output } from './dataaccess/v1/ListAPIKeysRequest';
import type { ListAPIKeysResponse as _dataaccess_v1_ListAPIKeysResponse, ListAPIKeysResponse__Output as _dataaccess_v1_ListAPIKeysResponse__Output } from './dataaccess/v1/ListAPIKeysResponse';
import type { OwnerPolicy as _dataaccess_v1_OwnerPolicy, OwnerPolicy__Output as _dataaccess_v1_OwnerPolicy__Output } from './dataaccess/v1/OwnerPolicy';
import type { RateLimitState as _dataaccess_v1_RateLimitState, RateLimitState__Output as _dataaccess_v1_RateLimitState__Output } from './dataaccess/v1/RateLimitState';
import type { Refill as _dataaccess_v1_Refill, Refill__Output as _dataaccess_v1_Refill__Output } from './dataaccess/v1/Refill';
import type { RevokeAPIKeyRequest as _dataaccess_v1_RevokeAPIKeyRequest, RevokeAPIKeyRequest__Output as _dataaccess_v1_RevokeAPIKeyRequest__Output } from './dataaccess/v1/RevokeAPIKeyRequest';
import type { RevokeAPIKeyResponse as _dataaccess_v1_RevokeAPIKeyResponse, RevokeAPIKeyResponse__Output as _dataaccess_v1_RevokeAPIKeyResponse__Output } from './dataaccess/v1/RevokeAPIKeyResponse';
import type { RotateAPIKeyRequest as _dataaccess_v1_RotateAPIKeyRequest, RotateAPIKeyRequest__Output as _dataaccess_v1_RotateAPIKeyRequest__Output } from './dataaccess/v1/RotateAPIKeyRequest';
import type { RotateAPIKeyResponse as _dataaccess_v1_RotateAPIKeyResponse, RotateAPIKeyResponse__Output as _dataaccess_v1_RotateAPIKeyResponse__Output } from './dataaccess/v1/RotateAPIKeyResponse';
import type { StreamValidateAPIKeysRequest as _dataaccess_v1_StreamValidateAPIKeysRequest, StreamValidateAPIKeysRequest__Output as _dataaccess_v1_StreamValidateAPIKeysRequest__Output } from './dataaccess/v1/StreamValidateAPIKeysRequest';
import type { StreamValidateAPIKeysResponse as _dataaccess_v1_StreamValidateAPIKeysResponse, StreamValidateAPIKeysResponse__Output as _dataaccess_v1_StreamValidateAPIKeysResponse__Output } from './dataaccess/v1/StreamValidateAPIKeysResponse';
import type { UpdateAPIKeyRequest as _dataaccess_v1_UpdateAPIKeyRequest, UpdateAPIKeyRequest__Output as _dataaccess_v1_UpdateAPIKeyRequest__Output } from './dataaccess/v1/UpdateAPIKeyRequest';
import type { UpdateAPIKeyResponse as _dataaccess_v1_UpdateAPIKeyResponse, UpdateAPIKeyResponse__Output as _dataaccess_v1_UpdateAPIKeyResponse__Output } from './dataaccess/v1/UpdateAPIKeyResponse';
import type { UpdateOwnerPolicyRequest as _dataaccess_v1_UpdateOwnerPolicyRequest, UpdateOwnerPolicyRequest__Output as _dataaccess_v1_UpdateOwnerPolicyRequest__Output } from './dataaccess/v1/UpdateOwnerPolicyRequest';
import type { UpdateOwnerPolicyResponse as _dataaccess_v1_UpdateOwnerPolicyResponse, UpdateOwnerPolicyResponse__Output as _dataaccess_v1_UpdateOwnerPolicyResponse__Output } from './dataaccess/v1/UpdateOwnerPolicyResponse';
import type { ValidateAPIKeyRequest as _dataaccess_v1_ValidateAPIKeyRequest, ValidateAPIKeyRequest__Output as _dataaccess_v1_ValidateAPIKeyRequest__Output } from './dataaccess/v1/ValidateAPIKeyRequest';
import type { ValidateAPIKeyResponse as _dataaccess_v1_ValidateAPIKeyResponse, ValidateAPIKeyResponse__Output as _dataaccess_v1_ValidateAPIKeyResponse__Output } from './dataaccess/v1/ValidateAPIKeyResponse';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration';
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
      APIKey: MessageTypeDefinition<_dataaccess_v1_APIKey, _dataaccess_v1_APIKey__Output>
      /**
       * APIKeyService issues and checks the API keys callers of a proxy present. Only the
       * SHA-256 of a key and its first 8 characters are stored: the key itself is returned
       * once, by CreateAPIKey or RotateAPIKey, and never again.
       */
      APIKeyService: SubtypeConstructor<typeof grpc.Client, _dataaccess_v1_APIKeyServiceClient> & { service: _dataaccess_v1_APIKeyServiceDefinition }
      APIKeyValidationReason: EnumTypeDefinition
      Budget: MessageTypeDefinition<_dataaccess_v1_Budget, _dataaccess_v1_Budget__Output>
      BudgetPeriod: EnumTypeDefinition
      CreateAPIKeyRequest: MessageTypeDefinition<_dataaccess_v1_CreateAPIKeyRequest, _dataaccess_v1_CreateAPIKeyRequest__Output>
      CreateAPIKeyResponse: MessageTypeDefinition<_dataaccess_v1_CreateAPIKeyResponse, _dataaccess_v1_CreateAPIKeyResponse__Output>
      GetAPIKeyRequest: MessageTypeDefinition<_dataaccess_v1_GetAPIKeyRequest, _dataaccess_v1_GetAPIKeyRequest__Output>
      GetAPIKeyResponse: MessageTypeDefinition<_dataaccess_v1_GetAPIKeyResponse, _dataaccess_v1_GetAPIKeyResponse__Output>
      GetOwnerPolicyRequest: MessageTypeDefinition<_dataaccess_v1_GetOwnerPolicyRequest, _dataaccess_v1_GetOwnerPolicyRequest__Output>
      GetOwnerPolicyResponse: MessageTypeDefinition<_dataaccess_v1_GetOwnerPolicyResponse, _dataaccess_v1_GetOwnerPolicyResponse__Output>
      Limit: MessageTypeDefinition<_dataaccess_v1_Limit, _dataaccess_v1_Limit__Output>
      LimitScope: EnumTypeDefinition
      LimitState: MessageTypeDefinition<_dataaccess_v1_LimitState, _dataaccess_v1_LimitState__Output>
      LimitUnit: EnumTypeDefinition
      ListAPIKeysRequest: MessageTypeDefinition<_dataaccess_v1_ListAPIKeysRequest, _dataaccess_v1_ListAPIKeysRequest__Output>
      ListAPIKeysResponse: MessageTypeDefinition<_dataaccess_v1_ListAPIKeysResponse, _dataaccess_v1_ListAPIKeysResponse__Output>
      OwnerPolicy: MessageTypeDefinition<_dataaccess_v1_OwnerPolicy, _dataaccess_v1_OwnerPolicy__Output>
      RateLimitState: MessageTypeDefinition<_dataaccess_v1_RateLimitState, _dataaccess_v1_RateLimitState__Output>
      Refill: MessageTypeDefinition<_dataaccess_v1_Refill, _dataaccess_v1_Refill__Output>
      RefillInterval: EnumTypeDefinition
      RevokeAPIKeyRequest: MessageTypeDefinition<_dataaccess_v1_RevokeAPIKeyRequest, _dataaccess_v1_RevokeAPIKeyRequest__Output>
      RevokeAPIKeyResponse: MessageTypeDefinition<_dataaccess_v1_RevokeAPIKeyResponse, _dataaccess_v1_RevokeAPIKeyResponse__Output>
      RotateAPIKeyRequest: MessageTypeDefinition<_dataaccess_v1_RotateAPIKeyRequest, _dataaccess_v1_RotateAPIKeyRequest__Output>
      RotateAPIKeyResponse: MessageTypeDefinition<_dataaccess_v1_RotateAPIKeyResponse, _dataaccess_v1_RotateAPIKeyResponse__Output>
      StreamValidateAPIKeysRequest: MessageTypeDefinition<_dataaccess_v1_StreamValidateAPIKeysRequest, _dataaccess_v1_StreamValidateAPIKeysRequest__Output>
      StreamValidateAPIKeysResponse: MessageTypeDefinition<_dataaccess_v1_StreamValidateAPIKeysResponse, _dataaccess_v1_StreamValidateAPIKeysResponse__Output>
      UpdateAPIKeyRequest: MessageTypeDefinition<_dataaccess_v1_UpdateAPIKeyRequest, _dataaccess_v1_UpdateAPIKeyRequest__Output>
      UpdateAPIKeyResponse: MessageTypeDefinition<_dataaccess_v1_UpdateAPIKeyResponse, _dataaccess_v1_UpdateAPIKeyResponse__Output>
      UpdateOwnerPolicyRequest: MessageTypeDefinition<_dataaccess_v1_UpdateOwnerPolicyRequest, _dataaccess_v1_UpdateOwnerPolicyRequest__Output>
      UpdateOwnerPolicyResponse: MessageTypeDefinition<_dataaccess_v1_UpdateOwnerPolicyResponse, _dataaccess_v1_UpdateOwnerPolicyResponse__Output>
      ValidateAPIKeyRequest: MessageTypeDefinition<_dataaccess_v1_ValidateAPIKeyRequest, _dataaccess_v1_ValidateAPIKeyRequest__Output>
      ValidateAPIKeyResponse: MessageTypeDefinition<_dataaccess_v1_ValidateAPIKeyResponse, _dataaccess_v1_ValidateAPIKeyResponse__Output>
    }
  }
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      FieldMask: MessageTypeDefinition<_google_protobuf_FieldMask, _google_protobuf_FieldMask__Output>
      ListValue: MessageTypeDefinition<_google_protobuf_ListValue, _google_protobuf_ListValue__Output>
      NullValue: EnumTypeDefinition
      Struct: MessageTypeDefinition<_google_protobuf_Struct, _google_protobuf_Struct__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
      Value: MessageTypeDefinition<_google_protobuf_Value, _google_protobuf_Value__Output>
    }
  }
}

