// Original file: dataaccess/v1/api_keys.proto

import type { OwnerPolicy as _dataaccess_v1_OwnerPolicy, OwnerPolicy__Output as _dataaccess_v1_OwnerPolicy__Output } from '../../dataaccess/v1/OwnerPolicy';

export interface GetOwnerPolicyResponse {
  'policy'?: (_dataaccess_v1_OwnerPolicy | null);
}

export interface GetOwnerPolicyResponse__Output {
  'policy': (_dataaccess_v1_OwnerPolicy__Output | null);
}
