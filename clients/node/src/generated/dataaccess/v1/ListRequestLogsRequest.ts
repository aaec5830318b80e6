// Original file: dataaccess/v1/request_logs.proto

import type { StatusClass as _dataaccess_v1_StatusClass, StatusClass__Output as _dataaccess_v1_StatusClass__Output } from '../../dataaccess/v1/StatusClass';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface ListRequestLogsRequest {
  /**
   * Filters; empty ones do not filter.
   */
  'auth_id'?: (string);
  'provider'?: (string);
  'model'?: (string);
  'status_class'?: (_dataaccess_v1_StatusClass);
  /**
   * Half-open range [start_time, end_time); either may be unset.
   */
  'start_time'?: (_google_protobuf_Timestamp | null);
  'end_time'?: (_google_protobuf_Timestamp | null);
  /**
   * 0 means 50; at most 1000 (larger values are lowered to 1000).
   */
  'page_size'?: (number);
  'page_token'?: (string);
}

export interface ListRequestLogsRequest__Output {
  /**
   * Filters; empty ones do not filter.
   */
  'auth_id': (string);
  'provider': (string);
  'model': (string);
  'status_class': (_dataaccess_v1_StatusClass__Output);
  /**
   * Half-open range [start_time, end_time); either may be unset.
   */
  'start_time': (_google_protobuf_Timestamp__Output | null);
  'end_time': (_google_protobuf_Timestamp__Output | null);
  /**
   * 0 means 50; at most 1000 (larger values are lowered to 1000).
   */
  'page_size': (number);
  'page_token': (string);
}
