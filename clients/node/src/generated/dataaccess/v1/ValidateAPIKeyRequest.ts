// Original file: dataaccess/v1/api_keys.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';
import type { Long } from '@grpc/proto-loader';

export interface ValidateAPIKeyRequest {
  /**
   * The key as presented: 1-256 printable characters.
   */
  'key'?: (string);
  /**
   * The model and provider the call is for (at most 256 and 64 characters), checked
   * against the key's allowed lists.
   */
  'model'?: (string);
  'provider'?: (string);
  /**
   * What this call costs, charged to the limits of each unit when it is admitted: 0
   * requests means 1; tokens and cost (micro-units) default to 0. Each at most 2^53.
   * A budget is not charged by a validation (usage writes charge it) unless the
   * validation reserves; it refuses a validation whose cost is more than it has left.
   */
  'requests'?: (number | string | Long);
  'tokens'?: (number | string | Long);
  'cost'?: (number | string | Long);
  /**
   * Reserve: hold requests, tokens and cost as an estimate against every limit and
   * budget that applies, until a usage write settles the reservation (UsageRecord
   * reservation_id, or an UpsertUsage whose request_id is this request_id) with the
   * actual figures, or until it expires and releases itself. Only for a valid answer.
   */
  'reserve'?: (boolean);
  /**
   * How long an unsettled reservation holds: unset means 10 minutes; 1 s to 24 hours.
   */
  'reservation_ttl'?: (_google_protobuf_Duration | null);
  /**
   * With reserve, optional idempotency key (1-128 characters): a retried validation
   * returns the first reservation instead of holding again, and an UpsertUsage with the
   * same request_id settles it.
   */
  'request_id'?: (string);
}

export interface ValidateAPIKeyRequest__Output {
  /**
   * The key as presented: 1-256 printable characters.
   */
  'key': (string);
  /**
   * The model and provider the call is for (at most 256 and 64 characters), checked
   * against the key's allowed lists.
   */
  'model': (string);
  'provider': (string);
  /**
   * What this call costs, charged to the limits of each unit when it is admitted: 0
   * requests means 1; tokens and cost (micro-units) default to 0. Each at most 2^53.
   * A budget is not charged by a validation (usage writes charge it) unless the
   * validation reserves; it refuses a validation whose cost is more than it has left.
   */
  'requests': (string);
  'tokens': (string);
  'cost': (string);
  /**
   * Reserve: hold requests, tokens and cost as an estimate against every limit and
   * budget that applies, until a usage write settles the reservation (UsageRecord
   * reservation_id, or an UpsertUsage whose request_id is this request_id) with the
   * actual figures, or until it expires and releases itself. Only for a valid answer.
   */
  'reserve': (boolean);
  /**
   * How long an unsettled reservation holds: unset means 10 minutes; 1 s to 24 hours.
   */
  'reservation_ttl': (_google_protobuf_Duration__Output | null);
  /**
   * With reserve, optional idempotency key (1-128 characters): a retried validation
   * returns the first reservation instead of holding again, and an UpsertUsage with the
   * same request_id settles it.
   */
  'request_id': (string);
}
