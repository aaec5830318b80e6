// Original file: dataaccess/v1/api_keys.proto

import type { OwnerPolicy as _dataaccess_v1_OwnerPolicy, OwnerPolicy__Output as _dataaccess_v1_OwnerPolicy__Output } from '../../dataaccess/v1/OwnerPolicy';
import type { FieldMask as _google_protobuf_FieldMask, FieldMask__Output as _google_protobuf_FieldMask__Output } from '../../google/protobuf/FieldMask';

export interface UpdateOwnerPolicyRequest {
  /**
   * policy.owner_id names the owner (who need not have keys yet).
   */
  'policy'?: (_dataaccess_v1_OwnerPolicy | null);
  /**
   * Allowed paths: limits, budgets. Required.
   */
  'update_mask'?: (_google_protobuf_FieldMask | null);
}

export interface UpdateOwnerPolicyRequest__Output {
  /**
   * policy.owner_id names the owner (who need not have keys yet).
   */
  'policy': (_dataaccess_v1_OwnerPolicy__Output | null);
  /**
   * Allowed paths: limits, budgets. Required.
   */
  'update_mask': (_google_protobuf_FieldMask__Output | null);
}
