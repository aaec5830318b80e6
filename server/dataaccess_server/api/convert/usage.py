"""Conversion of UsageService messages."""

from __future__ import annotations

from dataaccess.v1 import usage_pb2
from dataaccess_server.domain.model.usage import COUNTERS as USAGE_COUNTERS
from dataaccess_server.domain.model.usage import DailyUsage, UsageInput, UsageQuery


def usage_input_from_proto(record: usage_pb2.UsageRecord) -> UsageInput:
    """The domain input of one usage record."""
    return UsageInput(
        provider=record.provider,
        model=record.model,
        auth_id=record.auth_id,
        date=record.date,
        counters={name: getattr(record, name) for name in USAGE_COUNTERS},
        api_key_id=record.api_key_id,
        reservation_id=record.reservation_id,
    )


def usage_query_from_proto(request: usage_pb2.ListUsageRequest) -> UsageQuery:
    """The domain query of a ListUsage request."""
    return UsageQuery(
        auth_id=request.auth_id,
        provider=request.provider,
        model=request.model,
        start_date=request.start_date,
        end_date=request.end_date,
        page_size=request.page_size,
        page_token=request.page_token,
    )


def usage_to_proto(row: DailyUsage) -> usage_pb2.UsageRecord:
    """A day's counters of one key."""
    return usage_pb2.UsageRecord(
        provider=row.provider,
        model=row.model,
        auth_id=row.auth_id,
        date=row.usage_date.isoformat(),
        total_tokens=row.total_tokens,
        **{name: getattr(row, name) for name in USAGE_COUNTERS},
    )
