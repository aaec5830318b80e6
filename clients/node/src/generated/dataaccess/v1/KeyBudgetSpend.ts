// Original file: dataaccess/v1/analytics.proto

import type { LimitScope as _dataaccess_v1_LimitScope, LimitScope__Output as _dataaccess_v1_LimitScope__Output } from '../../dataaccess/v1/LimitScope';
import type { Budget as _dataaccess_v1_Budget, Budget__Output as _dataaccess_v1_Budget__Output } from '../../dataaccess/v1/Budget';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Long } from '@grpc/proto-loader';

/**
 * A budget in its current period.
 */
export interface KeyBudgetSpend {
  /**
   * Whose budget: the key's own, or its owner's (shared by all the owner's keys).
   */
  'scope'?: (_dataaccess_v1_LimitScope);
  'budget'?: (_dataaccess_v1_Budget | null);
  /**
   * The current period, on the database's clock: [period_start, reset_time).
   */
  'period_start'?: (_google_protobuf_Timestamp | null);
  'reset_time'?: (_google_protobuf_Timestamp | null);
  /**
   * What the budget's ledger holds as taken in the period: the actual cost charged by
   * usage writes (of every key of the owner, for an owner's budget), plus the
   * estimates of reservations still held (not yet settled, not yet expired), plus any
   * allowance servers have leased from it and not yet given back (returned within
   * seconds when unused). So it may run ahead of the cost in `days` for a while, and
   * the days' cost need not add up to it: a period in a time zone other than UTC does
   * not start on a UTC day.
   */
  'taken'?: (number | string | Long);
  /**
   * budget.limit - taken: what validations may still be admitted against; negative
   * when settled actual costs went past the limit.
   */
  'remaining'?: (number | string | Long);
}

/**
 * A budget in its current period.
 */
export interface KeyBudgetSpend__Output {
  /**
   * Whose budget: the key's own, or its owner's (shared by all the owner's keys).
   */
  'scope': (_dataaccess_v1_LimitScope__Output);
  'budget': (_dataaccess_v1_Budget__Output | null);
  /**
   * The current period, on the database's clock: [period_start, reset_time).
   */
  'period_start': (_google_protobuf_Timestamp__Output | null);
  'reset_time': (_google_protobuf_Timestamp__Output | null);
  /**
   * What the budget's ledger holds as taken in the period: the actual cost charged by
   * usage writes (of every key of the owner, for an owner's budget), plus the
   * estimates of reservations still held (not yet settled, not yet expired), plus any
   * allowance servers have leased from it and not yet given back (returned within
   * seconds when unused). So it may run ahead of the cost in `days` for a while, and
   * the days' cost need not add up to it: a period in a time zone other than UTC does
   * not start on a UTC day.
   */
  'taken': (string);
  /**
   * budget.limit - taken: what validations may still be admitted against; negative
   * when settled actual costs went past the limit.
   */
  'remaining': (string);
}
