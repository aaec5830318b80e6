"""The Go client for real: its example and the README's Go snippet against a live server,
with a bearer credential and over mTLS (stale generated code: tests/test_proto_check.py).

The example (clients/go/cmd/example) is built once per session with the module's own
go.mod and go.sum (the module proxy fills the module cache on a fresh machine); its JSON
lines are checked value by value, and what it wrote is read back from the server here,
with the Python stubs (and the reservation it settled from the database), so the
example's own report is not the only witness.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from grpc import aio

from dataaccess.v1 import api_keys_pb2, request_logs_pb2, usage_pb2
from dataaccess_server.api.tls import TLSFiles
from dataaccess_server.app import Application
from dataaccess_server.domain.access import parse_policy
from tests.harness import leaks, readme, stubs
from tests.harness.calls import Metadata, bearer, create_api_key, credential
from tests.harness.certs import CertificateAuthority, channel_credentials
from tests.harness.reservations import read_reservation, start_a_minute
from tests.harness.server import server_settings

REPO = Path(__file__).resolve().parents[1]
MODULE = REPO / "clients" / "go"
MODULE_PATH = "github.com/dataaccess/dataaccess/clients/go"
README_ADDRESS = "127.0.0.1:50051"
BUILD_TIMEOUT = 240.0  # a fresh machine downloads the modules and compiles grpc-go
RUN_TIMEOUT = 60.0
# The example's key, estimate and actual (cmd/example/main.go's constants).
TOKENS_PER_MINUTE, DAILY_BUDGET = 10_000, 1_000_000
ESTIMATED_TOKENS, ESTIMATED_COST = 1_000, 5_000
INPUT_TOKENS, OUTPUT_TOKENS, ACTUAL_COST = 120, 80, 1_200
# The first test to need the example builds it (about 30 s on a fresh machine, a second
# with a warm cache): past the suite's default per-test timeout, if the proxy is slow.
pytestmark = pytest.mark.timeout(BUILD_TIMEOUT + 60)


def go() -> str:
    found = shutil.which("go")
    assert found, "go is missing: the suite needs Go (it builds clients/go)"
    return found


def go_environment(**extra: str) -> dict[str, str]:
    """This process's environment for the go tool and the example: no DATAACCESS_ setting
    of the test process leaks in; VCS stamping is off (the temporary copies have no .git)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DATAACCESS_")}
    env["GOFLAGS"] = "-buildvcs=false"
    env.update(extra)
    return env


