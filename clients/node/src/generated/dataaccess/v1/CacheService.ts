// Original file: dataaccess/v1/cache.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeleteCacheEntryRequest as _dataaccess_v1_DeleteCacheEntryRequest, DeleteCacheEntryRequest__Output as _dataaccess_v1_DeleteCacheEntryRequest__Output } from '../../dataaccess/v1/DeleteCacheEntryRequest';
import type { DeleteCacheEntryResponse as _dataaccess_v1_DeleteCacheEntryResponse, DeleteCacheEntryResponse__Output as _dataaccess_v1_DeleteCacheEntryResponse__Output } from '../../dataaccess/v1/DeleteCacheEntryResponse';
import type { GetCacheEntriesRequest as _dataaccess_v1_GetCacheEntriesRequest, GetCacheEntriesRequest__Output as _dataaccess_v1_GetCacheEntriesRequest__Output } from '../../dataaccess/v1/GetCacheEntriesRequest';
import type { GetCacheEntriesResponse as _dataaccess_v1_GetCacheEntriesResponse, GetCacheEntriesResponse__Output as _dataaccess_v1_GetCacheEntriesResponse__Output } from '../../dataaccess/v1/GetCacheEntriesResponse';
import type { GetCacheEntryRequest as _dataaccess_v1_GetCacheEntryRequest, GetCacheEntryRequest__Output as _dataaccess_v1_GetCacheEntryRequest__Output } from '../../dataaccess/v1/GetCacheEntryRequest';
import type { GetCacheEntryResponse as _dataaccess_v1_GetCacheEntryResponse, GetCacheEntryResponse__Output as _dataaccess_v1_GetCacheEntryResponse__Output } from '../../dataaccess/v1/GetCacheEntryResponse';
import type { InvalidateCacheTagsRequest as _dataaccess_v1_InvalidateCacheTagsRequest, InvalidateCacheTagsRequest__Output as _dataaccess_v1_InvalidateCacheTagsRequest__Output } from '../../dataaccess/v1/InvalidateCacheTagsRequest';
import type { InvalidateCacheTagsResponse as _dataaccess_v1_InvalidateCacheTagsResponse, InvalidateCacheTagsResponse__Output as _dataaccess_v1_InvalidateCacheTagsResponse__Output } from '../../dataaccess/v1/InvalidateCacheTagsResponse';
import type { SetCacheEntriesRequest as _dataaccess_v1_SetCacheEntriesRequest, SetCacheEntriesRequest__Output as _dataaccess_v1_SetCacheEntriesRequest__Output } from '../../dataaccess/v1/SetCacheEntriesRequest';
import type { SetCacheEntriesResponse as _dataaccess_v1_SetCacheEntriesResponse, SetCacheEntriesResponse__Output as _dataaccess_v1_SetCacheEntriesResponse__Output } from '../../dataaccess/v1/SetCacheEntriesResponse';
import type { SetCacheEntryRequest as _dataaccess_v1_SetCacheEntryRequest, SetCacheEntryRequest__Output as _dataaccess_v1_SetCacheEntryRequest__Output } from '../../dataaccess/v1/SetCacheEntryRequest';
import type { SetCacheEntryResponse as _dataaccess_v1_SetCacheEntryResponse, SetCacheEntryResponse__Output as _dataaccess_v1_SetCacheEntryResponse__Output } from '../../dataaccess/v1/SetCacheEntryResponse';

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
export interface CacheServiceClient extends grpc.Client {
  /**
   * Removes one entry; deleted says whether a live one was there.
   */
  DeleteCacheEntry(argument: _dataaccess_v1_DeleteCacheEntryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_DeleteCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  DeleteCacheEntry(argument: _dataaccess_v1_DeleteCacheEntryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_DeleteCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  DeleteCacheEntry(argument: _dataaccess_v1_DeleteCacheEntryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_DeleteCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  DeleteCacheEntry(argument: _dataaccess_v1_DeleteCacheEntryRequest, callback: grpc.requestCallback<_dataaccess_v1_DeleteCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Removes one entry; deleted says whether a live one was there.
   */
  deleteCacheEntry(argument: _dataaccess_v1_DeleteCacheEntryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_DeleteCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  deleteCacheEntry(argument: _dataaccess_v1_DeleteCacheEntryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_DeleteCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  deleteCacheEntry(argument: _dataaccess_v1_DeleteCacheEntryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_DeleteCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  deleteCacheEntry(argument: _dataaccess_v1_DeleteCacheEntryRequest, callback: grpc.requestCallback<_dataaccess_v1_DeleteCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Reads up to 1000 entries at once: those found, and the keys that were not.
   */
  GetCacheEntries(argument: _dataaccess_v1_GetCacheEntriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetCacheEntriesResponse__Output>): grpc.ClientUnaryCall;
  GetCacheEntries(argument: _dataaccess_v1_GetCacheEntriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetCacheEntriesResponse__Output>): grpc.ClientUnaryCall;
  GetCacheEntries(argument: _dataaccess_v1_GetCacheEntriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetCacheEntriesResponse__Output>): grpc.ClientUnaryCall;
  GetCacheEntries(argument: _dataaccess_v1_GetCacheEntriesRequest, callback: grpc.requestCallback<_dataaccess_v1_GetCacheEntriesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Reads up to 1000 entries at once: those found, and the keys that were not.
   */
  getCacheEntries(argument: _dataaccess_v1_GetCacheEntriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetCacheEntriesResponse__Output>): grpc.ClientUnaryCall;
  getCacheEntries(argument: _dataaccess_v1_GetCacheEntriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetCacheEntriesResponse__Output>): grpc.ClientUnaryCall;
  getCacheEntries(argument: _dataaccess_v1_GetCacheEntriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetCacheEntriesResponse__Output>): grpc.ClientUnaryCall;
  getCacheEntries(argument: _dataaccess_v1_GetCacheEntriesRequest, callback: grpc.requestCallback<_dataaccess_v1_GetCacheEntriesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Reads one entry. A missing or expired key is found = false, not an error.
   */
  GetCacheEntry(argument: _dataaccess_v1_GetCacheEntryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  GetCacheEntry(argument: _dataaccess_v1_GetCacheEntryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  GetCacheEntry(argument: _dataaccess_v1_GetCacheEntryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  GetCacheEntry(argument: _dataaccess_v1_GetCacheEntryRequest, callback: grpc.requestCallback<_dataaccess_v1_GetCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Reads one entry. A missing or expired key is found = false, not an error.
   */
  getCacheEntry(argument: _dataaccess_v1_GetCacheEntryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  getCacheEntry(argument: _dataaccess_v1_GetCacheEntryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_GetCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  getCacheEntry(argument: _dataaccess_v1_GetCacheEntryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_GetCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  getCacheEntry(argument: _dataaccess_v1_GetCacheEntryRequest, callback: grpc.requestCallback<_dataaccess_v1_GetCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Removes every entry carrying any of the tags, in one statement; answers how many
   * live (unexpired) entries that removed.
   */
  InvalidateCacheTags(argument: _dataaccess_v1_InvalidateCacheTagsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_InvalidateCacheTagsResponse__Output>): grpc.ClientUnaryCall;
  InvalidateCacheTags(argument: _dataaccess_v1_InvalidateCacheTagsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_InvalidateCacheTagsResponse__Output>): grpc.ClientUnaryCall;
  InvalidateCacheTags(argument: _dataaccess_v1_InvalidateCacheTagsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_InvalidateCacheTagsResponse__Output>): grpc.ClientUnaryCall;
  InvalidateCacheTags(argument: _dataaccess_v1_InvalidateCacheTagsRequest, callback: grpc.requestCallback<_dataaccess_v1_InvalidateCacheTagsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Removes every entry carrying any of the tags, in one statement; answers how many
   * live (unexpired) entries that removed.
   */
  invalidateCacheTags(argument: _dataaccess_v1_InvalidateCacheTagsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_InvalidateCacheTagsResponse__Output>): grpc.ClientUnaryCall;
  invalidateCacheTags(argument: _dataaccess_v1_InvalidateCacheTagsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_InvalidateCacheTagsResponse__Output>): grpc.ClientUnaryCall;
  invalidateCacheTags(argument: _dataaccess_v1_InvalidateCacheTagsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_InvalidateCacheTagsResponse__Output>): grpc.ClientUnaryCall;
  invalidateCacheTags(argument: _dataaccess_v1_InvalidateCacheTagsRequest, callback: grpc.requestCallback<_dataaccess_v1_InvalidateCacheTagsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Stores up to 1000 entries in one statement, all or none. The rows are written in
   * key order, so concurrent batches never deadlock.
   */
  SetCacheEntries(argument: _dataaccess_v1_SetCacheEntriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_SetCacheEntriesResponse__Output>): grpc.ClientUnaryCall;
  SetCacheEntries(argument: _dataaccess_v1_SetCacheEntriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_SetCacheEntriesResponse__Output>): grpc.ClientUnaryCall;
  SetCacheEntries(argument: _dataaccess_v1_SetCacheEntriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_SetCacheEntriesResponse__Output>): grpc.ClientUnaryCall;
  SetCacheEntries(argument: _dataaccess_v1_SetCacheEntriesRequest, callback: grpc.requestCallback<_dataaccess_v1_SetCacheEntriesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Stores up to 1000 entries in one statement, all or none. The rows are written in
   * key order, so concurrent batches never deadlock.
   */
  setCacheEntries(argument: _dataaccess_v1_SetCacheEntriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_SetCacheEntriesResponse__Output>): grpc.ClientUnaryCall;
  setCacheEntries(argument: _dataaccess_v1_SetCacheEntriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_SetCacheEntriesResponse__Output>): grpc.ClientUnaryCall;
  setCacheEntries(argument: _dataaccess_v1_SetCacheEntriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_SetCacheEntriesResponse__Output>): grpc.ClientUnaryCall;
  setCacheEntries(argument: _dataaccess_v1_SetCacheEntriesRequest, callback: grpc.requestCallback<_dataaccess_v1_SetCacheEntriesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Stores one entry (replacing any entry under its key, tags included) and answers
   * it with its expire_time.
   */
  SetCacheEntry(argument: _dataaccess_v1_SetCacheEntryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_SetCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  SetCacheEntry(argument: _dataaccess_v1_SetCacheEntryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_SetCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  SetCacheEntry(argument: _dataaccess_v1_SetCacheEntryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_SetCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  SetCacheEntry(argument: _dataaccess_v1_SetCacheEntryRequest, callback: grpc.requestCallback<_dataaccess_v1_SetCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Stores one entry (replacing any entry under its key, tags included) and answers
   * it with its expire_time.
   */
  setCacheEntry(argument: _dataaccess_v1_SetCacheEntryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_SetCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  setCacheEntry(argument: _dataaccess_v1_SetCacheEntryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dataaccess_v1_SetCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  setCacheEntry(argument: _dataaccess_v1_SetCacheEntryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dataaccess_v1_SetCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  setCacheEntry(argument: _dataaccess_v1_SetCacheEntryRequest, callback: grpc.requestCallback<_dataaccess_v1_SetCacheEntryResponse__Output>): grpc.ClientUnaryCall;
  
}

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
export interface CacheServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Removes one entry; deleted says whether a live one was there.
   */
  DeleteCacheEntry: grpc.handleUnaryCall<_dataaccess_v1_DeleteCacheEntryRequest__Output, _dataaccess_v1_DeleteCacheEntryResponse>;
  
  /**
   * Reads up to 1000 entries at once: those found, and the keys that were not.
   */
  GetCacheEntries: grpc.handleUnaryCall<_dataaccess_v1_GetCacheEntriesRequest__Output, _dataaccess_v1_GetCacheEntriesResponse>;
  
  /**
   * Reads one entry. A missing or expired key is found = false, not an error.
   */
  GetCacheEntry: grpc.handleUnaryCall<_dataaccess_v1_GetCacheEntryRequest__Output, _dataaccess_v1_GetCacheEntryResponse>;
  
  /**
   * Removes every entry carrying any of the tags, in one statement; answers how many
   * live (unexpired) entries that removed.
   */
  InvalidateCacheTags: grpc.handleUnaryCall<_dataaccess_v1_InvalidateCacheTagsRequest__Output, _dataaccess_v1_InvalidateCacheTagsResponse>;
  
  /**
   * Stores up to 1000 entries in one statement, all or none. The rows are written in
   * key order, so concurrent batches never deadlock.
   */
  SetCacheEntries: grpc.handleUnaryCall<_dataaccess_v1_SetCacheEntriesRequest__Output, _dataaccess_v1_SetCacheEntriesResponse>;
  
  /**
   * Stores one entry (replacing any entry under its key, tags included) and answers
   * it with its expire_time.
   */
  SetCacheEntry: grpc.handleUnaryCall<_dataaccess_v1_SetCacheEntryRequest__Output, _dataaccess_v1_SetCacheEntryResponse>;
  
}

export interface CacheServiceDefinition extends grpc.ServiceDefinition {
  DeleteCacheEntry: MethodDefinition<_dataaccess_v1_DeleteCacheEntryRequest, _dataaccess_v1_DeleteCacheEntryResponse, _dataaccess_v1_DeleteCacheEntryRequest__Output, _dataaccess_v1_DeleteCacheEntryResponse__Output>
  GetCacheEntries: MethodDefinition<_dataaccess_v1_GetCacheEntriesRequest, _dataaccess_v1_GetCacheEntriesResponse, _dataaccess_v1_GetCacheEntriesRequest__Output, _dataaccess_v1_GetCacheEntriesResponse__Output>
  GetCacheEntry: MethodDefinition<_dataaccess_v1_GetCacheEntryRequest, _dataaccess_v1_GetCacheEntryResponse, _dataaccess_v1_GetCacheEntryRequest__Output, _dataaccess_v1_GetCacheEntryResponse__Output>
  InvalidateCacheTags: MethodDefinition<_dataaccess_v1_InvalidateCacheTagsRequest, _dataaccess_v1_InvalidateCacheTagsResponse, _dataaccess_v1_InvalidateCacheTagsRequest__Output, _dataaccess_v1_InvalidateCacheTagsResponse__Output>
  SetCacheEntries: MethodDefinition<_dataaccess_v1_SetCacheEntriesRequest, _dataaccess_v1_SetCacheEntriesResponse, _dataaccess_v1_SetCacheEntriesRequest__Output, _dataaccess_v1_SetCacheEntriesResponse__Output>
  SetCacheEntry: MethodDefinition<_dataaccess_v1_SetCacheEntryRequest, _dataaccess_v1_SetCacheEntryResponse, _dataaccess_v1_SetCacheEntryRequest__Output, _dataaccess_v1_SetCacheEntryResponse__Output>
}
