"""Certificates replaced on disk reach new handshakes without a restart or a failed call,
and the plaintext health listener that probes use when the main port speaks TLS.

The replacement is done the two ways rotations happen in Kubernetes: files renamed
into place one by one (cert-manager's csi driver, scripts), and the kubelet's swap of
the ``..data`` symlink under a mounted Secret (every file changes at once).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import shutil
import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import grpc
import pytest
from grpc import aio
from grpc_health.v1 import health_pb2

from dataaccess.v1 import operations_pb2 as ops_pb2
from dataaccess_server.api.tls import TLSFiles
from dataaccess_server.app import Application
from dataaccess_server.db.migrations import Migrator
from dataaccess_server.embedded import PostgresInstance
from tests.harness import stubs
from tests.harness.certs import (
    CertificateAuthority,
    IssuedCertificate,
    channel_credentials,
    presented_certificate,
)
from tests.harness.postgres import InstanceFactory
from tests.harness.server import Serve, clean_environment, health_status, server_settings
from tests.harness.waiting import wait_until, wait_until_sync

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
ROTATION_BOUND = 5.0  # seconds, issue 12's acceptance point 3
# Each channel its own connections: gRPC otherwise shares subchannels between channels
# to the same target, and a "new" channel would not make a new handshake.
OWN_CONNECTION = (("grpc.use_local_subchannel_pool", 1),)


class Mounted:
    """The server's TLS files in ``directory``, replaced in the style of ``how``:
    ``rename`` (each file written aside, then renamed over the old one) or ``symlink``
    (the kubelet's layout: ``tls.crt -> ..data/tls.crt``, ``..data -> ..<version>``,
    all files swapped at once by renaming a new ``..data`` link over the old)."""

    def __init__(self, directory: Path, how: str, ca: CertificateAuthority) -> None:
        self.directory, self.how, self.ca = directory, how, ca
        self.version = 0
        directory.mkdir()

    @property
    def files(self) -> TLSFiles:
        d = self.directory
        return TLSFiles(d / "tls.crt", d / "tls.key", d / "ca.crt")

    def install(self, pair: IssuedCertificate) -> None:
        """Make ``pair`` (and the CA) the files' contents."""
        contents = {"tls.crt": pair.cert_pem, "tls.key": pair.key_pem, "ca.crt": self.ca.pem}
        if self.how == "rename":
            for name in ("tls.key", "tls.crt", "ca.crt"):  # key first: a mismatch meanwhile
                self.replace_file(name, contents[name])
            return
        self.version += 1
        version = self.directory / f"..v{self.version}"
        version.mkdir()
        for name, data in contents.items():
            (version / name).write_bytes(data)
        link = self.directory / "..data_tmp"
        link.symlink_to(version.name)
        previous = (self.directory / "..data").resolve() if self.version > 1 else None
        os.replace(link, self.directory / "..data")
        for name in contents:
            if not (self.directory / name).is_symlink():
                (self.directory / name).symlink_to(f"..data/{name}")
        if previous is not None:
            shutil.rmtree(previous)

    def replace_file(self, name: str, data: bytes) -> None:
        aside = self.directory / f".{name}.tmp"
        aside.write_bytes(data)
        os.replace(aside, self.directory / name)


@asynccontextmanager
async def running(app: Application) -> AsyncIterator[Application]:
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


class Callers:
    """Clients calling throughout: one on a channel kept open, one opening a new channel
    (and so a new connection and handshake) for every call. Failures are collected."""

    def __init__(self, target: str, credentials: grpc.ChannelCredentials) -> None:
        self.target, self.credentials = target, credentials
        self.calls = {"open": 0, "new": 0}
        self.failures: list[str] = []
        self._stop = asyncio.Event()
        self._tasks = [asyncio.create_task(self._open()), asyncio.create_task(self._new())]

    async def _open(self) -> None:
        async with aio.secure_channel(self.target, self.credentials) as channel:
            health, operations = stubs.health(channel), stubs.operations(channel)
            while not self._stop.is_set():
                try:
                    await health.Check(health_pb2.HealthCheckRequest(), timeout=5)
                    await operations.GetDatabaseStatus(
                        ops_pb2.GetDatabaseStatusRequest(), timeout=5
                    )
                    self.calls["open"] += 1
                except aio.AioRpcError as exc:
                    self.failures.append(f"open channel: {exc.code()} {exc.details()}")

    async def _new(self) -> None:
        while not self._stop.is_set():
            async with aio.secure_channel(
                self.target, self.credentials, options=OWN_CONNECTION
            ) as channel:
                try:
                    await stubs.health(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
                    self.calls["new"] += 1
                except aio.AioRpcError as exc:
                    self.failures.append(f"new channel: {exc.code()} {exc.details()}")

    async def more_calls(self) -> None:
        """Wait until both clients have completed a few more calls than now."""
        before = dict(self.calls)
        await wait_until(
            lambda: all(self.calls[k] >= before[k] + 3 for k in before),
            what=f"more calls than {before} (now {self.calls}, failures {self.failures})",
        )

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)


