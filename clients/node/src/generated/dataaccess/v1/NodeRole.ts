// Original file: dataaccess/v1/operations.proto

/**
 * The role a database node plays.
 */
export const NodeRole = {
  NODE_ROLE_UNSPECIFIED: 'NODE_ROLE_UNSPECIFIED',
  /**
   * Accepts writes (pg_is_in_recovery() is false).
   */
  NODE_ROLE_PRIMARY: 'NODE_ROLE_PRIMARY',
  /**
   * A streaming replica in recovery; read-only.
   */
  NODE_ROLE_REPLICA: 'NODE_ROLE_REPLICA',
} as const;

/**
 * The role a database node plays.
 */
export type NodeRole =
  | 'NODE_ROLE_UNSPECIFIED'
  | 0
  /**
   * Accepts writes (pg_is_in_recovery() is false).
   */
  | 'NODE_ROLE_PRIMARY'
  | 1
  /**
   * A streaming replica in recovery; read-only.
   */
  | 'NODE_ROLE_REPLICA'
  | 2

/**
 * The role a database node plays.
 */
export type NodeRole__Output = typeof NodeRole[keyof typeof NodeRole]
