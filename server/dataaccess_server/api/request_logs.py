"""RequestLogService: thin servicer over the domain's request-log ingestion."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from grpc import aio

from dataaccess.v1 import request_logs_pb2 as pb
from dataaccess.v1 import request_logs_pb2_grpc as pb_grpc
from dataaccess_server.api.calls import CallDeadline
from dataaccess_server.api.convert.request_logs import (
    log_input_from_proto,
    log_query_from_proto,
    log_to_proto,
)
from dataaccess_server.domain.model.request_logs import RequestLog
from dataaccess_server.domain.request_logs import RequestLogService

Context = aio.ServicerContext[Any, Any]
# A stream is stored in chunks of about this many logs, each in its own transaction.
STREAM_CHUNK = 1000


class RequestLogServicer(pb_grpc.RequestLogServiceServicer):
    """``dataaccess.v1.RequestLogService``."""

    def __init__(self, logs: RequestLogService, *, default_deadline: float) -> None:
        self._logs = logs
        self._deadline = CallDeadline(default_deadline)

    async def BatchInsertRequestLogs(
        self, request: pb.BatchInsertRequestLogsRequest, context: Context
    ) -> pb.BatchInsertRequestLogsResponse:
        logs = [log_input_from_proto(log, f"logs[{n}]") for n, log in enumerate(request.logs)]
        result = await self._logs.insert(logs, self._deadline(context))
        return pb.BatchInsertRequestLogsResponse(
            inserted=result.inserted, duplicates=result.duplicates
        )

    async def StreamRequestLogs(
        self, request_iterator: AsyncIterator[pb.StreamRequestLogsRequest], context: Context
    ) -> pb.StreamRequestLogsResponse:
        # Each message is validated as it arrives; logs are stored in chunks, so a broken
        # stream keeps the chunks already stored (resending them only adds duplicates).
        inserted = duplicates = messages = 0
        pending: list[RequestLog] = []

        async def flush() -> None:
            nonlocal inserted, duplicates, pending
            if pending:
                result = await self._logs.store_checked(pending, self._deadline(context))
                inserted += result.inserted
                duplicates += result.duplicates
                pending = []

        async for message in request_iterator:
            prefix = f"messages[{messages}].logs"
            logs = [
                log_input_from_proto(log, f"{prefix}[{n}]") for n, log in enumerate(message.logs)
            ]
            pending.extend(self._logs.check(logs, prefix=prefix))
            messages += 1
            if len(pending) >= STREAM_CHUNK:
                await flush()
        await flush()
        return pb.StreamRequestLogsResponse(
            inserted=inserted, duplicates=duplicates, messages=messages
        )

    async def ListRequestLogs(
        self, request: pb.ListRequestLogsRequest, context: Context
    ) -> pb.ListRequestLogsResponse:
        query = log_query_from_proto(request)
        rows, next_page_token = await self._logs.list(query, self._deadline(context))
        return pb.ListRequestLogsResponse(
            logs=[log_to_proto(row) for row in rows], next_page_token=next_page_token
        )
