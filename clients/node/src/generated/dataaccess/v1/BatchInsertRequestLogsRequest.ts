// Original file: dataaccess/v1/request_logs.proto

import type { RequestLog as _dataaccess_v1_RequestLog, RequestLog__Output as _dataaccess_v1_RequestLog__Output } from '../../dataaccess/v1/RequestLog';

export interface BatchInsertRequestLogsRequest {
  /**
   * At most DATAACCESS_MAX_BATCH (default 10,000) logs, in a message of at most
   * DATAACCESS_MAX_MESSAGE_BYTES (default 1 MiB + 1.5 KiB per log of the batch limit,
   * about 16 MiB): logs with long texts fill it before the count does.
   */
  'logs'?: (_dataaccess_v1_RequestLog)[];
}

export interface BatchInsertRequestLogsRequest__Output {
  /**
   * At most DATAACCESS_MAX_BATCH (default 10,000) logs, in a message of at most
   * DATAACCESS_MAX_MESSAGE_BYTES (default 1 MiB + 1.5 KiB per log of the batch limit,
   * about 16 MiB): logs with long texts fill it before the count does.
   */
  'logs': (_dataaccess_v1_RequestLog__Output)[];
}
