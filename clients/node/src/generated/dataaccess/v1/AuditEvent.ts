// Original file: dataaccess/v1/audit.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface AuditEvent {
  /**
   * Server-assigned UUID.
   */
  'id'?: (string);
  'event_time'?: (_google_protobuf_Timestamp | null);
  /**
   * Who called: a certificate identity (URI SAN, DNS SAN or CN), "bearer:<name>" for
   * a bearer credential, "anonymous" with authentication off, or "cli:<user>" for the
   * `dataaccess callers` command.
   */
  'caller'?: (string);
  /**
   * The full gRPC method ("/dataaccess.v1.OAuthTokenService/GetOAuthToken"), or the
   * command ("callers.create").
   */
  'method'?: (string);
  /**
   * What was read or changed: a token or key id, "provider/user_id", a caller name,
   * "<config name>@<version>"; empty when the request named nothing valid.
   */
  'resource_id'?: (string);
  /**
   * The call's gRPC status code name: "OK", "PERMISSION_DENIED", "NOT_FOUND", ...
   */
  'outcome'?: (string);
  /**
   * The caller's address as the server saw it ("ipv4:10.0.0.7:53211").
   */
  'peer'?: (string);
}

export interface AuditEvent__Output {
  /**
   * Server-assigned UUID.
   */
  'id': (string);
  'event_time': (_google_protobuf_Timestamp__Output | null);
  /**
   * Who called: a certificate identity (URI SAN, DNS SAN or CN), "bearer:<name>" for
   * a bearer credential, "anonymous" with authentication off, or "cli:<user>" for the
   * `dataaccess callers` command.
   */
  'caller': (string);
  /**
   * The full gRPC method ("/dataaccess.v1.OAuthTokenService/GetOAuthToken"), or the
   * command ("callers.create").
   */
  'method': (string);
  /**
   * What was read or changed: a token or key id, "provider/user_id", a caller name,
   * "<config name>@<version>"; empty when the request named nothing valid.
   */
  'resource_id': (string);
  /**
   * The call's gRPC status code name: "OK", "PERMISSION_DENIED", "NOT_FOUND", ...
   */
  'outcome': (string);
  /**
   * The caller's address as the server saw it ("ipv4:10.0.0.7:53211").
   */
  'peer': (string);
}
