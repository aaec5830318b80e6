"""The Node client (clients/node) against live servers: its example over a bearer
credential and over mTLS, and the README's "Calling from Node" snippet (stale generated
code: tests/test_proto_check.py).

The package is installed with ``npm ci`` (when package.json or its lock file is newer
than the install) and compiled by ``npm run build`` (tsc, strict) once per session, so a
type error in the helper, the example or the generated code fails here too. What the
example printed is checked value by value, and read back from the server: the key it
created, and the reservation it settled (from the database).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from grpc import aio

from dataaccess.v1 import api_keys_pb2
from dataaccess_server.api.tls import TLSFiles
from dataaccess_server.app import Application
from dataaccess_server.domain.access import parse_policy
from tests.harness import leaks, readme, stubs
from tests.harness.calls import bearer, create_api_key, credential
from tests.harness.certs import CertificateAuthority
from tests.harness.reservations import read_reservation, start_a_minute
from tests.harness.server import server_settings

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "clients" / "node"
INSTALLED = PACKAGE / "node_modules" / ".installed"
EXAMPLE = PACKAGE / "dist" / "example.js"
README = REPO / "README.md"
# What the example records (src/example.ts USAGE, COST and LOGS), so what the summary must
# total; the key's limit and budget and the estimate it reserves (POLICY and ESTIMATE).
REQUESTS, INPUT_TOKENS, OUTPUT_TOKENS, SUCCESSES, LOGS = 1, 1200, 345, 1, 3
ACTUAL_COST = 9000
TOKENS_PER_MINUTE, DAILY_BUDGET = 10_000, 1_000_000
ESTIMATED_TOKENS, ESTIMATED_COST = 2000, 30_000


def _run(
    argv: list[str], cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        cwd=cwd,
        env=dict(env) if env is not None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def node_package() -> Path:
    """clients/node installed (``npm ci``, as the Makefile's stamp target does) and built."""
    npm = shutil.which("npm")
    assert npm, "npm is needed (Node 20+)"
    assert shutil.which("node"), "node is needed (Node 20+)"
    inputs = (PACKAGE / "package.json", PACKAGE / "package-lock.json")
    if not INSTALLED.exists() or any(
        INSTALLED.stat().st_mtime < path.stat().st_mtime for path in inputs
    ):
        done = _run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], PACKAGE, timeout=300
        )
        assert done.returncode == 0, done.stderr
        INSTALLED.touch()
    built = _run([npm, "run", "build"], PACKAGE, timeout=120)
    assert built.returncode == 0, built.stdout + built.stderr
    assert EXAMPLE.is_file()
    return PACKAGE


def node_environment(**extra: str) -> dict[str, str]:
    """This environment without the example's DATAACCESS_* fallbacks, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATAACCESS_")}
    return env | extra


async def run_node(
    argv: list[str], cwd: Path, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    """Run node in a thread: the server under test runs on this test's event loop."""
    node = shutil.which("node")
    assert node
    return await asyncio.to_thread(_run, [node, *argv], cwd, env)


def parse_lines(stdout: str) -> dict[str, str]:
    pairs = dict(line.split("=", 1) for line in stdout.splitlines() if "=" in line)
    assert pairs, stdout
    return pairs


@dataclass(frozen=True)
class Secrets:
    auth_id: str
    access_token: str
    refresh_token: str

    @classmethod
    def fresh(cls) -> Secrets:
        made = cls(
            f"node-{secrets.token_hex(4)}", secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        )
        leaks.register_secret(made.access_token, made.refresh_token)
        return made

    def argv(self) -> list[str]:
        # name=value: a random token may begin with "-", which parseArgs would take
        # for a flag.
        return [
            f"--auth-id={self.auth_id}",
            f"--access-token={self.access_token}",
            f"--refresh-token={self.refresh_token}",
        ]


