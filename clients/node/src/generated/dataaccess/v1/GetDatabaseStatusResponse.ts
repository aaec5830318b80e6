// Original file: dataaccess/v1/operations.proto

import type { DatabaseNode as _dataaccess_v1_DatabaseNode, DatabaseNode__Output as _dataaccess_v1_DatabaseNode__Output } from '../../dataaccess/v1/DatabaseNode';
import type { SchemaStatus as _dataaccess_v1_SchemaStatus, SchemaStatus__Output as _dataaccess_v1_SchemaStatus__Output } from '../../dataaccess/v1/SchemaStatus';
import type { ServerProcess as _dataaccess_v1_ServerProcess, ServerProcess__Output as _dataaccess_v1_ServerProcess__Output } from '../../dataaccess/v1/ServerProcess';

export interface GetDatabaseStatusResponse {
  /**
   * The primary first, then replicas in configuration order.
   */
  'nodes'?: (_dataaccess_v1_DatabaseNode)[];
  /**
   * Migration state of the schema on the primary.
   */
  'schema'?: (_dataaccess_v1_SchemaStatus | null);
  /**
   * The server process that answered: under `dataaccess serve --workers N`,
   * one of N processes sharing the port, each with its own pools.
   */
  'server'?: (_dataaccess_v1_ServerProcess | null);
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
  /**
   * The server process that answered: under `dataaccess serve --workers N`,
   * one of N processes sharing the port, each with its own pools.
   */
  'server': (_dataaccess_v1_ServerProcess__Output | null);
}