@pytest.mark.parametrize("mutual", [False, True], ids=["tls", "mtls"])
@pytest.mark.parametrize("how", ["rename", "symlink"])
async def test_new_handshakes_present_the_replaced_certificate_and_no_call_fails(
    pg_database: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    how: str,
    mutual: bool,
) -> None:
    ca = CertificateAuthority.create("rotation CA")
    first = ca.issue(tmp_path / "issued", "first", cn="dataaccess-1", server=True)
    second = ca.issue(tmp_path / "issued", "second", cn="dataaccess-2", server=True)
    client = ca.issue(tmp_path / "issued", "client", cn="caller") if mutual else None
    mounted = Mounted(tmp_path / "tls", how, ca)
    mounted.install(first)
    files = mounted.files if mutual else TLSFiles(mounted.files.cert, mounted.files.key)
    app = Application(server_settings(pg_database, tls=files))
    async with running(app):
        assert app.port is not None
        port = app.port

        def presented() -> bytes:
            return presented_certificate(port, ca, client)

        assert await asyncio.to_thread(presented) == first.der
        callers = Callers(f"127.0.0.1:{port}", channel_credentials(ca, client))
        await callers.more_calls()

        if how == "rename":
            # Half-way states are ignored: a new key beside the old certificate, then
            # the new certificate half written in place. Handshakes keep the old pair.
            mounted.replace_file("tls.key", second.key_pem)
            assert await asyncio.to_thread(presented) == first.der
            (mounted.directory / "tls.crt").write_bytes(second.cert_pem[:200])
            assert await asyncio.to_thread(presented) == first.der
            await callers.more_calls()
            assert "TLS files changed but are not usable" in caplog.text
        replaced = time.monotonic()
        mounted.install(second)

        async def rotated() -> bool:
            return await asyncio.to_thread(presented) == second.der

        await wait_until(rotated, what="the new certificate in a new handshake", timeout=5)
        assert time.monotonic() - replaced < ROTATION_BOUND
        logging.getLogger(__name__).info(
            "rotation (%s) seen after %.3fs", how, time.monotonic() - replaced
        )
        await callers.more_calls()
        await callers.stop()
    assert callers.failures == []
    assert "TLS certificate reloaded" in caplog.text


# --- the plaintext health listener ------------------------------------------------------


async def _watch_next(stream: AsyncIterator[health_pb2.HealthCheckResponse]) -> int:
    async with asyncio.timeout(10):
        return int((await anext(stream)).status)


async def test_health_listener_answers_plaintext_in_step_with_the_tls_port(
    pg_instance_factory: InstanceFactory, tmp_path: Path
) -> None:
    instance: PostgresInstance = await asyncio.to_thread(pg_instance_factory)
    await Migrator(instance.dsn()).up()
    ca = CertificateAuthority.create("health CA")
    pair = ca.issue(tmp_path, "tls", cn="dataaccess", server=True)
    settings = server_settings(
        instance.dsn(),
        tls=TLSFiles(pair.cert_path, pair.key_path),
        health_listen="127.0.0.1:0",
    )
    app = Application(settings)
    async with running(app):
        assert app.health_port is not None
        assert app.health_port != app.port
        async with (
            aio.insecure_channel(f"127.0.0.1:{app.health_port}") as probe,
            aio.secure_channel(f"127.0.0.1:{app.port}", channel_credentials(ca)) as main,
        ):
            health = stubs.health(probe)
            reply = await health.Check(health_pb2.HealthCheckRequest(service="liveness"))
            assert reply.status == SERVING
            # Only health there: the API is not served in plaintext on that port.
            with pytest.raises(aio.AioRpcError) as caught:
                await stubs.operations(probe).GetDatabaseStatus(
                    ops_pb2.GetDatabaseStatusRequest(), timeout=5
                )
            assert caught.value.code() == grpc.StatusCode.UNIMPLEMENTED

            request = health_pb2.HealthCheckRequest(service="")
            on_probe = health.Watch(request).__aiter__()
            on_main = stubs.health(main).Watch(request).__aiter__()
            assert await _watch_next(on_probe) == SERVING
            assert await _watch_next(on_main) == SERVING
            await asyncio.to_thread(instance.stop)
            assert await _watch_next(on_probe) == NOT_SERVING
            assert await _watch_next(on_main) == NOT_SERVING
            await asyncio.to_thread(instance.start)
            assert await _watch_next(on_probe) == SERVING
            assert await _watch_next(on_main) == SERVING
    assert app.health_port is not None
    assert health_status(f"127.0.0.1:{app.health_port}", "liveness") == "UNREACHABLE"


