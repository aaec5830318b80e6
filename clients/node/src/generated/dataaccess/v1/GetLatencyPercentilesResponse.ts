// Original file: dataaccess/v1/analytics.proto

import type { LatencyRow as _dataaccess_v1_LatencyRow, LatencyRow__Output as _dataaccess_v1_LatencyRow__Output } from '../../dataaccess/v1/LatencyRow';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface GetLatencyPercentilesResponse {
  /**
   * By provider then model; no row for a group without logs in the range.
   */
  'rows'?: (_dataaccess_v1_LatencyRow)[];
  'start_time'?: (_google_protobuf_Timestamp | null);
  'end_time'?: (_google_protobuf_Timestamp | null);
  'as_of_time'?: (_google_protobuf_Timestamp | null);
}

export interface GetLatencyPercentilesResponse__Output {
  /**
   * By provider then model; no row for a group without logs in the range.
   */
  'rows': (_dataaccess_v1_LatencyRow__Output)[];
  'start_time': (_google_protobuf_Timestamp__Output | null);
  'end_time': (_google_protobuf_Timestamp__Output | null);
  'as_of_time': (_google_protobuf_Timestamp__Output | null);
}
