"""All conversion between domain objects and protobuf messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from google.protobuf import duration_pb2, json_format, timestamp_pb2
from google.protobuf import message as message_types

from dataaccess.v1 import analytics_pb2, usage_pb2
from dataaccess.v1 import api_keys_pb2 as keys_pb2
from dataaccess.v1 import oauth_tokens_pb2 as tokens_pb2
from dataaccess.v1 import operations_pb2 as ops_pb2
from dataaccess.v1 import request_logs_pb2 as logs_pb2
from dataaccess_server.db import analytics as analytics_store
from dataaccess_server.db.api_keys import KeyRow
from dataaccess_server.db.cluster import NodeStatus, Role, format_lsn
from dataaccess_server.db.request_logs import LogRow
from dataaccess_server.db.usage import COUNTERS as USAGE_COUNTERS
from dataaccess_server.db.usage import UsageRow
from dataaccess_server.domain.analytics import Answer, PercentileRow, TimeRange
from dataaccess_server.domain.api_keys import KeyInput, Reason, Validation
from dataaccess_server.domain.crypto import Secret
from dataaccess_server.domain.oauth_tokens import OAuthToken, TokenInput, View
from dataaccess_server.domain.operations import DatabaseStatus
from dataaccess_server.domain.request_logs import LogInput
from dataaccess_server.domain.usage import UsageInput
from dataaccess_server.errors import InvalidArgumentError

# google.protobuf.Timestamp's valid range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
_MIN_SECONDS = -62_135_596_800
_MAX_SECONDS = 253_402_300_799
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_ROLES = {Role.PRIMARY: ops_pb2.NODE_ROLE_PRIMARY, Role.REPLICA: ops_pb2.NODE_ROLE_REPLICA}


def database_status_to_proto(status: DatabaseStatus) -> ops_pb2.GetDatabaseStatusResponse:
    """GetDatabaseStatusResponse for a domain snapshot."""
    response = ops_pb2.GetDatabaseStatusResponse(
        nodes=[node_to_proto(node) for node in status.nodes],
        schema=ops_pb2.SchemaStatus(latest_version=status.latest_version),
    )
    schema = status.schema
    if schema is not None:
        response.schema.known = True
        response.schema.current_version = schema.current_version
        response.schema.pending_migrations.extend(
            ops_pb2.Migration(version=item.version, name=item.name) for item in schema.pending
        )
        response.schema.drifted_migrations.extend(
            ops_pb2.Migration(version=item.version, name=item.name) for item in schema.drifted
        )
    return response


def node_to_proto(node: NodeStatus) -> ops_pb2.DatabaseNode:
    """DatabaseNode for one node's snapshot."""
    message = ops_pb2.DatabaseNode(
        name=node.name,
        dsn=node.dsn,
        configured_role=_ROLES[node.configured_role],
        observed_role=(
            _ROLES[node.observed_role]
            if node.observed_role is not None
            else ops_pb2.NODE_ROLE_UNSPECIFIED
        ),
        reachable=node.reachable,
        last_error=node.last_error,
        server_version=node.server_version,
        pool=ops_pb2.PoolStats(**node.pool_stats),
        in_rotation=node.in_rotation,
        rotation_reason=node.rotation_reason,
        wal_lsn=format_lsn(node.wal_lsn) if node.wal_lsn is not None else "",
    )
    if node.last_check_time is not None:
        message.last_check_time.CopyFrom(_timestamp(node.last_check_time.timestamp()))
    if node.replay_lag_seconds is not None:
        lag = duration_pb2.Duration()
        lag.FromNanoseconds(int(node.replay_lag_seconds * 1e9))
        message.replay_lag.CopyFrom(lag)
    if node.replay_lag_bytes is not None:
        message.replay_lag_bytes = node.replay_lag_bytes
    return message


def _set_times(message: message_types.Message, **times: datetime | None) -> None:
    """Set the Timestamp fields named by ``times``; None leaves a field unset."""
    for name, value in times.items():
        if value is not None:
            getattr(message, name).FromDatetime(value)


def _timestamp(seconds: float) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromNanoseconds(int(seconds * 1e9))
    return stamp


# --- OAuth tokens ----------------------------------------------------------------------


def view_from_proto(view: int) -> View:
    """The domain view of a request's view (unspecified and BASIC are BASIC)."""
    return View.FULL if view == tokens_pb2.O_AUTH_TOKEN_VIEW_FULL else View.BASIC


