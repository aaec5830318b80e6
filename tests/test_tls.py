"""TLS and mTLS on the listener: who can connect, the identity a servicer sees, and the
configuration errors of bad TLS files.

Reloading certificates from disk and the plaintext health listener are in
tests/test_tls_reload.py.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import grpc
import pytest
from cryptography.hazmat.primitives import serialization
from grpc import aio
from grpc_health.v1 import health_pb2

from dataaccess.v1 import operations_pb2 as ops_pb2
from dataaccess_server.api.tls import TLSFiles, certificate_identity, server_credentials
from dataaccess_server.app import Application
from dataaccess_server.config import ConfigError, Settings, load_settings
from tests.harness import stubs
from tests.harness.certs import (
    CertificateAuthority,
    IssuedCertificate,
    channel_credentials,
)
from tests.harness.server import clean_environment, run_cli, server_settings

SERVING = health_pb2.HealthCheckResponse.SERVING


@pytest.fixture(scope="module")
def ca() -> CertificateAuthority:
    """The CA that signs the server's and the trusted clients' certificates."""
    return CertificateAuthority.create("dataaccess test CA")


@pytest.fixture
def server_cert(ca: CertificateAuthority, tmp_path: Path) -> IssuedCertificate:
    """A server certificate for 127.0.0.1 and localhost."""
    return ca.issue(tmp_path / "server", "tls", cn="dataaccess", server=True)


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[str]:
    """The real service with ``settings``; yields its target."""
    app = Application(settings)
    await app.start()
    try:
        yield f"127.0.0.1:{app.port}"
    finally:
        await app.stop()


async def _health(channel: aio.Channel) -> int:
    reply = await stubs.health(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
    return int(reply.status)


async def _refused(channel: aio.Channel) -> grpc.StatusCode:
    with pytest.raises(aio.AioRpcError) as caught:
        await stubs.health(channel).Check(health_pb2.HealthCheckRequest(), timeout=3)
    return caught.value.code()


async def test_tls_serves_clients_trusting_its_ca_and_no_one_else(
    pg_database: str, ca: CertificateAuthority, server_cert: IssuedCertificate
) -> None:
    tls = TLSFiles(server_cert.cert_path, server_cert.key_path)
    async with running(server_settings(pg_database, tls=tls)) as target:
        async with aio.secure_channel(target, channel_credentials(ca)) as channel:
            assert await _health(channel) == SERVING
            status = await stubs.operations(channel).GetDatabaseStatus(
                ops_pb2.GetDatabaseStatusRequest(), timeout=5
            )
            assert status.nodes[0].reachable
        async with aio.insecure_channel(target) as channel:
            assert await _refused(channel) == grpc.StatusCode.UNAVAILABLE
        stranger = CertificateAuthority.create("some other CA")
        async with aio.secure_channel(target, channel_credentials(stranger)) as channel:
            assert await _refused(channel) == grpc.StatusCode.UNAVAILABLE


async def test_mtls_admits_only_clients_with_a_certificate_from_the_client_ca(
    pg_database: str, ca: CertificateAuthority, server_cert: IssuedCertificate, tmp_path: Path
) -> None:
    tls = TLSFiles(server_cert.cert_path, server_cert.key_path, ca.write(tmp_path / "ca.crt"))
    trusted = ca.issue(tmp_path / "clients", "proxy", cn="proxy")
    stranger = CertificateAuthority.create("untrusted CA")
    untrusted = stranger.issue(tmp_path / "clients", "intruder", cn="proxy")
    async with running(server_settings(pg_database, tls=tls)) as target:
        async with aio.secure_channel(target, channel_credentials(ca, trusted)) as channel:
            status = await stubs.operations(channel).GetDatabaseStatus(
                ops_pb2.GetDatabaseStatusRequest(), timeout=5
            )
            assert status.nodes[0].reachable
        # Same CN, wrong issuer: the handshake fails, no servicer ever runs.
        async with aio.secure_channel(target, channel_credentials(ca, untrusted)) as channel:
            assert await _refused(channel) == grpc.StatusCode.UNAVAILABLE
        async with aio.secure_channel(target, channel_credentials(ca)) as channel:
            assert await _refused(channel) == grpc.StatusCode.UNAVAILABLE
        async with aio.insecure_channel(target) as channel:
            assert await _refused(channel) == grpc.StatusCode.UNAVAILABLE


# --- certificate_identity ---------------------------------------------------------------


async def _echo_identity(context: aio.ServicerContext[bytes, bytes]) -> bytes:
    auth = context.auth_context()
    seen = {"identity": certificate_identity(auth), "keys": sorted(auth)}
    return json.dumps(seen).encode()


@asynccontextmanager
async def identity_server(credentials: grpc.ServerCredentials | None) -> AsyncIterator[int]:
    """A tiny aio server whose one method answers the identity it saw, and the
    auth_context keys it was given (JSON); yields its port."""

    async def handler(_request: bytes, context: aio.ServicerContext[bytes, bytes]) -> bytes:
        return await _echo_identity(context)

    server = aio.server()
    server.add_generic_rpc_handlers(
        [
            grpc.method_handlers_generic_handler(
                "test.Identity", {"Who": grpc.unary_unary_rpc_method_handler(handler)}
            )
        ]
    )
    if credentials is None:
        port = server.add_insecure_port("127.0.0.1:0")
    else:
        port = server.add_secure_port("127.0.0.1:0", credentials)
    await server.start()
    try:
        yield port
    finally:
        await server.stop(None)


async def _who(channel: aio.Channel) -> dict[str, object]:
    who: aio.UnaryUnaryMultiCallable[bytes, bytes] = channel.unary_unary("/test.Identity/Who")
    reply = await who(b"", timeout=5)
    return dict(json.loads(reply))


@pytest.mark.parametrize(
    ("names", "identity"),
    [
        (
            {"cn": "alice", "dns": ("alice.example",), "uris": ("spiffe://example.org/sa/alice",)},
            "spiffe://example.org/sa/alice",
        ),
        # Two URI SANs: no peer_spiffe_id from gRPC; the first URI still names the caller.
        (
            {"cn": "alice", "uris": ("spiffe://example.org/sa/a", "https://example.org/alice")},
            "spiffe://example.org/sa/a",
        ),
        ({"cn": "bob", "dns": ("bob.example", "bob2.example")}, "bob.example"),
        ({"cn": "carol"}, "carol"),
        ({"cn": None, "dns": ("dave.example",)}, "dave.example"),
    ],
)
async def test_certificate_identity_is_the_uri_san_else_the_dns_san_else_the_cn(
    ca: CertificateAuthority,
    server_cert: IssuedCertificate,
    tmp_path: Path,
    names: dict[str, object],
    identity: str,
) -> None:
    files = TLSFiles(server_cert.cert_path, server_cert.key_path, ca.write(tmp_path / "ca.crt"))
    client = ca.issue(tmp_path / "clients", "client", **names)  # type: ignore[arg-type]
    async with (
        identity_server(server_credentials(files)) as port,
        aio.secure_channel(f"127.0.0.1:{port}", channel_credentials(ca, client)) as channel,
    ):
        seen = await _who(channel)
    assert seen["identity"] == identity
    # What the docstring of certificate_identity says grpcio fills in.
    keys = set(seen["keys"])  # type: ignore[call-overload]
    assert {"transport_security_type", "x509_subject", "x509_pem_cert"} <= keys
    assert "x509_common_name" in keys  # b"" for an empty subject
    assert ("peer_uri" in keys) == bool(names.get("uris"))
    assert ("peer_dns" in keys) == bool(names.get("dns"))
    assert ("peer_spiffe_id" in keys) == (len(names.get("uris", ())) == 1)  # type: ignore[arg-type]


async def test_no_identity_without_a_verified_client_certificate(
    ca: CertificateAuthority, server_cert: IssuedCertificate, tmp_path: Path
) -> None:
    async with (
        identity_server(None) as port,
        aio.insecure_channel(f"127.0.0.1:{port}") as channel,
    ):
        seen = await _who(channel)
    assert seen == {"identity": None, "keys": ["security_level", "transport_security_type"]}
    # TLS without mTLS: a client certificate offered is not asked for, so not seen.
    client = ca.issue(tmp_path / "clients", "client", cn="alice", uris=("spiffe://x.org/a",))
    files = TLSFiles(server_cert.cert_path, server_cert.key_path)
    async with (
        identity_server(server_credentials(files)) as port,
        aio.secure_channel(f"127.0.0.1:{port}", channel_credentials(ca, client)) as channel,
    ):
        seen = await _who(channel)
    assert seen["identity"] is None
    assert "transport_security_type" in seen["keys"]  # type: ignore[operator]
    assert not any(str(k).startswith(("x509_", "peer_")) for k in seen["keys"])  # type: ignore[attr-defined]


# --- bad files --------------------------------------------------------------------------


def _tls_env(tmp_path: Path, ca: CertificateAuthority, case: str) -> dict[str, str]:
    """Environment for one bad-files case: a working set of files, then one thing broken."""
    good = ca.issue(tmp_path / "good", "tls", cn="dataaccess", server=True)
    other = ca.issue(tmp_path / "other", "tls", cn="dataaccess", server=True)
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    env = {
        "DATAACCESS_TLS_CERT": str(good.cert_path),
        "DATAACCESS_TLS_KEY": str(good.key_path),
        "DATAACCESS_TLS_CLIENT_CA": str(ca.write(tmp_path / "ca.crt")),
    }
    if case == "cert missing":
        env["DATAACCESS_TLS_CERT"] = str(tmp_path / "nowhere.crt")
    elif case == "cert not PEM":
        env["DATAACCESS_TLS_CERT"] = str(junk)
    elif case == "cert a directory":
        env["DATAACCESS_TLS_CERT"] = str(tmp_path)
    elif case == "key not PEM":
        env["DATAACCESS_TLS_KEY"] = str(good.cert_path)
    elif case == "key of another certificate":
        env["DATAACCESS_TLS_KEY"] = str(other.key_path)
    elif case == "key encrypted":
        key = serialization.load_pem_private_key(good.key_pem, password=None)
        encrypted = tmp_path / "encrypted.key"
        encrypted.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(b"passphrase"),
            )
        )
        env["DATAACCESS_TLS_KEY"] = str(encrypted)
    elif case == "client CA missing":
        env["DATAACCESS_TLS_CLIENT_CA"] = str(tmp_path / "nowhere-ca.crt")
    elif case == "client CA not PEM":
        env["DATAACCESS_TLS_CLIENT_CA"] = str(junk)
    elif case == "key without cert":
        del env["DATAACCESS_TLS_CERT"]
    elif case == "client CA without the pair":
        del env["DATAACCESS_TLS_CERT"], env["DATAACCESS_TLS_KEY"]
    else:
        raise AssertionError(case)
    return env


BAD_FILES = [
    ("cert missing", "DATAACCESS_TLS_CERT", "no such file"),
    ("cert not PEM", "DATAACCESS_TLS_CERT", "holds no PEM certificate"),
    ("cert a directory", "DATAACCESS_TLS_CERT", "is a directory"),
    ("key not PEM", "DATAACCESS_TLS_KEY", "holds no PEM private key"),
    ("key of another certificate", "DATAACCESS_TLS_KEY", "does not match the certificate"),
    ("key encrypted", "DATAACCESS_TLS_KEY", "is encrypted"),
    ("client CA missing", "DATAACCESS_TLS_CLIENT_CA", "no such file"),
    ("client CA not PEM", "DATAACCESS_TLS_CLIENT_CA", "holds no PEM certificate"),
    ("key without cert", "DATAACCESS_TLS_CERT", "is required when DATAACCESS_TLS_KEY is set"),
    ("client CA without the pair", "DATAACCESS_TLS_CLIENT_CA", "needs DATAACCESS_TLS_CERT"),
]


@pytest.mark.parametrize(("case", "variable", "reason"), BAD_FILES)
def test_bad_tls_files_are_refused_naming_the_variable(
    tmp_path: Path, ca: CertificateAuthority, case: str, variable: str, reason: str
) -> None:
    env = {"DATABASE_URL": "postgresql://db.example/x", **_tls_env(tmp_path, ca, case)}
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    assert caught.value.variable == variable
    assert reason in caught.value.problem


def test_good_tls_files_make_settings() -> None:
    assert load_settings({}).tls is None
    with pytest.raises(ConfigError) as caught:
        load_settings({"DATAACCESS_HEALTH_LISTEN": "127.0.0.1:50051"})
    assert caught.value.variable == "DATAACCESS_HEALTH_LISTEN"
    with pytest.raises(ConfigError) as caught:
        load_settings({"DATAACCESS_HEALTH_LISTEN": "8081"})
    assert caught.value.variable == "DATAACCESS_HEALTH_LISTEN"
    assert load_settings({"DATAACCESS_HEALTH_LISTEN": "0.0.0.0:8081"}).health_listen == (
        "0.0.0.0:8081"
    )


def test_tls_settings_point_at_the_files(tmp_path: Path, ca: CertificateAuthority) -> None:
    pair = ca.issue(tmp_path, "tls", cn="dataaccess", server=True)
    settings = load_settings(
        {"DATAACCESS_TLS_CERT": str(pair.cert_path), "DATAACCESS_TLS_KEY": str(pair.key_path)}
    )
    assert settings.tls == TLSFiles(pair.cert_path, pair.key_path, None)


@pytest.mark.parametrize(
    ("case", "variable"),
    [("key of another certificate", "DATAACCESS_TLS_KEY"), ("cert missing", "DATAACCESS_TLS_CERT")],
)
def test_serve_exits_2_with_one_line_naming_the_tls_variable(
    tmp_path: Path, ca: CertificateAuthority, case: str, variable: str
) -> None:
    env = clean_environment(
        DATABASE_URL="postgresql://127.0.0.1:1/nothing", **_tls_env(tmp_path, ca, case)
    )
    result = run_cli("serve", env=env, timeout=60)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"dataaccess: configuration error: {variable}: ")
