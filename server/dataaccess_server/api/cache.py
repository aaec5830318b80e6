"""CacheService: thin servicer over the domain's shared cache."""

from __future__ import annotations

from typing import Any

from grpc import aio

from dataaccess.v1 import cache_pb2 as pb
from dataaccess.v1 import cache_pb2_grpc as pb_grpc
from dataaccess_server.api.calls import CallDeadline
from dataaccess_server.api.convert.cache import entry_to_proto, write_from_proto
from dataaccess_server.api.limits import DEFAULT_MAX_DEADLINE
from dataaccess_server.domain.cache import CacheService
from dataaccess_server.telemetry import Telemetry

Context = aio.ServicerContext[Any, Any]


class CacheServicer(pb_grpc.CacheServiceServicer):
    """``dataaccess.v1.CacheService``."""

    def __init__(
        self,
        cache: CacheService,
        *,
        default_deadline: float,
        max_deadline: float = DEFAULT_MAX_DEADLINE,
        telemetry: Telemetry,
    ) -> None:
        self._cache = cache
        self._deadline = CallDeadline(default_deadline, max_deadline)
        self._telemetry = telemetry

    async def GetCacheEntry(
        self, request: pb.GetCacheEntryRequest, context: Context
    ) -> pb.GetCacheEntryResponse:
        entry = await self._cache.get(request.key, self._deadline(context))
        self._telemetry.count_cache_lookups(hits=int(entry is not None), misses=int(entry is None))
        if entry is None:
            return pb.GetCacheEntryResponse(found=False)
        return pb.GetCacheEntryResponse(found=True, entry=entry_to_proto(entry))

    async def SetCacheEntry(
        self, request: pb.SetCacheEntryRequest, context: Context
    ) -> pb.SetCacheEntryResponse:
        entry = await self._cache.set(write_from_proto(request), self._deadline(context))
        return pb.SetCacheEntryResponse(entry=entry_to_proto(entry))

    async def DeleteCacheEntry(
        self, request: pb.DeleteCacheEntryRequest, context: Context
    ) -> pb.DeleteCacheEntryResponse:
        deleted = await self._cache.delete(request.key, self._deadline(context))
        return pb.DeleteCacheEntryResponse(deleted=deleted)

    async def InvalidateCacheTags(
        self, request: pb.InvalidateCacheTagsRequest, context: Context
    ) -> pb.InvalidateCacheTagsResponse:
        count = await self._cache.invalidate_tags(list(request.tags), self._deadline(context))
        return pb.InvalidateCacheTagsResponse(deleted_count=count)

    async def GetCacheEntries(
        self, request: pb.GetCacheEntriesRequest, context: Context
    ) -> pb.GetCacheEntriesResponse:
        found = await self._cache.get_many(list(request.keys), self._deadline(context))
        self._telemetry.count_cache_lookups(hits=len(found.entries), misses=len(found.missing))
        return pb.GetCacheEntriesResponse(
            entries=[entry_to_proto(entry) for entry in found.entries],
            missing_keys=found.missing,
        )

    async def SetCacheEntries(
        self, request: pb.SetCacheEntriesRequest, context: Context
    ) -> pb.SetCacheEntriesResponse:
        writes = [write_from_proto(item) for item in request.entries]
        stored = await self._cache.set_many(writes, self._deadline(context))
        return pb.SetCacheEntriesResponse(entries=[entry_to_proto(entry) for entry in stored])
