// Original file: dataaccess/v1/analytics.proto

import type { UsageTotals as _dataaccess_v1_UsageTotals, UsageTotals__Output as _dataaccess_v1_UsageTotals__Output } from '../../dataaccess/v1/UsageTotals';

export interface UsageSummaryRow {
  'provider'?: (string);
  'model'?: (string);
  'totals'?: (_dataaccess_v1_UsageTotals | null);
}

export interface UsageSummaryRow__Output {
  'provider': (string);
  'model': (string);
  'totals': (_dataaccess_v1_UsageTotals__Output | null);
}
