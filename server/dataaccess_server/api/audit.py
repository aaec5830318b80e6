"""AuditService: thin servicer over the domain's audit trail."""

from __future__ import annotations

from typing import Any

from grpc import aio

from dataaccess.v1 import audit_pb2 as pb
from dataaccess.v1 import audit_pb2_grpc as pb_grpc
from dataaccess_server.api.calls import CallDeadline
from dataaccess_server.api.convert.audit import audit_event_to_proto, audit_query_from_proto
from dataaccess_server.api.limits import DEFAULT_MAX_DEADLINE
from dataaccess_server.domain.audit import AuditTrail

Context = aio.ServicerContext[Any, Any]


class AuditServicer(pb_grpc.AuditServiceServicer):
    """``dataaccess.v1.AuditService``."""

    def __init__(
        self,
        audit: AuditTrail,
        *,
        default_deadline: float,
        max_deadline: float = DEFAULT_MAX_DEADLINE,
    ) -> None:
        self._audit = audit
        self._deadline = CallDeadline(default_deadline, max_deadline)

    async def ListAuditEvents(
        self, request: pb.ListAuditEventsRequest, context: Context
    ) -> pb.ListAuditEventsResponse:
        query = audit_query_from_proto(request)
        rows, next_page_token = await self._audit.list(query, self._deadline(context))
        return pb.ListAuditEventsResponse(
            events=[audit_event_to_proto(row) for row in rows], next_page_token=next_page_token
        )
