// Original file: dataaccess/v1/analytics.proto


export interface LatencyPercentile {
  /**
   * The percentile asked for, e.g. 99.
   */
  'percentile'?: (number | string);
  /**
   * Estimated from a histogram whose buckets grow by 10%: the estimate is within 5% of
   * the exact nearest-rank percentile of the logs' latency_ms (within 1 ms for
   * latencies of 1 ms or less).
   */
  'latency_ms'?: (number | string);
}

export interface LatencyPercentile__Output {
  /**
   * The percentile asked for, e.g. 99.
   */
  'percentile': (number);
  /**
   * Estimated from a histogram whose buckets grow by 10%: the estimate is within 5% of
   * the exact nearest-rank percentile of the logs' latency_ms (within 1 ms for
   * latencies of 1 ms or less).
   */
  'latency_ms': (number);
}
