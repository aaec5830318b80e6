// Original file: dataaccess/v1/audit.proto

import type { AuditEvent as _dataaccess_v1_AuditEvent, AuditEvent__Output as _dataaccess_v1_AuditEvent__Output } from '../../dataaccess/v1/AuditEvent';

export interface ListAuditEventsResponse {
  'events'?: (_dataaccess_v1_AuditEvent)[];
  /**
   * Empty on the last page.
   */
  'next_page_token'?: (string);
}

export interface ListAuditEventsResponse__Output {
  'events': (_dataaccess_v1_AuditEvent__Output)[];
  /**
   * Empty on the last page.
   */
  'next_page_token': (string);
}