def assert_example_output(out: dict[str, str], made: Secrets) -> None:
    """The values the example printed are the ones it recorded and read back."""
    assert out["api_key_id"]
    assert out["api_key_prefix"].startswith("dak_")
    assert out["validate_valid"] == "true"
    assert out["validate_reason"] == "API_KEY_VALIDATION_REASON_VALID"
    # The estimate held against the limit and the budget; tpm has the least left.
    assert out["validate_decided_by"] == "key.limits.tpm"
    assert out["validate_reservation_id"]
    assert out["validate_remaining_tpm"] == str(TOKENS_PER_MINUTE - ESTIMATED_TOKENS)
    assert out["validate_remaining_daily"] == str(DAILY_BUDGET - ESTIMATED_COST)
    assert out["oauth_created"] == "true"
    assert out["oauth_id"]
    sha = hashlib.sha256
    assert out["oauth_access_token_sha256"] == sha(made.access_token.encode()).hexdigest()
    assert out["oauth_refresh_token_sha256"] == sha(made.refresh_token.encode()).hexdigest()
    assert out["oauth_secrets_match"] == "true"
    assert out["usage_replayed"] == "false"
    assert out["usage_reservations_settled"] == "1"
    # Same request_id: counted once, settled once.
    assert out["usage_retry_replayed"] == "true"
    assert out["usage_retry_reservations_settled"] == "0"
    assert out["logs_inserted"] == str(LOGS)
    assert out["logs_duplicates"] == "0"
    assert out["summary_rows"] == "1"
    assert out["summary_requests"] == str(REQUESTS)
    assert out["summary_input_tokens"] == str(INPUT_TOKENS)
    assert out["summary_output_tokens"] == str(OUTPUT_TOKENS)
    assert out["summary_total_tokens"] == str(INPUT_TOKENS + OUTPUT_TOKENS)
    assert out["summary_successes"] == str(SUCCESSES)
    assert out["summary_errors"] == str(REQUESTS - SUCCESSES)
    assert out["summary_distinct_auths"] == "1"
    # Settled: the estimate released, the actual charged, and nothing else.
    assert out["after_valid"] == "true"
    assert out["after_decided_by"] == "key.limits.tpm"
    assert out["after_remaining_tpm"] == str(TOKENS_PER_MINUTE - INPUT_TOKENS - OUTPUT_TOKENS)
    assert out["after_remaining_daily"] == str(DAILY_BUDGET - ACTUAL_COST)
    # The key's limit and budget, and nothing else (no owner policy applies).
    assert sorted(k for k in out if "_remaining_" in k) == [
        "after_remaining_daily",
        "after_remaining_tpm",
        "validate_remaining_daily",
        "validate_remaining_tpm",
    ]


def assert_reservation_settled(dsn: str, out: dict[str, str]) -> None:
    """The database's row of the example's reservation: its estimate, settled with the
    actual the usage write carried."""
    reservation = read_reservation(dsn, out["validate_reservation_id"])
    assert (reservation.api_key_id, reservation.state) == (out["api_key_id"], "settled")
    assert (reservation.tokens, reservation.cost) == (ESTIMATED_TOKENS, ESTIMATED_COST)
    assert (reservation.actual_tokens, reservation.actual_cost) == (
        INPUT_TOKENS + OUTPUT_TOKENS,
        ACTUAL_COST,
    )


async def test_the_node_example_with_a_bearer_credential(
    node_package: Path, auth_app: Application, pg_database: str
) -> None:
    admin = await credential(auth_app, "admin")
    made = Secrets.fresh()
    target = f"127.0.0.1:{auth_app.port}"
    start_a_minute(pg_database)
    # The token from the environment, the rest from flags: both ways are read.
    env = node_environment(DATAACCESS_TOKEN=admin)
    result = await run_node([str(EXAMPLE), "--target", target, *made.argv()], node_package, env)
    assert result.returncode == 0, result.stderr
    out = parse_lines(result.stdout)
    assert_example_output(out, made)
    # The key it created is on the server, owned by this run's auth id, with its limit
    # and budget.
    async with aio.insecure_channel(target) as channel:
        got = await stubs.api_keys(channel).GetAPIKey(
            api_keys_pb2.GetAPIKeyRequest(id=out["api_key_id"]), metadata=bearer(admin), timeout=10
        )
    assert got.api_key.owner_id == made.auth_id
    assert got.api_key.key_prefix == out["api_key_prefix"]
    assert [(lim.name, lim.unit, lim.window.seconds, lim.limit) for lim in got.api_key.limits] == [
        ("tpm", api_keys_pb2.LIMIT_UNIT_TOKENS, 60, TOKENS_PER_MINUTE)
    ]
    assert [(b.name, b.period, b.limit) for b in got.api_key.budgets] == [
        ("daily", api_keys_pb2.BUDGET_PERIOD_DAILY, DAILY_BUDGET)
    ]
    assert_reservation_settled(pg_database, out)


