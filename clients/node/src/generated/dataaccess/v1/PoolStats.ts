// Original file: dataaccess/v1/operations.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Statistics of one connection pool, named as psycopg_pool names them.
 * Counters are totals since the server started.
 */
export interface PoolStats {
  /**
   * Configured minimum and maximum number of connections.
   */
  'pool_min'?: (number | string | Long);
  'pool_max'?: (number | string | Long);
  /**
   * Connections currently managed by the pool (in use or idle).
   */
  'pool_size'?: (number | string | Long);
  /**
   * Idle connections ready to be handed out.
   */
  'pool_available'?: (number | string | Long);
  /**
   * Callers currently waiting for a connection.
   */
  'requests_waiting'?: (number | string | Long);
  /**
   * Connection requests served, and how many of them had to wait.
   */
  'requests_num'?: (number | string | Long);
  'requests_queued'?: (number | string | Long);
  /**
   * Total time spent waiting for a connection, in milliseconds.
   */
  'requests_wait_ms'?: (number | string | Long);
  /**
   * Requests that failed (timeout, pool full, pool closed).
   */
  'requests_errors'?: (number | string | Long);
  /**
   * Total time connections were lent out, in milliseconds.
   */
  'usage_ms'?: (number | string | Long);
  /**
   * Connections returned in a bad state and discarded.
   */
  'returns_bad'?: (number | string | Long);
  /**
   * Connection attempts, their total time in milliseconds, and their failures.
   */
  'connections_num'?: (number | string | Long);
  'connections_ms'?: (number | string | Long);
  'connections_errors'?: (number | string | Long);
  /**
   * Connections found broken and discarded.
   */
  'connections_lost'?: (number | string | Long);
}

/**
 * Statistics of one connection pool, named as psycopg_pool names them.
 * Counters are totals since the server started.
 */
export interface PoolStats__Output {
  /**
   * Configured minimum and maximum number of connections.
   */
  'pool_min': (string);
  'pool_max': (string);
  /**
   * Connections currently managed by the pool (in use or idle).
   */
  'pool_size': (string);
  /**
   * Idle connections ready to be handed out.
   */
  'pool_available': (string);
  /**
   * Callers currently waiting for a connection.
   */
  'requests_waiting': (string);
  /**
   * Connection requests served, and how many of them had to wait.
   */
  'requests_num': (string);
  'requests_queued': (string);
  /**
   * Total time spent waiting for a connection, in milliseconds.
   */
  'requests_wait_ms': (string);
  /**
   * Requests that failed (timeout, pool full, pool closed).
   */
  'requests_errors': (string);
  /**
   * Total time connections were lent out, in milliseconds.
   */
  'usage_ms': (string);
  /**
   * Connections returned in a bad state and discarded.
   */
  'returns_bad': (string);
  /**
   * Connection attempts, their total time in milliseconds, and their failures.
   */
  'connections_num': (string);
  'connections_ms': (string);
  'connections_errors': (string);
  /**
   * Connections found broken and discarded.
   */
  'connections_lost': (string);
}
