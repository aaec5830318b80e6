"""Conversion of AnalyticsService messages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from google.protobuf import message as message_types

from dataaccess.v1 import analytics_pb2
from dataaccess_server.api.convert.api_keys import budget_to_proto, reason_to_proto, scope_to_proto
from dataaccess_server.api.convert.times import set_times
from dataaccess_server.domain.model.analytics import (
    Answer,
    AuthUsage,
    Granularity,
    GroupCounts,
    PercentileRow,
    Point,
    TimeRange,
    TopAuthsOrder,
    UsageSummary,
    UsageTotals,
)
from dataaccess_server.domain.model.api_keys import Reason
from dataaccess_server.domain.model.key_analytics import (
    BudgetSpend,
    KeySpend,
    SpendDay,
    ValidationBucket,
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TOP_AUTHS_ORDERS: dict[int, TopAuthsOrder] = {
    analytics_pb2.TOP_AUTHS_ORDER_UNSPECIFIED: TopAuthsOrder.REQUESTS,
    analytics_pb2.TOP_AUTHS_ORDER_REQUESTS: TopAuthsOrder.REQUESTS,
    analytics_pb2.TOP_AUTHS_ORDER_TOTAL_TOKENS: TopAuthsOrder.TOTAL_TOKENS,
}
_GRANULARITIES: dict[int, Granularity] = {
    analytics_pb2.GRANULARITY_HOUR: Granularity.HOUR,
    analytics_pb2.GRANULARITY_DAY: Granularity.DAY,
}


def top_auths_order_from_proto(value: int) -> TopAuthsOrder | None:
    """The domain's order (None for a value this server does not know)."""
    return _TOP_AUTHS_ORDERS.get(value)


def granularity_from_proto(value: int) -> Granularity | None:
    """The domain's granularity (None for unspecified or unknown)."""
    return _GRANULARITIES.get(value)


def latency_group_by_from_proto(
    request: analytics_pb2.GetLatencyPercentilesRequest,
) -> tuple[str, ...]:
    """The columns the percentiles are grouped by, of ("provider", "model")."""
    return tuple(
        name
        for name, wanted in (
            ("provider", request.group_by_provider),
            ("model", request.group_by_model),
        )
        if wanted
    )


def usage_totals_to_proto(totals: UsageTotals) -> analytics_pb2.UsageTotals:
    """The message of summed usage counters."""
    return analytics_pb2.UsageTotals(
        requests=totals.requests,
        input_tokens=totals.input_tokens,
        output_tokens=totals.output_tokens,
        reasoning_tokens=totals.reasoning_tokens,
        cached_tokens=totals.cached_tokens,
        total_tokens=totals.total_tokens,
        successes=totals.successes,
        errors=totals.errors,
        distinct_auths=totals.distinct_auths,
    )


def usage_summary_to_proto(
    answer: Answer[UsageSummary],
) -> analytics_pb2.GetUsageSummaryResponse:
    """The reply of GetUsageSummary: its rows, total and freshness."""
    summary = answer.value
    response = analytics_pb2.GetUsageSummaryResponse(
        rows=[
            analytics_pb2.UsageSummaryRow(
                provider=row.provider, model=row.model, totals=usage_totals_to_proto(row.totals)
            )
            for row in summary.rows
        ],
        total=usage_totals_to_proto(summary.total),
    )
    set_times(response, as_of_time=answer.as_of)
    return response


def top_auths_to_proto(
    answer: Answer[list[AuthUsage]],
) -> analytics_pb2.GetTopAuthsByUsageResponse:
    """The reply of GetTopAuthsByUsage: the auths, in order, and freshness."""
    response = analytics_pb2.GetTopAuthsByUsageResponse(
        auths=[
            analytics_pb2.AuthUsage(
                auth_id=auth.auth_id,
                requests=auth.requests,
                total_tokens=auth.total_tokens,
                distinct_models=auth.distinct_models,
            )
            for auth in answer.value
        ]
    )
    set_times(response, as_of_time=answer.as_of)
    return response


def error_rates_to_proto(
    used: TimeRange, answer: Answer[list[GroupCounts]]
) -> analytics_pb2.GetErrorRatesResponse:
    """The reply of GetErrorRates: each group's rate, the range used and freshness."""
    response = analytics_pb2.GetErrorRatesResponse(
        rates=[
            analytics_pb2.ErrorRate(
                provider=group.provider,
                model=group.model,
                requests=group.requests,
                errors=group.errors,
                error_rate=group.errors / group.requests,
            )
            for group in answer.value
        ]
    )
    _set_range(response, used, answer)
    return response


