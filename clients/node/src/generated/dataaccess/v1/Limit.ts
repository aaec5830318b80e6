// Original file: dataaccess/v1/api_keys.proto

import type { LimitUnit as _dataaccess_v1_LimitUnit, LimitUnit__Output as _dataaccess_v1_LimitUnit__Output } from '../../dataaccess/v1/LimitUnit';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';
import type { Long } from '@grpc/proto-loader';

/**
 * A limit per fixed window: at most `limit` units admitted per window, across every
 * server. Windows are aligned to the Unix epoch (a 60 s window starts on the minute).
 * 
 * Exactness and its price. No limit is ever exceeded across all servers: each server
 * leases slices of a window's allowance from the database and admits validations from
 * its slice in memory, so a validation writes nothing. A slice is sized to about a
 * second of the server's own demand, at least what one validation needs. The price is
 * under-admission near a window's end: a server may refuse while another still holds
 * unspent allowance, at most (servers - 1) slices per window; a server that dies with
 * a slice loses its unspent part until the window ends. What a server did not spend
 * goes back after five seconds without use, or when its window ends.
 */
export interface Limit {
  /**
   * 1-64 characters: letters, digits, "_", "-", "."; unique among the key's (or the
   * owner's) limits and budgets.
   */
  'name'?: (string);
  /**
   * Required.
   */
  'unit'?: (_dataaccess_v1_LimitUnit);
  /**
   * Whole seconds, from 1 second to 31 days.
   */
  'window'?: (_google_protobuf_Duration | null);
  /**
   * Units per window: at least 1.
   */
  'limit'?: (number | string | Long);
}

/**
 * A limit per fixed window: at most `limit` units admitted per window, across every
 * server. Windows are aligned to the Unix epoch (a 60 s window starts on the minute).
 * 
 * Exactness and its price. No limit is ever exceeded across all servers: each server
 * leases slices of a window's allowance from the database and admits validations from
 * its slice in memory, so a validation writes nothing. A slice is sized to about a
 * second of the server's own demand, at least what one validation needs. The price is
 * under-admission near a window's end: a server may refuse while another still holds
 * unspent allowance, at most (servers - 1) slices per window; a server that dies with
 * a slice loses its unspent part until the window ends. What a server did not spend
 * goes back after five seconds without use, or when its window ends.
 */
export interface Limit__Output {
  /**
   * 1-64 characters: letters, digits, "_", "-", "."; unique among the key's (or the
   * owner's) limits and budgets.
   */
  'name': (string);
  /**
   * Required.
   */
  'unit': (_dataaccess_v1_LimitUnit__Output);
  /**
   * Whole seconds, from 1 second to 31 days.
   */
  'window': (_google_protobuf_Duration__Output | null);
  /**
   * Units per window: at least 1.
   */
  'limit': (string);
}
