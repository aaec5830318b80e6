// Original file: dataaccess/v1/request_logs.proto

import type { RequestLog as _dataaccess_v1_RequestLog, RequestLog__Output as _dataaccess_v1_RequestLog__Output } from '../../dataaccess/v1/RequestLog';

export interface StreamRequestLogsRequest {
  /**
   * Each message holds at most DATAACCESS_MAX_BATCH logs and DATAACCESS_MAX_MESSAGE_BYTES.
   */
  'logs'?: (_dataaccess_v1_RequestLog)[];
}

export interface StreamRequestLogsRequest__Output {
  /**
   * Each message holds at most DATAACCESS_MAX_BATCH logs and DATAACCESS_MAX_MESSAGE_BYTES.
   */
  'logs': (_dataaccess_v1_RequestLog__Output)[];
}
