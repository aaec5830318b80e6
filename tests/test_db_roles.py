"""Least-privilege database roles: the owner migrates, the server runs as a DML-only role.

Each test gets a database of its own, owned by a fresh owner role (as a DBA would set
one up), migrated by that owner with DB_APP_ROLE naming a fresh runtime role that
owns nothing. The harness's PostgreSQL trusts loopback connections, so every role logs
in without a password.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import grpc
import psycopg
import pytest
from google.protobuf import descriptor_pool, duration_pb2, field_mask_pb2, timestamp_pb2
from grpc import aio
from psycopg import sql
from psycopg.conninfo import make_conninfo

from dataaccess.v1 import analytics_pb2, audit_pb2, cache_pb2, configs_pb2, usage_pb2
from dataaccess.v1 import api_keys_pb2 as keys_pb2
from dataaccess.v1 import oauth_tokens_pb2 as tokens_pb2
from dataaccess.v1 import operations_pb2 as ops_pb2
from dataaccess.v1 import request_logs_pb2 as logs_pb2
from dataaccess_server.api.server import API_SERVICES
from dataaccess_server.app import Application
from dataaccess_server.db.migrations import Migrator
from dataaccess_server.db.privileges import PrivilegeError, grant_server_privileges
from dataaccess_server.embedded import PostgresInstance
from dataaccess_server.startup import StartupConfigurationError
from tests.harness import stubs
from tests.harness.server import clean_environment, run_cli, server_settings

PACKAGE = "dataaccess.v1"


def new_day(today: date) -> date:
    """Well before today: no server creates its partition ahead of time."""
    return today - timedelta(days=10)


@dataclass(frozen=True)
class Roles:
    """A database owned by ``owner`` and migrated by it, granting to ``app``."""

    database: str
    owner: str
    app: str
    readonly: str
    superuser_dsn: str
    owner_dsn: str
    app_dsn: str
    readonly_dsn: str

    def execute(self, dsn: str, query: str) -> list[tuple[Any, ...]]:
        """Run one statement on ``dsn``; its rows (none for a statement without)."""
        with psycopg.connect(dsn, autocommit=True) as conn:
            cursor = conn.execute(query.encode())
            return cursor.fetchall() if cursor.description else []


@pytest.fixture
def roles(pg_primary: PostgresInstance) -> Iterator[Roles]:
    """Three fresh roles and a database of the owner's, migrated as the owner."""
    tag = uuid.uuid4().hex[:10]
    owner, app, readonly, database = f"o_{tag}", f"a_{tag}", f"r_{tag}", f"roles_{tag}"
    superuser = pg_primary.dsn()
    with psycopg.connect(superuser, autocommit=True) as conn:
        for role in (owner, app, readonly):
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {} STRATEGY FILE_COPY").format(
                sql.Identifier(database), sql.Identifier(owner)
            )
        )
    base = pg_primary.dsn(database)
    found = Roles(
        database=database,
        owner=owner,
        app=app,
        readonly=readonly,
        superuser_dsn=base,
        owner_dsn=make_conninfo(base, user=owner),
        app_dsn=make_conninfo(base, user=app),
        readonly_dsn=make_conninfo(base, user=readonly),
    )
    try:
        asyncio.run(migrate_as_owner(found))
        yield found
    finally:
        with psycopg.connect(superuser, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )
            for role in (owner, app, readonly):
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


async def migrate_as_owner(roles: Roles) -> None:
    """What `dataaccess migrate up` does as the owner with both roles configured."""
    await Migrator(roles.owner_dsn).up()
    await grant_server_privileges(
        roles.owner_dsn, schema="public", app_role=roles.app, readonly_role=roles.readonly
    )


@pytest.fixture
async def app_server(roles: Roles) -> AsyncIterator[Application]:
    """The real server, running as the DML-only role."""
    app = Application(server_settings(roles.app_dsn))
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


@pytest.fixture
async def app_channel(app_server: Application) -> AsyncIterator[aio.Channel]:
    """A channel to ``app_server``."""
    async with aio.insecure_channel(f"127.0.0.1:{app_server.port}") as channel:
        yield channel


def at(day: date, hour: int) -> timestamp_pb2.Timestamp:
    """``day`` at ``hour``:00 UTC."""
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(datetime.combine(day, time(hour), UTC))
    return stamp


