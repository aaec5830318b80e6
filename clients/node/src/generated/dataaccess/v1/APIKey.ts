// Original file: dataaccess/v1/api_keys.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Struct as _google_protobuf_Struct, Struct__Output as _google_protobuf_Struct__Output } from '../../google/protobuf/Struct';
import type { Limit as _dataaccess_v1_Limit, Limit__Output as _dataaccess_v1_Limit__Output } from '../../dataaccess/v1/Limit';
import type { Budget as _dataaccess_v1_Budget, Budget__Output as _dataaccess_v1_Budget__Output } from '../../dataaccess/v1/Budget';
import type { Refill as _dataaccess_v1_Refill, Refill__Output as _dataaccess_v1_Refill__Output } from '../../dataaccess/v1/Refill';
import type { Long } from '@grpc/proto-loader';

export interface APIKey {
  /**
   * Server-assigned, time-ordered UUID.
   */
  'id'?: (string);
  /**
   * The key's first 8 characters, to recognise it.
   */
  'key_prefix'?: (string);
  /**
   * At most 200 characters.
   */
  'name'?: (string);
  /**
   * At most 2000 characters.
   */
  'description'?: (string);
  /**
   * The owner (auth id) the key acts for: required, 1-256 characters.
   */
  'owner_id'?: (string);
  /**
   * Validations per minute, across every server; 0 means unlimited.
   */
  'rate_limit_per_minute'?: (number);
  /**
   * When the key stops working; unset means never.
   */
  'expire_time'?: (_google_protobuf_Timestamp | null);
  /**
   * Validations the key may still pass; unset means unlimited.
   */
  'remaining_uses'?: (number | string | Long);
  /**
   * Free-form, at most 16 KiB serialized.
   */
  'metadata'?: (_google_protobuf_Struct | null);
  /**
   * Set once revoked.
   */
  'revoke_time'?: (_google_protobuf_Timestamp | null);
  /**
   * Last successful validation, to within a few seconds.
   */
  'last_used_time'?: (_google_protobuf_Timestamp | null);
  'create_time'?: (_google_protobuf_Timestamp | null);
  'update_time'?: (_google_protobuf_Timestamp | null);
  /**
   * Named limits per fixed window (at most 16, names unique among limits and budgets).
   * The owner's limits (GetOwnerPolicy) apply as well.
   */
  'limits'?: (_dataaccess_v1_Limit)[];
  /**
   * Named spending budgets per calendar period (at most 16).
   */
  'budgets'?: (_dataaccess_v1_Budget)[];
  /**
   * A schedule that sets remaining_uses back to an amount; unset means none.
   */
  'refill'?: (_dataaccess_v1_Refill | null);
  /**
   * Models the key may be used for: exact names or patterns where "*" matches any run
   * of characters ("gpt-4o*", "*-mini"); at most 64 entries of 1-256 characters. Empty
   * means any model. A validation of a key with a list must name its model.
   */
  'allowed_models'?: (string)[];
  /**
   * Providers, in the same form; empty means any provider.
   */
  'allowed_providers'?: (string)[];
  /**
   * A disabled key answers DISABLED until enabled again (unlike revocation, which is
   * final). Set through UpdateAPIKey with the path "disabled".
   */
  'disabled'?: (boolean);
  /**
   * Output only: when the key was disabled; unset while enabled.
   */
  'disable_time'?: (_google_protobuf_Timestamp | null);
  '_remaining_uses'?: "remaining_uses";
}

export interface APIKey__Output {
  /**
   * Server-assigned, time-ordered UUID.
   */
  'id': (string);
  /**
   * The key's first 8 characters, to recognise it.
   */
  'key_prefix': (string);
  /**
   * At most 200 characters.
   */
  'name': (string);
  /**
   * At most 2000 characters.
   */
  'description': (string);
  /**
   * The owner (auth id) the key acts for: required, 1-256 characters.
   */
  'owner_id': (string);
  /**
   * Validations per minute, across every server; 0 means unlimited.
   */
  'rate_limit_per_minute': (number);
  /**
   * When the key stops working; unset means never.
   */
  'expire_time': (_google_protobuf_Timestamp__Output | null);
  /**
   * Validations the key may still pass; unset means unlimited.
   */
  'remaining_uses'?: (string);
  /**
   * Free-form, at most 16 KiB serialized.
   */
  'metadata': (_google_protobuf_Struct__Output | null);
  /**
   * Set once revoked.
   */
  'revoke_time': (_google_protobuf_Timestamp__Output | null);
  /**
   * Last successful validation, to within a few seconds.
   */
  'last_used_time': (_google_protobuf_Timestamp__Output | null);
  'create_time': (_google_protobuf_Timestamp__Output | null);
  'update_time': (_google_protobuf_Timestamp__Output | null);
  /**
   * Named limits per fixed window (at most 16, names unique among limits and budgets).
   * The owner's limits (GetOwnerPolicy) apply as well.
   */
  'limits': (_dataaccess_v1_Limit__Output)[];
  /**
   * Named spending budgets per calendar period (at most 16).
   */
  'budgets': (_dataaccess_v1_Budget__Output)[];
  /**
   * A schedule that sets remaining_uses back to an amount; unset means none.
   */
  'refill': (_dataaccess_v1_Refill__Output | null);
  /**
   * Models the key may be used for: exact names or patterns where "*" matches any run
   * of characters ("gpt-4o*", "*-mini"); at most 64 entries of 1-256 characters. Empty
   * means any model. A validation of a key with a list must name its model.
   */
  'allowed_models': (string)[];
  /**
   * Providers, in the same form; empty means any provider.
   */
  'allowed_providers': (string)[];
  /**
   * A disabled key answers DISABLED until enabled again (unlike revocation, which is
   * final). Set through UpdateAPIKey with the path "disabled".
   */
  'disabled': (boolean);
  /**
   * Output only: when the key was disabled; unset while enabled.
   */
  'disable_time': (_google_protobuf_Timestamp__Output | null);
  '_remaining_uses'?: "remaining_uses";
}
