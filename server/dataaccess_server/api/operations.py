"""OperationsService: thin servicer over the domain's operations."""

from __future__ import annotations

import os
from typing import Any

from grpc import aio

from dataaccess.v1 import operations_pb2 as ops_pb2
from dataaccess.v1 import operations_pb2_grpc as ops_grpc
from dataaccess_server.api.calls import CallDeadline
from dataaccess_server.api.convert.operations import database_status_to_proto
from dataaccess_server.api.limits import DEFAULT_MAX_DEADLINE
from dataaccess_server.domain.operations import OperationsService


class OperationsServicer(ops_grpc.OperationsServiceServicer):
    """``dataaccess.v1.OperationsService``."""

    def __init__(
        self,
        operations: OperationsService,
        *,
        default_deadline: float,
        max_deadline: float = DEFAULT_MAX_DEADLINE,
        worker: int = 0,
    ) -> None:
        self._operations = operations
        self._deadline = CallDeadline(default_deadline, max_deadline)
        self._worker = worker

    async def GetDatabaseStatus(
        self,
        request: ops_pb2.GetDatabaseStatusRequest,
        context: aio.ServicerContext[Any, Any],
    ) -> ops_pb2.GetDatabaseStatusResponse:
        status = await self._operations.database_status(self._deadline(context))
        response = database_status_to_proto(status)
        # Which process answered: with workers, calls on one port reach any of them.
        response.server.pid = os.getpid()
        response.server.worker = self._worker
        return response
