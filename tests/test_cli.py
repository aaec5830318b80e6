"""The README's run command on the embedded database, end to end, and the CLI surface."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import psycopg
import pytest

from dataaccess.v1 import oauth_tokens_pb2 as tokens_pb2
from dataaccess.v1 import oauth_tokens_pb2_grpc as tokens_grpc
from dataaccess_server import __version__
from tests.harness import leaks
from tests.harness.server import (
    Serve,
    clean_environment,
    health_status,
    run_cli,
)
from tests.harness.waiting import wait_until_sync

REPO = Path(__file__).resolve().parents[1]
DEV_SECRET = "embedded-dev-secret-0123456789"
leaks.register_secret(DEV_SECRET)


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Not pytest's tmp_path: its parent is 0700 and the database's OS user must reach it.
    directory = Path(tempfile.mkdtemp(prefix="dataaccess-cli-"))
    directory.chmod(0o755)
    yield directory / "data"
    shutil.rmtree(directory, ignore_errors=True)


def grpcurl() -> str:
    found = shutil.which("grpcurl") or shutil.which("grpcurl", path=str(REPO / ".tools"))
    assert found, "grpcurl is missing: `make test` installs it into .tools/"
    return found


def test_version_and_help() -> None:
    env = clean_environment()
    assert run_cli("version", env=env).stdout.strip() == f"dataaccess {__version__}"
    serve_help = run_cli("serve", "--help", env=env).stdout
    assert "DATABASE_URL" in serve_help
    assert "DB_POOL_MAX_CONNS" in serve_help
    for command in (["migrate", "--help"], ["migrate", "up", "--help"], ["--help"]):
        assert run_cli(*command, env=env).returncode == 0
    assert run_cli("nonsense", env=env).returncode == 2


def test_embedded_serve_is_serving_within_60s_and_restarts_on_the_same_data(
    data_dir: Path, tmp_path: Path, pg_major: int
) -> None:
    env = clean_environment(
        DATAACCESS_DATA_DIR=str(data_dir),
        DATAACCESS_LISTEN="127.0.0.1:0",
        DATAACCESS_EMBEDDED_PG_MAJOR=str(pg_major),
        DATAACCESS_ENCRYPTION_KEYS="",  # embedded mode brings its development key
    )
    first = Serve(env, tmp_path / "first.log")
    try:
        target = first.target()
        wait_until_sync(lambda: health_status(target) == "SERVING", what="SERVING", timeout=60)
        assert time.monotonic() - first.started < 60
        log = first.log()
        assert f"DEVELOPMENT DATABASE: embedded PostgreSQL {pg_major}" in log
        assert "applied migration 0001_initial_schema" in log

        # Leave a mark in the embedded database, to find it after a restart.
        status = json.loads(
            subprocess.run(
                [
                    grpcurl(),
                    "-plaintext",
                    target,
                    "dataaccess.v1.OperationsService/GetDatabaseStatus",
                ],
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            ).stdout
        )
        # Shown without password; the embedded database trusts local connections.
        dsn = status["nodes"][0]["dsn"]
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("CREATE TABLE restart_mark (id int)")
        # A token sealed with the development key generated at first start.
        with grpc.insecure_channel(target) as channel:
            written = tokens_grpc.OAuthTokenServiceStub(channel).UpsertOAuthToken(
                tokens_pb2.UpsertOAuthTokenRequest(
                    token=tokens_pb2.OAuthToken(
                        provider="dev", user_id="me", access_token=DEV_SECRET
                    )
                ),
                timeout=10,
            )
        assert "generated a development encryption key" in first.log()
        key_file = data_dir / "dev-encryption-keys"
        assert key_file.stat().st_mode & 0o777 == 0o600
        assert first.stop() == 0
    finally:
        first.kill()

    second = Serve(env, tmp_path / "second.log")
    try:
        target = second.target()
        wait_until_sync(
            lambda: health_status(target) == "SERVING", what="SERVING again", timeout=60
        )
        assert "applied migration" not in second.log()
        with psycopg.connect(dsn) as conn:
            assert conn.execute("SELECT to_regclass('restart_mark') IS NOT NULL").fetchone() == (
                True,
            )
        # Same key after the restart: the token still opens.
        with grpc.insecure_channel(target) as channel:
            read = tokens_grpc.OAuthTokenServiceStub(channel).GetOAuthToken(
                tokens_pb2.GetOAuthTokenRequest(
                    id=written.token.id, view=tokens_pb2.O_AUTH_TOKEN_VIEW_FULL
                ),
                timeout=10,
            )
        assert read.token.access_token == DEV_SECRET
        assert "generated a development encryption key" not in second.log()
        assert "DEVELOPMENT key" in second.log()
        assert second.stop() == 0
    finally:
        second.kill()


@pytest.fixture
def external_serve(pg_database: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`dataaccess serve` on DATABASE_URL: its target and its log."""
    env = clean_environment(DATABASE_URL=pg_database, DATAACCESS_LISTEN="127.0.0.1:0")
    serve = Serve(env, tmp_path / "serve.log")
    try:
        target = serve.target()
        wait_until_sync(lambda: health_status(target) == "SERVING", what="SERVING", timeout=30)
        yield target, serve.log_path
        assert serve.stop() == 0
    finally:
        serve.kill()


def test_grpcurl_session_from_the_readme(external_serve: tuple[str, Path]) -> None:
    target, _ = external_serve
    listed = _grpcurl("-plaintext", target, "list")
    assert set(listed.split()) >= {
        "dataaccess.v1.APIKeyService",
        "dataaccess.v1.AnalyticsService",
        "dataaccess.v1.OAuthTokenService",
        "dataaccess.v1.OperationsService",
        "dataaccess.v1.RequestLogService",
        "dataaccess.v1.UsageService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
    }
    described = _grpcurl("-plaintext", target, "describe", "dataaccess.v1.OperationsService")
    assert "rpc GetDatabaseStatus" in described
    health = json.loads(_grpcurl("-plaintext", target, "grpc.health.v1.Health/Check"))
    assert health == {"status": "SERVING"}
    status = json.loads(
        _grpcurl(
            "-plaintext", "-d", "{}", target, "dataaccess.v1.OperationsService/GetDatabaseStatus"
        )
    )
    assert status["nodes"][0]["name"] == "primary"
    assert status["nodes"][0]["reachable"] is True
    assert int(status["schema"]["current_version"]) >= 1
    request = (
        '{"start_time": "2026-11-15T00:00:00Z", "end_time": "2026-11-22T00:00:00Z",'
        ' "group_by_provider": true}'
    )
    latency = json.loads(
        _grpcurl(
            "-plaintext",
            "-d",
            request,
            target,
            "dataaccess.v1.AnalyticsService/GetLatencyPercentiles",
        )
    )
    assert latency["start_time"] == "2026-11-15T00:00:00Z"
    assert "as_of_time" in latency


def _grpcurl(*args: str) -> str:
    result = subprocess.run([grpcurl(), *args], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_serve_with_database_url_starts_no_embedded_database(
    external_serve: tuple[str, Path],
) -> None:
    _, log_path = external_serve
    assert "DEVELOPMENT DATABASE" not in log_path.read_text()
    assert "applied migration" not in log_path.read_text()  # DB_AUTO_MIGRATE is off