def timestamp_from_proto(message: message_types.Message, name: str, path: str) -> datetime | None:
    """The datetime (UTC) of timestamp field ``name`` of ``message``, None if unset.

    INVALID_ARGUMENT naming ``path`` for a timestamp outside 0001-01-01..9999-12-31 or
    with invalid nanoseconds.
    """
    if not message.HasField(name):
        return None
    stamp: timestamp_pb2.Timestamp = getattr(message, name)
    if not (_MIN_SECONDS <= stamp.seconds <= _MAX_SECONDS) or not 0 <= stamp.nanos < 10**9:
        raise InvalidArgumentError.single(path, "is not a valid timestamp")
    # What ToDatetime(tzinfo=UTC) returns, at a fraction of its cost (it is paid per log).
    return _EPOCH + timedelta(seconds=stamp.seconds, microseconds=stamp.nanos // 1000)


def token_input_from_proto(token: tokens_pb2.OAuthToken) -> TokenInput:
    """The domain input of a request's token; ``present`` lists the fields it sets."""
    present = {
        name
        for name, is_set in (
            ("provider", token.provider != ""),
            ("user_id", token.user_id != ""),
            ("email", token.email != ""),
            ("access_token", token.access_token != ""),
            ("refresh_token", token.refresh_token != ""),
            ("token_type", token.token_type != ""),
            ("expiry_time", token.HasField("expiry_time")),
            ("scopes", len(token.scopes) > 0),
            ("metadata", token.HasField("metadata")),
            ("active", token.active),
            ("last_used_time", token.HasField("last_used_time")),
        )
        if is_set
    }
    return TokenInput(
        provider=token.provider,
        user_id=token.user_id,
        email=token.email,
        access_token=Secret(token.access_token),
        refresh_token=Secret(token.refresh_token),
        token_type=token.token_type,
        expiry_time=timestamp_from_proto(token, "expiry_time", "token.expiry_time"),
        scopes=tuple(token.scopes),
        metadata=json_format.MessageToDict(token.metadata),
        metadata_size=token.metadata.ByteSize(),
        active=token.active,
        last_used_time=timestamp_from_proto(token, "last_used_time", "token.last_used_time"),
        present=frozenset(present),
    )


def token_to_proto(token: OAuthToken) -> tokens_pb2.OAuthToken:
    """The proto of a token; secrets only if the domain filled them (FULL view)."""
    message = tokens_pb2.OAuthToken(
        id=token.id,
        provider=token.provider,
        user_id=token.user_id,
        email=token.email,
        token_type=token.token_type,
        scopes=list(token.scopes),
        active=token.active,
        etag=token.etag,
    )
    if token.access_token is not None:
        message.access_token = token.access_token.reveal()
    if token.refresh_token is not None:
        message.refresh_token = token.refresh_token.reveal()
    json_format.ParseDict(token.metadata, message.metadata)
    _set_times(
        message,
        expiry_time=token.expiry_time,
        last_used_time=token.last_used_time,
        create_time=token.create_time,
        update_time=token.update_time,
    )
    return message


# --- API keys ----------------------------------------------------------------------------

_REASONS = {
    Reason.VALID: keys_pb2.API_KEY_VALIDATION_REASON_VALID,
    Reason.NOT_FOUND: keys_pb2.API_KEY_VALIDATION_REASON_NOT_FOUND,
    Reason.REVOKED: keys_pb2.API_KEY_VALIDATION_REASON_REVOKED,
    Reason.EXPIRED: keys_pb2.API_KEY_VALIDATION_REASON_EXPIRED,
    Reason.RATE_LIMITED: keys_pb2.API_KEY_VALIDATION_REASON_RATE_LIMITED,
    Reason.USAGE_EXCEEDED: keys_pb2.API_KEY_VALIDATION_REASON_USAGE_EXCEEDED,
}


def key_input_from_proto(key: keys_pb2.APIKey) -> KeyInput:
    """The domain input of a request's key settings."""
    return KeyInput(
        name=key.name,
        description=key.description,
        owner_id=key.owner_id,
        rate_limit_per_minute=key.rate_limit_per_minute,
        expire_time=timestamp_from_proto(key, "expire_time", "api_key.expire_time"),
        remaining_uses=key.remaining_uses if key.HasField("remaining_uses") else None,
        metadata=json_format.MessageToDict(key.metadata),
        metadata_size=key.metadata.ByteSize(),
    )


def key_to_proto(record: KeyRow) -> keys_pb2.APIKey:
    """The public record of a key."""
    message = keys_pb2.APIKey(
        id=record.id,
        key_prefix=record.key_prefix,
        name=record.name,
        description=record.description,
        owner_id=record.owner_id,
        rate_limit_per_minute=record.rate_limit_per_minute or 0,
    )
    if record.remaining_uses is not None:
        message.remaining_uses = record.remaining_uses
    json_format.ParseDict(record.metadata, message.metadata)
    _set_times(
        message,
        expire_time=record.expire_time,
        revoke_time=record.revoked_at,
        last_used_time=record.last_used_at,
        create_time=record.created_at,
        update_time=record.updated_at,
    )
    return message


def validation_to_proto(result: Validation) -> keys_pb2.ValidateAPIKeyResponse:
    """The ValidateAPIKey answer."""
    response = keys_pb2.ValidateAPIKeyResponse(valid=result.valid, reason=_REASONS[result.reason])
    if result.record is not None:
        response.api_key.CopyFrom(key_to_proto(result.record))
    if result.rate is not None:
        response.rate_limit.limit = result.rate.limit
        response.rate_limit.remaining = result.rate.remaining
        response.rate_limit.reset_time.FromDatetime(result.rate.reset_time)
    return response


# --- usage ---------------------------------------------------------------------------------


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


# --- request logs ----------------------------------------------------------------------------

_STATUS_CLASSES: dict[int, str] = {
    logs_pb2.STATUS_CLASS_SUCCESS: "success",
    logs_pb2.STATUS_CLASS_CLIENT_ERROR: "client_error",
    logs_pb2.STATUS_CLASS_SERVER_ERROR: "server_error",
}


def status_class_from_proto(value: int) -> str:
    """The domain name of a status class ("" for unspecified)."""
    return _STATUS_CLASSES.get(value, "")


def log_input_from_proto(log: logs_pb2.RequestLog, path: str) -> LogInput:
    """The domain input of one log; ``path`` names it in errors (``logs[3]``)."""
    return LogInput(
        request_id=log.request_id,
        request_time=timestamp_from_proto(log, "request_time", f"{path}.request_time"),
        provider=log.provider,
        model=log.model,
        auth_id=log.auth_id,
        api_key_id=log.api_key_id,
        client_ip=log.client_ip,
        user_agent=log.user_agent,
        method=log.method,
        path=log.path,
        status_code=log.status_code,
        latency_ms=log.latency_ms,
        input_tokens=log.input_tokens,
        output_tokens=log.output_tokens,
        error_message=log.error_message,
    )


def log_to_proto(row: LogRow) -> logs_pb2.RequestLog:
    """A stored log."""
    message = logs_pb2.RequestLog(
        request_id=row.request_id,
        provider=row.provider,
        model=row.model,
        auth_id=row.auth_id,
        api_key_id=row.api_key_id or "",
        client_ip=row.client_ip or "",
        user_agent=row.user_agent or "",
        method=row.method or "",
        path=row.path or "",
        status_code=row.status_code,
        latency_ms=row.latency_ms,
        input_tokens=row.input_tokens,
        output_tokens=row.output_tokens,
        error_message=row.error_message or "",
    )
    message.request_time.FromDatetime(row.request_time)
    return message


# --- analytics -------------------------------------------------------------------------

_TOP_AUTHS_ORDERS: dict[int, str] = {
    analytics_pb2.TOP_AUTHS_ORDER_UNSPECIFIED: "requests",
    analytics_pb2.TOP_AUTHS_ORDER_REQUESTS: "requests",
    analytics_pb2.TOP_AUTHS_ORDER_TOTAL_TOKENS: "total_tokens",
}
_GRANULARITIES: dict[int, str] = {
    analytics_pb2.GRANULARITY_HOUR: "hour",
    analytics_pb2.GRANULARITY_DAY: "day",
}


def top_auths_order_from_proto(value: int) -> str:
    """The domain name of an order ("" for a value this server does not know)."""
    return _TOP_AUTHS_ORDERS.get(value, "")


def granularity_from_proto(value: int) -> str:
    """The domain name of a granularity ("" for unspecified or unknown)."""
    return _GRANULARITIES.get(value, "")


def usage_totals_to_proto(totals: analytics_store.UsageTotals) -> analytics_pb2.UsageTotals:
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
    answer: Answer[tuple[list[analytics_store.SummaryRow], analytics_store.UsageTotals]],
) -> analytics_pb2.GetUsageSummaryResponse:
    rows, total = answer.value
    response = analytics_pb2.GetUsageSummaryResponse(
        rows=[
            analytics_pb2.UsageSummaryRow(
                provider=row.provider, model=row.model, totals=usage_totals_to_proto(row.totals)
            )
            for row in rows
        ],
        total=usage_totals_to_proto(total),
    )
    _set_times(response, as_of_time=answer.as_of)
    return response


def top_auths_to_proto(
    answer: Answer[list[analytics_store.AuthUsage]],
) -> analytics_pb2.GetTopAuthsByUsageResponse:
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
    _set_times(response, as_of_time=answer.as_of)
    return response


def error_rates_to_proto(
    used: TimeRange, answer: Answer[list[analytics_store.GroupCounts]]
) -> analytics_pb2.GetErrorRatesResponse:
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
    used: TimeRange, answer: Answer[list[analytics_store.Point]]
) -> analytics_pb2.GetUsageTimeSeriesResponse:
    points = []
    for point in answer.value:
        message = analytics_pb2.TimeSeriesPoint(
            requests=point.requests,
            input_tokens=point.input_tokens,
            output_tokens=point.output_tokens,
            total_tokens=point.input_tokens + point.output_tokens,
            errors=point.errors,
        )
        message.time.FromDatetime(point.time)
        points.append(message)
    response = analytics_pb2.GetUsageTimeSeriesResponse(points=points)
    _set_range(response, used, answer)
    return response


def _set_range(message: message_types.Message, used: TimeRange, answer: Answer[Any]) -> None:
    """The range a time-range answer used, and its freshness."""
    _set_times(message, start_time=used.start, end_time=used.end, as_of_time=answer.as_of)
