// Original file: dataaccess/v1/api_keys.proto

import type { LimitScope as _dataaccess_v1_LimitScope, LimitScope__Output as _dataaccess_v1_LimitScope__Output } from '../../dataaccess/v1/LimitScope';
import type { LimitUnit as _dataaccess_v1_LimitUnit, LimitUnit__Output as _dataaccess_v1_LimitUnit__Output } from '../../dataaccess/v1/LimitUnit';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Long } from '@grpc/proto-loader';

/**
 * One limit or budget as a validation found it.
 */
export interface LimitState {
  /**
   * The limit's or budget's name.
   */
  'name'?: (string);
  'scope'?: (_dataaccess_v1_LimitScope);
  'unit'?: (_dataaccess_v1_LimitUnit);
  /**
   * True for a budget, false for a limit.
   */
  'budget'?: (boolean);
  /**
   * Units per window or period.
   */
  'limit'?: (number | string | Long);
  /**
   * Left in the current window or period as this server sees it: what no server has
   * been granted yet plus what this server holds unspent. Negative when settled actual
   * costs went past the limit.
   */
  'remaining'?: (number | string | Long);
  /**
   * When the current window or period ends (and the next starts with the whole limit).
   */
  'reset_time'?: (_google_protobuf_Timestamp | null);
}

/**
 * One limit or budget as a validation found it.
 */
export interface LimitState__Output {
  /**
   * The limit's or budget's name.
   */
  'name': (string);
  'scope': (_dataaccess_v1_LimitScope__Output);
  'unit': (_dataaccess_v1_LimitUnit__Output);
  /**
   * True for a budget, false for a limit.
   */
  'budget': (boolean);
  /**
   * Units per window or period.
   */
  'limit': (string);
  /**
   * Left in the current window or period as this server sees it: what no server has
   * been granted yet plus what this server holds unspent. Negative when settled actual
   * costs went past the limit.
   */
  'remaining': (string);
  /**
   * When the current window or period ends (and the next starts with the whole limit).
   */
  'reset_time': (_google_protobuf_Timestamp__Output | null);
}