def partition_owner(roles: Roles, day: date) -> str | None:
    """The owner of ``day``'s request-log partition, None when it does not exist."""
    rows = roles.execute(
        roles.superuser_dsn,
        "SELECT pg_get_userbyid(relowner)::text FROM pg_class"
        f" WHERE relname = 'request_logs_p{day:%Y%m%d}'",
    )
    return str(rows[0][0]) if rows else None


class Caller:
    """Calls RPCs by service and method name, remembering which it called."""

    def __init__(self, channel: aio.Channel) -> None:
        self._stubs: dict[str, Any] = {
            "OAuthTokenService": stubs.oauth_tokens(channel),
            "APIKeyService": stubs.api_keys(channel),
            "UsageService": stubs.usage(channel),
            "RequestLogService": stubs.request_logs(channel),
            "AnalyticsService": stubs.analytics(channel),
            "OperationsService": stubs.operations(channel),
            "AuditService": stubs.audit(channel),
            "ConfigService": stubs.configs(channel),
            "CacheService": stubs.cache(channel),
        }
        self.called: set[str] = set()

    async def __call__(self, service: str, method: str, request: Any) -> Any:
        self.called.add(f"{PACKAGE}.{service}/{method}")
        return await getattr(self._stubs[service], method)(request, timeout=10)

    async def first(self, service: str, method: str, request: Any) -> Any:
        """The first answer of a server-streaming RPC (then the stream is cancelled)."""
        self.called.add(f"{PACKAGE}.{service}/{method}")
        stream = getattr(self._stubs[service], method)(request, timeout=10)
        try:
            async for answer in stream:
                return answer
        finally:
            stream.cancel()
        raise AssertionError(f"{method} ended without an answer")

    async def every(self, service: str, method: str, requests: list[Any]) -> list[Any]:
        """Every answer of a bidirectional RPC to ``requests``."""
        self.called.add(f"{PACKAGE}.{service}/{method}")
        stream = getattr(self._stubs[service], method)(iter(requests), timeout=10)
        return [answer async for answer in stream]


