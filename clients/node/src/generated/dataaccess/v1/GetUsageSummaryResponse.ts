// Original file: dataaccess/v1/analytics.proto

import type { UsageSummaryRow as _dataaccess_v1_UsageSummaryRow, UsageSummaryRow__Output as _dataaccess_v1_UsageSummaryRow__Output } from '../../dataaccess/v1/UsageSummaryRow';
import type { UsageTotals as _dataaccess_v1_UsageTotals, UsageTotals__Output as _dataaccess_v1_UsageTotals__Output } from '../../dataaccess/v1/UsageTotals';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface GetUsageSummaryResponse {
  /**
   * One row per provider and model with usage in the range, by provider then model.
   */
  'rows'?: (_dataaccess_v1_UsageSummaryRow)[];
  /**
   * Sums over every row; distinct_auths counts each auth once across all rows.
   */
  'total'?: (_dataaccess_v1_UsageTotals | null);
  /**
   * The data reflects every write committed up to this time: the time of the call on
   * the primary; on a replica, how far it has replayed. The same in every response of
   * this service. Unset only when a replica cannot tell (it has replayed nothing since
   * it started and is not streaming from the primary).
   */
  'as_of_time'?: (_google_protobuf_Timestamp | null);
}

export interface GetUsageSummaryResponse__Output {
  /**
   * One row per provider and model with usage in the range, by provider then model.
   */
  'rows': (_dataaccess_v1_UsageSummaryRow__Output)[];
  /**
   * Sums over every row; distinct_auths counts each auth once across all rows.
   */
  'total': (_dataaccess_v1_UsageTotals__Output | null);
  /**
   * The data reflects every write committed up to this time: the time of the call on
   * the primary; on a replica, how far it has replayed. The same in every response of
   * this service. Unset only when a replica cannot tell (it has replayed nothing since
   * it started and is not streaming from the primary).
   */
  'as_of_time': (_google_protobuf_Timestamp__Output | null);
}
