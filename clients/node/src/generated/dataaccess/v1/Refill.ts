// Original file: dataaccess/v1/api_keys.proto

import type { RefillInterval as _dataaccess_v1_RefillInterval, RefillInterval__Output as _dataaccess_v1_RefillInterval__Output } from '../../dataaccess/v1/RefillInterval';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Long } from '@grpc/proto-loader';

/**
 * Sets remaining_uses to amount on a schedule (it does not add to what is left). A
 * refill happens once per scheduled time, whatever the number of servers: the first
 * validation after the time applies it, and a read after the time shows it applied.
 */
export interface Refill {
  /**
   * What remaining_uses becomes: at least 1.
   */
  'amount'?: (number | string | Long);
  /**
   * Required.
   */
  'interval'?: (_dataaccess_v1_RefillInterval);
  /**
   * MONTHLY: 1-31 (past a month's last day, its last day); 0 means 1. DAILY: 0.
   */
  'day_of_month'?: (number);
  /**
   * Output only: the scheduled time of the last refill applied.
   */
  'last_refill_time'?: (_google_protobuf_Timestamp | null);
}

/**
 * Sets remaining_uses to amount on a schedule (it does not add to what is left). A
 * refill happens once per scheduled time, whatever the number of servers: the first
 * validation after the time applies it, and a read after the time shows it applied.
 */
export interface Refill__Output {
  /**
   * What remaining_uses becomes: at least 1.
   */
  'amount': (string);
  /**
   * Required.
   */
  'interval': (_dataaccess_v1_RefillInterval__Output);
  /**
   * MONTHLY: 1-31 (past a month's last day, its last day); 0 means 1. DAILY: 0.
   */
  'day_of_month': (number);
  /**
   * Output only: the scheduled time of the last refill applied.
   */
  'last_refill_time': (_google_protobuf_Timestamp__Output | null);
}
