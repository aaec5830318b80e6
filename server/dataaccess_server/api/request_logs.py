"""RequestLogService: thin servicer over the domain's request-log ingestion."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from grpc import aio

from dataaccess.v1 import request_logs_pb2 as pb
from dataaccess.v1 import request_logs_pb2_grpc as pb_grpc
from dataaccess_server.api.calls import CallDeadline
from dataaccess_server.api.convert.request_logs import (
    log_columns_from_proto,
    log_query_from_proto,
    log_to_proto,
)
from dataaccess_server.api.limits import DEFAULT_MAX_DEADLINE
from dataaccess_server.api.streams import BoundedStream
from dataaccess_server.domain.model.request_logs import StreamIngested
from dataaccess_server.domain.request_logs import RequestLogService
from dataaccess_server.telemetry import Telemetry

Context = aio.ServicerContext[Any, Any]


class RequestLogServicer(pb_grpc.RequestLogServiceServicer):
    """``dataaccess.v1.RequestLogService``."""

    def __init__(
        self,
        logs: RequestLogService,
        *,
        default_deadline: float,
        max_deadline: float = DEFAULT_MAX_DEADLINE,
        stream_idle_timeout: float = 30.0,
        stream_max_duration: float = 600.0,
        telemetry: Telemetry,
    ) -> None:
        self._logs, self._telemetry = logs, telemetry
        self._deadline = CallDeadline(default_deadline, max_deadline)
        self._idle, self._longest = stream_idle_timeout, stream_max_duration

    async def BatchInsertRequestLogs(
        self, request: pb.BatchInsertRequestLogsRequest, context: Context
    ) -> pb.BatchInsertRequestLogsResponse:
        logs = log_columns_from_proto(request.logs, "logs")
        result = await self._logs.insert(logs, self._deadline(context))
        self._count(result.inserted, result.duplicates)
        return pb.BatchInsertRequestLogsResponse(
            inserted=result.inserted, duplicates=result.duplicates
        )

    async def StreamRequestLogs(
        self, request_iterator: AsyncIterator[pb.StreamRequestLogsRequest], context: Context
    ) -> pb.StreamRequestLogsResponse:
        # Stored in chunks as messages arrive, each write within the call's deadline as
        # it stands then, never past the stream's own end.
        stream = BoundedStream(request_iterator, idle=self._idle, longest=self._longest)
        result = await self._ingest(stream, context)
        return pb.StreamRequestLogsResponse(
            inserted=result.inserted, duplicates=result.duplicates, messages=result.messages
        )

    async def _ingest(
        self, stream: BoundedStream[pb.StreamRequestLogsRequest], context: Context
    ) -> StreamIngested:
        ingest = self._logs.stream()
        try:
            async for message in stream:
                logs = log_columns_from_proto(message.logs, ingest.next_prefix)
                await ingest.add(logs, stream.within(self._deadline(context)))
            return await ingest.finish(stream.within(self._deadline(context)))
        finally:  # chunks stored before an error count too
            self._count(*ingest.stored)

    def _count(self, inserted: int, duplicates: int) -> None:
        if inserted:
            self._telemetry.logs_written.add(inserted)
        if duplicates:
            self._telemetry.logs_duplicates.add(duplicates)

    async def ListRequestLogs(
        self, request: pb.ListRequestLogsRequest, context: Context
    ) -> pb.ListRequestLogsResponse:
        query = log_query_from_proto(request)
        rows, next_page_token = await self._logs.list(query, self._deadline(context))
        return pb.ListRequestLogsResponse(
            logs=[log_to_proto(row) for row in rows], next_page_token=next_page_token
        )