async def test_the_node_example_without_a_credential_is_refused(
    node_package: Path, auth_app: Application
) -> None:
    target = f"127.0.0.1:{auth_app.port}"
    result = await run_node([str(EXAMPLE), "--target", target], node_package, node_environment())
    assert result.returncode == 1
    assert "UNAUTHENTICATED" in result.stderr
    assert "api_key_id" not in result.stdout


async def test_the_node_example_over_mtls(
    node_package: Path, pg_database: str, tmp_path: Path
) -> None:
    ca = CertificateAuthority.create("node CA")
    server_cert = ca.issue(tmp_path / "server", "server", cn="dataaccess", server=True)
    client = ca.issue(tmp_path / "client", "client", cn="node-example.internal")
    ca_file = ca.write(tmp_path / "ca.crt")
    policy = parse_policy('[identities]\n"node-example.internal" = "admin"\n')
    tls = TLSFiles(server_cert.cert_path, server_cert.key_path, ca_file)
    app = Application(server_settings(pg_database, tls=tls, auth="on", access_policy=policy))
    await app.start()
    try:
        made = Secrets.fresh()
        # No bearer token: the client certificate's identity is the caller (role admin).
        env = node_environment(
            DATAACCESS_CA_FILE=str(ca_file),
            DATAACCESS_CERT_FILE=str(client.cert_path),
            DATAACCESS_KEY_FILE=str(client.key_path),
        )
        argv = [str(EXAMPLE), "--target", f"127.0.0.1:{app.port}", *made.argv()]
        start_a_minute(pg_database)
        result = await run_node(argv, node_package, env)
        assert result.returncode == 0, result.stderr
        out = parse_lines(result.stdout)
        assert_example_output(out, made)
        assert_reservation_settled(pg_database, out)
        # Without the client certificate the server refuses the handshake's caller.
        no_cert = node_environment(DATAACCESS_CA_FILE=str(ca_file))
        refused = await run_node(
            [str(EXAMPLE), "--target", f"127.0.0.1:{app.port}"], node_package, no_cert
        )
        assert refused.returncode == 1
        assert "api_key_id" not in refused.stdout
    finally:
        await app.stop()


def readme_node_snippet() -> str:
    return readme.snippet("Calling from Node", "js", "javascript")


async def test_the_readme_node_snippet_validates_a_key(
    node_package: Path, auth_app: Application, tmp_path: Path
) -> None:
    proxy = await credential(auth_app, "proxy", "gateway")
    target = f"127.0.0.1:{auth_app.port}"
    api_key = await create_api_key(
        target, await credential(auth_app, "admin"), "readme-node", "readme"
    )
    # A project of the caller's: the package resolves as it would once installed from
    # the folder (npm links it), its dependencies from the package's own node_modules.
    (tmp_path / "node_modules" / "@dataaccess").mkdir(parents=True)
    (tmp_path / "node_modules" / "@dataaccess" / "client").symlink_to(node_package)
    (tmp_path / "snippet.js").write_text(readme_node_snippet())
    env = node_environment(DATAACCESS_TARGET=target, DATAACCESS_TOKEN=proxy, API_KEY=api_key)
    result = await run_node(["snippet.js"], tmp_path, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["valid=true", "reason=API_KEY_VALIDATION_REASON_VALID"]
    # And a key that does not exist is answered as such, not as an error.
    result = await run_node(["snippet.js"], tmp_path, env | {"API_KEY": "dak_" + "x" * 43})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["valid=false", "reason=API_KEY_VALIDATION_REASON_NOT_FOUND"]


def test_the_node_client_has_every_service_of_proto() -> None:
    """connect() gives a client per service: a new .proto file or service must be added to
    clients/node/src/index.ts, or this fails."""
    index = (PACKAGE / "src" / "index.ts").read_text()
    protos = sorted(p.name for p in (REPO / "proto" / "dataaccess" / "v1").glob("*.proto"))
    listed = re.findall(r'^  "dataaccess/v1/(\w+\.proto)",$', index, re.MULTILINE)
    assert listed == protos
    services = {
        name
        for p in protos
        for name in re.findall(
            r"^service (\w+) \{", (REPO / "proto/dataaccess/v1" / p).read_text(), re.MULTILINE
        )
    }
    constructed = set(re.findall(r"new v1\.(\w+)\(target", index))
    assert constructed == services
