// Original file: dataaccess/v1/analytics.proto

import type { AuthUsage as _dataaccess_v1_AuthUsage, AuthUsage__Output as _dataaccess_v1_AuthUsage__Output } from '../../dataaccess/v1/AuthUsage';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface GetTopAuthsByUsageResponse {
  /**
   * Highest first; ties by auth_id.
   */
  'auths'?: (_dataaccess_v1_AuthUsage)[];
  'as_of_time'?: (_google_protobuf_Timestamp | null);
}

export interface GetTopAuthsByUsageResponse__Output {
  /**
   * Highest first; ties by auth_id.
   */
  'auths': (_dataaccess_v1_AuthUsage__Output)[];
  'as_of_time': (_google_protobuf_Timestamp__Output | null);
}