def _logged_port(serve: Serve, pattern: str) -> int:
    found: list[int] = []

    def logged() -> bool:
        match = re.search(pattern, serve.log())
        if match:
            found.append(int(match.group(1)))
        return bool(match)

    wait_until_sync(logged, what=f"{pattern!r} in the log", timeout=60)
    return found[0]


def test_serve_with_mtls_and_a_health_listener(pg_database: str, tmp_path: Path) -> None:
    ca = CertificateAuthority.create("serve CA")
    pair = ca.issue(tmp_path, "tls", cn="dataaccess", server=True)
    client = ca.issue(tmp_path, "client", cn="caller")
    env = clean_environment(
        DATABASE_URL=pg_database,
        DATAACCESS_LISTEN="127.0.0.1:0",
        DATAACCESS_HEALTH_LISTEN="127.0.0.1:0",
        DATAACCESS_TLS_CERT=str(pair.cert_path),
        DATAACCESS_TLS_KEY=str(pair.key_path),
        DATAACCESS_TLS_CLIENT_CA=str(ca.write(tmp_path / "ca.crt")),
    )
    serve = Serve(env, tmp_path / "serve.log")
    try:
        target = serve.target()
        health_port = _logged_port(serve, r"grpc\.health\.v1 only, in plaintext, on [^:]+:(\d+)")
        assert "serving gRPC with mTLS" in serve.log()

        def probe_serving() -> bool:
            return health_status(f"127.0.0.1:{health_port}") == "SERVING"

        wait_until_sync(probe_serving, what="SERVING on the health port", timeout=30)
        assert health_status(target) == "UNREACHABLE"  # plaintext on the TLS port
        with grpc.secure_channel(target, channel_credentials(ca, client)) as channel:
            reply = stubs.health(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
            assert reply.status == SERVING
        # The README's grpcurl lines: mTLS to the API, plaintext to the health port.
        ca_file = str(tmp_path / "ca.crt")
        mtls = _grpcurl(
            "-cacert",
            ca_file,
            "-cert",
            str(client.cert_path),
            "-key",
            str(client.key_path),
            target,
            "dataaccess.v1.OperationsService/GetDatabaseStatus",
        )
        assert mtls.returncode == 0, mtls.stderr
        assert json.loads(mtls.stdout)["nodes"][0]["reachable"] is True
        anonymous = _grpcurl("-cacert", ca_file, target, "grpc.health.v1.Health/Check")
        assert anonymous.returncode != 0
        probe = _grpcurl("-plaintext", f"127.0.0.1:{health_port}", "grpc.health.v1.Health/Check")
        assert probe.returncode == 0, probe.stderr
        assert json.loads(probe.stdout) == {"status": "SERVING"}
        # Reflection there knows health and nothing else.
        listed = _grpcurl("-plaintext", f"127.0.0.1:{health_port}", "list")
        assert listed.stdout.split() == [
            "grpc.health.v1.Health",
            "grpc.reflection.v1alpha.ServerReflection",
        ]
        hidden = _grpcurl(
            "-plaintext", f"127.0.0.1:{health_port}", "describe", "dataaccess.v1.OperationsService"
        )
        assert hidden.returncode != 0
        assert serve.stop() == 0
    finally:
        serve.kill()


def _grpcurl(*args: str) -> subprocess.CompletedProcess[str]:
    found = shutil.which("grpcurl") or shutil.which(
        "grpcurl", path=str(Path(__file__).parent.parent / ".tools")
    )
    assert found, "grpcurl is missing: `make test` installs it into .tools/"
    return subprocess.run(
        [found, "-connect-timeout", "2", "-max-time", "10", *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
