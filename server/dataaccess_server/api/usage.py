"""UsageService: thin servicer over the domain's usage counters."""

from __future__ import annotations

from typing import Any

from grpc import aio

from dataaccess.v1 import usage_pb2 as pb
from dataaccess.v1 import usage_pb2_grpc as pb_grpc
from dataaccess_server.api.calls import CallDeadline
from dataaccess_server.api.convert.usage import (
    usage_input_from_proto,
    usage_query_from_proto,
    usage_to_proto,
)
from dataaccess_server.api.limits import DEFAULT_MAX_DEADLINE
from dataaccess_server.domain.usage import UsageService
from dataaccess_server.telemetry import Telemetry

Context = aio.ServicerContext[Any, Any]


class UsageServicer(pb_grpc.UsageServiceServicer):
    """``dataaccess.v1.UsageService``."""

    def __init__(
        self,
        usage: UsageService,
        *,
        default_deadline: float,
        max_deadline: float = DEFAULT_MAX_DEADLINE,
        telemetry: Telemetry,
    ) -> None:
        self._usage = usage
        self._deadline = CallDeadline(default_deadline, max_deadline)
        self._records = telemetry.usage_records

    async def UpsertUsage(
        self, request: pb.UpsertUsageRequest, context: Context
    ) -> pb.UpsertUsageResponse:
        result = await self._usage.upsert(
            [usage_input_from_proto(request.record)],
            request.request_id,
            self._deadline(context),
            prefix="record",
            settle_by_request_id=True,
        )
        if not result.replayed:
            self._records.add(result.records_received)
        return pb.UpsertUsageResponse(replayed=result.replayed, reservations_settled=result.settled)

    async def BatchUpsertUsage(
        self, request: pb.BatchUpsertUsageRequest, context: Context
    ) -> pb.BatchUpsertUsageResponse:
        records = [usage_input_from_proto(record) for record in request.records]
        result = await self._usage.upsert(records, request.request_id, self._deadline(context))
        if not result.replayed:
            self._records.add(result.records_received)
        return pb.BatchUpsertUsageResponse(
            records_received=result.records_received,
            keys_updated=result.keys_updated,
            replayed=result.replayed,
            reservations_settled=result.settled,
        )

    async def ListUsage(
        self, request: pb.ListUsageRequest, context: Context
    ) -> pb.ListUsageResponse:
        query = usage_query_from_proto(request)
        rows, next_page_token = await self._usage.list(query, self._deadline(context))
        return pb.ListUsageResponse(
            records=[usage_to_proto(row) for row in rows], next_page_token=next_page_token
        )