async def call_every_rpc(call: Caller, new_day: date) -> None:
    """One valid, minimal call of every RPC, each checked for what it should answer;
    usage and logs are of ``new_day``."""
    tokens = "OAuthTokenService"
    upserted = await call(
        tokens,
        "UpsertOAuthToken",
        tokens_pb2.UpsertOAuthTokenRequest(
            token=tokens_pb2.OAuthToken(provider="anthropic", user_id="u1", access_token="at")
        ),
    )
    token_id = upserted.token.id
    full = await call(
        tokens,
        "GetOAuthToken",
        tokens_pb2.GetOAuthTokenRequest(id=token_id, view=tokens_pb2.O_AUTH_TOKEN_VIEW_FULL),
    )
    assert full.token.access_token == "at"
    listed = await call(
        tokens, "ListOAuthTokens", tokens_pb2.ListOAuthTokensRequest(provider="anthropic")
    )
    assert [token.id for token in listed.tokens] == [token_id]
    updated = await call(
        tokens,
        "UpdateOAuthToken",
        tokens_pb2.UpdateOAuthTokenRequest(
            token=tokens_pb2.OAuthToken(id=token_id, email="u1@example.com"),
            update_mask=field_mask_pb2.FieldMask(paths=["email"]),
            etag=upserted.token.etag,
        ),
    )
    assert updated.token.email == "u1@example.com"
    invalidated = await call(
        tokens, "InvalidateOAuthToken", tokens_pb2.InvalidateOAuthTokenRequest(id=token_id)
    )
    assert not invalidated.token.active
    await call(tokens, "DeleteOAuthToken", tokens_pb2.DeleteOAuthTokenRequest(id=token_id))

    keys = "APIKeyService"
    created = await call(
        keys,
        "CreateAPIKey",
        keys_pb2.CreateAPIKeyRequest(
            api_key=keys_pb2.APIKey(name="k", owner_id="o1", rate_limit_per_minute=10),
            request_id="create-1",
        ),
    )
    key_id = created.api_key.id
    validated = await call(keys, "ValidateAPIKey", keys_pb2.ValidateAPIKeyRequest(key=created.key))
    assert validated.valid
    streamed = await call.every(
        keys,
        "StreamValidateAPIKeys",
        [
            keys_pb2.StreamValidateAPIKeysRequest(
                items=[
                    keys_pb2.StreamValidateAPIKeysRequest.Item(
                        correlation_id="s1", request=keys_pb2.ValidateAPIKeyRequest(key=created.key)
                    )
                ]
            )
        ],
    )
    answers = [(a.correlation_id, a.result.valid) for m in streamed for a in m.items]
    assert answers == [("s1", True)]
    assert (await call(keys, "GetAPIKey", keys_pb2.GetAPIKeyRequest(id=key_id))).api_key.name == "k"
    listed_keys = await call(keys, "ListAPIKeys", keys_pb2.ListAPIKeysRequest(owner_id="o1"))
    assert [key.id for key in listed_keys.api_keys] == [key_id]
    renamed = await call(
        keys,
        "UpdateAPIKey",
        keys_pb2.UpdateAPIKeyRequest(
            api_key=keys_pb2.APIKey(id=key_id, name="k2"),
            update_mask=field_mask_pb2.FieldMask(paths=["name"]),
        ),
    )
    assert renamed.api_key.name == "k2"
    rotated = await call(
        keys,
        "RotateAPIKey",
        keys_pb2.RotateAPIKeyRequest(id=key_id, grace_period=duration_pb2.Duration(seconds=60)),
    )
    assert rotated.key
    assert rotated.key != created.key
    revoked = await call(keys, "RevokeAPIKey", keys_pb2.RevokeAPIKeyRequest(id=key_id))
    assert revoked.api_key.HasField("revoke_time")
    budget = keys_pb2.Budget(name="daily", limit=10, period=keys_pb2.BUDGET_PERIOD_DAILY)
    updated = await call(
        keys,
        "UpdateOwnerPolicy",
        keys_pb2.UpdateOwnerPolicyRequest(
            policy=keys_pb2.OwnerPolicy(owner_id="o", budgets=[budget]),
            update_mask=field_mask_pb2.FieldMask(paths=["budgets"]),
        ),
    )
    assert updated.policy.HasField("update_time")
    policy = await call(keys, "GetOwnerPolicy", keys_pb2.GetOwnerPolicyRequest(owner_id="o"))
    assert [b.name for b in policy.policy.budgets] == ["daily"]

    usage = "UsageService"
    record = usage_pb2.UsageRecord(
        provider="anthropic", model="m", auth_id="a1", date=new_day.isoformat(), request_count=1
    )
    await call(usage, "UpsertUsage", usage_pb2.UpsertUsageRequest(record=record, request_id="u1"))
    batch = await call(
        usage,
        "BatchUpsertUsage",
        usage_pb2.BatchUpsertUsageRequest(records=[record], request_id="u2"),
    )
    assert batch.keys_updated == 1
    listed_usage = await call(usage, "ListUsage", usage_pb2.ListUsageRequest(auth_id="a1"))
    assert [row.request_count for row in listed_usage.records] == [2]

    logs = "RequestLogService"

    def log(request_id: str, day: date) -> logs_pb2.RequestLog:
        return logs_pb2.RequestLog(
            request_id=request_id,
            request_time=at(day, 12),
            provider="anthropic",
            model="m",
            status_code=200,
            latency_ms=100,
        )

    inserted = await call(
        logs,
        "BatchInsertRequestLogs",
        logs_pb2.BatchInsertRequestLogsRequest(logs=[log("l1", new_day)]),
    )
    assert inserted.inserted == 1

    async def chunks() -> AsyncIterator[logs_pb2.StreamRequestLogsRequest]:
        yield logs_pb2.StreamRequestLogsRequest(logs=[log("l2", new_day + timedelta(days=1))])

    streamed = await call(logs, "StreamRequestLogs", chunks())
    assert streamed.inserted == 1
    listed_logs = await call(logs, "ListRequestLogs", logs_pb2.ListRequestLogsRequest())
    assert sorted(entry.request_id for entry in listed_logs.logs) == ["l1", "l2"]

    analytics = "AnalyticsService"
    day = new_day.isoformat()
    start, end = at(new_day, 0), at(new_day + timedelta(days=2), 0)
    summary = await call(
        analytics,
        "GetUsageSummary",
        analytics_pb2.GetUsageSummaryRequest(start_date=day, end_date=day),
    )
    assert summary.total.requests == 2
    top = await call(
        analytics,
        "GetTopAuthsByUsage",
        analytics_pb2.GetTopAuthsByUsageRequest(limit=5, start_date=day, end_date=day),
    )
    assert [auth.auth_id for auth in top.auths] == ["a1"]
    rates = await call(
        analytics,
        "GetErrorRates",
        analytics_pb2.GetErrorRatesRequest(start_time=start, end_time=end),
    )
    assert [rate.requests for rate in rates.rates] == [2]
    latency = await call(
        analytics,
        "GetLatencyPercentiles",
        analytics_pb2.GetLatencyPercentilesRequest(
            percentiles=[50], start_time=start, end_time=end
        ),
    )
    assert [row.requests for row in latency.rows] == [2]
    series = await call(
        analytics,
        "GetUsageTimeSeries",
        analytics_pb2.GetUsageTimeSeriesRequest(
            granularity=analytics_pb2.GRANULARITY_DAY, start_time=start, end_time=end
        ),
    )
    assert len(series.points) == 2
    validations = await call(
        analytics,
        "GetKeyValidations",
        analytics_pb2.GetKeyValidationsRequest(
            owner_id="o", granularity=analytics_pb2.GRANULARITY_DAY, start_time=start, end_time=end
        ),
    )
    assert validations.HasField("start_time")
    spend = await call(
        analytics,
        "GetKeySpend",
        analytics_pb2.GetKeySpendRequest(
            owner_id="o", start_date=day_of(start), end_date=day_of(end)
        ),
    )
    assert [budget.budget.name for budget in spend.budgets] == ["daily"]

    cache, ttl = "CacheService", duration_pb2.Duration(seconds=60)
    await call(
        cache, "SetCacheEntry", cache_pb2.SetCacheEntryRequest(key="c1", value=b"v", ttl=ttl)
    )
    entries = [cache_pb2.SetCacheEntriesItem(key="c2", value=b"w", ttl=ttl, tags=["t"])]
    await call(cache, "SetCacheEntries", cache_pb2.SetCacheEntriesRequest(entries=entries))
    assert (await call(cache, "GetCacheEntry", cache_pb2.GetCacheEntryRequest(key="c1"))).found
    got = await call(cache, "GetCacheEntries", cache_pb2.GetCacheEntriesRequest(keys=["c1", "c2"]))
    assert len(got.entries) == 2
    tags = cache_pb2.InvalidateCacheTagsRequest(tags=["t"])
    assert (await call(cache, "InvalidateCacheTags", tags)).deleted_count == 1
    deleted = await call(cache, "DeleteCacheEntry", cache_pb2.DeleteCacheEntryRequest(key="c1"))
    assert deleted.deleted

    status = await call(
        "OperationsService", "GetDatabaseStatus", ops_pb2.GetDatabaseStatusRequest()
    )
    assert status.schema.current_version == status.schema.latest_version

    configs = "ConfigService"
    first = await call(
        configs,
        "CreateConfigVersion",
        configs_pb2.CreateConfigVersionRequest(name="proxy", yaml="a: 1\n", activate=True),
    )
    assert (first.config.version, first.config.active) == (1, True)
    await call(
        configs,
        "CreateConfigVersion",
        configs_pb2.CreateConfigVersionRequest(name="proxy", yaml="a: 2"),
    )
    activated = await call(
        configs,
        "ActivateConfigVersion",
        configs_pb2.ActivateConfigVersionRequest(
            name="proxy", version=2, expected_active_version=1
        ),
    )
    assert activated.revision == 2
    got = await call(configs, "GetConfig", configs_pb2.GetConfigRequest(name="proxy"))
    assert got.config.version == 2
    versions = await call(
        configs, "ListConfigVersions", configs_pb2.ListConfigVersionsRequest(name="proxy")
    )
    assert [c.version for c in versions.configs] == [2, 1]
    rolled = await call(configs, "RollbackConfig", configs_pb2.RollbackConfigRequest(name="proxy"))
    assert rolled.config.version == 1
    watched = await call.first(configs, "WatchConfig", configs_pb2.WatchConfigRequest(name="proxy"))
    assert (watched.config.version, watched.revision) == (1, 3)

    # The audited calls above appended rows, as the DML-only role, for a day that had no
    # audit partition: it came from the owner's function too.
    audit = await call("AuditService", "ListAuditEvents", audit_pb2.ListAuditEventsRequest())
    assert {event.method.rsplit("/", 1)[1] for event in audit.events} >= {
        "GetOAuthToken",
        "UpsertOAuthToken",
        "CreateAPIKey",
        "RevokeAPIKey",
    }


