import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { CacheEntry as _dataaccess_v1_CacheEntry, CacheEntry__Output as _dataaccess_v1_CacheEntry__Output } from './dataaccess/v1/CacheEntry';
import type { CacheServiceClient as _dataaccess_v1_CacheServiceClient, CacheServiceDefinition as _dataaccess_v1_CacheServiceDefinition } from './dataaccess/v1/CacheService';
import type { DeleteCacheEntryRequest as _dataaccess_v1_DeleteCacheEntryRequest, DeleteCacheEntryRequest__Output as _dataaccess_v1_DeleteCacheEntryRequest__Output } from './dataaccess/v1/DeleteCacheEntryRequest';
import type { DeleteCacheEntryResponse as _dataaccess_v1_DeleteCacheEntryResponse, DeleteCacheEntryResponse__Output as _dataaccess_v1_DeleteCacheEntryResponse__Output } from './dataaccess/v1/DeleteCacheEntryResponse';
import type { GetCacheEntriesRequest as _dataaccess_v1_GetCacheEntriesRequest, GetCacheEntriesRequest__Output as _dataaccess_v1_GetCacheEntriesRequest__Output } from './dataaccess/v1/GetCacheEntriesRequest';
import type { GetCacheEntriesResponse as _dataaccess_v1_GetCacheEntriesResponse, GetCacheEntriesResponse__Output as _dataaccess_v1_GetCacheEntriesResponse__Output } from './dataaccess/v1/GetCacheEntriesResponse';
import type { GetCacheEntryRequest as _dataaccess_v1_GetCacheEntryRequest, GetCacheEntryRequest__Output as _dataaccess_v1_GetCacheEntryRequest__Output } from './dataaccess/v1/GetCacheEntryRequest';
import type { GetCacheEntryResponse as _dataaccess_v1_GetCacheEntryResponse, GetCacheEntryResponse__Output as _dataaccess_v1_GetCacheEntryResponse__Output } from './dataaccess/v1/GetCacheEntryResponse';
import type { InvalidateCacheTagsRequest as _dataaccess_v1_InvalidateCacheTagsRequest, InvalidateCacheTagsRequest__Output as _dataaccess_v1_InvalidateCacheTagsRequest__Output } from './dataaccess/v1/InvalidateCacheTagsRequest';
import type { InvalidateCacheTagsResponse as _dataaccess_v1_InvalidateCacheTagsResponse, InvalidateCacheTagsResponse__Output as _dataaccess_v1_InvalidateCacheTagsResponse__Output } from './dataaccess/v1/InvalidateCacheTagsResponse';
import type { SetCacheEntriesItem as _dataaccess_v1_SetCacheEntriesItem, SetCacheEntriesItem__Output as _dataaccess_v1_SetCacheEntriesItem__Output } from './dataaccess/v1/SetCacheEntriesItem';
import type { SetCacheEntriesRequest as _dataaccess_v1_SetCacheEntriesRequest, SetCacheEntriesRequest__Output as _dataaccess_v1_SetCacheEntriesRequest__Output } from './dataaccess/v1/SetCacheEntriesRequest';
import type { SetCacheEntriesResponse as _dataaccess_v1_SetCacheEntriesResponse, SetCacheEntriesResponse__Output as _dataaccess_v1_SetCacheEntriesResponse__Output } from './dataaccess/v1/SetCacheEntriesResponse';
import type { SetCacheEntryRequest as _dataaccess_v1_SetCacheEntryRequest, SetCacheEntryRequest__Output as _dataaccess_v1_SetCacheEntryRequest__Output } from './dataaccess/v1/SetCacheEntryRequest';
import type { SetCacheEntryResponse as _dataaccess_v1_SetCacheEntryResponse, SetCacheEntryResponse__Output as _dataaccess_v1_SetCacheEntryResponse__Output } from './dataaccess/v1/SetCacheEntryResponse';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  dataaccess: {
    v1: {
      CacheEntry: MessageTypeDefinition<_dataaccess_v1_CacheEntry, _dataaccess_v1_CacheEntry__Output>
      /**
       * CacheService is a shared key -> bytes cache with an expiry and tags, for what every
       * server of a proxy may reuse for a while (an upstream's model list, a computed quota).
       * 
       * Expiry is the database's clock: an entry set with ttl expires at the primary's now()
       * + ttl, and a read at or after that instant is a miss, whatever the caller's clock.
       * Expired entries are never returned; each server sweeps them away periodically
       * (DATAACCESS_CACHE_SWEEP_INTERVAL), and so does `dataaccess cleanup`.
       * 
       * Durability: the entries live in an UNLOGGED table. Writes skip the write-ahead log
       * (cheaper), and in exchange the cache is emptied after a crash of the primary (not
       * after a clean restart), and it is not replicated: a standby cannot read it at all.
       * Every call of this service therefore goes to the primary, never to a replica, and a
       * failover starts with an empty cache. Treat a miss as normal, never as an error.
       * 
       * Limits (INVALID_ARGUMENT naming the field beyond them, nothing written): a key is
       * 1-512 bytes of UTF-8; a value at most DATAACCESS_CACHE_MAX_VALUE_BYTES (1 MiB by
       * default); at most 32 tags of 1-128 characters each; a ttl from 1 s to
       * DATAACCESS_CACHE_MAX_TTL (7 days by default); at most 1000 keys or entries per batch.
       * A whole request must also fit in DATAACCESS_MAX_MESSAGE_BYTES; a batch answer larger
       * than the client's receive limit (4 MiB by default in grpc) fails on the client, so
       * fetch large values in smaller batches or raise that limit.
       * 
       * Every method is safe to retry: a retried set writes the same entry again, a retried
       * delete or invalidation removes nothing more (its count may then be 0).
       */
      CacheService: SubtypeConstructor<typeof grpc.Client, _dataaccess_v1_CacheServiceClient> & { service: _dataaccess_v1_CacheServiceDefinition }
      DeleteCacheEntryRequest: MessageTypeDefinition<_dataaccess_v1_DeleteCacheEntryRequest, _dataaccess_v1_DeleteCacheEntryRequest__Output>
      DeleteCacheEntryResponse: MessageTypeDefinition<_dataaccess_v1_DeleteCacheEntryResponse, _dataaccess_v1_DeleteCacheEntryResponse__Output>
      GetCacheEntriesRequest: MessageTypeDefinition<_dataaccess_v1_GetCacheEntriesRequest, _dataaccess_v1_GetCacheEntriesRequest__Output>
      GetCacheEntriesResponse: MessageTypeDefinition<_dataaccess_v1_GetCacheEntriesResponse, _dataaccess_v1_GetCacheEntriesResponse__Output>
      GetCacheEntryRequest: MessageTypeDefinition<_dataaccess_v1_GetCacheEntryRequest, _dataaccess_v1_GetCacheEntryRequest__Output>
      GetCacheEntryResponse: MessageTypeDefinition<_dataaccess_v1_GetCacheEntryResponse, _dataaccess_v1_GetCacheEntryResponse__Output>
      InvalidateCacheTagsRequest: MessageTypeDefinition<_dataaccess_v1_InvalidateCacheTagsRequest, _dataaccess_v1_InvalidateCacheTagsRequest__Output>
      InvalidateCacheTagsResponse: MessageTypeDefinition<_dataaccess_v1_InvalidateCacheTagsResponse, _dataaccess_v1_InvalidateCacheTagsResponse__Output>
      SetCacheEntriesItem: MessageTypeDefinition<_dataaccess_v1_SetCacheEntriesItem, _dataaccess_v1_SetCacheEntriesItem__Output>
      SetCacheEntriesRequest: MessageTypeDefinition<_dataaccess_v1_SetCacheEntriesRequest, _dataaccess_v1_SetCacheEntriesRequest__Output>
      SetCacheEntriesResponse: MessageTypeDefinition<_dataaccess_v1_SetCacheEntriesResponse, _dataaccess_v1_SetCacheEntriesResponse__Output>
      SetCacheEntryRequest: MessageTypeDefinition<_dataaccess_v1_SetCacheEntryRequest, _dataaccess_v1_SetCacheEntryRequest__Output>
      SetCacheEntryResponse: MessageTypeDefinition<_dataaccess_v1_SetCacheEntryResponse, _dataaccess_v1_SetCacheEntryResponse__Output>
    }
  }
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}

