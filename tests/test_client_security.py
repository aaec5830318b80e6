"""The Python client's TLS, mTLS and bearer-token parameters.

TLS and mTLS against the real service; the bearer header against a tiny health server
that records what it was sent, over TLS and plaintext, for both clients.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import grpc
import pytest
from grpc import aio
from grpc_health.v1 import health_pb2, health_pb2_grpc

from dataaccess.client import AsyncClient, Client, HealthStatus
from dataaccess.errors import Unavailable
from dataaccess.security import Credentials
from dataaccess.v1 import operations_pb2
from dataaccess_server.api.tls import TLSFiles, server_credentials
from dataaccess_server.app import Application
from tests.harness.certs import CertificateAuthority, IssuedCertificate
from tests.harness.server import server_settings

GetDatabaseStatusRequest = operations_pb2.GetDatabaseStatusRequest

TOKEN = "dat_test_bearer_0123456789"  # a test value; the leak check is not about it


@pytest.fixture(scope="module")
def ca() -> CertificateAuthority:
    return CertificateAuthority.create("client test CA")


@pytest.fixture
def pair(ca: CertificateAuthority, tmp_path: Path) -> IssuedCertificate:
    return ca.issue(tmp_path / "server", "tls", cn="dataaccess", server=True)


@asynccontextmanager
async def service(dsn: str, tls: TLSFiles) -> AsyncIterator[str]:
    app = Application(server_settings(dsn, tls=tls))
    await app.start()
    try:
        yield f"127.0.0.1:{app.port}"
    finally:
        await app.stop()


async def test_clients_connect_over_tls_with_roots_as_bytes_or_path(
    pg_database: str, ca: CertificateAuthority, pair: IssuedCertificate, tmp_path: Path
) -> None:
    roots = ca.write(tmp_path / "ca.crt")
    async with service(pg_database, TLSFiles(pair.cert_path, pair.key_path)) as target:
        async with AsyncClient(target, credentials=Credentials.tls(root_certificates=ca.pem)) as c:
            assert await c.check_health()
            assert (await c.get_database_status(GetDatabaseStatusRequest())).nodes[0].reachable
        tls = Credentials.tls(root_certificates=str(roots))
        with Client(target, credentials=tls) as sync:
            assert await asyncio.to_thread(sync.check_health)
        async with AsyncClient(target) as plaintext:
            with pytest.raises(Unavailable) as caught:
                await plaintext.check_health(timeout=3)
        assert caught.value.code == grpc.StatusCode.UNAVAILABLE


async def test_clients_present_a_client_certificate_for_mtls(
    pg_database: str, ca: CertificateAuthority, pair: IssuedCertificate, tmp_path: Path
) -> None:
    roots = ca.write(tmp_path / "ca.crt")
    mine = ca.issue(tmp_path / "client", "proxy", cn="proxy", uris=("spiffe://t.org/proxy",))
    tls = TLSFiles(pair.cert_path, pair.key_path, roots)
    async with service(pg_database, tls) as target:
        mtls = Credentials.tls(
            root_certificates=roots, client_certificate=mine.cert_path, client_key=mine.key_pem
        )
        async with AsyncClient(target, credentials=mtls) as client:
            status = await client.get_database_status(GetDatabaseStatusRequest())
            assert status.nodes[0].reachable
        mtls_paths = Credentials.tls(
            root_certificates=ca.pem,
            client_certificate=str(mine.cert_path),
            client_key=str(mine.key_path),
        )
        with Client(target, credentials=mtls_paths) as sync:
            assert await asyncio.to_thread(sync.check_health)
        anonymous_tls = Credentials.tls(root_certificates=roots)
        async with AsyncClient(target, credentials=anonymous_tls) as anonymous:
            with pytest.raises(Unavailable):
                await anonymous.check_health(timeout=3)


class RecordingHealth(health_pb2_grpc.HealthServicer):
    """Answers SERVING and records the authorization header of every call."""

    def __init__(self) -> None:
        self.seen: list[str | None] = []

    def _record(self, context: aio.ServicerContext[object, object]) -> None:
        headers = {key: value for key, value in context.invocation_metadata() or ()}
        value = headers.get("authorization")
        self.seen.append(value if value is None else str(value))

    async def Check(self, request: object, context: aio.ServicerContext[object, object]) -> object:
        self._record(context)
        return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)

    async def Watch(
        self, request: object, context: aio.ServicerContext[object, object]
    ) -> AsyncIterator[object]:
        self._record(context)
        yield health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)


@asynccontextmanager
async def recording_server(
    credentials: grpc.ServerCredentials | None,
) -> AsyncIterator[tuple[str, RecordingHealth]]:
    recorder = RecordingHealth()
    server = aio.server()
    health_pb2_grpc.add_HealthServicer_to_server(recorder, server)
    if credentials is None:
        port = server.add_insecure_port("127.0.0.1:0")
    else:
        port = server.add_secure_port("127.0.0.1:0", credentials)
    await server.start()
    try:
        yield f"127.0.0.1:{port}", recorder
    finally:
        await server.stop(None)


@pytest.mark.parametrize("tls", [False, True], ids=["plaintext", "tls"])
async def test_bearer_token_reaches_the_server_on_every_call(
    ca: CertificateAuthority, pair: IssuedCertificate, tls: bool
) -> None:
    credentials = server_credentials(TLSFiles(pair.cert_path, pair.key_path)) if tls else None
    with_token = (
        Credentials.tls(root_certificates=ca.pem, bearer_token=TOKEN)
        if tls
        else Credentials.bearer(TOKEN)
    )
    without = Credentials.tls(root_certificates=ca.pem) if tls else None
    async with recording_server(credentials) as (target, recorder):
        async with AsyncClient(target, credentials=with_token) as client:
            assert await client.get_health_status() is HealthStatus.SERVING
            # A caller's own authorization header (a gateway forwarding) wins.
            forwarded = (("authorization", "Bearer forwarded"),)
            assert await client.check_health(metadata=forwarded)

        def sync_calls() -> None:
            with Client(target, credentials=with_token) as c:
                assert c.check_health()

        await asyncio.to_thread(sync_calls)
        async with AsyncClient(target, credentials=without) as anonymous:
            await anonymous.check_health()
    assert recorder.seen == [f"Bearer {TOKEN}", "Bearer forwarded", f"Bearer {TOKEN}", None]
    assert TOKEN not in repr(with_token)  # logging the settings cannot leak the token


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"client_certificate": b"-----BEGIN CERTIFICATE-----"}, "go together"),
        ({"client_key": b"-----BEGIN PRIVATE KEY-----"}, "go together"),
        ({"root_certificates": b"hello"}, "not PEM"),
        ({"root_certificates": "/nonexistent/ca.crt"}, "cannot read"),
        ({"bearer_token": ""}, "bearer_token"),
        ({"bearer_token": "two words"}, "bearer_token"),
        ({"bearer_token": "x\r\nX-Evil: 1"}, "bearer_token"),
    ],
)
def test_security_arguments_that_cannot_work_are_refused(
    arguments: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Credentials.tls(**arguments)  # type: ignore[arg-type]
    if "bearer_token" in arguments:
        with pytest.raises(ValueError, match=message):
            Credentials.bearer(arguments["bearer_token"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"timeout": 0}, "timeout must be a positive number"),
        ({"timeout": -1.0}, "timeout must be a positive number"),
        ({"credentials": grpc.ssl_channel_credentials()}, "credentials must be"),
        ({"target": ""}, "target must be"),
    ],
)
def test_client_arguments_that_cannot_work_are_refused(
    arguments: dict[str, object], message: str
) -> None:
    for flavour in (Client, AsyncClient):
        with pytest.raises(ValueError, match=message):
            flavour(**{"target": "127.0.0.1:1", **arguments})  # type: ignore[arg-type]