def every_api_method() -> set[str]:
    """``package.Service/Method`` of every RPC of every served API service."""
    pool = descriptor_pool.Default()
    return {
        f"{name}/{method.name}"
        for name in API_SERVICES
        for method in pool.FindServiceByName(name).methods
    }


async def test_every_rpc_works_as_the_dml_only_role(
    roles: Roles, app_channel: aio.Channel, today: date
) -> None:
    call = Caller(app_channel)
    await call_every_rpc(call, new_day(today))
    assert call.called == every_api_method()  # a new RPC must be added to call_every_rpc
    # The new days' partitions were made by the owner's function, not by the server.
    assert partition_owner(roles, new_day(today)) == roles.owner
    assert partition_owner(roles, new_day(today) + timedelta(days=1)) == roles.owner
    # It owns nothing but its session's temporary staging table.
    owned = roles.execute(
        roles.superuser_dsn,
        "SELECT count(*) FROM pg_class WHERE relpersistence <> 't'"
        f" AND relowner = '{roles.app}'::regrole",
    )
    assert owned == [(0,)]


def test_the_dml_only_role_cannot_create_tables_or_call_the_functions_unchecked(
    roles: Roles,
) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        roles.execute(roles.app_dsn, "CREATE TABLE intruder (id int)")
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="not a daily-partitioned"):
        roles.execute(roles.app_dsn, "SELECT create_daily_partition('api_keys', current_date)")
    # EXECUTE is the app role's alone: the read-only role (and PUBLIC) may not call them.
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        roles.execute(
            roles.readonly_dsn, "SELECT create_daily_partition('request_logs', '2031-01-01')"
        )
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        roles.execute(roles.readonly_dsn, "DELETE FROM api_keys")
    assert roles.execute(roles.readonly_dsn, "SELECT count(*) FROM request_log_hourly") == [(0,)]


