// Original file: dataaccess/v1/request_logs.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Long } from '@grpc/proto-loader';

export interface RequestLog {
  /**
   * The caller's id of the request: 1-128 characters.
   */
  'request_id'?: (string);
  /**
   * When the request happened: required (with request_id it identifies the log, so a
   * resend is recognised). From midnight UTC DB_LOG_RETENTION_DAYS (default 30) days
   * back to 1 day ahead; one batch or stream message spans at most
   * DATAACCESS_MAX_BATCH_DAYS (default 3) distinct UTC days.
   */
  'request_time'?: (_google_protobuf_Timestamp | null);
  /**
   * 1-64 characters.
   */
  'provider'?: (string);
  /**
   * At most 256 characters.
   */
  'model'?: (string);
  /**
   * At most 256 characters.
   */
  'auth_id'?: (string);
  /**
   * A UUID, or empty.
   */
  'api_key_id'?: (string);
  /**
   * IPv4 or IPv6 address (without a zone id such as %eth0), or empty.
   */
  'client_ip'?: (string);
  /**
   * At most 1024 characters (longer ones are cut).
   */
  'user_agent'?: (string);
  /**
   * At most 16 characters.
   */
  'method'?: (string);
  /**
   * At most 2048 characters (longer ones are cut).
   */
  'path'?: (string);
  /**
   * 100-599, or 0 when the request failed before any status.
   */
  'status_code'?: (number);
  /**
   * 0 to 2147483647 (stored as a 32-bit integer).
   */
  'latency_ms'?: (number | string | Long);
  'input_tokens'?: (number | string | Long);
  'output_tokens'?: (number | string | Long);
  /**
   * At most 4096 characters (longer ones are cut).
   */
  'error_message'?: (string);
}

export interface RequestLog__Output {
  /**
   * The caller's id of the request: 1-128 characters.
   */
  'request_id': (string);
  /**
   * When the request happened: required (with request_id it identifies the log, so a
   * resend is recognised). From midnight UTC DB_LOG_RETENTION_DAYS (default 30) days
   * back to 1 day ahead; one batch or stream message spans at most
   * DATAACCESS_MAX_BATCH_DAYS (default 3) distinct UTC days.
   */
  'request_time': (_google_protobuf_Timestamp__Output | null);
  /**
   * 1-64 characters.
   */
  'provider': (string);
  /**
   * At most 256 characters.
   */
  'model': (string);
  /**
   * At most 256 characters.
   */
  'auth_id': (string);
  /**
   * A UUID, or empty.
   */
  'api_key_id': (string);
  /**
   * IPv4 or IPv6 address (without a zone id such as %eth0), or empty.
   */
  'client_ip': (string);
  /**
   * At most 1024 characters (longer ones are cut).
   */
  'user_agent': (string);
  /**
   * At most 16 characters.
   */
  'method': (string);
  /**
   * At most 2048 characters (longer ones are cut).
   */
  'path': (string);
  /**
   * 100-599, or 0 when the request failed before any status.
   */
  'status_code': (number);
  /**
   * 0 to 2147483647 (stored as a 32-bit integer).
   */
  'latency_ms': (string);
  'input_tokens': (string);
  'output_tokens': (string);
  /**
   * At most 4096 characters (longer ones are cut).
   */
  'error_message': (string);
}
