"""Conversion of UsageService messages."""

from __future__ import annotations

from dataaccess.v1 import usage_pb2
from dataaccess_server.db.usage import COUNTERS as USAGE_COUNTERS
from dataaccess_server.db.usage import UsageRow
from dataaccess_server.domain.usage import UsageInput


def usage_input_from_proto(record: usage_pb2.UsageRecord) -> UsageInput:
    """The domain input of one usage record."""
    return UsageInput(
        provider=record.provider,
        model=record.model,
        auth_id=record.auth_id,
        date=record.date,
        counters={name: getattr(record, name) for name in USAGE_COUNTERS},
    )


def usage_to_proto(row: UsageRow) -> usage_pb2.UsageRecord:
    """A day's counters of one key."""
    return usage_pb2.UsageRecord(
        provider=row.provider,
        model=row.model,
        auth_id=row.auth_id,
        date=row.usage_date.isoformat(),
        total_tokens=row.total_tokens,
        **{name: getattr(row, name) for name in USAGE_COUNTERS},
    )
