"""Throwaway certificates for benchmarks over TLS: a CA, a server certificate for the
loopback address, and a client certificate with a SPIFFE URI SAN (for mTLS), written
as PEM files into a directory the caller owns (a temporary one).

ECDSA P-256 keys: small and quick to make. (A deployment may well use RSA 2048, whose
handshakes cost more; ghz opens its connections once per run and then reuses them, so
the handshake is not what a run measures.) For benchmarks only: tests make their own.
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALIDITY = datetime.timedelta(days=1)
SERVER_NAMES = ("localhost",)
SERVER_IPS = ("127.0.0.1", "::1")
CLIENT_SPIFFE_ID = "spiffe://bench.dataaccess/caller/bench"


@dataclass(frozen=True)
class Certificates:
    """Paths of the PEM files: the CA certificate, the server's pair, the client's."""

    ca_cert: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def make_certificates(directory: Path) -> Certificates:
    """Write a fresh CA and a server and client certificate it signed into
    ``directory``; the keys are readable by the owner only."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("dataaccess bench CA")
    ca = (
        _builder(ca_name, ca_name, ca_key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_sans: list[x509.GeneralName] = [x509.DNSName(name) for name in SERVER_NAMES]
    server_sans += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in SERVER_IPS]
    server = _leaf(
        "dataaccess bench server",
        server_key,
        server_sans,
        ExtendedKeyUsageOID.SERVER_AUTH,
        ca,
        ca_key,
        now,
    )
    client_key = ec.generate_private_key(ec.SECP256R1())
    client = _leaf(
        "bench",
        client_key,
        [x509.UniformResourceIdentifier(CLIENT_SPIFFE_ID)],
        ExtendedKeyUsageOID.CLIENT_AUTH,
        ca,
        ca_key,
        now,
    )
    paths = Certificates(
        ca_cert=directory / "ca.pem",
        server_cert=directory / "server.pem",
        server_key=directory / "server.key",
        client_cert=directory / "client.pem",
        client_key=directory / "client.key",
    )
    paths.ca_cert.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths.server_cert.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    paths.client_cert.write_bytes(client.public_bytes(serialization.Encoding.PEM))
    _write_key(paths.server_key, server_key)
    _write_key(paths.client_key, client_key)
    return paths


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    now: datetime.datetime,
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        # A minute back: a clock a little behind still accepts it.
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + VALIDITY)
    )


def _leaf(
    common_name: str,
    key: ec.EllipticCurvePrivateKey,
    sans: list[x509.GeneralName],
    usage: x509.ObjectIdentifier,
    ca: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    now: datetime.datetime,
) -> x509.Certificate:
    return (
        _builder(_name(common_name), ca.subject, key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.touch(mode=0o600)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
