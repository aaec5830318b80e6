// Original file: dataaccess/v1/analytics.proto

import type { KeySpendTotals as _dataaccess_v1_KeySpendTotals, KeySpendTotals__Output as _dataaccess_v1_KeySpendTotals__Output } from '../../dataaccess/v1/KeySpendTotals';

export interface KeySpendDay {
  /**
   * "YYYY-MM-DD", UTC.
   */
  'date'?: (string);
  'spend'?: (_dataaccess_v1_KeySpendTotals | null);
}

export interface KeySpendDay__Output {
  /**
   * "YYYY-MM-DD", UTC.
   */
  'date': (string);
  'spend': (_dataaccess_v1_KeySpendTotals__Output | null);
}
