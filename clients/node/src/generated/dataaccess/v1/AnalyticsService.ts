// Original file: dataaccess/v1/analytics.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetErrorRatesRequest as _dataaccess_v1_GetErrorRatesRequest, GetErrorRatesRequest__Output as _dataaccess_v1_GetErrorRatesRequest__Output } from '../../dataaccess/v1/GetErrorRatesRequest';
import type { GetErrorRatesResponse as _dataaccess_v1_GetErrorRatesResponse, GetErrorRatesResponse__Output as _dataaccess_v1_GetErrorRatesResponse__Output } from '../../dataaccess/v1/GetErrorRatesResponse';
import type { GetKeySpendRequest as _dataaccess_v1_GetKeySpendRequest, GetKeySpendRequest__Output as _dataaccess_v1_GetKeySpendRequest__Output } from '../../dataaccess/v1/GetKeySpendRequest';
import type { GetKeySpendResponse as _dataaccess_v1_GetKeySpendResponse, GetKeySpendResponse__Output as _dataaccess_v1_GetKeySpendResponse__Output } from '../../dataaccess/v1/GetKeySpendResponse';
import type { GetKeyValidationsRequest as _dataaccess_v1_GetKeyValidationsRequest, GetKeyValidationsRequest__Output as _dataaccess_v1_GetKeyValidationsRequest__Output } from '../../dataaccess/v1/GetKeyValidationsRequest';
import type { GetKeyValidationsResponse as _dataaccess_v1_GetKeyValidationsResponse, GetKeyValidationsResponse__Output as _dataaccess_v1_GetKeyValidationsResponse__Output } from '../../dataaccess/v1/GetKeyValidationsResponse';
import type { GetLatencyPercentilesRequest as _dataaccess_v1_GetLatencyPercentilesRequest, GetLatencyPercentilesRequest__Output as _dataaccess_v1_GetLatencyPercentilesRequest__Output } from '../../dataaccess/v1/GetLatencyPercentilesRequest';
import type { GetLatencyPercentilesResponse as _dataaccess_v1_GetLatencyPercentilesResponse, GetLatencyPercentilesResponse__Output as _dataaccess_v1_GetLatencyPercentilesResponse__Output } from '../../dataaccess/v1/GetLatencyPercentilesResponse';
import type { GetTopAuthsByUsageRequest as _dataaccess_v1_GetTopAuthsByUsageRequest, GetTopAuthsByUsageRequest__Output as _dataaccess_v1_GetTopAuthsByUsageRequest__Output } from '../../dataaccess/v1/GetTopAuthsByUsageRequest';
import type { GetTopAuthsByUsageResponse as _dataaccess_v1_GetTopAuthsByUsageResponse, GetTopAuthsByUsageResponse__Output as _dataaccess_v1_GetTopAuthsByUsageResponse__Output } from '../../dataaccess/v1/GetTopAuthsByUsageResponse';
import type { GetUsageSummaryRequest as _dataaccess_v1_GetUsageSummaryRequest, GetUsageSummaryRequest__Output as _dataaccess_v1_GetUsageSummaryRequest__Output } from '../../dataaccess/v1/GetUsageSummaryRequest';
import type { GetUsageSummaryResponse as _dataaccess_v1_GetUsageSummaryResponse, GetUsageSummaryResponse__Output as _dataaccess_v1_GetUsageSummaryResponse__Output } from '../../dataaccess/v1/GetUsageSummaryResponse';
import type { GetUsageTimeSeriesRequest as _dataaccess_v1_GetUsageTimeSeriesRequest, GetUsageTimeSeriesRequest__Output as _dataaccess_v1_GetUsageTimeSeriesRequest__Output } from '../../dataaccess/v1/GetUsageTimeSeriesRequest';
import type { GetUsageTimeSeriesResponse as _dataaccess_v1_GetUsageTimeSeriesResponse, GetUsageTimeSeriesResponse__Output as _dataaccess_v1_GetUsageTimeSeriesResponse__Output } from '../../dataaccess/v1/GetUsageTimeSeriesResponse';

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
export interface AnalyticsServiceClient extends grpc.Client {
  /**
   * Request-log error rates per provider and model, highest first.
   */
  GetErrorRates(argument: _dataaccess_v1_GetErrorRatesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetErrorRatesResponse__Output>): grpc.ClientUnaryCall;
  GetErrorRates(argument: _dataaccess_v1_GetErrorRatesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetErrorRatesResponse__Output>): grpc.ClientUnaryCall;
  GetErrorRates(argument: _dataaccess_v1_GetErrorRatesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetErrorRatesResponse__Output>): grpc.ClientUnaryCall;
  GetErrorRates(argument: _dataaccess_v1_GetErrorRatesRequest, callback: grpc.requestCallback<_dataaccess_v1_GetErrorRatesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Request-log error rates per provider and model, highest first.
   */
  getErrorRates(argument: _dataaccess_v1_GetErrorRatesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetErrorRatesResponse__Output>): grpc.ClientUnaryCall;
  getErrorRates(argument: _dataaccess_v1_GetErrorRatesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetErrorRatesResponse__Output>): grpc.ClientUnaryCall;
  getErrorRates(argument: _dataaccess_v1_GetErrorRatesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetErrorRatesResponse__Output>): grpc.ClientUnaryCall;
  getErrorRates(argument: _dataaccess_v1_GetErrorRatesRequest, callback: grpc.requestCallback<_dataaccess_v1_GetErrorRatesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Spend of one API key, or of every key of one owner, per day, and each budget that
   * applies in its current period.
   */
  GetKeySpend(argument: _dataaccess_v1_GetKeySpendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetKeySpendResponse__Output>): grpc.ClientUnaryCall;
  GetKeySpend(argument: _dataaccess_v1_GetKeySpendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetKeySpendResponse__Output>): grpc.ClientUnaryCall;
  GetKeySpend(argument: _dataaccess_v1_GetKeySpendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetKeySpendResponse__Output>): grpc.ClientUnaryCall;
  GetKeySpend(argument: _dataaccess_v1_GetKeySpendRequest, callback: grpc.requestCallback<_dataaccess_v1_GetKeySpendResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Spend of one API key, or of every key of one owner, per day, and each budget that
   * applies in its current period.
   */
  getKeySpend(argument: _dataaccess_v1_GetKeySpendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetKeySpendResponse__Output>): grpc.ClientUnaryCall;
  getKeySpend(argument: _dataaccess_v1_GetKeySpendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetKeySpendResponse__Output>): grpc.ClientUnaryCall;
  getKeySpend(argument: _dataaccess_v1_GetKeySpendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetKeySpendResponse__Output>): grpc.ClientUnaryCall;
  getKeySpend(argument: _dataaccess_v1_GetKeySpendRequest, callback: grpc.requestCallback<_dataaccess_v1_GetKeySpendResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Validations of one API key, or of every key of one owner, by reason per hour or day.
   */
  GetKeyValidations(argument: _dataaccess_v1_GetKeyValidationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetKeyValidationsResponse__Output>): grpc.ClientUnaryCall;
  GetKeyValidations(argument: _dataaccess_v1_GetKeyValidationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetKeyValidationsResponse__Output>): grpc.ClientUnaryCall;
  GetKeyValidations(argument: _dataaccess_v1_GetKeyValidationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetKeyValidationsResponse__Output>): grpc.ClientUnaryCall;
  GetKeyValidations(argument: _dataaccess_v1_GetKeyValidationsRequest, callback: grpc.requestCallback<_dataaccess_v1_GetKeyValidationsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Validations of one API key, or of every key of one owner, by reason per hour or day.
   */
  getKeyValidations(argument: _dataaccess_v1_GetKeyValidationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetKeyValidationsResponse__Output>): grpc.ClientUnaryCall;
  getKeyValidations(argument: _dataaccess_v1_GetKeyValidationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetKeyValidationsResponse__Output>): grpc.ClientUnaryCall;
  getKeyValidations(argument: _dataaccess_v1_GetKeyValidationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetKeyValidationsResponse__Output>): grpc.ClientUnaryCall;
  getKeyValidations(argument: _dataaccess_v1_GetKeyValidationsRequest, callback: grpc.requestCallback<_dataaccess_v1_GetKeyValidationsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Latency percentiles of request logs, overall or per provider and/or model.
   */
  GetLatencyPercentiles(argument: _dataaccess_v1_GetLatencyPercentilesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetLatencyPercentilesResponse__Output>): grpc.ClientUnaryCall;
  GetLatencyPercentiles(argument: _dataaccess_v1_GetLatencyPercentilesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetLatencyPercentilesResponse__Output>): grpc.ClientUnaryCall;
  GetLatencyPercentiles(argument: _dataaccess_v1_GetLatencyPercentilesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetLatencyPercentilesResponse__Output>): grpc.ClientUnaryCall;
  GetLatencyPercentiles(argument: _dataaccess_v1_GetLatencyPercentilesRequest, callback: grpc.requestCallback<_dataaccess_v1_GetLatencyPercentilesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Latency percentiles of request logs, overall or per provider and/or model.
   */
  getLatencyPercentiles(argument: _dataaccess_v1_GetLatencyPercentilesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetLatencyPercentilesResponse__Output>): grpc.ClientUnaryCall;
  getLatencyPercentiles(argument: _dataaccess_v1_GetLatencyPercentilesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetLatencyPercentilesResponse__Output>): grpc.ClientUnaryCall;
  getLatencyPercentiles(argument: _dataaccess_v1_GetLatencyPercentilesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetLatencyPercentilesResponse__Output>): grpc.ClientUnaryCall;
  getLatencyPercentiles(argument: _dataaccess_v1_GetLatencyPercentilesRequest, callback: grpc.requestCallback<_dataaccess_v1_GetLatencyPercentilesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The auths that used the most over a day range.
   */
  GetTopAuthsByUsage(argument: _dataaccess_v1_GetTopAuthsByUsageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetTopAuthsByUsageResponse__Output>): grpc.ClientUnaryCall;
  GetTopAuthsByUsage(argument: _dataaccess_v1_GetTopAuthsByUsageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetTopAuthsByUsageResponse__Output>): grpc.ClientUnaryCall;
  GetTopAuthsByUsage(argument: _dataaccess_v1_GetTopAuthsByUsageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetTopAuthsByUsageResponse__Output>): grpc.ClientUnaryCall;
  GetTopAuthsByUsage(argument: _dataaccess_v1_GetTopAuthsByUsageRequest, callback: grpc.requestCallback<_dataaccess_v1_GetTopAuthsByUsageResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The auths that used the most over a day range.
   */
  getTopAuthsByUsage(argument: _dataaccess_v1_GetTopAuthsByUsageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetTopAuthsByUsageResponse__Output>): grpc.ClientUnaryCall;
  getTopAuthsByUsage(argument: _dataaccess_v1_GetTopAuthsByUsageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetTopAuthsByUsageResponse__Output>): grpc.ClientUnaryCall;
  getTopAuthsByUsage(argument: _dataaccess_v1_GetTopAuthsByUsageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetTopAuthsByUsageResponse__Output>): grpc.ClientUnaryCall;
  getTopAuthsByUsage(argument: _dataaccess_v1_GetTopAuthsByUsageRequest, callback: grpc.requestCallback<_dataaccess_v1_GetTopAuthsByUsageResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Usage per provider and model over a day range, with a grand total.
   */
  GetUsageSummary(argument: _dataaccess_v1_GetUsageSummaryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetUsageSummaryResponse__Output>): grpc.ClientUnaryCall;
  GetUsageSummary(argument: _dataaccess_v1_GetUsageSummaryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetUsageSummaryResponse__Output>): grpc.ClientUnaryCall;
  GetUsageSummary(argument: _dataaccess_v1_GetUsageSummaryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetUsageSummaryResponse__Output>): grpc.ClientUnaryCall;
  GetUsageSummary(argument: _dataaccess_v1_GetUsageSummaryRequest, callback: grpc.requestCallback<_dataaccess_v1_GetUsageSummaryResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Usage per provider and model over a day range, with a grand total.
   */
  getUsageSummary(argument: _dataaccess_v1_GetUsageSummaryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetUsageSummaryResponse__Output>): grpc.ClientUnaryCall;
  getUsageSummary(argument: _dataaccess_v1_GetUsageSummaryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetUsageSummaryResponse__Output>): grpc.ClientUnaryCall;
  getUsageSummary(argument: _dataaccess_v1_GetUsageSummaryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetUsageSummaryResponse__Output>): grpc.ClientUnaryCall;
  getUsageSummary(argument: _dataaccess_v1_GetUsageSummaryRequest, callback: grpc.requestCallback<_dataaccess_v1_GetUsageSummaryResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Requests, tokens and errors of request logs per hour or per day.
   */
  GetUsageTimeSeries(argument: _dataaccess_v1_GetUsageTimeSeriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetUsageTimeSeriesResponse__Output>): grpc.ClientUnaryCall;
  GetUsageTimeSeries(argument: _dataaccess_v1_GetUsageTimeSeriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetUsageTimeSeriesResponse__Output>): grpc.ClientUnaryCall;
  GetUsageTimeSeries(argument: _dataaccess_v1_GetUsageTimeSeriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetUsageTimeSeriesResponse__Output>): grpc.ClientUnaryCall;
  GetUsageTimeSeries(argument: _dataaccess_v1_GetUsageTimeSeriesRequest, callback: grpc.requestCallback<_dataaccess_v1_GetUsageTimeSeriesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Requests, tokens and errors of request logs per hour or per day.
   */
  getUsageTimeSeries(argument: _dataaccess_v1_GetUsageTimeSeriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetUsageTimeSeriesResponse__Output>): grpc.ClientUnaryCall;
  getUsageTimeSeries(argument: _dataaccess_v1_GetUsageTimeSeriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetUsageTimeSeriesResponse__Output>): grpc.ClientUnaryCall;
  getUsageTimeSeries(argument: _dataaccess_v1_GetUsageTimeSeriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetUsageTimeSeriesResponse__Output>): grpc.ClientUnaryCall;
  getUsageTimeSeries(argument: _dataaccess_v1_GetUsageTimeSeriesRequest, callback: grpc.requestCallback<_dataaccess_v1_GetUsageTimeSeriesResponse__Output>): grpc.ClientUnaryCall;
  
}

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
export interface AnalyticsServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Request-log error rates per provider and model, highest first.
   */
  GetErrorRates: grpc.handleUnaryCall<_dataaccess_v1_GetErrorRatesRequest__Output, _dataaccess_v1_GetErrorRatesResponse>;
  
  /**
   * Spend of one API key, or of every key of one owner, per day, and each budget that
   * applies in its current period.
   */
  GetKeySpend: grpc.handleUnaryCall<_dataaccess_v1_GetKeySpendRequest__Output, _dataaccess_v1_GetKeySpendResponse>;
  
  /**
   * Validations of one API key, or of every key of one owner, by reason per hour or day.
   */
  GetKeyValidations: grpc.handleUnaryCall<_dataaccess_v1_GetKeyValidationsRequest__Output, _dataaccess_v1_GetKeyValidationsResponse>;
  
  /**
   * Latency percentiles of request logs, overall or per provider and/or model.
   */
  GetLatencyPercentiles: grpc.handleUnaryCall<_dataaccess_v1_GetLatencyPercentilesRequest__Output, _dataaccess_v1_GetLatencyPercentilesResponse>;
  
  /**
   * The auths that used the most over a day range.
   */
  GetTopAuthsByUsage: grpc.handleUnaryCall<_dataaccess_v1_GetTopAuthsByUsageRequest__Output, _dataaccess_v1_GetTopAuthsByUsageResponse>;
  
  /**
   * Usage per provider and model over a day range, with a grand total.
   */
  GetUsageSummary: grpc.handleUnaryCall<_dataaccess_v1_GetUsageSummaryRequest__Output, _dataaccess_v1_GetUsageSummaryResponse>;
  
  /**
   * Requests, tokens and errors of request logs per hour or per day.
   */
  GetUsageTimeSeries: grpc.handleUnaryCall<_dataaccess_v1_GetUsageTimeSeriesRequest__Output, _dataaccess_v1_GetUsageTimeSeriesResponse>;
  
}

export interface AnalyticsServiceDefinition extends grpc.ServiceDefinition {
  GetErrorRates: MethodDefinition<_dataaccess_v1_GetErrorRatesRequest, _dataaccess_v1_GetErrorRatesResponse, _dataaccess_v1_GetErrorRatesRequest__Output, _dataaccess_v1_GetErrorRatesResponse__Output>
  GetKeySpend: MethodDefinition<_dataaccess_v1_GetKeySpendRequest, _dataaccess_v1_GetKeySpendResponse, _dataaccess_v1_GetKeySpendRequest__Output, _dataaccess_v1_GetKeySpendResponse__Output>
  GetKeyValidations: MethodDefinition<_dataaccess_v1_GetKeyValidationsRequest, _dataaccess_v1_GetKeyValidationsResponse, _dataaccess_v1_GetKeyValidationsRequest__Output, _dataaccess_v1_GetKeyValidationsResponse__Output>
  GetLatencyPercentiles: MethodDefinition<_dataaccess_v1_GetLatencyPercentilesRequest, _dataaccess_v1_GetLatencyPercentilesResponse, _dataaccess_v1_GetLatencyPercentilesRequest__Output, _dataaccess_v1_GetLatencyPercentilesResponse__Output>
  GetTopAuthsByUsage: MethodDefinition<_dataaccess_v1_GetTopAuthsByUsageRequest, _dataaccess_v1_GetTopAuthsByUsageResponse, _dataaccess_v1_GetTopAuthsByUsageRequest__Output, _dataaccess_v1_GetTopAuthsByUsageResponse__Output>
  GetUsageSummary: MethodDefinition<_dataaccess_v1_GetUsageSummaryRequest, _dataaccess_v1_GetUsageSummaryResponse, _dataaccess_v1_GetUsageSummaryRequest__Output, _dataaccess_v1_GetUsageSummaryResponse__Output>
  GetUsageTimeSeries: MethodDefinition<_dataaccess_v1_GetUsageTimeSeriesRequest, _dataaccess_v1_GetUsageTimeSeriesResponse, _dataaccess_v1_GetUsageTimeSeriesRequest__Output, _dataaccess_v1_GetUsageTimeSeriesResponse__Output>
}
