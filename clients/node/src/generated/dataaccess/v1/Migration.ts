// Original file: dataaccess/v1/operations.proto

import type { Long } from '@grpc/proto-loader';

export interface Migration {
  'version'?: (number | string | Long);
  'name'?: (string);
}

export interface Migration__Output {
  'version': (string);
  'name': (string);
}
