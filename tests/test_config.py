"""Configuration: defaults, parsing, and one clear line + exit code 2 for each bad value."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from dataaccess_server.config import ConfigError, load_settings, parse_duration
from dataaccess_server.config.cache import CacheSettings
from dataaccess_server.db.pool import PoolSettingError, PoolSettings
from tests.harness.server import TEST_KEYRING_TEXT

GOOD_DSN = "postgresql://app:secret@db.internal:5432/dataaccess"


def test_no_database_configured_selects_embedded_mode_with_auto_migrate() -> None:
    settings = load_settings({})
    assert settings.embedded
    assert settings.auto_migrate
    assert settings.listen == "127.0.0.1:50051"
    assert (settings.pool.min_size, settings.pool.max_size) == (5, 20)
    assert settings.pool.max_lifetime == 3600.0
    assert settings.pool.max_idle == 1800.0
    assert settings.pool.health_check_interval == 60.0


def test_external_database_does_not_auto_migrate_by_default() -> None:
    settings = load_settings({"DATABASE_URL": GOOD_DSN, "DB_REPLICAS": f"{GOOD_DSN}, {GOOD_DSN}"})
    assert not settings.embedded
    assert not settings.auto_migrate
    assert settings.replica_dsns == (GOOD_DSN, GOOD_DSN)


def test_db_primary_is_a_synonym_of_database_url() -> None:
    assert load_settings({"DB_PRIMARY": GOOD_DSN}).primary_dsn == GOOD_DSN
    both = {"DB_PRIMARY": GOOD_DSN, "DATABASE_URL": GOOD_DSN}
    assert load_settings(both).primary_dsn == GOOD_DSN


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30", 30.0), ("0.5", 0.5), ("1500ms", 1.5), ("30s", 30.0), ("5m", 300.0), ("1h30m", 5400.0)],
)
def test_durations_accept_seconds_and_go_style_units(text: str, seconds: float) -> None:
    assert parse_duration("X", text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "5 m", "1h-2m", "m5", "1d"])
def test_malformed_durations_are_refused(text: str) -> None:
    with pytest.raises(ConfigError, match="X: must be a duration"):
        parse_duration("X", text)


def test_empty_values_count_as_unset() -> None:
    settings = load_settings({"DB_POOL_MAX_CONNS": "", "DATABASE_URL": " "})
    assert settings.pool.max_size == 20
    assert settings.embedded


# Each bad value, the variable the message must name, and a fragment of the reason.
BAD_VALUES = [
    ({"DB_POOL_MAX_CONNS": "abc"}, "DB_POOL_MAX_CONNS", "whole number"),
    ({"DB_POOL_MAX_CONNS": "0"}, "DB_POOL_MAX_CONNS", "between"),
    ({"DB_POOL_MIN_CONNS": "-1"}, "DB_POOL_MIN_CONNS", "between"),
    ({"DB_POOL_MIN_CONNS": "30", "DB_POOL_MAX_CONNS": "10"}, "DB_POOL_MIN_CONNS", "exceed"),
    ({"DB_POOL_MAX_CONN_LIFETIME": "forever"}, "DB_POOL_MAX_CONN_LIFETIME", "duration"),
    ({"DB_POOL_MAX_CONN_IDLE_TIME": "0"}, "DB_POOL_MAX_CONN_IDLE_TIME", "at least"),
    ({"DB_POOL_HEALTH_CHECK": "1x"}, "DB_POOL_HEALTH_CHECK", "duration"),
    ({"DB_POOL_TIMEOUT": "-5"}, "DB_POOL_TIMEOUT", "duration"),
    ({"DATABASE_URL": "postgresql://u@h:5432/db?nosuchoption=1"}, "DATABASE_URL", "valid"),
    ({"DATABASE_URL": "host=a port"}, "DATABASE_URL", "valid"),
    ({"DB_PRIMARY": GOOD_DSN, "DATABASE_URL": GOOD_DSN + "x"}, "DB_PRIMARY", "differs"),
    ({"DATABASE_URL": GOOD_DSN, "DB_REPLICAS": f"{GOOD_DSN},,"}, "DB_REPLICAS", "empty"),
    ({"DATABASE_URL": GOOD_DSN, "DB_REPLICAS": "host=a port"}, "DB_REPLICAS", "valid"),
    ({"DB_REPLICAS": GOOD_DSN}, "DB_REPLICAS", "needs DATABASE_URL"),
    ({"DB_SCHEMA": "Robert'); DROP TABLE students;--"}, "DB_SCHEMA", "identifier"),
    ({"DB_SCHEMA": "pg_catalog"}, "DB_SCHEMA", "identifier"),
    ({"DB_SCHEMA": "1abc"}, "DB_SCHEMA", "identifier"),
    ({"DB_AUTO_MIGRATE": "maybe"}, "DB_AUTO_MIGRATE", "true or false"),
    ({"DB_MONITOR_INTERVAL": "0ms"}, "DB_MONITOR_INTERVAL", "at least"),
    ({"DATAACCESS_LISTEN": "50051"}, "DATAACCESS_LISTEN", "host:port"),
    ({"DATAACCESS_LISTEN": "0.0.0.0:70000"}, "DATAACCESS_LISTEN", "65535"),
    ({"DATAACCESS_SHUTDOWN_GRACE": "soon"}, "DATAACCESS_SHUTDOWN_GRACE", "duration"),
    ({"DATAACCESS_STARTUP_TIMEOUT": "x"}, "DATAACCESS_STARTUP_TIMEOUT", "duration"),
    ({"DATAACCESS_EMBEDDED_PG_MAJOR": "15"}, "DATAACCESS_EMBEDDED_PG_MAJOR", "one of"),
    ({"DATAACCESS_LOG_LEVEL": "LOUD"}, "DATAACCESS_LOG_LEVEL", "one of"),
    ({"DATAACCESS_LOG_FORMAT": "xml"}, "DATAACCESS_LOG_FORMAT", "one of"),
    ({"DB_LOG_PARTITIONS_AHEAD": "-1"}, "DB_LOG_PARTITIONS_AHEAD", "between"),
    ({"DATAACCESS_MAX_BATCH_DAYS": "0"}, "DATAACCESS_MAX_BATCH_DAYS", "between"),
    ({"DATAACCESS_ANALYTICS_MAX_DAYS": "0"}, "DATAACCESS_ANALYTICS_MAX_DAYS", "between"),
    ({"DATAACCESS_ROLLUP_FOLD_INTERVAL": "0"}, "DATAACCESS_ROLLUP_FOLD_INTERVAL", "at least"),
    ({"DATAACCESS_ROLLUP_FOLD_INTERVAL": "often"}, "DATAACCESS_ROLLUP_FOLD_INTERVAL", "duration"),
    ({"DATAACCESS_ROLLUP_FOLD_CHUNK": "0"}, "DATAACCESS_ROLLUP_FOLD_CHUNK", "between"),
    (
        {"DATABASE_URL": GOOD_DSN, "DATAACCESS_DATA_DIR": "/tmp/x"},
        "DATAACCESS_DATA_DIR",
        "embedded",
    ),
    ({"DB_MIGRATE_URL": GOOD_DSN}, "DB_MIGRATE_URL", "embedded"),
    ({"DATABASE_URL": GOOD_DSN, "DB_MIGRATE_URL": "host=a port"}, "DB_MIGRATE_URL", "valid"),
    ({"DB_APP_ROLE": "App Role"}, "DB_APP_ROLE", "role name"),
    ({"DB_APP_ROLE": "pg_monitor"}, "DB_APP_ROLE", "role name"),
    ({"DB_READONLY_ROLE": "public"}, "DB_READONLY_ROLE", "not public"),
    ({"DB_APP_ROLE": "da", "DB_READONLY_ROLE": "da"}, "DB_READONLY_ROLE", "differ"),
]


def test_migrations_run_as_db_migrate_url_else_as_the_primary() -> None:
    owner = "postgresql://owner@db.internal:5432/dataaccess"
    settings = load_settings(
        {
            "DATABASE_URL": GOOD_DSN,
            "DB_MIGRATE_URL": owner,
            "DB_APP_ROLE": "da_app",
            "DB_READONLY_ROLE": "da_ro",
        }
    )
    assert (settings.migration_dsn, settings.primary_dsn) == (owner, GOOD_DSN)
    assert (settings.app_role, settings.readonly_role) == ("da_app", "da_ro")
    assert load_settings({"DATABASE_URL": GOOD_DSN}).migration_dsn == GOOD_DSN


@pytest.mark.parametrize(("env", "variable", "reason"), BAD_VALUES)
def test_bad_value_is_refused_naming_the_variable(
    env: dict[str, str], variable: str, reason: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    assert caught.value.variable == variable
    assert reason in caught.value.problem


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"min_size": -1}, "min_size"),
        ({"max_size": 0, "min_size": 0}, "max_size"),
        ({"min_size": 30, "max_size": 10}, "min_size"),
        ({"max_lifetime": 0.0}, "max_lifetime"),
        ({"max_idle": -1.0}, "max_idle"),
        ({"health_check_interval": float("nan")}, "health_check_interval"),
        ({"timeout": float("inf")}, "timeout"),
    ],
)
def test_pool_settings_refuse_what_no_pool_could_use(arguments: dict[str, Any], field: str) -> None:
    # Validated where they are built: a test or a benchmark gets the same refusal.
    with pytest.raises(ValueError, match=f"^{field} must"):
        PoolSettings(**arguments)


def test_dsn_errors_do_not_echo_the_password() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"DATABASE_URL": "host=db password=hunter2 port"})
    assert "hunter2" not in str(caught.value)


def test_serve_needs_a_keyring_outside_embedded_mode() -> None:
    result = _serve_with({"DATABASE_URL": GOOD_DSN})
    assert result.returncode == 2
    assert result.stderr.startswith(
        "dataaccess: configuration error: DATAACCESS_ENCRYPTION_KEYS: is required"
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("nocolon", "id:base64key"),
        ("a:!!!notbase64", "not valid base64"),
        ("a:" + "QUJD", "32 bytes"),
        ("a:" + "a" * 44 + ",a:" + "a" * 44, "twice"),
        ("bad id:" + "a" * 44, "key id"),
    ],
)
def test_malformed_keyrings_are_refused_without_echoing_keys(text: str, reason: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"DATAACCESS_ENCRYPTION_KEYS": text})
    assert caught.value.variable == "DATAACCESS_ENCRYPTION_KEYS"
    assert reason in caught.value.problem
    assert "a" * 44 not in str(caught.value)


def _serve_with(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DATAACCESS_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "dataaccess_server", "serve"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "variable", "reason"),
    # One process per variable: the CLI contract is the same for all of them.
    list({variable: (env, variable, reason) for env, variable, reason in BAD_VALUES}.values()),
)
def test_serve_exits_2_with_one_line_naming_the_variable(
    env: dict[str, str], variable: str, reason: str
) -> None:
    result = _serve_with(env)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"dataaccess: configuration error: {variable}: ")
    assert reason in lines[0]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"min_size": -1}, "min_size"),
        ({"max_size": 0}, "max_size"),
        ({"min_size": 6, "max_size": 5}, "min_size"),
        ({"max_lifetime": 0.0}, "max_lifetime"),
        ({"max_idle": float("inf")}, "max_idle"),
        ({"health_check_interval": -1.0}, "health_check_interval"),
        ({"timeout": float("nan")}, "timeout"),
    ],
)
def test_pool_settings_refuse_bad_values_where_they_are_built(
    values: dict[str, float], field: str
) -> None:
    with pytest.raises(PoolSettingError) as caught:
        PoolSettings(**values)  # type: ignore[arg-type]
    assert caught.value.field == field


# --- telemetry ---------------------------------------------------------------------------


def test_telemetry_is_off_unless_asked_for_and_reads_the_standard_variables() -> None:
    base = {"DATABASE_URL": "postgresql://db/x", "DATAACCESS_ENCRYPTION_KEYS": TEST_KEYRING_TEXT}
    off = load_settings(base).telemetry
    assert (off.traces_endpoint, off.metrics_endpoint, off.metrics_listen) == (None, None, None)
    assert off.slow_statement is None
    on = load_settings(
        base
        | {
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317",
            "OTEL_METRICS_EXPORTER": "none",
            "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
            "OTEL_TRACES_SAMPLER_ARG": "0.01",
            "OTEL_SERVICE_NAME": "da-eu",
            "DATAACCESS_METRICS_LISTEN": ":9464",
            "DB_SLOW_QUERY_THRESHOLD": "250ms",
        }
    ).telemetry
    assert on.traces_endpoint == "http://collector:4317"
    assert on.metrics_endpoint is None  # OTEL_METRICS_EXPORTER=none
    assert (on.sampler, on.sampler_ratio, on.service_name) == (
        "parentbased_traceidratio",
        0.01,
        "da-eu",
    )
    assert on.metrics_listen == "0.0.0.0:9464"
    assert on.slow_statement == 0.25
    disabled = load_settings(
        base | {"OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317"}
    )
    assert disabled.telemetry.traces_endpoint is None


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("OTEL_TRACES_SAMPLER", "sometimes"),
        ("OTEL_TRACES_SAMPLER_ARG", "1.5"),
        ("OTEL_TRACES_SAMPLER_ARG", "nan"),
        ("OTEL_TRACES_EXPORTER", "zipkin"),
        ("DATAACCESS_METRICS_LISTEN", "9464"),
        ("DB_SLOW_QUERY_THRESHOLD", "0"),
        ("OTEL_METRIC_EXPORT_INTERVAL", "10"),
    ],
)
def test_a_bad_telemetry_setting_names_its_variable(variable: str, value: str) -> None:
    env = {"DATABASE_URL": "postgresql://db/x", "DATAACCESS_ENCRYPTION_KEYS": TEST_KEYRING_TEXT}
    if variable == "OTEL_TRACES_SAMPLER_ARG":
        env["OTEL_TRACES_SAMPLER"] = "traceidratio"
    with pytest.raises(ConfigError) as caught:
        load_settings(env | {variable: value})
    assert caught.value.variable == variable


def test_cache_settings_follow_the_message_limit() -> None:
    env = {"DATABASE_URL": "postgresql://db/x", "DATAACCESS_MAX_MESSAGE_BYTES": str(256 * 1024)}
    assert load_settings(env).cache.limits.max_value_bytes == 256 * 1024 - 8192
    with pytest.raises(ConfigError) as caught:
        load_settings({**env, "DATAACCESS_CACHE_MAX_VALUE_BYTES": str(256 * 1024)})
    assert caught.value.variable == "DATAACCESS_CACHE_MAX_VALUE_BYTES"
    with pytest.raises(ConfigError) as caught:
        load_settings({**env, "DATAACCESS_CACHE_MAX_TTL": "500ms"})
    assert caught.value.variable == "DATAACCESS_CACHE_MAX_TTL"
    assert load_settings({"DATABASE_URL": "postgresql://db/x"}).cache == CacheSettings()
