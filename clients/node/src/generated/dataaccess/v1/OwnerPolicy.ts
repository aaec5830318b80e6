// Original file: dataaccess/v1/api_keys.proto

import type { Limit as _dataaccess_v1_Limit, Limit__Output as _dataaccess_v1_Limit__Output } from '../../dataaccess/v1/Limit';
import type { Budget as _dataaccess_v1_Budget, Budget__Output as _dataaccess_v1_Budget__Output } from '../../dataaccess/v1/Budget';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

/**
 * The limits and budgets every key of one owner shares.
 */
export interface OwnerPolicy {
  /**
   * 1-256 characters, as APIKey.owner_id.
   */
  'owner_id'?: (string);
  /**
   * As APIKey.limits and APIKey.budgets: at most 16 each.
   */
  'limits'?: (_dataaccess_v1_Limit)[];
  'budgets'?: (_dataaccess_v1_Budget)[];
  /**
   * Output only: unset when no policy was ever set.
   */
  'update_time'?: (_google_protobuf_Timestamp | null);
}

/**
 * The limits and budgets every key of one owner shares.
 */
export interface OwnerPolicy__Output {
  /**
   * 1-256 characters, as APIKey.owner_id.
   */
  'owner_id': (string);
  /**
   * As APIKey.limits and APIKey.budgets: at most 16 each.
   */
  'limits': (_dataaccess_v1_Limit__Output)[];
  'budgets': (_dataaccess_v1_Budget__Output)[];
  /**
   * Output only: unset when no policy was ever set.
   */
  'update_time': (_google_protobuf_Timestamp__Output | null);
}
