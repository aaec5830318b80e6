"""RequestLogService: thin servicer over the domain's request-log ingestion."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from grpc import aio

from dataaccess.v1 import request_logs_pb2 as pb
from dataaccess.v1 import request_logs_pb2_grpc as pb_grpc
from dataaccess_server.api.calls import CallDeadline
from dataaccess_server.api.convert.request_logs import (
    log_inputs_from_proto,
    log_query_from_proto,
    log_to_proto,
)
from dataaccess_server.api.limits import DEFAULT_MAX_DEADLINE
from dataaccess_server.api.streams import BoundedStream
from dataaccess_server.domain.request_logs import RequestLogService

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
    ) -> None:
        self._logs = logs
        self._deadline = CallDeadline(default_deadline, max_deadline)
        self._idle = stream_idle_timeout
        self._longest = stream_max_duration

    async def BatchInsertRequestLogs(
        self, request: pb.BatchInsertRequestLogsRequest, context: Context
    ) -> pb.BatchInsertRequestLogsResponse:
        logs = log_inputs_from_proto(request.logs, "logs")
        result = await self._logs.insert(logs, self._deadline(context))
        return pb.BatchInsertRequestLogsResponse(
            inserted=result.inserted, duplicates=result.duplicates
        )

    async def StreamRequestLogs(
        self, request_iterator: AsyncIterator[pb.StreamRequestLogsRequest], context: Context
    ) -> pb.StreamRequestLogsResponse:
        # The domain stores in chunks as messages arrive; each chunk's write gets the
        # call's deadline as it stands then, never past the stream's own end.
        ingest = self._logs.stream()
        stream = BoundedStream(request_iterator, idle=self._idle, longest=self._longest)
        async for message in stream:
            logs = log_inputs_from_proto(message.logs, ingest.next_prefix)
            await ingest.add(logs, stream.within(self._deadline(context)))
        result = await ingest.finish(stream.within(self._deadline(context)))
        return pb.StreamRequestLogsResponse(
            inserted=result.inserted, duplicates=result.duplicates, messages=result.messages
        )

    async def ListRequestLogs(
        self, request: pb.ListRequestLogsRequest, context: Context
    ) -> pb.ListRequestLogsResponse:
        query = log_query_from_proto(request)
        rows, next_page_token = await self._logs.list(query, self._deadline(context))
        return pb.ListRequestLogsResponse(
            logs=[log_to_proto(row) for row in rows], next_page_token=next_page_token
        )
