// Original file: dataaccess/v1/request_logs.proto

import type { Long } from '@grpc/proto-loader';

export interface StreamRequestLogsResponse {
  'inserted'?: (number | string | Long);
  'duplicates'?: (number | string | Long);
  /**
   * Messages received on the stream.
   */
  'messages'?: (number | string | Long);
}

export interface StreamRequestLogsResponse__Output {
  'inserted': (string);
  'duplicates': (string);
  /**
   * Messages received on the stream.
   */
  'messages': (string);
}
