// Original file: dataaccess/v1/operations.proto

import type { Migration as _dataaccess_v1_Migration, Migration__Output as _dataaccess_v1_Migration__Output } from '../../dataaccess/v1/Migration';
import type { Long } from '@grpc/proto-loader';

export interface SchemaStatus {
  /**
   * Whether the primary could be read; when false the fields below that
   * describe the database are unset.
   */
  'known'?: (boolean);
  /**
   * Highest applied migration version; 0 when none is applied.
   */
  'current_version'?: (number | string | Long);
  /**
   * Highest migration version this server knows.
   */
  'latest_version'?: (number | string | Long);
  /**
   * Known migrations not yet applied, in order.
   */
  'pending_migrations'?: (_dataaccess_v1_Migration)[];
  /**
   * Applied migrations whose file changed since (checksum drift).
   */
  'drifted_migrations'?: (_dataaccess_v1_Migration)[];
}

export interface SchemaStatus__Output {
  /**
   * Whether the primary could be read; when false the fields below that
   * describe the database are unset.
   */
  'known': (boolean);
  /**
   * Highest applied migration version; 0 when none is applied.
   */
  'current_version': (string);
  /**
   * Highest migration version this server knows.
   */
  'latest_version': (string);
  /**
   * Known migrations not yet applied, in order.
   */
  'pending_migrations': (_dataaccess_v1_Migration__Output)[];
  /**
   * Applied migrations whose file changed since (checksum drift).
   */
  'drifted_migrations': (_dataaccess_v1_Migration__Output)[];
}