def latency_percentiles_to_proto(
    used: TimeRange, answer: Answer[list[PercentileRow]]
) -> analytics_pb2.GetLatencyPercentilesResponse:
    """The reply of GetLatencyPercentiles: its rows, the range used and freshness."""
    response = analytics_pb2.GetLatencyPercentilesResponse(
        rows=[
            analytics_pb2.LatencyRow(
                provider=row.provider,
                model=row.model,
                requests=row.requests,
                mean_ms=row.mean_ms,
                percentiles=[
                    analytics_pb2.LatencyPercentile(percentile=p, latency_ms=value)
                    for p, value in row.percentiles
                ],
            )
            for row in answer.value
        ]
    )
    _set_range(response, used, answer)
    return response


def time_series_to_proto(
    used: TimeRange, answer: Answer[list[Point]]
) -> analytics_pb2.GetUsageTimeSeriesResponse:
    """The reply of GetUsageTimeSeries: its points, the range used and freshness.

    Up to 5,000 points (720 for 30 days of hours): each is added in place and its time
    set from integer arithmetic, which costs a quarter of building the points apart
    with ``Timestamp.FromDatetime`` and copying them into the reply."""
    response = analytics_pb2.GetUsageTimeSeriesResponse()
    add = response.points.add
    for point in answer.value:
        message = add(
            requests=point.requests,
            input_tokens=point.input_tokens,
            output_tokens=point.output_tokens,
            total_tokens=point.input_tokens + point.output_tokens,
            errors=point.errors,
        )
        since = point.time - _EPOCH
        message.time.seconds = since.days * 86_400 + since.seconds
        message.time.nanos = since.microseconds * 1000
    _set_range(response, used, answer)
    return response


def _reason_counts(
    counts: dict[Reason, int],
) -> list[analytics_pb2.KeyValidationCount]:
    """Counts per reason, by reason number."""
    values = sorted((reason_to_proto(reason), count) for reason, count in counts.items())
    return [analytics_pb2.KeyValidationCount(reason=value, count=count) for value, count in values]


def key_validations_to_proto(
    used: TimeRange, answer: Answer[list[ValidationBucket]]
) -> analytics_pb2.GetKeyValidationsResponse:
    """The reply of GetKeyValidations: every bucket, the totals, the range used and
    freshness."""
    response = analytics_pb2.GetKeyValidationsResponse()
    totals: dict[Reason, int] = {}
    add = response.points.add
    for bucket in answer.value:
        message = add(total=bucket.total, counts=_reason_counts(bucket.counts))
        set_times(message, time=bucket.time)
        for reason, count in bucket.counts.items():
            totals[reason] = totals.get(reason, 0) + count
    response.total = sum(totals.values())
    response.counts.extend(_reason_counts(totals))
    _set_range(response, used, answer)
    return response


def _spend(day: SpendDay) -> analytics_pb2.KeySpendTotals:
    return analytics_pb2.KeySpendTotals(requests=day.requests, tokens=day.tokens, cost=day.cost)


def _budget(spend: BudgetSpend) -> analytics_pb2.KeyBudgetSpend:
    message = analytics_pb2.KeyBudgetSpend(
        scope=scope_to_proto(spend.rule.scope),
        budget=budget_to_proto(spend.rule),
        taken=spend.taken,
        remaining=spend.remaining,
    )
    set_times(message, period_start=spend.period_start, reset_time=spend.reset_time)
    return message


def key_spend_to_proto(answer: Answer[KeySpend]) -> analytics_pb2.GetKeySpendResponse:
    """The reply of GetKeySpend: every day, the total, the budgets and freshness."""
    spend = answer.value
    days = spend.days
    response = analytics_pb2.GetKeySpendResponse(
        days=[
            analytics_pb2.KeySpendDay(date=day.day.isoformat(), spend=_spend(day)) for day in days
        ],
        total=analytics_pb2.KeySpendTotals(
            requests=sum(day.requests for day in days),
            tokens=sum(day.tokens for day in days),
            cost=sum(day.cost for day in days),
        ),
        budgets=[_budget(budget) for budget in spend.budgets],
    )
    set_times(response, as_of_time=answer.as_of)
    return response


def _set_range(message: message_types.Message, used: TimeRange, answer: Answer[Any]) -> None:
    """The range a time-range answer used, and its freshness."""
    set_times(message, start_time=used.start, end_time=used.end, as_of_time=answer.as_of)
