// Original file: dataaccess/v1/oauth_tokens.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface ListOAuthTokensRequest {
  /**
   * Filters; empty ones do not filter.
   */
  'provider'?: (string);
  'user_id'?: (string);
  'email'?: (string);
  /**
   * Only active tokens.
   */
  'active_only'?: (boolean);
  /**
   * Only tokens expiring before this time.
   */
  'expiring_before'?: (_google_protobuf_Timestamp | null);
  /**
   * 0 means 50; at most 1000 (larger values are lowered to 1000).
   */
  'page_size'?: (number);
  /**
   * From a previous response, with the same filters.
   */
  'page_token'?: (string);
  'consistency_token'?: (string);
}

export interface ListOAuthTokensRequest__Output {
  /**
   * Filters; empty ones do not filter.
   */
  'provider': (string);
  'user_id': (string);
  'email': (string);
  /**
   * Only active tokens.
   */
  'active_only': (boolean);
  /**
   * Only tokens expiring before this time.
   */
  'expiring_before': (_google_protobuf_Timestamp__Output | null);
  /**
   * 0 means 50; at most 1000 (larger values are lowered to 1000).
   */
  'page_size': (number);
  /**
   * From a previous response, with the same filters.
   */
  'page_token': (string);
  'consistency_token': (string);
}