async def test_a_revoked_grant_is_failed_precondition_naming_the_role(
    roles: Roles, app_channel: aio.Channel, today: date
) -> None:
    await asyncio.to_thread(
        roles.execute, roles.owner_dsn, f"REVOKE INSERT ON usage_stats FROM {roles.app}"
    )
    record = usage_pb2.UsageRecord(provider="p", model="m", auth_id="a", date=today.isoformat())
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stubs.usage(app_channel).UpsertUsage(
            usage_pb2.UpsertUsageRequest(record=record, request_id="r"), timeout=10
        )
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    details = caught.value.details() or ""
    assert f"role {roles.app} lacks a privilege" in details
    assert "permission denied for table usage_stats" in details
    assert f"DB_APP_ROLE={roles.app}" in details


async def test_start_up_refuses_a_role_missing_a_grant(roles: Roles) -> None:
    await asyncio.to_thread(
        roles.execute, roles.owner_dsn, f"REVOKE DELETE ON api_key_rate_windows FROM {roles.app}"
    )
    app = Application(server_settings(roles.app_dsn))
    try:
        with pytest.raises(StartupConfigurationError) as caught:
            await app.start()
    finally:
        await app.stop()
    assert str(caught.value) == (
        f"role {roles.app} lacks DELETE on table api_key_rate_windows: run"
        f" `dataaccess migrate up` with DB_APP_ROLE={roles.app}"
    )


def test_serve_without_a_needed_grant_exits_2_naming_it(roles: Roles) -> None:
    roles.execute(
        roles.owner_dsn,
        f"REVOKE EXECUTE ON FUNCTION create_daily_partition(text, date) FROM {roles.app}",
    )
    env = clean_environment(DATABASE_URL=roles.app_dsn, DATAACCESS_LISTEN="127.0.0.1:0")
    result = run_cli("serve", env=env, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"dataaccess: cannot start: role {roles.app} lacks EXECUTE on function"
        f" create_daily_partition(text, date): run `dataaccess migrate up` with"
        f" DB_APP_ROLE={roles.app}"
    )
    # The fix the line names works: migrate up (nothing to apply) re-grants it.
    migrate_env = clean_environment(
        DATABASE_URL=roles.app_dsn, DB_MIGRATE_URL=roles.owner_dsn, DB_APP_ROLE=roles.app
    )
    migrated = run_cli("migrate", "up", env=migrate_env)
    assert migrated.returncode == 0, migrated.stderr
    assert "nothing to apply" in migrated.stdout
    assert f"granted to {roles.app}: USAGE on schema public;" in migrated.stdout
    assert "EXECUTE on functions create_daily_partition(text, date)" in migrated.stdout
    assert roles.execute(
        roles.superuser_dsn,
        f"SELECT has_function_privilege('{roles.app}',"
        " 'create_daily_partition(text, date)', 'EXECUTE')",
    ) == [(True,)]


