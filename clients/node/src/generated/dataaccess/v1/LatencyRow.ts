// Original file: dataaccess/v1/analytics.proto

import type { LatencyPercentile as _dataaccess_v1_LatencyPercentile, LatencyPercentile__Output as _dataaccess_v1_LatencyPercentile__Output } from '../../dataaccess/v1/LatencyPercentile';
import type { Long } from '@grpc/proto-loader';

export interface LatencyRow {
  /**
   * Empty unless grouped by it.
   */
  'provider'?: (string);
  'model'?: (string);
  'requests'?: (number | string | Long);
  /**
   * Exact mean.
   */
  'mean_ms'?: (number | string);
  /**
   * In the order asked.
   */
  'percentiles'?: (_dataaccess_v1_LatencyPercentile)[];
}

export interface LatencyRow__Output {
  /**
   * Empty unless grouped by it.
   */
  'provider': (string);
  'model': (string);
  'requests': (string);
  /**
   * Exact mean.
   */
  'mean_ms': (number);
  /**
   * In the order asked.
   */
  'percentiles': (_dataaccess_v1_LatencyPercentile__Output)[];
}
