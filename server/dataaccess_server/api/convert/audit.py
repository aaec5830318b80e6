"""Conversion of AuditService messages."""

from __future__ import annotations

from dataaccess.v1 import audit_pb2
from dataaccess_server.api.convert.times import set_times, timestamp_from_proto
from dataaccess_server.domain.audit import AuditListQuery
from dataaccess_server.domain.model.access import AuditEvent, AuditQuery


def audit_query_from_proto(request: audit_pb2.ListAuditEventsRequest) -> AuditListQuery:
    """The domain query of a ListAuditEvents request; INVALID_ARGUMENT naming a bad
    start_time or end_time."""
    return AuditListQuery(
        filters=AuditQuery(
            caller=request.caller,
            method=request.method,
            resource_id=request.resource_id,
            outcome=request.outcome,
            start_time=timestamp_from_proto(request, "start_time", "start_time"),
            end_time=timestamp_from_proto(request, "end_time", "end_time"),
        ),
        page_size=request.page_size,
        page_token=request.page_token,
    )


def audit_event_to_proto(event: AuditEvent) -> audit_pb2.AuditEvent:
    """The message of one event."""
    message = audit_pb2.AuditEvent(
        id=event.event_id,
        caller=event.caller,
        method=event.method,
        resource_id=event.resource_id,
        outcome=event.outcome,
        peer=event.peer,
    )
    set_times(message, event_time=event.time)
    return message
