// Original file: dataaccess/v1/analytics.proto

import type { ErrorRate as _dataaccess_v1_ErrorRate, ErrorRate__Output as _dataaccess_v1_ErrorRate__Output } from '../../dataaccess/v1/ErrorRate';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface GetErrorRatesResponse {
  /**
   * Highest error rate first; ties by more requests, then provider and model.
   */
  'rates'?: (_dataaccess_v1_ErrorRate)[];
  /**
   * The range used: the request's, widened to whole hours.
   */
  'start_time'?: (_google_protobuf_Timestamp | null);
  'end_time'?: (_google_protobuf_Timestamp | null);
  'as_of_time'?: (_google_protobuf_Timestamp | null);
}

export interface GetErrorRatesResponse__Output {
  /**
   * Highest error rate first; ties by more requests, then provider and model.
   */
  'rates': (_dataaccess_v1_ErrorRate__Output)[];
  /**
   * The range used: the request's, widened to whole hours.
   */
  'start_time': (_google_protobuf_Timestamp__Output | null);
  'end_time': (_google_protobuf_Timestamp__Output | null);
  'as_of_time': (_google_protobuf_Timestamp__Output | null);
}
