// Original file: dataaccess/v1/operations.proto

import type { NodeRole as _dataaccess_v1_NodeRole, NodeRole__Output as _dataaccess_v1_NodeRole__Output } from '../../dataaccess/v1/NodeRole';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';
import type { PoolStats as _dataaccess_v1_PoolStats, PoolStats__Output as _dataaccess_v1_PoolStats__Output } from '../../dataaccess/v1/PoolStats';
import type { Long } from '@grpc/proto-loader';

export interface DatabaseNode {
  /**
   * Stable name: "primary", "replica-1", "replica-2", ...
   */
  'name'?: (string);
  /**
   * Connection string with any password removed.
   */
  'dsn'?: (string);
  /**
   * The role the node was configured with.
   */
  'configured_role'?: (_dataaccess_v1_NodeRole);
  /**
   * The role last observed (pg_is_in_recovery()); unspecified if never reached.
   */
  'observed_role'?: (_dataaccess_v1_NodeRole);
  /**
   * Whether the last background check reached the node.
   */
  'reachable'?: (boolean);
  /**
   * When the node was last checked.
   */
  'last_check_time'?: (_google_protobuf_Timestamp | null);
  /**
   * Why the last check failed; empty when reachable. Never contains secrets.
   */
  'last_error'?: (string);
  /**
   * Replicas: time since the last replayed transaction, when known.
   */
  'replay_lag'?: (_google_protobuf_Duration | null);
  /**
   * Replicas: WAL received but not yet replayed, in bytes, when known.
   */
  'replay_lag_bytes'?: (number | string | Long);
  /**
   * PostgreSQL server version, e.g. "18.1"; empty if never reached.
   */
  'server_version'?: (string);
  /**
   * Connection-pool statistics of this node.
   */
  'pool'?: (_dataaccess_v1_PoolStats | null);
  /**
   * Whether reads are routed to this node: a reachable replica whose replay lag is
   * within DB_REPLICA_MAX_LAG. The primary serves reads only when no replica is.
   */
  'in_rotation'?: (boolean);
  /**
   * Why the node is not in read rotation; empty when it is.
   */
  'rotation_reason'?: (string);
  /**
   * Replay position on a replica, current WAL position on a primary ("16/B374D848").
   */
  'wal_lsn'?: (string);
  '_replay_lag_bytes'?: "replay_lag_bytes";
}

export interface DatabaseNode__Output {
  /**
   * Stable name: "primary", "replica-1", "replica-2", ...
   */
  'name': (string);
  /**
   * Connection string with any password removed.
   */
  'dsn': (string);
  /**
   * The role the node was configured with.
   */
  'configured_role': (_dataaccess_v1_NodeRole__Output);
  /**
   * The role last observed (pg_is_in_recovery()); unspecified if never reached.
   */
  'observed_role': (_dataaccess_v1_NodeRole__Output);
  /**
   * Whether the last background check reached the node.
   */
  'reachable': (boolean);
  /**
   * When the node was last checked.
   */
  'last_check_time': (_google_protobuf_Timestamp__Output | null);
  /**
   * Why the last check failed; empty when reachable. Never contains secrets.
   */
  'last_error': (string);
  /**
   * Replicas: time since the last replayed transaction, when known.
   */
  'replay_lag': (_google_protobuf_Duration__Output | null);
  /**
   * Replicas: WAL received but not yet replayed, in bytes, when known.
   */
  'replay_lag_bytes'?: (string);
  /**
   * PostgreSQL server version, e.g. "18.1"; empty if never reached.
   */
  'server_version': (string);
  /**
   * Connection-pool statistics of this node.
   */
  'pool': (_dataaccess_v1_PoolStats__Output | null);
  /**
   * Whether reads are routed to this node: a reachable replica whose replay lag is
   * within DB_REPLICA_MAX_LAG. The primary serves reads only when no replica is.
   */
  'in_rotation': (boolean);
  /**
   * Why the node is not in read rotation; empty when it is.
   */
  'rotation_reason': (string);
  /**
   * Replay position on a replica, current WAL position on a primary ("16/B374D848").
   */
  'wal_lsn': (string);
  '_replay_lag_bytes'?: "replay_lag_bytes";
}
