"""`dataaccess seed`: development data every analytics call can show, refused on a
database that has data, and idempotent when forced."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from grpc import aio

from dataaccess.v1 import analytics_pb2, api_keys_pb2, configs_pb2
from dataaccess_server.app import Application
from dataaccess_server.config import load_settings
from dataaccess_server.domain.seed_data import CONFIG_NAME, CONFIG_YAML
from dataaccess_server.embedded import PostgresInstance
from tests.harness import leaks, stubs
from tests.harness.postgres import fresh_database
from tests.harness.server import clean_environment, run_cli, server_settings
from tests.test_readme_grpcurl import (
    COMMANDS,
    LONG_RETENTION_DAYS,
    README,
    readme_seed_argv,
    readme_variables,
    rewrite,
    run_grpcurl,
    run_readme_seed,
)

API_KEY = re.compile(r"\bdak_[A-Za-z0-9_-]{43}\b")
# What a seed leaves in each main table, and the sums that must not grow on a forced one.
COUNTS = {
    "oauth_tokens": "SELECT count(*) FROM oauth_tokens",
    "api_keys": "SELECT count(*) FROM api_keys",
    "usage rows": "SELECT count(*) FROM usage_stats",
    "usage requests": "SELECT coalesce(sum(request_count), 0) FROM usage_stats",
    "usage tokens": "SELECT coalesce(sum(total_tokens), 0) FROM usage_stats",
    "request_logs": "SELECT count(*) FROM request_logs",
    "rollup requests": "SELECT coalesce(sum(requests), 0) FROM request_log_hourly_all",
    "config versions": "SELECT count(*) FROM configs",
    "active configs": "SELECT count(*) FROM config_heads WHERE active_version IS NOT NULL",
}


def seed_environment(dsn: str) -> dict[str, str]:
    return clean_environment(
        DATABASE_URL=dsn, DB_MIGRATE_URL=dsn, DB_LOG_RETENTION_DAYS=str(LONG_RETENTION_DAYS)
    )


def counts(dsn: str) -> dict[str, int]:
    with psycopg.connect(dsn) as conn:
        return {name: conn.execute(query).fetchone()[0] for name, query in COUNTS.items()}  # type: ignore[index]


def printed_keys(stdout: str) -> list[str]:
    keys = API_KEY.findall(stdout)
    leaks.register_secret(*keys)
    return keys


@pytest.fixture
async def seeded_server(pg_database: str) -> AsyncIterator[tuple[str, list[str]]]:
    """A server on a database seeded by the README's seed command: its target and the
    API keys the seed printed."""
    seeded = run_readme_seed(pg_database)
    assert seeded.returncode == 0, seeded.stderr
    keys = printed_keys(seeded.stdout)
    app = Application(replace(server_settings(pg_database), auth="none"))
    try:
        yield f"127.0.0.1:{await app.start()}", keys
    finally:
        await app.stop()


def timestamp(text: str) -> Timestamp:
    stamp = Timestamp()
    stamp.FromJsonString(text)
    return stamp


async def test_every_analytics_rpc_has_data_over_the_seeded_week(
    seeded_server: tuple[str, list[str]],
) -> None:
    target, _keys = seeded_server
    # The README's week: the seven days before today, as its variables set them.
    week = readme_variables(README.read_text())
    first_day, last_day = week["START"], week["END"]
    start, end = timestamp(f"{first_day}T00:00:00Z"), timestamp(f"{week['TODAY']}T00:00:00Z")
    async with aio.insecure_channel(target) as channel:
        analytics = stubs.analytics(channel)
        summary = await analytics.GetUsageSummary(
            analytics_pb2.GetUsageSummaryRequest(start_date=first_day, end_date=last_day),
            timeout=10,
        )
        top = await analytics.GetTopAuthsByUsage(
            analytics_pb2.GetTopAuthsByUsageRequest(start_date=first_day, end_date=last_day),
            timeout=10,
        )
        rates = await analytics.GetErrorRates(
            analytics_pb2.GetErrorRatesRequest(start_time=start, end_time=end), timeout=10
        )
        latency = await analytics.GetLatencyPercentiles(
            analytics_pb2.GetLatencyPercentilesRequest(
                start_time=start, end_time=end, group_by_model=True
            ),
            timeout=10,
        )
        series = await analytics.GetUsageTimeSeries(
            analytics_pb2.GetUsageTimeSeriesRequest(
                start_time=start, end_time=end, granularity=analytics_pb2.GRANULARITY_HOUR
            ),
            timeout=10,
        )
    # Three providers, several models each; every token's auth has traffic.
    assert {row.provider for row in summary.rows} == {"claude", "gemini", "codex"}
    assert len(summary.rows) >= 6
    assert 500 <= summary.total.requests <= 5000
    assert 0 < summary.total.errors < summary.total.requests * 0.2
    assert summary.total.reasoning_tokens > 0
    assert summary.total.cached_tokens > 0
    assert summary.total.distinct_auths == 4
    assert len(top.auths) == 4
    assert any(rate.errors > 0 for rate in rates.rates)
    assert len(latency.rows) >= 6
    assert all(row.requests > 0 and row.percentiles for row in latency.rows)
    # Every hour of the week has requests (168 hourly points, none empty); usage and
    # logs count the same requests.
    assert len(series.points) == 7 * 24
    assert all(point.requests > 0 for point in series.points)
    assert sum(point.requests for point in series.points) == summary.total.requests


async def assert_readme_analytics_have_rows(target: str, api_key: str) -> None:
    """Every AnalyticsService grpcurl command of the README, run against ``target``,
    exits 0 and answers with rows."""
    analytics = [c for c in COMMANDS if "AnalyticsService/" in " ".join(c.argv)]
    assert len(analytics) >= 2
    for command in analytics:
        result = await run_grpcurl(rewrite(command, target, {"proxy": ""}, api_key))
        assert result.returncode == 0, f"README.md:{command.line}: {result.stderr}"
        answer = json.loads(result.stdout)
        assert answer.get("rows"), f"README.md:{command.line}: no rows: {result.stdout}"


async def test_readme_analytics_commands_answer_with_rows_after_the_readme_seed(
    seeded_server: tuple[str, list[str]],
) -> None:
    target, keys = seeded_server
    await assert_readme_analytics_have_rows(target, keys[0])


async def test_the_printed_api_keys_validate(seeded_server: tuple[str, list[str]]) -> None:
    target, keys = seeded_server
    assert len(keys) == 3
    limits = {}
    async with aio.insecure_channel(target) as channel:
        for key in keys:
            answer = await stubs.api_keys(channel).ValidateAPIKey(
                api_keys_pb2.ValidateAPIKeyRequest(key=key), timeout=10
            )
            assert answer.valid
            assert answer.reason == api_keys_pb2.API_KEY_VALIDATION_REASON_VALID
            limits[answer.api_key.owner_id] = answer.rate_limit.limit
    # Realistic owners; one key (the production gateway's) is rate-limited.
    assert limits == {"team-platform": 600, "team-analytics": 0, "jonas.weber": 0}


async def test_the_seeded_config_is_active(seeded_server: tuple[str, list[str]]) -> None:
    target, _keys = seeded_server
    async with aio.insecure_channel(target) as channel:
        answer = await stubs.configs(channel).GetConfig(
            configs_pb2.GetConfigRequest(name=CONFIG_NAME), timeout=10
        )
    assert (answer.config.version, answer.config.active) == (1, True)
    assert answer.config.yaml == CONFIG_YAML
    assert answer.config.created_by == "dataaccess seed"


def test_second_seed_refuses_with_one_line_and_changes_nothing(pg_database: str) -> None:
    env = seed_environment(pg_database)
    first = run_cli("seed", "--days", "2", env=env, prints_secret=True)
    assert first.returncode == 0, first.stderr
    printed_keys(first.stdout)
    assert "shown only now" in first.stdout
    before = counts(pg_database)
    assert all(before.values()), before

    again = run_cli("seed", "--days", "2", env=env)
    assert again.returncode == 1
    refusal = [line for line in again.stderr.splitlines() if line.startswith("dataaccess:")]
    assert len(refusal) == 1, again.stderr
    assert "already has data" in refusal[0]
    assert "--force" in refusal[0]
    assert "OAuth tokens" in refusal[0]
    assert "request logs" in refusal[0]
    assert "config 'proxy'" in refusal[0]
    assert again.stdout == ""
    assert counts(pg_database) == before


def test_forced_seed_duplicates_no_usage_logs_keys_or_tokens(pg_database: str) -> None:
    env = seed_environment(pg_database)
    first = run_cli("seed", "--days", "3", env=env, prints_secret=True)
    assert first.returncode == 0, first.stderr
    assert len(printed_keys(first.stdout)) == 3
    before = counts(pg_database)

    forced = run_cli("seed", "--days", "3", "--force", env=env, prints_secret=True)
    assert forced.returncode == 0, forced.stderr
    # No new key (so none to show); the same rows everywhere else.
    assert printed_keys(forced.stdout) == []
    assert "earlier seed created, kept" in forced.stdout
    assert "request logs: 0 inserted" in forced.stdout
    assert "usage: 0 hourly batch(es) added" in forced.stdout
    assert "config 'proxy': version 1, stored by an earlier seed" in forced.stdout
    assert counts(pg_database) == before


def test_two_empty_databases_seeded_over_the_same_days_hold_the_same_figures(
    pg_database: str, pg_primary: PostgresInstance
) -> None:
    arguments = ["seed", "--days", "2", "--end-date", "2026-11-20"]
    with fresh_database(pg_primary) as other:
        for dsn in (pg_database, other):
            result = run_cli(*arguments, env=seed_environment(dsn), prints_secret=True)
            assert result.returncode == 0, result.stderr
            printed_keys(result.stdout)
        assert counts(pg_database) == counts(other)


@pytest.mark.parametrize(
    ("arguments", "option"),
    [
        (["--end-date", "2999-01-01"], "--end-date"),
        (["--days", "0"], "--days"),
        (["--days", "40"], "--days"),  # past DB_LOG_RETENTION_DAYS=30
    ],
)
def test_a_span_the_service_would_refuse_is_a_usage_error_naming_the_option(
    pg_database: str, arguments: list[str], option: str
) -> None:
    env = clean_environment(DATABASE_URL=pg_database, DB_LOG_RETENTION_DAYS="30")
    result = run_cli("seed", *arguments, env=env)
    assert result.returncode == 2
    assert f"configuration error: {option}:" in result.stderr
    assert counts(pg_database)["oauth_tokens"] == 0


async def test_the_readme_seed_on_a_fresh_embedded_database_feeds_the_readme_analytics(
    pg_major: int,
) -> None:
    """AC5 as a developer meets it: the README's seed command on a fresh embedded
    database, a server on it, the README's analytics commands answer with rows; a second
    seed refuses."""
    # Not pytest's tmp_path: its parent is 0700 and the database's OS user must reach it.
    directory = Path(tempfile.mkdtemp(prefix="dataaccess-seed-"))
    directory.chmod(0o755)
    env = clean_environment(
        DATAACCESS_DATA_DIR=str(directory / "data"),
        DATAACCESS_EMBEDDED_PG_MAJOR=str(pg_major),
        DATAACCESS_ENCRYPTION_KEYS="",  # embedded mode brings its development key
        DATAACCESS_AUTH="none",
        DATAACCESS_LISTEN="127.0.0.1:0",
    )
    try:
        first = run_cli(*readme_seed_argv(), env=env, prints_secret=True)
        assert first.returncode == 0, first.stderr
        assert "applied migration 0001_initial_schema" in first.stderr
        keys = printed_keys(first.stdout)
        assert len(keys) == 3
        app = Application(load_settings(env))
        try:
            target = f"127.0.0.1:{await app.start()}"
            await assert_readme_analytics_have_rows(target, keys[0])
        finally:
            await app.stop()
        again = run_cli(*readme_seed_argv(), env=env)
        assert again.returncode == 1
        assert "already has data" in again.stderr
    finally:
        shutil.rmtree(directory, ignore_errors=True)
