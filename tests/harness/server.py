"""The real service for tests: an Application on port 0, and the running CLI as a process."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2

from dataaccess_server.config import Settings, load_settings
from dataaccess_server.db.pool import PoolSettings
from tests.harness import leaks, stubs
from tests.harness.waiting import wait_until_sync

HEALTH_CHECK = "/grpc.health.v1.Health/Check"

# A fixed keyring for tests ("test1", then "test0"): ids and keys are not secret here.
TEST_KEYRING_TEXT = (
    "test1:"
    + base64.b64encode(b"k" * 32).decode()
    + ",test0:"
    + base64.b64encode(b"j" * 32).decode()
)


def server_settings(dsn: str, **overrides: object) -> Settings:
    """Settings for an in-process server on ``dsn``: port 0, small pools, fast monitor."""
    settings = load_settings({"DATABASE_URL": dsn, "DATAACCESS_ENCRYPTION_KEYS": TEST_KEYRING_TEXT})
    settings = replace(
        settings,
        listen="127.0.0.1:0",
        pool=PoolSettings(min_size=1, max_size=4, timeout=2.0, health_check_interval=1.0),
        monitor_interval=0.1,
        shutdown_grace=2.0,
        startup_timeout=10.0,
    )
    return replace(settings, **overrides)  # type: ignore[arg-type]


# The key material of the test keyring must not leak either.
leaks.register_secret(*(part.split(":", 1)[1] for part in TEST_KEYRING_TEXT.split(",")))


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without any dataaccess or database setting, plus the
    test keyring, DATAACCESS_AUTH=none and ``extra`` (an empty value removes a
    variable)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DB_", "DATAACCESS_", "PG")) and key != "DATABASE_URL"
    }
    env["DATAACCESS_ENCRYPTION_KEYS"] = TEST_KEYRING_TEXT
    # Tests of other capabilities run on a trusted network; tests of authentication
    # pass DATAACCESS_AUTH="on" (or "" to leave it unset).
    env["DATAACCESS_AUTH"] = "none"
    env.update(extra)
    return {key: value for key, value in env.items() if value != ""}


def dataaccess_command(*args: str) -> list[str]:
    """The ``dataaccess`` CLI as run from this interpreter."""
    return [sys.executable, "-m", "dataaccess_server", *args]


def run_cli(
    *args: str, env: Mapping[str, str], timeout: float = 120.0, prints_secret: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run the CLI to completion and capture its output, which the secret-leak check
    reads; except, with ``prints_secret``, stdout (where `callers create` prints the
    credential it made, on purpose, once)."""
    result = subprocess.run(
        dataaccess_command(*args),
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    leaks.register_output(result.stderr if prints_secret else result.stdout + result.stderr)
    return result


def health_status(target: str, service: str = "", timeout: float = 1.0) -> str:
    """The health status name of ``service`` at ``target`` ("UNREACHABLE" if no answer)."""
    with grpc.insecure_channel(target) as channel:
        stub = stubs.health(channel)
        try:
            reply = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=timeout)
        except grpc.RpcError:
            return "UNREACHABLE"
    return str(health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status))


def listen_port_from_log(path: Path, timeout: float = 60.0) -> int:
    """The port a ``dataaccess serve`` process logged it serves on."""
    found: list[int] = []

    def logged() -> bool:
        for line in path.read_text(errors="replace").splitlines():
            if "serving gRPC on" in line:
                found.append(int(line.rsplit(":", 1)[1]))
                return True
        return False

    wait_until_sync(logged, what=f"'serving gRPC on' in {path}", timeout=timeout)
    return found[0]


class Serve:
    """``dataaccess serve [args]`` as a process, its stderr in ``log_path``."""

    def __init__(self, env: Mapping[str, str], log_path: Path, *args: str) -> None:
        self.log_path = log_path
        leaks.register_log_file(log_path)
        self.started = time.monotonic()
        with log_path.open("w") as log:
            self.process = subprocess.Popen(
                dataaccess_command("serve", *args), env=dict(env), stderr=log
            )

    def log(self) -> str:
        """Everything logged so far."""
        return self.log_path.read_text(errors="replace")

    def target(self, timeout: float = 60.0) -> str:
        """``127.0.0.1:port`` once the server logged that it serves."""
        return f"127.0.0.1:{listen_port_from_log(self.log_path, timeout)}"

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, then the exit code."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        """Make sure the process is gone (test teardown)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
