// Original file: dataaccess/v1/api_keys.proto


export interface GetOwnerPolicyRequest {
  'owner_id'?: (string);
}

export interface GetOwnerPolicyRequest__Output {
  'owner_id': (string);
}
