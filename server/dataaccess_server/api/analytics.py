"""AnalyticsService: thin servicer over the domain's analytics queries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.protobuf.message import Message
from grpc import aio

from dataaccess.v1 import analytics_pb2 as pb
from dataaccess.v1 import analytics_pb2_grpc as pb_grpc
from dataaccess_server.api.calls import CallDeadline
from dataaccess_server.api.convert.analytics import (
    error_rates_to_proto,
    granularity_from_proto,
    key_spend_to_proto,
    key_validations_to_proto,
    latency_group_by_from_proto,
    latency_percentiles_to_proto,
    time_series_to_proto,
    top_auths_order_from_proto,
    top_auths_to_proto,
    usage_summary_to_proto,
)
from dataaccess_server.api.convert.times import timestamp_from_proto
from dataaccess_server.api.limits import DEFAULT_MAX_DEADLINE
from dataaccess_server.domain.analytics import AnalyticsService
from dataaccess_server.domain.model.analytics import Filters

Context = aio.ServicerContext[Any, Any]


class AnalyticsServicer(pb_grpc.AnalyticsServiceServicer):
    """``dataaccess.v1.AnalyticsService``."""

    def __init__(
        self,
        analytics: AnalyticsService,
        *,
        default_deadline: float,
        max_deadline: float = DEFAULT_MAX_DEADLINE,
    ) -> None:
        self._analytics = analytics
        self._deadline = CallDeadline(default_deadline, max_deadline)

    async def GetUsageSummary(
        self, request: pb.GetUsageSummaryRequest, context: Context
    ) -> pb.GetUsageSummaryResponse:
        answer = await self._analytics.usage_summary(
            request.start_date,
            request.end_date,
            Filters(request.provider, request.model, request.auth_id),
            self._deadline(context),
        )
        return usage_summary_to_proto(answer)

    async def GetTopAuthsByUsage(
        self, request: pb.GetTopAuthsByUsageRequest, context: Context
    ) -> pb.GetTopAuthsByUsageResponse:
        answer = await self._analytics.top_auths(
            request.start_date,
            request.end_date,
            order=top_auths_order_from_proto(request.order_by),
            limit=request.limit,
            filters=Filters(request.provider, request.model),
            deadline=self._deadline(context),
        )
        return top_auths_to_proto(answer)

    async def GetErrorRates(
        self, request: pb.GetErrorRatesRequest, context: Context
    ) -> pb.GetErrorRatesResponse:
        used, answer = await self._analytics.error_rates(
            *_times(request),
            min_requests=request.min_requests,
            filters=Filters(request.provider, request.model),
            deadline=self._deadline(context),
        )
        return error_rates_to_proto(used, answer)

    async def GetLatencyPercentiles(
        self, request: pb.GetLatencyPercentilesRequest, context: Context
    ) -> pb.GetLatencyPercentilesResponse:
        used, answer = await self._analytics.latency_percentiles(
            *_times(request),
            percentiles=list(request.percentiles),
            group_by=latency_group_by_from_proto(request),
            filters=Filters(request.provider, request.model),
            deadline=self._deadline(context),
        )
        return latency_percentiles_to_proto(used, answer)

    async def GetUsageTimeSeries(
        self, request: pb.GetUsageTimeSeriesRequest, context: Context
    ) -> pb.GetUsageTimeSeriesResponse:
        used, answer = await self._analytics.time_series(
            *_times(request),
            granularity=granularity_from_proto(request.granularity),
            filters=Filters(request.provider, request.model),
            deadline=self._deadline(context),
        )
        return time_series_to_proto(used, answer)

    async def GetKeyValidations(
        self, request: pb.GetKeyValidationsRequest, context: Context
    ) -> pb.GetKeyValidationsResponse:
        used, answer = await self._analytics.key_validations(
            request.api_key_id,
            request.owner_id,
            *_times(request),
            granularity=granularity_from_proto(request.granularity),
            deadline=self._deadline(context),
        )
        return key_validations_to_proto(used, answer)

    async def GetKeySpend(
        self, request: pb.GetKeySpendRequest, context: Context
    ) -> pb.GetKeySpendResponse:
        answer = await self._analytics.key_spend(
            request.api_key_id,
            request.owner_id,
            request.start_date,
            request.end_date,
            self._deadline(context),
        )
        return key_spend_to_proto(answer)


def _times(message: Message) -> tuple[datetime | None, datetime | None]:
    """A time-range request's start_time and end_time (None if unset)."""
    return (
        timestamp_from_proto(message, "start_time", "start_time"),
        timestamp_from_proto(message, "end_time", "end_time"),
    )