def test_serve_that_cannot_read_the_applied_migrations_exits_2_naming_the_role(
    roles: Roles,
) -> None:
    # The schema check comes before the privilege check, and must fail as cleanly.
    roles.execute(roles.owner_dsn, f"REVOKE SELECT ON schema_migrations FROM {roles.app}")
    env = clean_environment(DATABASE_URL=roles.app_dsn, DATAACCESS_LISTEN="127.0.0.1:0")
    result = run_cli("serve", env=env, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"dataaccess: cannot start: role {roles.app} lacks a privilege (permission denied"
        f" for table schema_migrations): run `dataaccess migrate up` with DB_APP_ROLE={roles.app}"
    )


async def test_cleanup_drops_old_partitions_as_the_dml_only_role(
    roles: Roles, app_channel: aio.Channel, today: date
) -> None:
    old_day = today - timedelta(days=25)
    reply = await stubs.request_logs(app_channel).BatchInsertRequestLogs(
        logs_pb2.BatchInsertRequestLogsRequest(
            logs=[
                logs_pb2.RequestLog(
                    request_id="old",
                    request_time=at(old_day, 9),
                    provider="p",
                    status_code=200,
                    latency_ms=5,
                )
            ]
        ),
        timeout=10,
    )
    assert reply.inserted == 1
    env = clean_environment(DATABASE_URL=roles.app_dsn, DB_LOG_RETENTION_DAYS="20")
    result = await asyncio.to_thread(run_cli, "cleanup", env=env)
    assert result.returncode == 0, result.stderr
    assert f"dropped partition request_logs_p{old_day:%Y%m%d}" in result.stdout
    assert "dropped 1 partition(s)" in result.stdout
    assert await asyncio.to_thread(partition_owner, roles, old_day) is None
    assert partition_owner(roles, today) == roles.owner  # today's stays


def test_migrate_with_a_role_that_does_not_exist_fails_with_one_line(roles: Roles) -> None:
    env = clean_environment(
        DATABASE_URL=roles.app_dsn, DB_MIGRATE_URL=roles.owner_dsn, DB_APP_ROLE="no_such_role"
    )
    result = run_cli("migrate", "up", env=env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith(
            "dataaccess: configuration error: DB_APP_ROLE: role 'no_such_role' does not exist"
        )
    )


async def test_migrating_as_a_role_that_does_not_own_the_schema_fails_with_one_line(
    roles: Roles,
) -> None:
    env = clean_environment(
        DATABASE_URL=roles.app_dsn, DB_MIGRATE_URL=roles.app_dsn, DB_APP_ROLE=roles.app
    )
    result = await asyncio.to_thread(run_cli, "migrate", "up", env=env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"dataaccess: error: role {roles.app} lacks a privilege (permission denied for"
        " schema public): migrations must run as the owner of the schema (DB_MIGRATE_URL)"
    )
    # A GRANT PostgreSQL only warns about ("no privileges were granted") fails as well.
    warned = r'cannot grant what the server needs \(no privileges were granted for "public"\)'
    with pytest.raises(PrivilegeError, match=warned):
        await grant_server_privileges(
            roles.app_dsn, schema="public", app_role=None, readonly_role=roles.readonly
        )


async def test_a_server_running_as_the_owner_warns_once(
    roles: Roles, caplog: pytest.LogCaptureFixture
) -> None:
    app = Application(server_settings(roles.owner_dsn))
    with caplog.at_level(logging.WARNING, logger="dataaccess_server"):
        await app.start()
        await app.stop()
    messages = [record.getMessage() for record in caplog.records]
    warnings = [message for message in messages if "DML-only" in message]
    assert warnings == [
        f"the server's database role {roles.owner} owns the tables it serves: run it as a"
        " DML-only role that owns nothing (see DB_APP_ROLE in the README)"
    ]


def day_of(stamp: timestamp_pb2.Timestamp) -> str:
    """The UTC day of a timestamp, as the day-range RPCs take it."""
    return stamp.ToDatetime(UTC).date().isoformat()
