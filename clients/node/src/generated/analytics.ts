import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AnalyticsServiceClient as _dataaccess_v1_AnalyticsServiceClient, AnalyticsServiceDefinition as _dataaccess_v1_AnalyticsServiceDefinition } from './dataaccess/v1/AnalyticsService';
import type { AuthUsage as _dataaccess_v1_AuthUsage, AuthUsage__Output as _dataaccess_v1_AuthUsage__Output } from './dataaccess/v1/AuthUsage';
import type { ErrorRate as _dataaccess_v1_ErrorRate, ErrorRate__Output as _dataaccess_v1_ErrorRate__Output } from './dataaccess/v1/ErrorRate';
import type { GetErrorRatesRequest as _dataaccess_v1_GetErrorRatesRequest, GetErrorRatesRequest__Output as _dataaccess_v1_GetErrorRatesRequest__Output } from './dataaccess/v1/GetErrorRatesRequest';
import type { GetErrorRatesResponse as _dataaccess_v1_GetErrorRatesResponse, GetErrorRatesResponse__Output as _dataaccess_v1_GetErrorRatesResponse__Output } from './dataaccess/v1/GetErrorRatesResponse';
import type { GetLatencyPercentilesRequest as _dataaccess_v1_GetLatencyPercentilesRequest, GetLatencyPercentilesRequest__Output as _dataaccess_v1_GetLatencyPercentilesRequest__Output } from './dataaccess/v1/GetLatencyPercentilesRequest';
import type { GetLatencyPercentilesResponse as _dataaccess_v1_GetLatencyPercentilesResponse, GetLatencyPercentilesResponse__Output as _dataaccess_v1_GetLatencyPercentilesResponse__Output } from './dataaccess/v1/GetLatencyPercentilesResponse';
import type { GetTopAuthsByUsageRequest as _dataaccess_v1_GetTopAuthsByUsageRequest, GetTopAuthsByUsageRequest__Output as _dataaccess_v1_GetTopAuthsByUsageRequest__Output } from './dataaccess/v1/GetTopAuthsByUsageRequest';
import type { GetTopAuthsByUsageResponse as _dataaccess_v1_GetTopAuthsByUsageResponse, GetTopAuthsByUsageResponse__Output as _dataaccess_v1_GetTopAuthsByUsageResponse__Output } from './dataaccess/v1/GetTopAuthsByUsageResponse';
import type { GetUsageSummaryRequest as _dataaccess_v1_GetUsageSummaryRequest, GetUsageSummaryRequest__Output as _dataaccess_v1_GetUsageSummaryRequest__Output } from './dataaccess/v1/GetUsageSummaryRequest';
import type { GetUsageSummaryResponse as _dataaccess_v1_GetUsageSummaryResponse, GetUsageSummaryResponse__Output as _dataaccess_v1_GetUsageSummaryResponse__Output } from './dataaccess/v1/GetUsageSummaryResponse';
import type { GetUsageTimeSeriesRequest as _dataaccess_v1_GetUsageTimeSeriesRequest, GetUsageTimeSeriesRequest__Output as _dataaccess_v1_GetUsageTimeSeriesRequest__Output } from './dataaccess/v1/GetUsageTimeSeriesRequest';
import type { GetUsageTimeSeriesResponse as _dataaccess_v1_GetUsageTimeSeriesResponse, GetUsageTimeSeriesResponse__Output as _dataaccess_v1_GetUsageTimeSeriesResponse__Output } from './dataaccess/v1/GetUsageTimeSeriesResponse';
import type { LatencyPercentile as _dataaccess_v1_LatencyPercentile, LatencyPercentile__Output as _dataaccess_v1_LatencyPercentile__Output } from './dataaccess/v1/LatencyPercentile';
import type { LatencyRow as _dataaccess_v1_LatencyRow, LatencyRow__Output as _dataaccess_v1_LatencyRow__Output } from './dataaccess/v1/LatencyRow';
import type { TimeSeriesPoint as _dataaccess_v1_TimeSeriesPoint, TimeSeriesPoint__Output as _dataaccess_v1_TimeSeriesPoint__Output } from './dataaccess/v1/TimeSeriesPoint';
import type { UsageSummaryRow as _dataaccess_v1_UsageSummaryRow, UsageSummaryRow__Output as _dataaccess_v1_UsageSummaryRow__Output } from './dataaccess/v1/UsageSummaryRow';
import type { UsageTotals as _dataaccess_v1_UsageTotals, UsageTotals__Output as _dataaccess_v1_UsageTotals__Output } from './dataaccess/v1/UsageTotals';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  dataaccess: {
    v1: {
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
       * 
       * Ranges: start must be before end, and span at most DATAACCESS_ANALYTICS_MAX_DAYS
       * (default 366 days). Time ranges are half-open [start_time, end_time) and widened to
       * whole hours (whole days for DAY time series): the response states the range used.
       * A range without data answers with zero rows or zero points, not an error.
       */
      AnalyticsService: SubtypeConstructor<typeof grpc.Client, _dataaccess_v1_AnalyticsServiceClient> & { service: _dataaccess_v1_AnalyticsServiceDefinition }
      AuthUsage: MessageTypeDefinition<_dataaccess_v1_AuthUsage, _dataaccess_v1_AuthUsage__Output>
      ErrorRate: MessageTypeDefinition<_dataaccess_v1_ErrorRate, _dataaccess_v1_ErrorRate__Output>
      GetErrorRatesRequest: MessageTypeDefinition<_dataaccess_v1_GetErrorRatesRequest, _dataaccess_v1_GetErrorRatesRequest__Output>
      GetErrorRatesResponse: MessageTypeDefinition<_dataaccess_v1_GetErrorRatesResponse, _dataaccess_v1_GetErrorRatesResponse__Output>
      GetLatencyPercentilesRequest: MessageTypeDefinition<_dataaccess_v1_GetLatencyPercentilesRequest, _dataaccess_v1_GetLatencyPercentilesRequest__Output>
      GetLatencyPercentilesResponse: MessageTypeDefinition<_dataaccess_v1_GetLatencyPercentilesResponse, _dataaccess_v1_GetLatencyPercentilesResponse__Output>
      GetTopAuthsByUsageRequest: MessageTypeDefinition<_dataaccess_v1_GetTopAuthsByUsageRequest, _dataaccess_v1_GetTopAuthsByUsageRequest__Output>
      GetTopAuthsByUsageResponse: MessageTypeDefinition<_dataaccess_v1_GetTopAuthsByUsageResponse, _dataaccess_v1_GetTopAuthsByUsageResponse__Output>
      GetUsageSummaryRequest: MessageTypeDefinition<_dataaccess_v1_GetUsageSummaryRequest, _dataaccess_v1_GetUsageSummaryRequest__Output>
      GetUsageSummaryResponse: MessageTypeDefinition<_dataaccess_v1_GetUsageSummaryResponse, _dataaccess_v1_GetUsageSummaryResponse__Output>
      GetUsageTimeSeriesRequest: MessageTypeDefinition<_dataaccess_v1_GetUsageTimeSeriesRequest, _dataaccess_v1_GetUsageTimeSeriesRequest__Output>
      GetUsageTimeSeriesResponse: MessageTypeDefinition<_dataaccess_v1_GetUsageTimeSeriesResponse, _dataaccess_v1_GetUsageTimeSeriesResponse__Output>
      Granularity: EnumTypeDefinition
      LatencyPercentile: MessageTypeDefinition<_dataaccess_v1_LatencyPercentile, _dataaccess_v1_LatencyPercentile__Output>
      LatencyRow: MessageTypeDefinition<_dataaccess_v1_LatencyRow, _dataaccess_v1_LatencyRow__Output>
      TimeSeriesPoint: MessageTypeDefinition<_dataaccess_v1_TimeSeriesPoint, _dataaccess_v1_TimeSeriesPoint__Output>
      TopAuthsOrder: EnumTypeDefinition
      UsageSummaryRow: MessageTypeDefinition<_dataaccess_v1_UsageSummaryRow, _dataaccess_v1_UsageSummaryRow__Output>
      UsageTotals: MessageTypeDefinition<_dataaccess_v1_UsageTotals, _dataaccess_v1_UsageTotals__Output>
    }
  }
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}

