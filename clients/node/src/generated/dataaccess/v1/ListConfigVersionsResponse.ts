// Original file: dataaccess/v1/configs.proto

import type { ConfigVersion as _dataaccess_v1_ConfigVersion, ConfigVersion__Output as _dataaccess_v1_ConfigVersion__Output } from '../../dataaccess/v1/ConfigVersion';

export interface ListConfigVersionsResponse {
  /**
   * Newest first.
   */
  'configs'?: (_dataaccess_v1_ConfigVersion)[];
  /**
   * Empty on the last page.
   */
  'next_page_token'?: (string);
}

export interface ListConfigVersionsResponse__Output {
  /**
   * Newest first.
   */
  'configs': (_dataaccess_v1_ConfigVersion__Output)[];
  /**
   * Empty on the last page.
   */
  'next_page_token': (string);
}
