// Original file: dataaccess/v1/operations.proto

import type { DatabaseNode as _dataaccess_v1_DatabaseNode, DatabaseNode__Output as _dataaccess_v1_DatabaseNode__Output } from '../../dataaccess/v1/DatabaseNode';
import type { SchemaStatus as _dataaccess_v1_SchemaStatus, SchemaStatus__Output as _dataaccess_v1_SchemaStatus__Output } from '../../dataaccess/v1/SchemaStatus';

export interface GetDatabaseStatusResponse {
  /**
   * The primary first, then replicas in configuration order.
   */
  'nodes'?: (_dataaccess_v1_DatabaseNode)[];
  /**
   * Migration state of the schema on the primary.
   */
  'schema'?: (_dataaccess_v1_SchemaStatus | null);
}

export interface GetDatabaseStatusResponse__Output {
  /**
   * The primary first, then replicas in configuration order.
   */
  'nodes': (_dataaccess_v1_DatabaseNode__Output)[];
  /**
   * Migration state of the schema on the primary.
   */
  'schema': (_dataaccess_v1_SchemaStatus__Output | null);
}
