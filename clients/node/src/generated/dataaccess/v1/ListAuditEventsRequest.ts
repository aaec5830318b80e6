// Original file: dataaccess/v1/audit.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface ListAuditEventsRequest {
  /**
   * Filters; empty ones do not filter. Exact matches.
   */
  'caller'?: (string);
  'method'?: (string);
  'resource_id'?: (string);
  'outcome'?: (string);
  /**
   * Half-open range [start_time, end_time); either may be unset.
   */
  'start_time'?: (_google_protobuf_Timestamp | null);
  'end_time'?: (_google_protobuf_Timestamp | null);
  /**
   * 0 means 50; at most 1000 (larger values are lowered to 1000).
   */
  'page_size'?: (number);
  /**
   * From a previous response, with the same filters.
   */
  'page_token'?: (string);
}

export interface ListAuditEventsRequest__Output {
  /**
   * Filters; empty ones do not filter. Exact matches.
   */
  'caller': (string);
  'method': (string);
  'resource_id': (string);
  'outcome': (string);
  /**
   * Half-open range [start_time, end_time); either may be unset.
   */
  'start_time': (_google_protobuf_Timestamp__Output | null);
  'end_time': (_google_protobuf_Timestamp__Output | null);
  /**
   * 0 means 50; at most 1000 (larger values are lowered to 1000).
   */
  'page_size': (number);
  /**
   * From a previous response, with the same filters.
   */
  'page_token': (string);
}
