"""Authentication and authorization: every RPC refuses callers without credentials, each
role may call exactly what the permission table says, bearer credentials work across
processes and die within a second of revocation, and start-up is secure by default."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import grpc
import psycopg
import pytest
from grpc import aio
from grpc_health.v1 import health_pb2
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from dataaccess.client import AsyncClient, Client
from dataaccess.errors import Unauthenticated
from dataaccess.security import Credentials
from dataaccess.v1 import api_keys_pb2, api_keys_pb2_grpc, oauth_tokens_pb2, operations_pb2
from dataaccess_server.api.access import METHODS
from dataaccess_server.api.auth import AuthInterceptor
from dataaccess_server.api.tls import TLSFiles
from dataaccess_server.app import Application
from dataaccess_server.config import ConfigError
from dataaccess_server.db.audit import PostgresAuditStore
from dataaccess_server.domain.access import BUILTIN_ROLES, AccessPolicy, parse_policy
from dataaccess_server.domain.audit import AuditTrail
from dataaccess_server.domain.model.access import Permission
from dataaccess_server.domain.pagination import PageSigner
from tests.harness import leaks, stubs
from tests.harness.calls import Method, api_methods, bearer, call_detailed, call_raw, credential
from tests.harness.certs import CertificateAuthority, channel_credentials
from tests.harness.server import Serve, clean_environment, run_cli, server_settings
from tests.harness.waiting import wait_until_sync

UNAUTHENTICATED = grpc.StatusCode.UNAUTHENTICATED
PERMISSION_DENIED = grpc.StatusCode.PERMISSION_DENIED
GET_TOKEN = "/dataaccess.v1.OAuthTokenService/GetOAuthToken"
FULL_READ = oauth_tokens_pb2.GetOAuthTokenRequest(
    provider="claude", user_id="u1", view=oauth_tokens_pb2.O_AUTH_TOKEN_VIEW_FULL
).SerializeToString()


# --- AC1: without credentials, nothing but health ----------------------------------------


async def test_every_api_method_refuses_a_caller_without_credentials(
    auth_channel: aio.Channel,
) -> None:
    methods = api_methods()
    assert len(methods) == len(METHODS) == 43  # every service's methods were found
    for method in methods:
        assert await call_raw(auth_channel, method) == UNAUTHENTICATED, method.path


async def test_a_bad_or_foreign_credential_is_unauthenticated(auth_channel: aio.Channel) -> None:
    validate = Method("/dataaccess.v1.APIKeyService/ValidateAPIKey", False, False)
    for metadata in (
        bearer("dac_" + "x" * 43),  # well-formed, never issued
        bearer("not-a-credential"),
        (("authorization", "Basic dXNlcjpwYXNz"),),
    ):
        assert await call_raw(auth_channel, validate, metadata=metadata) == UNAUTHENTICATED


async def test_health_answers_without_credentials(auth_channel: aio.Channel) -> None:
    reply = await stubs.health(auth_channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def _list_services(channel: aio.Channel, metadata: tuple[tuple[str, str], ...]) -> list[str]:
    stub: Any = reflection_pb2_grpc.ServerReflectionStub(channel)  # type: ignore[arg-type]

    async def ask() -> AsyncIterator[reflection_pb2.ServerReflectionRequest]:
        yield reflection_pb2.ServerReflectionRequest(list_services="")

    names = []
    async for reply in stub.ServerReflectionInfo(ask(), metadata=metadata, timeout=5):
        names += [service.name for service in reply.list_services_response.service]
    return names


async def test_reflection_is_for_known_callers_unless_public(
    auth_app: Application, auth_channel: aio.Channel, pg_database: str
) -> None:
    with pytest.raises(aio.AioRpcError) as refused:
        await _list_services(auth_channel, ())
    assert refused.value.code() == UNAUTHENTICATED
    # Any known caller, whatever its role: reflection shows the schema, no data.
    token = await credential(auth_app, "reader")
    assert "dataaccess.v1.OAuthTokenService" in await _list_services(auth_channel, bearer(token))

    public = Application(server_settings(pg_database, auth="on", reflection_public=True))
    await public.start()
    try:
        async with aio.insecure_channel(f"127.0.0.1:{public.port}") as chan:
            assert "dataaccess.v1.AuditService" in await _list_services(chan, ())
            assert await call_raw(chan, Method(GET_TOKEN, False, False)) == UNAUTHENTICATED
    finally:
        await public.stop()


# --- AC2: the role x RPC matrix ------------------------------------------------------------


def test_the_permission_table_names_every_served_method_and_no_other() -> None:
    assert set(METHODS) == {method.path for method in api_methods()}


async def test_each_role_may_call_exactly_what_the_table_says(
    auth_app: Application, auth_channel: aio.Channel
) -> None:
    tokens = {role: await credential(auth_app, role) for role in BUILTIN_ROLES}
    cells = 0
    for role, token in tokens.items():
        for method in api_methods():
            allowed = METHODS[method.path].permission in BUILTIN_ROLES[role]
            code = await call_raw(auth_channel, method, metadata=bearer(token))
            if allowed:
                assert code not in (PERMISSION_DENIED, UNAUTHENTICATED), (role, method.path)
            else:
                assert code == PERMISSION_DENIED, (role, method.path, code)
            cells += 1
        # The FULL view is a permission of its own.
        code, details = await call_detailed(
            auth_channel, GET_TOKEN, FULL_READ, metadata=bearer(token)
        )
        if Permission.OAUTH_TOKENS_READ_SECRETS in BUILTIN_ROLES[role]:
            assert code == grpc.StatusCode.NOT_FOUND, role
        else:
            assert code == PERMISSION_DENIED, role
            assert "oauth_tokens.read_secrets" in details
    assert cells == 3 * len(METHODS)


async def test_the_roles_mean_what_their_names_say(
    auth_app: Application, auth_channel: aio.Channel
) -> None:
    # Spot checks written by hand, against a table that could be wrong as a whole.
    proxy, reader = await credential(auth_app, "proxy"), await credential(auth_app, "reader")
    status = "/dataaccess.v1.OperationsService/GetDatabaseStatus"
    code, details = await call_detailed(auth_channel, status, metadata=bearer(proxy))
    assert code == PERMISSION_DENIED
    assert details == "caller 'bearer:proxy' (role 'proxy') lacks permission operations.status"
    create = "/dataaccess.v1.APIKeyService/CreateAPIKey"
    assert (await call_detailed(auth_channel, create, metadata=bearer(reader)))[
        0
    ] == PERMISSION_DENIED
    usage = "/dataaccess.v1.UsageService/UpsertUsage"
    assert (await call_detailed(auth_channel, usage, metadata=bearer(reader)))[
        0
    ] == PERMISSION_DENIED
    logs = "/dataaccess.v1.RequestLogService/ListRequestLogs"
    assert (await call_detailed(auth_channel, logs, metadata=bearer(proxy)))[0] == PERMISSION_DENIED
    validate = api_keys_pb2.ValidateAPIKeyRequest(key="dak_unknown").SerializeToString()
    path = "/dataaccess.v1.APIKeyService/ValidateAPIKey"
    assert (await call_detailed(auth_channel, path, validate, metadata=bearer(proxy)))[0] == (
        grpc.StatusCode.OK
    )


async def test_a_method_missing_from_the_table_is_denied(pg_database: str) -> None:
    # A real server with a method the table does not know, even with authentication off.
    async def echo(request: bytes, _context: object) -> bytes:
        return request

    handler = grpc.method_handlers_generic_handler(
        "dataaccess.v1.Extra", {"Echo": grpc.unary_unary_rpc_method_handler(echo)}
    )
    app = Application(server_settings(pg_database))
    await app.start()
    assert app.cluster is not None
    interceptor = AuthInterceptor(
        policy=AccessPolicy(),
        callers=None,
        audit=AuditTrail(PostgresAuditStore(app.cluster), pages=PageSigner.ephemeral()),
        default_deadline=5.0,
    )
    server = aio.server(interceptors=[interceptor])
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with aio.insecure_channel(f"127.0.0.1:{port}") as chan:
            code, details = await call_detailed(chan, "/dataaccess.v1.Extra/Echo", b"x")
        assert code == PERMISSION_DENIED
        assert "not in the permission table" in details
    finally:
        await server.stop(None)
        await app.stop()


# --- AC4: bearer credentials across processes ----------------------------------------------


@pytest.fixture
def two_auth_servers(pg_database: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    env = clean_environment(
        DATABASE_URL=pg_database, DATAACCESS_LISTEN="127.0.0.1:0", DATAACCESS_AUTH="on"
    )
    servers = [Serve(env, tmp_path / f"server-{n}.log") for n in range(2)]
    try:
        yield servers[0].target(), servers[1].target()
        for server in servers:
            assert server.stop() == 0
    finally:
        for server in servers:
            server.kill()


def _validate(target: str, token: str) -> grpc.StatusCode:
    with grpc.insecure_channel(target) as chan:
        try:
            api_keys_pb2_grpc.APIKeyServiceStub(chan).ValidateAPIKey(
                api_keys_pb2.ValidateAPIKeyRequest(key="dak_unknown"),
                metadata=bearer(token),
                timeout=5,
            )
        except grpc.RpcError as exc:
            return exc.code()
    return grpc.StatusCode.OK


def test_a_bearer_credential_works_at_once_everywhere_and_dies_within_a_second(
    two_auth_servers: tuple[str, str], pg_database: str
) -> None:
    first, second = two_auth_servers
    env = clean_environment(DATABASE_URL=pg_database)
    created = run_cli(
        "callers", "create", "gateway", "--role", "proxy", env=env, prints_secret=True
    )
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    leaks.register_secret(token)
    assert token.startswith("dac_")
    assert len(token) == 47
    assert "shown only now" in created.stderr
    # At once on the process that did not create it (nor was told: the CLI did).
    assert _validate(second, token) == grpc.StatusCode.OK
    assert _validate(first, token) == grpc.StatusCode.OK  # both now hold it cached

    listed = run_cli("callers", "list", env=env)
    assert "gateway" in listed.stdout
    assert token[:8] in listed.stdout
    assert token not in listed.stdout
    with psycopg.connect(pg_database) as conn:
        rows = conn.execute("SELECT * FROM callers").fetchall()
    assert len(rows) == 1
    assert hashlib.sha256(token.encode()).digest() in [
        bytes(v) for v in rows[0] if isinstance(v, bytes)
    ]
    assert not any(token in str(value) for value in rows[0])

    assert run_cli("callers", "revoke", "gateway", env=env).returncode == 0
    # The CLI's own start-up is not the servers' reaction: time from its exit.
    revoked_at = time.monotonic()
    for target in (second, first):
        wait_until_sync(
            lambda target=target: _validate(target, token) == UNAUTHENTICATED,  # type: ignore[misc]
            what=f"revoked credential refused by {target}",
            timeout=1.0,
            interval=0.02,
        )
    assert time.monotonic() - revoked_at < 1.0
    again = run_cli("callers", "revoke", "nobody", env=env)
    assert again.returncode == 1
    assert "no caller named 'nobody'" in again.stderr


def test_callers_create_refuses_bad_names_and_unknown_roles(pg_database: str) -> None:
    env = clean_environment(DATABASE_URL=pg_database)
    bad = run_cli("callers", "create", "Bad Name", "--role", "superuser", env=env)
    assert bad.returncode == 2
    assert "name: must be 1-63 lowercase" in bad.stderr
    assert "role: unknown role" in bad.stderr
    made = run_cli("callers", "create", "gw", "--role", "reader", env=env, prints_secret=True)
    assert made.returncode == 0
    leaks.register_secret(made.stdout.strip())
    twice = run_cli("callers", "create", "gw", "--role", "reader", env=env)
    assert twice.returncode == 2
    assert "revoke it first" in twice.stderr


# --- AC6: secure by default ----------------------------------------------------------------


def test_serve_refuses_to_start_unconfigured_and_warns_when_auth_is_off(
    pg_database: str, tmp_path: Path
) -> None:
    env = clean_environment(DATABASE_URL=pg_database, DATAACCESS_AUTH="")
    refused = run_cli("serve", env=env, timeout=60)
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1, refused.stderr
    assert "DATAACCESS_AUTH" in lines[0]

    server = Serve(
        clean_environment(DATABASE_URL=pg_database, DATAACCESS_LISTEN="127.0.0.1:0"),
        tmp_path / "open.log",
    )
    try:
        server.target()
        assert "AUTHENTICATION OFF (DATAACCESS_AUTH=none)" in server.log()
        assert server.stop() == 0
    finally:
        server.kill()


def test_the_open_development_mode_is_loopback_and_embedded_only() -> None:
    from dataaccess_server.config import load_settings

    load_settings({}).require_auth()  # embedded, 127.0.0.1: open, with its warning
    with pytest.raises(ConfigError, match="DATAACCESS_AUTH"):
        load_settings({"DATAACCESS_LISTEN": "0.0.0.0:50051"}).require_auth()
    with pytest.raises(ConfigError, match="DATAACCESS_AUTH"):
        load_settings({"DATABASE_URL": "host=db"}).require_auth()
    load_settings({"DATABASE_URL": "host=db", "DATAACCESS_AUTH": "none"}).require_auth()
    with pytest.raises(ConfigError, match="DATAACCESS_AUTH: must be one of on, none"):
        load_settings({"DATAACCESS_AUTH": "yes"})


async def test_a_credential_check_during_an_outage_is_unavailable_not_unauthenticated(
    auth_app: Application, auth_channel: aio.Channel
) -> None:
    # A token this process never saw must be looked up; with the database gone that is
    # UNAVAILABLE (retry), never a verdict on the caller.
    assert auth_app.cluster is not None
    await auth_app.cluster.close()
    code, _ = await call_detailed(
        auth_channel, GET_TOKEN, FULL_READ, metadata=bearer("dac_" + "y" * 43), timeout=5
    )
    assert code == grpc.StatusCode.UNAVAILABLE
    await asyncio.sleep(0)


# --- mTLS identities and the policy file ---------------------------------------------------


async def test_a_certificate_identity_gets_the_role_the_policy_binds_and_no_other(
    pg_database: str, tmp_path: Path
) -> None:
    ca = CertificateAuthority.create("callers CA")
    server_cert = ca.issue(tmp_path / "server", "server", cn="dataaccess", server=True)
    gateway = ca.issue(tmp_path / "c", "gateway", cn="x", uris=("spiffe://test/ns/llm/sa/gw",))
    stranger = ca.issue(tmp_path / "c", "stranger", cn="stranger.internal")
    policy = parse_policy('[identities]\n"spiffe://test/ns/llm/sa/gw" = "proxy"\n')
    tls = TLSFiles(server_cert.cert_path, server_cert.key_path, ca.write(tmp_path / "ca.crt"))
    app = Application(server_settings(pg_database, tls=tls, auth="on", access_policy=policy))
    await app.start()
    validate = api_keys_pb2.ValidateAPIKeyRequest(key="dak_unknown").SerializeToString()
    path = "/dataaccess.v1.APIKeyService/ValidateAPIKey"
    status = "/dataaccess.v1.OperationsService/GetDatabaseStatus"
    try:
        target = f"127.0.0.1:{app.port}"
        async with aio.secure_channel(target, channel_credentials(ca, gateway)) as chan:
            assert (await call_detailed(chan, path, validate))[0] == grpc.StatusCode.OK
            code, details = await call_detailed(chan, status)
            assert code == PERMISSION_DENIED
            assert "'spiffe://test/ns/llm/sa/gw' (role 'proxy')" in details
            # A bearer token sent over the certificate decides, and a bad one is refused.
            bad = bearer("dac_" + "z" * 43)
            assert (await call_detailed(chan, path, validate, metadata=bad))[0] == UNAUTHENTICATED
            admin = await credential(app, "admin")
            assert (await call_detailed(chan, status, metadata=bearer(admin)))[
                0
            ] == grpc.StatusCode.OK
        async with aio.secure_channel(target, channel_credentials(ca, stranger)) as chan:
            code, details = await call_detailed(chan, path, validate)
            assert code == PERMISSION_DENIED
            assert details == (
                "caller 'stranger.internal' (no role bound to this identity) lacks permission"
                " api_keys.validate"
            )
    finally:
        await app.stop()


async def test_the_python_client_sends_its_bearer_credential(auth_app: Application) -> None:
    token = await credential(auth_app, "admin")
    target = f"127.0.0.1:{auth_app.port}"
    request = operations_pb2.GetDatabaseStatusRequest()
    async with AsyncClient(target, credentials=Credentials.bearer(token)) as client:
        status = await client.get_database_status(request)
        assert status.nodes[0].reachable
    async with AsyncClient(target) as anonymous:
        with pytest.raises(Unauthenticated) as refused:
            await anonymous.get_database_status(request)
        assert refused.value.code == UNAUTHENTICATED
        assert isinstance(refused.value.__cause__, grpc.RpcError)

    def blocking() -> bool:  # in a thread: the server runs on this test's event loop
        with Client(target, credentials=Credentials.bearer(token)) as sync_client:
            return sync_client.get_database_status(request, timeout=5).nodes[0].reachable

    assert await asyncio.to_thread(blocking)


async def test_bearer_credentials_over_plaintext_beyond_loopback_are_warned_of(
    pg_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = Application(server_settings(pg_database, auth="on", listen="0.0.0.0:0"))
    await app.start()
    await app.stop()
    assert "bearer credentials reach 0.0.0.0:0 in plaintext" in caplog.text
