"""TLS on the listener: the files, their checks, credentials that follow them on disk,
and the caller identity of an mTLS call.

cert-manager and the kubelet rotate certificates by replacing files (a rename, or the
swap of a ``..data`` symlink), never by telling the process. So the server credentials
are gRPC's *dynamic* SSL credentials: gRPC core calls :meth:`CertificateReloader.fetch`
before every new handshake (from one of its own threads, with the GIL, also under
``grpc.aio``: checked, see tests/test_tls.py), and the fetcher answers "unchanged"
unless the files' stat fingerprints moved. Connections already open keep the
certificate they were set up with; nothing is dropped. A pair that is half-written
or mismatched (the key replaced before its certificate) is logged once and ignored:
handshakes go on presenting the previous pair until the files agree again.
"""

from __future__ import annotations

import logging
import os
import ssl
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import grpc
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

log = logging.getLogger(__name__)

CERT_VARIABLE = "DATAACCESS_TLS_CERT"
KEY_VARIABLE = "DATAACCESS_TLS_KEY"
CLIENT_CA_VARIABLE = "DATAACCESS_TLS_CLIENT_CA"


class TLSFileError(Exception):
    """A TLS file cannot be used; ``variable`` names the setting that points at it."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


@dataclass(frozen=True)
class TLSFiles:
    """Where the listener's TLS material lives: PEM files, re-read when they change."""

    cert: Path
    """The server certificate, leaf first, then any intermediates."""
    key: Path
    """The certificate's private key (unencrypted PEM: PKCS#8, PKCS#1 or SEC1)."""
    client_ca: Path | None = None
    """With it, mTLS: client certificates are required and verified against these roots."""

    @property
    def mutual(self) -> bool:
        """True when clients must present a certificate (mTLS)."""
        return self.client_ca is not None


@dataclass(frozen=True)
class _Material:
    cert_pem: bytes
    key_pem: bytes
    client_ca_pem: bytes | None
    subject: str
    not_after: str

    def configuration(self) -> grpc.ServerCertificateConfiguration:
        return grpc.ssl_server_certificate_configuration(
            [(self.key_pem, self.cert_pem)], root_certificates=self.client_ca_pem
        )


