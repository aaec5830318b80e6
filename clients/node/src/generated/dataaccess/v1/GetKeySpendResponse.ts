// Original file: dataaccess/v1/analytics.proto

import type { KeySpendDay as _dataaccess_v1_KeySpendDay, KeySpendDay__Output as _dataaccess_v1_KeySpendDay__Output } from '../../dataaccess/v1/KeySpendDay';
import type { KeySpendTotals as _dataaccess_v1_KeySpendTotals, KeySpendTotals__Output as _dataaccess_v1_KeySpendTotals__Output } from '../../dataaccess/v1/KeySpendTotals';
import type { KeyBudgetSpend as _dataaccess_v1_KeyBudgetSpend, KeyBudgetSpend__Output as _dataaccess_v1_KeyBudgetSpend__Output } from '../../dataaccess/v1/KeyBudgetSpend';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface GetKeySpendResponse {
  /**
   * Every day of the range, oldest first; days without spend are zeros.
   */
  'days'?: (_dataaccess_v1_KeySpendDay)[];
  /**
   * Sums over the days.
   */
  'total'?: (_dataaccess_v1_KeySpendTotals | null);
  /**
   * For a key: its own budgets, then its owner's; for an owner: the owner's budgets.
   * Each by name. Empty when none applies.
   */
  'budgets'?: (_dataaccess_v1_KeyBudgetSpend)[];
  'as_of_time'?: (_google_protobuf_Timestamp | null);
}

export interface GetKeySpendResponse__Output {
  /**
   * Every day of the range, oldest first; days without spend are zeros.
   */
  'days': (_dataaccess_v1_KeySpendDay__Output)[];
  /**
   * Sums over the days.
   */
  'total': (_dataaccess_v1_KeySpendTotals__Output | null);
  /**
   * For a key: its own budgets, then its owner's; for an owner: the owner's budgets.
   * Each by name. Empty when none applies.
   */
  'budgets': (_dataaccess_v1_KeyBudgetSpend__Output)[];
  'as_of_time': (_google_protobuf_Timestamp__Output | null);
}