def run(
    argv: list[str], *, cwd: Path, env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    leaks.register_output(result.stdout + result.stderr)
    return result


@pytest.fixture(scope="session")
def go_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example, built from the committed module (go.mod and go.sum as they are)."""
    binary = tmp_path_factory.mktemp("go") / "example"
    built = run(
        [go(), "build", "-o", str(binary), "./cmd/example"],
        cwd=MODULE,
        env=go_environment(),
        timeout=BUILD_TIMEOUT,
    )
    assert built.returncode == 0, built.stderr
    return binary


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class ExampleRun:
    """What one run of the example printed, by step, and what it was given."""

    steps: dict[str, dict[str, object]]
    run_id: str
    access_token: str

    @property
    def owner(self) -> str:
        return f"go-example-{self.run_id}"


async def run_example(
    binary: Path, target: str, *args: str, token: str = "", expect_success: bool = True
) -> tuple[ExampleRun, subprocess.CompletedProcess[str]]:
    run_id = secrets.token_hex(4)
    access_token = "go-access-" + secrets.token_hex(16)
    leaks.register_secret(access_token)
    env = go_environment(DATAACCESS_EXAMPLE_ACCESS_TOKEN=access_token)
    if token:
        env["DATAACCESS_TOKEN"] = token
    # In a thread: the server runs on this test's event loop.
    result = await asyncio.to_thread(
        run,
        [str(binary), "-target", target, "-run", run_id, *args],
        cwd=MODULE,
        env=env,
        timeout=RUN_TIMEOUT,
    )
    if expect_success:
        assert result.returncode == 0, result.stderr
    steps: dict[str, dict[str, object]] = {}
    for line in result.stdout.splitlines():
        fields = json.loads(line)
        steps[str(fields.pop("step"))] = fields
    return ExampleRun(steps, run_id, access_token), result


async def assert_example_did_everything(
    example: ExampleRun, channel: aio.Channel, dsn: str, metadata: Metadata = ()
) -> None:
    """Every step's printed values, and the server's own view of what the example wrote
    (read over ``channel`` as an admin: a certificate's role or ``metadata``'s; the
    reservation from the database at ``dsn``)."""
    s = example.steps
    assert list(s) == [
        "create_api_key",
        "validate_api_key",
        "upsert_oauth_token",
        "get_oauth_token",
        "upsert_usage",
        "upsert_usage_again",
        "batch_insert_request_logs",
        "get_usage_summary",
        "validate_after_settlement",
    ]
    key_id = s["create_api_key"]["id"]
    assert s["create_api_key"]["owner_id"] == example.owner
    assert str(s["create_api_key"]["key_prefix"]).startswith("dak_")
    reservation_id = str(s["validate_api_key"].pop("reservation_id"))
    assert reservation_id
    # The estimate is held against the limit and the budget; tpm has the least left.
    assert s["validate_api_key"] == {
        "valid": True,
        "reason": "API_KEY_VALIDATION_REASON_VALID",
        "api_key_id": key_id,
        "decided_by": "key.limits.tpm",
        "remaining": {
            "tpm": TOKENS_PER_MINUTE - ESTIMATED_TOKENS,
            "daily": DAILY_BUDGET - ESTIMATED_COST,
        },
    }
    upserted, read = s["upsert_oauth_token"], s["get_oauth_token"]
    assert upserted["created"] is True
    assert upserted["access_token_sha256"] == sha256(example.access_token)
    assert read["id"] == upserted["id"]
    assert read["user_id"] == example.owner
    assert read["active"] is True
    # The secrets read back (FULL view) are the ones stored.
    assert read["access_token_sha256"] == sha256(example.access_token)
    assert read["refresh_token_sha256"] == upserted["refresh_token_sha256"]
    assert read["refresh_token_sha256"] != sha256("")
    assert s["upsert_usage"] == {"replayed": False, "reservations_settled": 1}
    # Same request_id: counted once, settled once.
    assert s["upsert_usage_again"] == {"replayed": True, "reservations_settled": 0}
    assert s["batch_insert_request_logs"] == {"inserted": 3, "duplicates": 0}
    assert s["get_usage_summary"] == {
        "rows": 1,
        "requests": 1,
        "input_tokens": 120,
        "output_tokens": 80,
        "total_tokens": 200,
        "successes": 1,
        "errors": 0,
        "distinct_auths": 1,
    }
    # Settled: the estimate released, the actual charged, and nothing else.
    assert s["validate_after_settlement"] == {
        "valid": True,
        "decided_by": "key.limits.tpm",
        "remaining": {
            "tpm": TOKENS_PER_MINUTE - INPUT_TOKENS - OUTPUT_TOKENS,
            "daily": DAILY_BUDGET - ACTUAL_COST,
        },
    }
    # The server's side of it.
    got_key = await stubs.api_keys(channel).GetAPIKey(
        api_keys_pb2.GetAPIKeyRequest(id=str(key_id)), metadata=metadata, timeout=10
    )
    assert got_key.api_key.owner_id == example.owner
    assert [
        (lim.name, lim.unit, lim.window.seconds, lim.limit) for lim in got_key.api_key.limits
    ] == [("tpm", api_keys_pb2.LIMIT_UNIT_TOKENS, 60, TOKENS_PER_MINUTE)]
    assert [(b.name, b.period, b.limit) for b in got_key.api_key.budgets] == [
        ("daily", api_keys_pb2.BUDGET_PERIOD_DAILY, DAILY_BUDGET)
    ]
    reservation = read_reservation(dsn, reservation_id)
    assert (reservation.api_key_id, reservation.state) == (key_id, "settled")
    assert (reservation.tokens, reservation.cost) == (ESTIMATED_TOKENS, ESTIMATED_COST)
    assert (reservation.actual_tokens, reservation.actual_cost) == (
        INPUT_TOKENS + OUTPUT_TOKENS,
        ACTUAL_COST,
    )
    usage = await stubs.usage(channel).ListUsage(
        usage_pb2.ListUsageRequest(auth_id=example.owner), metadata=metadata, timeout=10
    )
    assert [(r.request_count, r.total_tokens, r.cost) for r in usage.records] == [
        (1, INPUT_TOKENS + OUTPUT_TOKENS, ACTUAL_COST)
    ]
    logs = await stubs.request_logs(channel).ListRequestLogs(
        request_logs_pb2.ListRequestLogsRequest(auth_id=example.owner),
        metadata=metadata,
        timeout=10,
    )
    assert sorted(log.status_code for log in logs.logs) == [200, 200, 500]


async def test_go_example_does_a_proxys_calls_with_a_bearer_credential(
    go_example: Path, auth_app: Application, auth_channel: aio.Channel, pg_database: str
) -> None:
    token = await credential(auth_app, "admin")
    start_a_minute(pg_database)
    example, _ = await run_example(go_example, f"127.0.0.1:{auth_app.port}", token=token)
    await assert_example_did_everything(example, auth_channel, pg_database, bearer(token))


async def test_go_example_without_a_credential_is_refused(
    go_example: Path, auth_app: Application
) -> None:
    example, result = await run_example(
        go_example, f"127.0.0.1:{auth_app.port}", expect_success=False
    )
    assert result.returncode == 1
    assert example.steps == {}
    assert "CreateAPIKey" in result.stderr
    assert "Unauthenticated" in result.stderr


async def test_go_example_over_mtls_is_the_identity_the_policy_binds(
    go_example: Path, pg_database: str, tmp_path: Path
) -> None:
    ca = CertificateAuthority.create("go client CA")
    server_cert = ca.issue(tmp_path / "server", "server", cn="dataaccess", server=True)
    client = ca.issue(tmp_path / "client", "ops", uris=("spiffe://test/ns/ops/sa/go",), cn="x")
    policy = parse_policy('[identities]\n"spiffe://test/ns/ops/sa/go" = "admin"\n')
    ca_file = ca.write(tmp_path / "ca.crt")
    tls = TLSFiles(server_cert.cert_path, server_cert.key_path, ca_file)
    app = Application(server_settings(pg_database, tls=tls, auth="on", access_policy=policy))
    await app.start()
    try:
        target = f"127.0.0.1:{app.port}"
        tls_args = (
            "-ca",
            str(ca_file),
            "-cert",
            str(client.cert_path),
            "-key",
            str(client.key_path),
        )
        start_a_minute(pg_database)
        example, _ = await run_example(go_example, target, *tls_args)
        async with aio.secure_channel(target, channel_credentials(ca, client)) as channel:
            await assert_example_did_everything(example, channel, pg_database)
        # Without the client certificate the handshake fails before any call.
        _, refused = await run_example(
            go_example, target, "-ca", str(ca_file), expect_success=False
        )
        assert refused.returncode == 1
        assert "Unavailable" in refused.stderr
    finally:
        await app.stop()


# --- the README's snippet -----------------------------------------------------------------


def readme_go_snippet() -> str:
    snippet = readme.snippet("Calling from Go", "go")
    assert README_ADDRESS in snippet
    return snippet


async def test_readme_go_snippet_validates_a_key(
    auth_app: Application, auth_channel: aio.Channel, tmp_path: Path
) -> None:
    target = f"127.0.0.1:{auth_app.port}"
    api_key = await create_api_key(
        target, await credential(auth_app, "admin"), "readme-go", "readme-go"
    )
    proxy = await credential(auth_app, "proxy", "readme-go")
    # A module of its own, as a caller would write, using the checkout's client module.
    (tmp_path / "main.go").write_text(readme_go_snippet().replace(README_ADDRESS, target))
    go_mod = (MODULE / "go.mod").read_text()
    go_version = re.search(r"^go (\S+)$", go_mod, re.MULTILINE)
    assert go_version
    (tmp_path / "go.mod").write_text(
        f"module readmesnippet\n\ngo {go_version[1]}\n\n"
        f"require {MODULE_PATH} v0.0.0\n\nreplace {MODULE_PATH} => {MODULE}\n"
    )
    shutil.copy(MODULE / "go.sum", tmp_path / "go.sum")
    env = go_environment(DATAACCESS_TOKEN=proxy, API_KEY=api_key)
    env["GOFLAGS"] += " -mod=mod"  # resolve the new module's requirements from the client's
    result = await asyncio.to_thread(
        run, [go(), "run", "."], cwd=tmp_path, env=env, timeout=BUILD_TIMEOUT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "true API_KEY_VALIDATION_REASON_VALID"
