"""Test certificates: a CA and the leaf certificates it issues, as PEM files.

Built with ``cryptography`` (a dependency of the server anyway), so tests need no
``openssl`` binary and can give each certificate exactly the names a test is about: a
CN, DNS SANs, a URI SAN (a SPIFFE ID), a validity window. Keys are EC P-256: fast to
generate, and gRPC's TLS stack takes them like RSA ones.

The private keys are test fixtures, not secrets: nothing is registered with the leak
check (tests/harness/leaks.py), and a PEM block is never logged by the server anyway.
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ONE_DAY = datetime.timedelta(days=1)


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


@dataclass(frozen=True)
class IssuedCertificate:
    """A leaf certificate and its key, in memory and as files."""

    cert_path: Path
    key_path: Path
    cert_pem: bytes
    key_pem: bytes
    certificate: x509.Certificate

    @property
    def der(self) -> bytes:
        """The certificate in DER, as ``SSLSocket.getpeercert(binary_form=True)`` gives it."""
        return self.certificate.public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True)
class CertificateAuthority:
    """A self-signed CA that issues server and client certificates."""

    name: str
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @classmethod
    def create(cls, name: str) -> CertificateAuthority:
        """A new CA whose subject CN is ``name``, valid from yesterday for a year."""
        key = _key()
        now = datetime.datetime.now(datetime.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - ONE_DAY)
            .not_valid_after(now + 365 * ONE_DAY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
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
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .sign(key, hashes.SHA256())
        )
        return cls(name, key, certificate)

    @property
    def pem(self) -> bytes:
        """The CA certificate in PEM: the trust root clients or the server are given."""
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def write(self, path: Path) -> Path:
        """Write the CA certificate (PEM) to ``path`` and return it."""
        path.write_bytes(self.pem)
        return path

    def issue(
        self,
        directory: Path,
        name: str,
        *,
        cn: str | None = None,
        dns: tuple[str, ...] = (),
        uris: tuple[str, ...] = (),
        ips: tuple[str, ...] = (),
        server: bool = False,
        not_before: datetime.datetime | None = None,
        not_after: datetime.datetime | None = None,
    ) -> IssuedCertificate:
        """Issue a leaf certificate; write ``<name>.crt`` and ``<name>.key`` in ``directory``.

        ``server=True`` makes a server certificate (serverAuth, and 127.0.0.1 and
        ``localhost`` among its SANs unless ``dns``/``ips`` say otherwise); otherwise a
        client certificate (clientAuth). ``cn=None`` leaves the subject empty. Valid from
        yesterday for 30 days unless ``not_before``/``not_after`` are given.
        """
        key = _key()
        now = datetime.datetime.now(datetime.UTC)
        if server and not dns and not ips:
            dns, ips = ("localhost",), ("127.0.0.1",)
        names: list[x509.GeneralName] = [x509.UniformResourceIdentifier(uri) for uri in uris]
        names += [x509.DNSName(host) for host in dns]
        names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips]
        usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(cn) if cn is not None else x509.Name([]))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or now - ONE_DAY)
            .not_valid_after(not_after or now + 30 * ONE_DAY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
        )
        if names:
            # An empty subject needs its names marked critical (RFC 5280, 4.2.1.6).
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=cn is None)
        certificate = builder.sign(self.key, hashes.SHA256())
        cert_pem = certificate.public_bytes(serialization.Encoding.PEM)
        key_pem = _key_pem(key)
        directory.mkdir(parents=True, exist_ok=True)
        cert_path, key_path = directory / f"{name}.crt", directory / f"{name}.key"
        cert_path.write_bytes(cert_pem)
        key_path.write_bytes(key_pem)
        return IssuedCertificate(cert_path, key_path, cert_pem, key_pem, certificate)


def channel_credentials(
    ca: CertificateAuthority | bytes, client: IssuedCertificate | None = None
) -> grpc.ChannelCredentials:
    """Client credentials trusting ``ca`` (a CA or PEM roots), presenting ``client`` if given."""
    roots = ca.pem if isinstance(ca, CertificateAuthority) else ca
    if client is None:
        return grpc.ssl_channel_credentials(root_certificates=roots)
    return grpc.ssl_channel_credentials(
        root_certificates=roots, private_key=client.key_pem, certificate_chain=client.cert_pem
    )


def presented_certificate(
    port: int, ca: CertificateAuthority, client: IssuedCertificate | None = None
) -> bytes:
    """The DER certificate a new TLS handshake with ``127.0.0.1:port`` presents.

    Python's ``ssl`` module, not gRPC: it opens one fresh connection per call (gRPC
    channels reuse theirs) and offers ALPN "h2" as gRPC servers require; ``client`` is
    the certificate to present when the server wants mTLS. Blocking: call it from a
    thread in async tests.
    """
    context = ssl.create_default_context(cadata=ca.pem.decode())
    context.set_alpn_protocols(["h2"])
    if client is not None:
        context.load_cert_chain(client.cert_path, client.key_path)
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    return der
