// Original file: dataaccess/v1/operations.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One process of the service.
 */
export interface ServerProcess {
  /**
   * Its operating-system process id.
   */
  'pid'?: (number | string | Long);
  /**
   * Its worker number, 1 to N under `serve --workers N`; 0 when the server is
   * a single process.
   */
  'worker'?: (number);
}

/**
 * One process of the service.
 */
export interface ServerProcess__Output {
  /**
   * Its operating-system process id.
   */
  'pid': (string);
  /**
   * Its worker number, 1 to N under `serve --workers N`; 0 when the server is
   * a single process.
   */
  'worker': (number);
}
