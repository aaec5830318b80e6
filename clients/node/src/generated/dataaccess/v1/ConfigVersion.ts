// Original file: dataaccess/v1/configs.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Long } from '@grpc/proto-loader';

/**
 * One immutable version of a config.
 */
export interface ConfigVersion {
  /**
   * The config's name.
   */
  'name'?: (string);
  /**
   * 1 for the first version of the name, then 2, 3, ... with no gaps.
   */
  'version'?: (number | string | Long);
  /**
   * The YAML text, exactly as given.
   */
  'yaml'?: (string);
  /**
   * SHA-256 of the UTF-8 text, lowercase hex.
   */
  'sha256'?: (string);
  /**
   * Size of the UTF-8 text in bytes.
   */
  'size_bytes'?: (number | string | Long);
  /**
   * When the version was stored (the database's clock).
   */
  'create_time'?: (_google_protobuf_Timestamp | null);
  /**
   * Who stored it: the caller's identity ("bearer:<name>", a certificate identity, or
   * "anonymous" with authentication off).
   */
  'created_by'?: (string);
  /**
   * Whether this is the name's active version at the time of the answer.
   */
  'active'?: (boolean);
}

/**
 * One immutable version of a config.
 */
export interface ConfigVersion__Output {
  /**
   * The config's name.
   */
  'name': (string);
  /**
   * 1 for the first version of the name, then 2, 3, ... with no gaps.
   */
  'version': (string);
  /**
   * The YAML text, exactly as given.
   */
  'yaml': (string);
  /**
   * SHA-256 of the UTF-8 text, lowercase hex.
   */
  'sha256': (string);
  /**
   * Size of the UTF-8 text in bytes.
   */
  'size_bytes': (string);
  /**
   * When the version was stored (the database's clock).
   */
  'create_time': (_google_protobuf_Timestamp__Output | null);
  /**
   * Who stored it: the caller's identity ("bearer:<name>", a certificate identity, or
   * "anonymous" with authentication off).
   */
  'created_by': (string);
  /**
   * Whether this is the name's active version at the time of the answer.
   */
  'active': (boolean);
}
