import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { APIKey as _dataaccess_v1_APIKey, APIKey__Output as _dataaccess_v1_APIKey__Output } from './dataaccess/v1/APIKey';
import type { APIKeyServiceClient as _dataaccess_v1_APIKeyServiceClient, APIKeyServiceDefinition as _dataaccess_v1_APIKeyServiceDefinition } from './dataaccess/v1/APIKeyService';
import type { AnalyticsServiceClient as _dataaccess_v1_AnalyticsServiceClient, AnalyticsServiceDefinition as _dataaccess_v1_AnalyticsServiceDefinition } from './dataaccess/v1/AnalyticsService';
import type { AuthUsage as _dataaccess_v1_AuthUsage, AuthUsage__Output as _dataaccess_v1_AuthUsage__Output } from './dataaccess/v1/AuthUsage';
import type { Budget as _dataaccess_v1_Budget, Budget__Output as _dataaccess_v1_Budget__Output } from './dataaccess/v1/Budget';
import type { CreateAPIKeyRequest as _dataaccess_v1_CreateAPIKeyRequest, CreateAPIKeyRequest__Output as _dataaccess_v1_CreateAPIKeyRequest__Output } from './dataaccess/v1/CreateAPIKeyRequest';
import type { CreateAPIKeyResponse as _dataaccess_v1_CreateAPIKeyResponse, CreateAPIKeyResponse__Output as _dataaccess_v1_CreateAPIKeyResponse__Output } from './dataaccess/v1/CreateAPIKeyResponse';
import type { ErrorRate as _dataaccess_v1_ErrorRate, ErrorRate__Output as _dataaccess_v1_ErrorRate__Output } from './dataaccess/v1/ErrorRate';
import type { GetAPIKeyRequest as _dataaccess_v1_GetAPIKeyRequest, GetAPIKeyRequest__Output as _dataaccess_v1_GetAPIKeyRequest__Output } from './dataaccess/v1/GetAPIKeyRequest';
import type { GetAPIKeyResponse as _dataaccess_v1_GetAPIKeyResponse, GetAPIKeyResponse__Output as _dataaccess_v1_GetAPIKeyResponse__Output } from './dataaccess/v1/GetAPIKeyResponse';
import type { GetErrorRatesRequest as _dataaccess_v1_GetErrorRatesRequest, GetErrorRatesRequest__Output as _dataaccess_v1_GetErrorRatesRequest__Output } from './dataaccess/v1/GetErrorRatesRequest';
import type { GetErrorRatesResponse as _dataaccess_v1_GetErrorRatesResponse, GetErrorRatesResponse__Output as _dataaccess_v1_GetErrorRatesResponse__Output } from './dataaccess/v1/GetErrorRatesResponse';
import type { GetKeySpendRequest as _dataaccess_v1_GetKeySpendRequest, GetKeySpendRequest__Output as _dataaccess_v1_GetKeySpendRequest__Output } from './dataaccess/v1/GetKeySpendRequest';
import type { GetKeySpendResponse as _dataaccess_v1_GetKeySpendResponse, GetKeySpendResponse__Output as _dataaccess_v1_GetKeySpendResponse__Output } from './dataaccess/v1/GetKeySpendResponse';
import type { GetKeyValidationsRequest as _dataaccess_v1_GetKeyValidationsRequest, GetKeyValidationsRequest__Output as _dataaccess_v1_GetKeyValidationsRequest__Output } from './dataaccess/v1/GetKeyValidationsRequest';
import type { GetKeyValidationsResponse as _dataaccess_v1_GetKeyValidationsResponse, GetKeyValidationsResponse__Output as _dataaccess_v1_GetKeyValidationsResponse__Output } from './dataaccess/v1/GetKeyValidationsResponse';
import type { GetLatencyPercentilesRequest as _dataaccess_v1_GetLatencyPercentilesRequest, GetLatencyPercentilesRequest__Output as _dataaccess_v1_GetLatencyPercentilesRequest__Output } from './dataaccess/v1/GetLatencyPercentilesRequest';
import type { GetLatencyPercentilesResponse as _dataaccess_v1_GetLatencyPercentilesResponse, GetLatencyPercentilesResponse__Output as _dataaccess_v1_GetLatencyPercentilesResponse__Output } from './dataaccess/v1/GetLatencyPercentilesResponse';
import type { GetOwnerPolicyRequest as _dataaccess_v1_GetOwnerPolicyRequest, GetOwnerPolicyRequest__Output as _dataaccess_v1_GetOwnerPolicyRequest__Output } from './dataaccess/v1/GetOwnerPolicyRequest';
import type { GetOwnerPolicyResponse as _dataaccess_v1_GetOwnerPolicyResponse, GetOwnerPolicyResponse__Output as _dataaccess_v1_GetOwnerPolicyResponse__Output } from './dataaccess/v1/GetOwnerPolicyResponse';
import type { GetTopAuthsByUsageRequest as _dataaccess_v1_GetTopAuthsByUsageRequest, GetTopAuthsByUsageRequest__Output as _dataaccess_v1_GetTopAuthsByUsageRequest__Output } from './dataaccess/v1/GetTopAuthsByUsageRequest';
import type { GetTopAuthsByUsageResponse as _dataaccess_v1_GetTopAuthsByUsageResponse, GetTopAuthsByUsageResponse__Output as _dataaccess_v1_GetTopAuthsByUsageResponse__Output } from './dataaccess/v1/GetTopAuthsByUsageResponse';
import type { GetUsageSummaryRequest as _dataaccess_v1_GetUsageSummaryRequest, GetUsageSummaryRequest__Output as _dataaccess_v1_GetUsageSummaryRequest__Output } from './dataaccess/v1/GetUsageSummaryRequest';
import type { GetUsageSummaryResponse as _dataaccess_v1_GetUsageSummaryResponse, GetUsageSummaryResponse__Output as _dataaccess_v1_GetUsageSummaryResponse__Output } from './dataaccess/v1/GetUsageSummaryResponse';
import type { GetUsageTimeSeriesRequest as _dataaccess_v1_GetUsageTimeSeriesRequest, GetUsageTimeSeriesRequest__Output as _dataaccess_v1_GetUsageTimeSeriesRequest__Output } from './dataaccess/v1/GetUsageTimeSeriesRequest';
import type { GetUsageTimeSeriesResponse as _dataaccess_v1_GetUsageTimeSeriesResponse, GetUsageTimeSeriesResponse__Output as _dataaccess_v1_GetUsageTimeSeriesResponse__Output } from './dataaccess/v1/GetUsageTimeSeriesResponse';
import type { KeyBudgetSpend as _dataaccess_v1_KeyBudgetSpend, KeyBudgetSpend__Output as _dataaccess_v1_KeyBudgetSpend__Output } from './dataaccess/v1/KeyBudgetSpend';
import type { KeySpendDay as _dataaccess_v1_KeySpendDay, KeySpendDay__Output as _dataaccess_v1_KeySpendDay__Output } from './dataaccess/v1/KeySpendDay';
import type { KeySpendTotals as _dataaccess_v1_KeySpendTotals, KeySpendTotals__Output as _dataaccess_v1_KeySpendTotals__Output } from './dataaccess/v1/KeySpendTotals';
import type { KeyValidationCount as _dataaccess_v1_KeyValidationCount, KeyValidationCount__Output as _dataaccess_v1_KeyValidationCount__Output } from './dataaccess/v1/KeyValidationCount';
import type { KeyValidationPoint as _dataaccess_v1_KeyValidationPoint, KeyValidationPoint__Output as _dataaccess_v1_KeyValidationPoint__Output } from './dataaccess/v1/KeyValidationPoint';
import type { LatencyPercentile as _dataaccess_v1_LatencyPercentile, LatencyPercentile__Output as _dataaccess_v1_LatencyPercentile__Output } from './dataaccess/v1/LatencyPercentile';
import type { LatencyRow as _dataaccess_v1_LatencyRow, LatencyRow__Output as _dataaccess_v1_LatencyRow__Output } from './dataaccess/v1/LatencyRow';
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
import type { TimeSeriesPoint as _dataaccess_v1_TimeSeriesPoint, TimeSeriesPoint__Output as _dataaccess_v1_TimeSeriesPoint__Output } from './dataaccess/v1/TimeSeriesPoint';
import type { UpdateAPIKeyRequest as _dataaccess_v1_UpdateAPIKeyRequest, UpdateAPIKeyRequest__Output as _dataaccess_v1_UpdateAPIKeyRequest__Output } from './dataaccess/v1/UpdateAPIKeyRequest';
import type { UpdateAPIKeyResponse as _dataaccess_v1_UpdateAPIKeyResponse, UpdateAPIKeyResponse__Output as _dataaccess_v1_UpdateAPIKeyResponse__Output } from './dataaccess/v1/UpdateAPIKeyResponse';
import type { UpdateOwnerPolicyRequest as _dataaccess_v1_UpdateOwnerPolicyRequest, UpdateOwnerPolicyRequest__Output as _dataaccess_v1_UpdateOwnerPolicyRequest__Output } from './dataaccess/v1/UpdateOwnerPolicyRequest';
import type { UpdateOwnerPolicyResponse as _dataaccess_v1_UpdateOwnerPolicyResponse, UpdateOwnerPolicyResponse__Output as _dataaccess_v1_UpdateOwnerPolicyResponse__Output } from './dataaccess/v1/UpdateOwnerPolicyResponse';
import type { UsageSummaryRow as _dataaccess_v1_UsageSummaryRow, UsageSummaryRow__Output as _dataaccess_v1_UsageSummaryRow__Output } from './dataaccess/v1/UsageSummaryRow';
import type { UsageTotals as _dataaccess_v1_UsageTotals, UsageTotals__Output as _dataaccess_v1_UsageTotals__Output } from './dataaccess/v1/UsageTotals';
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
      /**
       * AnalyticsService answers dashboard and billing questions over usage counters and
       * request logs. It only reads: calls go to a replica within DB_REPLICA_MAX_LAG, or to the
       * primary when none is, and every answer says how fresh its data is (as_of_time).
       * 
       * Sources, and what a call costs:
       * - GetUsageSummary and GetTopAuthsByUsage read the daily usage counters (UsageService):
       * their cost grows with the (day, provider, model, auth) rows in the range.
       * - GetErrorRates, GetLatencyPercentiles and GetUsageTimeSeries read the hourly and
       * daily rollups that request-log ingestion maintains, never the logs themselves: their
       * cost grows with the hours and (provider, model) groups in the range, not with the
       * number of logs.
       * - GetKeyValidations and GetKeySpend read the per-key rollups: validations counted per
       * hour, key and reason by every server (added every few seconds: a validation shows
       * up within DATAACCESS_LAST_USED_FLUSH seconds, and the counts since a server's last
       * flush are lost if it dies), and spend per key and UTC day added by usage writes in
       * their transaction. Their cost grows with the hours or days and the keys and
       * reasons in the range, not with the number of validations or usage records.
       * 
       * Ranges: start must be before end, and span at most DATAACCESS_ANALYTICS_MAX_DAYS
       * (default 366 days). Time ranges are half-open [start_time, end_time) and widened to
       * whole hours (whole days for DAY time series): the response states the range used.
       * A range without data answers with zero rows or zero points, not an error.
       */
      AnalyticsService: SubtypeConstructor<typeof grpc.Client, _dataaccess_v1_AnalyticsServiceClient> & { service: _dataaccess_v1_AnalyticsServiceDefinition }
      AuthUsage: MessageTypeDefinition<_dataaccess_v1_AuthUsage, _dataaccess_v1_AuthUsage__Output>
      Budget: MessageTypeDefinition<_dataaccess_v1_Budget, _dataaccess_v1_Budget__Output>
      BudgetPeriod: EnumTypeDefinition
      CreateAPIKeyRequest: MessageTypeDefinition<_dataaccess_v1_CreateAPIKeyRequest, _dataaccess_v1_CreateAPIKeyRequest__Output>
      CreateAPIKeyResponse: MessageTypeDefinition<_dataaccess_v1_CreateAPIKeyResponse, _dataaccess_v1_CreateAPIKeyResponse__Output>
      ErrorRate: MessageTypeDefinition<_dataaccess_v1_ErrorRate, _dataaccess_v1_ErrorRate__Output>
      GetAPIKeyRequest: MessageTypeDefinition<_dataaccess_v1_GetAPIKeyRequest, _dataaccess_v1_GetAPIKeyRequest__Output>
      GetAPIKeyResponse: MessageTypeDefinition<_dataaccess_v1_GetAPIKeyResponse, _dataaccess_v1_GetAPIKeyResponse__Output>
      GetErrorRatesRequest: MessageTypeDefinition<_dataaccess_v1_GetErrorRatesRequest, _dataaccess_v1_GetErrorRatesRequest__Output>
      GetErrorRatesResponse: MessageTypeDefinition<_dataaccess_v1_GetErrorRatesResponse, _dataaccess_v1_GetErrorRatesResponse__Output>
      GetKeySpendRequest: MessageTypeDefinition<_dataaccess_v1_GetKeySpendRequest, _dataaccess_v1_GetKeySpendRequest__Output>
      GetKeySpendResponse: MessageTypeDefinition<_dataaccess_v1_GetKeySpendResponse, _dataaccess_v1_GetKeySpendResponse__Output>
      GetKeyValidationsRequest: MessageTypeDefinition<_dataaccess_v1_GetKeyValidationsRequest, _dataaccess_v1_GetKeyValidationsRequest__Output>
      GetKeyValidationsResponse: MessageTypeDefinition<_dataaccess_v1_GetKeyValidationsResponse, _dataaccess_v1_GetKeyValidationsResponse__Output>
      GetLatencyPercentilesRequest: MessageTypeDefinition<_dataaccess_v1_GetLatencyPercentilesRequest, _dataaccess_v1_GetLatencyPercentilesRequest__Output>
      GetLatencyPercentilesResponse: MessageTypeDefinition<_dataaccess_v1_GetLatencyPercentilesResponse, _dataaccess_v1_GetLatencyPercentilesResponse__Output>
      GetOwnerPolicyRequest: MessageTypeDefinition<_dataaccess_v1_GetOwnerPolicyRequest, _dataaccess_v1_GetOwnerPolicyRequest__Output>
      GetOwnerPolicyResponse: MessageTypeDefinition<_dataaccess_v1_GetOwnerPolicyResponse, _dataaccess_v1_GetOwnerPolicyResponse__Output>
      GetTopAuthsByUsageRequest: MessageTypeDefinition<_dataaccess_v1_GetTopAuthsByUsageRequest, _dataaccess_v1_GetTopAuthsByUsageRequest__Output>
      GetTopAuthsByUsageResponse: MessageTypeDefinition<_dataaccess_v1_GetTopAuthsByUsageResponse, _dataaccess_v1_GetTopAuthsByUsageResponse__Output>
      GetUsageSummaryRequest: MessageTypeDefinition<_dataaccess_v1_GetUsageSummaryRequest, _dataaccess_v1_GetUsageSummaryRequest__Output>
      GetUsageSummaryResponse: MessageTypeDefinition<_dataaccess_v1_GetUsageSummaryResponse, _dataaccess_v1_GetUsageSummaryResponse__Output>
      GetUsageTimeSeriesRequest: MessageTypeDefinition<_dataaccess_v1_GetUsageTimeSeriesRequest, _dataaccess_v1_GetUsageTimeSeriesRequest__Output>
      GetUsageTimeSeriesResponse: MessageTypeDefinition<_dataaccess_v1_GetUsageTimeSeriesResponse, _dataaccess_v1_GetUsageTimeSeriesResponse__Output>
      Granularity: EnumTypeDefinition
      KeyBudgetSpend: MessageTypeDefinition<_dataaccess_v1_KeyBudgetSpend, _dataaccess_v1_KeyBudgetSpend__Output>
      KeySpendDay: MessageTypeDefinition<_dataaccess_v1_KeySpendDay, _dataaccess_v1_KeySpendDay__Output>
      KeySpendTotals: MessageTypeDefinition<_dataaccess_v1_KeySpendTotals, _dataaccess_v1_KeySpendTotals__Output>
      KeyValidationCount: MessageTypeDefinition<_dataaccess_v1_KeyValidationCount, _dataaccess_v1_KeyValidationCount__Output>
      KeyValidationPoint: MessageTypeDefinition<_dataaccess_v1_KeyValidationPoint, _dataaccess_v1_KeyValidationPoint__Output>
      LatencyPercentile: MessageTypeDefinition<_dataaccess_v1_LatencyPercentile, _dataaccess_v1_LatencyPercentile__Output>
      LatencyRow: MessageTypeDefinition<_dataaccess_v1_LatencyRow, _dataaccess_v1_LatencyRow__Output>
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
      TimeSeriesPoint: MessageTypeDefinition<_dataaccess_v1_TimeSeriesPoint, _dataaccess_v1_TimeSeriesPoint__Output>
      TopAuthsOrder: EnumTypeDefinition
      UpdateAPIKeyRequest: MessageTypeDefinition<_dataaccess_v1_UpdateAPIKeyRequest, _dataaccess_v1_UpdateAPIKeyRequest__Output>
      UpdateAPIKeyResponse: MessageTypeDefinition<_dataaccess_v1_UpdateAPIKeyResponse, _dataaccess_v1_UpdateAPIKeyResponse__Output>
      UpdateOwnerPolicyRequest: MessageTypeDefinition<_dataaccess_v1_UpdateOwnerPolicyRequest, _dataaccess_v1_UpdateOwnerPolicyRequest__Output>
      UpdateOwnerPolicyResponse: MessageTypeDefinition<_dataaccess_v1_UpdateOwnerPolicyResponse, _dataaccess_v1_UpdateOwnerPolicyResponse__Output>
      UsageSummaryRow: MessageTypeDefinition<_dataaccess_v1_UsageSummaryRow, _dataaccess_v1_UsageSummaryRow__Output>
      UsageTotals: MessageTypeDefinition<_dataaccess_v1_UsageTotals, _dataaccess_v1_UsageTotals__Output>
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

