"""The settings the SQL and the driver assume are pinned on every connection the server
opens: a server environment (libpq's PG* variables, PGOPTIONS) with another date style,
interval style, client encoding or time zone changes no answer and stops nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from grpc import aio

from dataaccess.v1 import analytics_pb2 as analytics_pb
from dataaccess.v1 import api_keys_pb2 as keys_pb
from dataaccess.v1 import oauth_tokens_pb2 as tokens_pb
from dataaccess.v1 import operations_pb2 as ops_pb
from dataaccess.v1 import request_logs_pb2 as logs_pb
from dataaccess.v1 import usage_pb2 as usage_pb
from dataaccess_server.app import Application
from tests.harness import leaks, stubs
from tests.harness.server import server_settings

ACCESS = "ya29.session-PLAINTEXT-eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
leaks.register_secret(ACCESS)
NAME = "ключ 日本 ✓"  # not in LATIN1

HOSTILE = {
    "dates": {"PGDATESTYLE": "SQL, DMY"},
    "intervals": {"PGOPTIONS": "-c IntervalStyle=sql_standard"},
    "encoding": {"PGCLIENTENCODING": "LATIN1"},
    "all at once": {
        "PGDATESTYLE": "German",
        "PGTZ": "America/St_Johns",
        "PGCLIENTENCODING": "SQL_ASCII",
        "PGOPTIONS": "-c IntervalStyle=iso_8601 -c extra_float_digits=-15",
    },
}


async def workload(channel: aio.Channel) -> dict[str, object]:
    """One call of each kind whose answer holds text, dates, times and numbers."""
    now = datetime.now(UTC).replace(microsecond=0)
    today = now.date().isoformat()
    answers: dict[str, object] = {}

    keys = stubs.api_keys(channel)
    made = await keys.CreateAPIKey(
        keys_pb.CreateAPIKeyRequest(api_key=keys_pb.APIKey(name=NAME, owner_id="o"))
    )
    leaks.register_secret(made.key)
    got_key = await keys.GetAPIKey(keys_pb.GetAPIKeyRequest(id=made.api_key.id))
    answers["key"] = got_key.api_key.name
    validation = await keys.ValidateAPIKey(keys_pb.ValidateAPIKeyRequest(key=made.key))
    answers["valid"] = validation.valid

    tokens = stubs.oauth_tokens(channel)
    token = tokens_pb.OAuthToken(provider="claude", user_id=NAME, access_token=ACCESS)
    token.expiry_time.FromDatetime(now + timedelta(days=30))
    await tokens.UpsertOAuthToken(tokens_pb.UpsertOAuthTokenRequest(token=token))
    listed = await tokens.ListOAuthTokens(tokens_pb.ListOAuthTokensRequest())
    answers["tokens"] = [(t.user_id, t.expiry_time.ToDatetime(tzinfo=UTC)) for t in listed.tokens]

    usage = stubs.usage(channel)
    record = usage_pb.UsageRecord(
        provider="claude", model=NAME, auth_id="a", date=today, input_tokens=7
    )
    await usage.BatchUpsertUsage(usage_pb.BatchUpsertUsageRequest(records=[record]))

    logs = stubs.request_logs(channel)
    log = logs_pb.RequestLog(
        request_id="r-1",
        provider="claude",
        model=NAME,
        status_code=200,
        latency_ms=125,
        user_agent=NAME,
    )
    log.request_time.FromDatetime(now)
    await logs.BatchInsertRequestLogs(logs_pb.BatchInsertRequestLogsRequest(logs=[log]))
    got = await logs.ListRequestLogs(logs_pb.ListRequestLogsRequest())
    answers["logs"] = [(g.user_agent, g.request_time.ToDatetime(tzinfo=UTC)) for g in got.logs]

    analytics = stubs.analytics(channel)
    summary = await analytics.GetUsageSummary(
        analytics_pb.GetUsageSummaryRequest(start_date=today, end_date=today)
    )
    answers["summary"] = [(row.model, row.totals.input_tokens) for row in summary.rows]
    start, end = now - timedelta(days=1), now + timedelta(days=1)
    latency = analytics_pb.GetLatencyPercentilesRequest()
    latency.start_time.FromDatetime(start)
    latency.end_time.FromDatetime(end)
    percentiles = await analytics.GetLatencyPercentiles(latency)
    answers["latency"] = str(percentiles)
    series = analytics_pb.GetUsageTimeSeriesRequest(granularity=analytics_pb.GRANULARITY_DAY)
    series.start_time.FromDatetime(start)
    series.end_time.FromDatetime(end)
    points = await analytics.GetUsageTimeSeries(series)
    answers["series"] = str(points)

    status = await stubs.operations(channel).GetDatabaseStatus(ops_pb.GetDatabaseStatusRequest())
    answers["schema"] = status.schema.current_version
    return answers


async def served_workload(dsn: str) -> dict[str, object]:
    app = Application(server_settings(dsn))
    await app.start()
    try:
        async with aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
            return await workload(channel)
    finally:
        await app.stop()


@pytest.mark.parametrize("environment", HOSTILE.values(), ids=HOSTILE.keys())
async def test_answers_do_not_depend_on_the_session_settings_of_the_environment(
    pg_database: str, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]
) -> None:
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    answers = await served_workload(pg_database)
    assert answers["key"] == NAME
    assert answers["valid"] is True
    assert [user for user, _ in answers["tokens"]] == [NAME]  # type: ignore[attr-defined]
    assert [agent for agent, _ in answers["logs"]] == [NAME]  # type: ignore[attr-defined]
    assert answers["summary"] == [(NAME, 7)]
    assert "125" in str(answers["latency"])
    assert "requests: 1" in str(answers["series"])
    assert answers["schema"] >= 8  # type: ignore[operator]
