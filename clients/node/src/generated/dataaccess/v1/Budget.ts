// Original file: dataaccess/v1/api_keys.proto

import type { BudgetPeriod as _dataaccess_v1_BudgetPeriod, BudgetPeriod__Output as _dataaccess_v1_BudgetPeriod__Output } from '../../dataaccess/v1/BudgetPeriod';
import type { Long } from '@grpc/proto-loader';

/**
 * A spending budget (in cost units) that starts afresh every period. Usage writes that
 * name the key (UsageRecord.api_key_id) charge their cost to it; validations are
 * refused with BUDGET_EXCEEDED once nothing is left (or less than a validation's stated
 * cost). A reservation holds its estimated cost against the budget until settled. A
 * validation without a reservation judges by this server's view of what is left, read
 * again every second: a usage write through another server shows within a second.
 * Periods are computed by the database in the budget's time zone: a period starts at
 * the local midnight of its day (the first instant after it when a daylight-saving
 * change skips midnight, its second occurrence, in standard time, when midnight
 * repeats), never by a job that could run late or twice.
 */
export interface Budget {
  /**
   * As Limit.name.
   */
  'name'?: (string);
  /**
   * Cost units per period: at least 1.
   */
  'limit'?: (number | string | Long);
  /**
   * Required.
   */
  'period'?: (_dataaccess_v1_BudgetPeriod);
  /**
   * WEEKLY: the ISO weekday the period starts on, 1 (Monday) to 7; MONTHLY: the day of
   * the month, 1 to 31 (past a month's last day, its last day). 0 means 1; DAILY: 0.
   */
  'anchor'?: (number);
  /**
   * An IANA time zone ("America/New_York"); empty means UTC. The machine's own zone
   * ("localtime", "posixrules") is refused: it names another place on another host.
   */
  'time_zone'?: (string);
}

/**
 * A spending budget (in cost units) that starts afresh every period. Usage writes that
 * name the key (UsageRecord.api_key_id) charge their cost to it; validations are
 * refused with BUDGET_EXCEEDED once nothing is left (or less than a validation's stated
 * cost). A reservation holds its estimated cost against the budget until settled. A
 * validation without a reservation judges by this server's view of what is left, read
 * again every second: a usage write through another server shows within a second.
 * Periods are computed by the database in the budget's time zone: a period starts at
 * the local midnight of its day (the first instant after it when a daylight-saving
 * change skips midnight, its second occurrence, in standard time, when midnight
 * repeats), never by a job that could run late or twice.
 */
export interface Budget__Output {
  /**
   * As Limit.name.
   */
  'name': (string);
  /**
   * Cost units per period: at least 1.
   */
  'limit': (string);
  /**
   * Required.
   */
  'period': (_dataaccess_v1_BudgetPeriod__Output);
  /**
   * WEEKLY: the ISO weekday the period starts on, 1 (Monday) to 7; MONTHLY: the day of
   * the month, 1 to 31 (past a month's last day, its last day). 0 means 1; DAILY: 0.
   */
  'anchor': (number);
  /**
   * An IANA time zone ("America/New_York"); empty means UTC. The machine's own zone
   * ("localtime", "posixrules") is refused: it names another place on another host.
   */
  'time_zone': (string);
}
