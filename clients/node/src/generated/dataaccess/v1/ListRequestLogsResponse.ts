// Original file: dataaccess/v1/request_logs.proto

import type { RequestLog as _dataaccess_v1_RequestLog, RequestLog__Output as _dataaccess_v1_RequestLog__Output } from '../../dataaccess/v1/RequestLog';

export interface ListRequestLogsResponse {
  'logs'?: (_dataaccess_v1_RequestLog)[];
  'next_page_token'?: (string);
}

export interface ListRequestLogsResponse__Output {
  'logs': (_dataaccess_v1_RequestLog__Output)[];
  'next_page_token': (string);
}
