// Original file: dataaccess/v1/request_logs.proto

/**
 * Which statuses to list.
 */
export const StatusClass = {
  STATUS_CLASS_UNSPECIFIED: 'STATUS_CLASS_UNSPECIFIED',
  /**
   * 200-299.
   */
  STATUS_CLASS_SUCCESS: 'STATUS_CLASS_SUCCESS',
  /**
   * 400-499.
   */
  STATUS_CLASS_CLIENT_ERROR: 'STATUS_CLASS_CLIENT_ERROR',
  /**
   * 500-599, and 0 (no status).
   */
  STATUS_CLASS_SERVER_ERROR: 'STATUS_CLASS_SERVER_ERROR',
} as const;

/**
 * Which statuses to list.
 */
export type StatusClass =
  | 'STATUS_CLASS_UNSPECIFIED'
  | 0
  /**
   * 200-299.
   */
  | 'STATUS_CLASS_SUCCESS'
  | 1
  /**
   * 400-499.
   */
  | 'STATUS_CLASS_CLIENT_ERROR'
  | 2
  /**
   * 500-599, and 0 (no status).
   */
  | 'STATUS_CLASS_SERVER_ERROR'
  | 3

/**
 * Which statuses to list.
 */
export type StatusClass__Output = typeof StatusClass[keyof typeof StatusClass]
