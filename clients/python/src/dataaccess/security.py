"""How a client proves who it is and whom it talks to: :class:`Credentials`.

One value bundles the channel's transport security (TLS roots, a client certificate and
key for mTLS, or ready ``grpc.ChannelCredentials``) and an optional bearer token, so both
client flavours build their channels from the same rules:

* ``Credentials.tls(...)``: TLS, trusting the system's roots unless given
  ``root_certificates``; mTLS with ``client_certificate`` and ``client_key`` (both or
  neither). PEM arguments are ``bytes`` (the PEM itself) or a path (``str`` or
  ``os.PathLike``), read once, here.
* ``Credentials.bearer(token)``: plaintext with a bearer token, for a server behind a
  mesh that terminates TLS in front of it (or a development server).
* ``Credentials(channel_credentials=grpc.ssl_channel_credentials(...), bearer_token=...)``
  for anything else gRPC can do.

No credentials at all (``credentials=None`` on the clients) is plaintext without a token.
The token is sent as ``authorization: Bearer <token>`` metadata on every call, over TLS
and plaintext alike (gRPC refuses call credentials on a plaintext channel, so the client
adds the header itself rather than through ``grpc.access_token_call_credentials``). It is
kept out of ``repr()`` so that logging a client's settings cannot leak it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

import grpc

__all__ = ["AUTHORIZATION", "Credentials", "PemSource"]

PemSource: TypeAlias = bytes | str | os.PathLike[str]
"""PEM data as bytes, or the path of a PEM file."""

AUTHORIZATION = "authorization"


def _pem(name: str, source: PemSource) -> bytes:
    if isinstance(source, bytes):
        data = source
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise ValueError(f"{name}: cannot read {source}: {exc.strerror}") from None
    if b"-----BEGIN " not in data:
        raise ValueError(f"{name} is not PEM (no -----BEGIN line)")
    return data


@dataclass(frozen=True, slots=True)
class Credentials:
    """Transport security and bearer token of a client; immutable, shareable.

    ``channel_credentials`` None means a plaintext channel. ``bearer_token`` must be a
    non-empty token without whitespace (a line break would let it smuggle headers);
    construction raises ValueError otherwise.
    """

    channel_credentials: grpc.ChannelCredentials | None = None
    bearer_token: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        token = self.bearer_token
        if token is not None and (
            not token or token != token.strip() or any(ch in token for ch in " \r\n\t")
        ):
            raise ValueError("bearer_token must be a non-empty token without whitespace")

    @classmethod
    def tls(
        cls,
        *,
        root_certificates: PemSource | None = None,
        client_certificate: PemSource | None = None,
        client_key: PemSource | None = None,
        bearer_token: str | None = None,
    ) -> Credentials:
        """TLS (mTLS with a client certificate), optionally with a bearer token.

        ``root_certificates``: the CA that signed the server's certificate (default: the
        system's roots). ``client_certificate`` and ``client_key`` go together. Raises
        ValueError for a certificate without its key (or the reverse), a file that
        cannot be read or is not PEM, a malformed token.
        """
        if (client_certificate is None) != (client_key is None):
            raise ValueError("client_certificate and client_key go together (mTLS)")
        roots = None if root_certificates is None else _pem("root_certificates", root_certificates)
        key = None if client_key is None else _pem("client_key", client_key)
        chain = (
            None if client_certificate is None else _pem("client_certificate", client_certificate)
        )
        secure = grpc.ssl_channel_credentials(
            root_certificates=roots, private_key=key, certificate_chain=chain
        )
        return cls(channel_credentials=secure, bearer_token=bearer_token)

    @classmethod
    def bearer(cls, token: str) -> Credentials:
        """A bearer token over plaintext (TLS terminated in front of the server).
        Raises ValueError for a malformed token."""
        return cls(bearer_token=token)

    def metadata(self) -> tuple[tuple[str, str], ...]:
        """The call metadata these credentials add: the authorization header, if any."""
        if self.bearer_token is None:
            return ()
        return ((AUTHORIZATION, f"Bearer {self.bearer_token}"),)