def _read(variable: str, path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise TLSFileError(variable, f"no such file: {path}") from None
    except IsADirectoryError:
        raise TLSFileError(variable, f"is a directory, not a PEM file: {path}") from None
    except OSError as exc:
        raise TLSFileError(variable, f"cannot read {path}: {exc.strerror}") from None


def _certificates(variable: str, path: Path, pem: bytes) -> list[x509.Certificate]:
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError:
        raise TLSFileError(
            variable, f"{path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        ) from None
    return certificates


def _load(files: TLSFiles) -> _Material:
    """Read every file once and check them against each other; TLSFileError if not usable.

    Reading once matters for reloads: what is checked is exactly what is handed to gRPC.
    """
    cert_pem = _read(CERT_VARIABLE, files.cert)
    key_pem = _read(KEY_VARIABLE, files.key)
    ca_pem = _read(CLIENT_CA_VARIABLE, files.client_ca) if files.client_ca else None
    leaf = _certificates(CERT_VARIABLE, files.cert, cert_pem)[0]
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except TypeError:
        raise TLSFileError(
            KEY_VARIABLE, f"{files.key} is encrypted; give the key without a passphrase"
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise TLSFileError(
            KEY_VARIABLE, f"{files.key} holds no PEM private key (-----BEGIN ... PRIVATE KEY-----)"
        ) from None
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    if leaf.public_key().public_bytes(
        serialization.Encoding.DER, spki
    ) != key.public_key().public_bytes(serialization.Encoding.DER, spki):
        raise TLSFileError(
            KEY_VARIABLE, f"{files.key} does not match the certificate in {files.cert}"
        )
    if files.client_ca is not None and ca_pem is not None:
        _certificates(CLIENT_CA_VARIABLE, files.client_ca, ca_pem)
    return _Material(
        cert_pem,
        key_pem,
        ca_pem,
        subject=leaf.subject.rfc4514_string() or "(empty subject)",
        not_after=leaf.not_valid_after_utc.isoformat(),
    )


def check_tls_files(files: TLSFiles) -> None:
    """Raise TLSFileError naming the variable when a file is missing, unreadable, not
    PEM, or the key does not match the certificate.

    Start-up calls this so that ``serve`` fails with one line rather than on the first
    handshake. Besides our own checks, OpenSSL (the ``ssl`` module) must accept the pair.
    """
    _load(files)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(files.cert, files.key)
    except ssl.SSLError as exc:
        raise TLSFileError(
            KEY_VARIABLE, f"OpenSSL refuses the pair {files.cert} / {files.key}: {exc.reason}"
        ) from None
    if files.client_ca is not None:
        try:
            context.load_verify_locations(cafile=files.client_ca)
        except ssl.SSLError as exc:
            raise TLSFileError(
                CLIENT_CA_VARIABLE, f"OpenSSL refuses {files.client_ca}: {exc.reason}"
            ) from None


_Fingerprint = tuple[tuple[int, int, int, int] | None, ...]


class CertificateReloader:
    """Hands gRPC the TLS pair on disk, reloaded when the files change.

    :meth:`fetch` runs before every handshake, so it only ``stat``s the files (following
    symlinks, so a ``..data`` swap shows as a new inode) and reads them only when a
    fingerprint (device, inode, size, mtime) moved since the last look.
    """

    def __init__(self, files: TLSFiles) -> None:
        self.files = files
        self._paths = (files.cert, files.key) + ((files.client_ca,) if files.client_ca else ())
        self._lock = threading.Lock()
        self._seen = self._fingerprint()
        self._material = _load(files)
        self.reloads = 0
        """How many times new material was handed to gRPC (for logs and tests)."""

    def credentials(self) -> grpc.ServerCredentials:
        """Server credentials presenting the current pair, then whatever :meth:`fetch` finds."""
        return grpc.dynamic_ssl_server_credentials(
            self._material.configuration(),
            # grpc documents None as "no change"; its type stubs forgot it.
            self.fetch,  # type: ignore[arg-type]
            require_client_authentication=self.files.mutual,
        )

    def fetch(self) -> grpc.ServerCertificateConfiguration | None:
        """The new configuration if the files changed into a usable pair, else None
        (gRPC keeps the one it has). Never raises: it runs inside gRPC core."""
        try:
            with self._lock:
                return self._fetch_locked()
        except Exception:  # a bug here must not break handshakes
            log.exception("checking the TLS files for changes failed; keeping the current pair")
            return None

    def _fetch_locked(self) -> grpc.ServerCertificateConfiguration | None:
        seen = self._fingerprint()
        if seen == self._seen:
            return None
        self._seen = seen
        try:
            material = _load(self.files)
        except TLSFileError as exc:
            # Logged once per state of the files: the next change is looked at afresh.
            log.warning(
                "TLS files changed but are not usable (yet): %s; still presenting %s",
                exc,
                self._material.subject,
            )
            return None
        if material == self._material:
            return None
        self._material = material
        self.reloads += 1
        log.info(
            "TLS certificate reloaded from %s: %s, valid until %s",
            self.files.cert,
            material.subject,
            material.not_after,
        )
        return material.configuration()

    def _fingerprint(self) -> _Fingerprint:
        prints: list[tuple[int, int, int, int] | None] = []
        for path in self._paths:
            try:
                st = os.stat(path)
            except OSError:
                prints.append(None)
            else:
                prints.append((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns))
        return tuple(prints)


def server_credentials(files: TLSFiles) -> grpc.ServerCredentials:
    """Credentials for ``add_secure_port`` that follow ``files`` on disk; client
    certificates required when ``files.client_ca`` is set. Raises TLSFileError."""
    return CertificateReloader(files).credentials()


def certificate_identity(auth_context: Mapping[str, Iterable[bytes]]) -> str | None:
    """The caller of an mTLS call, from ``ServicerContext.auth_context()``: the client
    certificate's URI SAN (a SPIFFE ID), else its first DNS SAN, else its CN; None for
    a call without a verified client certificate (plaintext, or TLS without mTLS).

    What grpcio 1.85 fills in (checked in tests/test_tls.py): always
    ``transport_security_type`` (``b"ssl"`` over TLS, ``b"insecure"`` in plaintext) and
    ``security_level``; over TLS also ``ssl_tls_version``, ``ssl_session_reused`` and the
    key exchange group. With a verified client certificate also ``x509_subject``,
    ``x509_common_name`` (``b""`` when the subject has no CN), ``x509_pem_cert``,
    ``x509_subject_alternative_name`` (URI and DNS SANs, in certificate order),
    ``peer_uri`` (every URI SAN), ``peer_dns`` (every DNS SAN) and ``peer_spiffe_id``
    (only when the certificate holds exactly one URI SAN and it is a SPIFFE ID). Without
    client authentication none of the ``x509_*``/``peer_*`` keys is there, so their
    presence means the certificate was verified against the client CA.
    """
    if b"ssl" not in auth_context.get("transport_security_type", ()):
        return None
    for key in ("peer_spiffe_id", "peer_uri", "peer_dns", "x509_common_name"):
        for value in auth_context.get(key, ()):
            if value:
                return bytes(value).decode("utf-8", errors="replace")
    return None
