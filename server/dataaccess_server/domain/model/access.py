"""Who is calling, what they may do, and what an audited call leaves behind. Pure.

A caller is known by an identity: the URI SAN (SPIFFE ID), DNS SAN or CN of a verified
client certificate, or ``bearer:<name>`` for a caller that presented a credential made by
``dataaccess callers create``. Its role is a set of permissions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class Permission(enum.StrEnum):
    """What one RPC (or one view of it) needs. The value is the name operators write in
    a policy file and read in a PERMISSION_DENIED message."""

    API_KEYS_VALIDATE = "api_keys.validate"
    API_KEYS_READ = "api_keys.read"
    API_KEYS_MANAGE = "api_keys.manage"
    OAUTH_TOKENS_READ = "oauth_tokens.read"
    OAUTH_TOKENS_READ_SECRETS = "oauth_tokens.read_secrets"
    OAUTH_TOKENS_WRITE = "oauth_tokens.write"
    OAUTH_TOKENS_DELETE = "oauth_tokens.delete"
    USAGE_WRITE = "usage.write"
    USAGE_READ = "usage.read"
    REQUEST_LOGS_WRITE = "request_logs.write"
    REQUEST_LOGS_READ = "request_logs.read"
    ANALYTICS_READ = "analytics.read"
    OPERATIONS_STATUS = "operations.status"
    AUDIT_READ = "audit.read"
    CONFIGS_READ = "configs.read"
    CONFIGS_WRITE = "configs.write"
    CACHE_READ = "cache.read"
    CACHE_WRITE = "cache.write"


class CredentialKind(enum.Enum):
    """How a caller proved who it is."""

    CERTIFICATE = "certificate"
    BEARER = "bearer"
    NONE = "none"
    """Authentication is off (``DATAACCESS_AUTH=none`` or the open development mode)."""


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated caller: its identity, how it proved it, and its role (None when
    no role is bound to the identity: it may call nothing)."""

    identity: str
    kind: CredentialKind
    role: str | None


@dataclass(frozen=True, slots=True)
class CallerCredential:
    """The stored record of a bearer credential (never the token or its hash)."""

    name: str
    role: str
    token_prefix: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def identity(self) -> str:
        """The identity its calls are made, and audited, as."""
        return f"bearer:{self.name}"


@dataclass(frozen=True, slots=True)
class NewCallerCredential:
    """A credential to store: only the token's SHA-256 and its first characters."""

    name: str
    role: str
    token_hash: bytes
    token_prefix: str


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One audited call. ``outcome`` is the gRPC status code name (``OK``,
    ``PERMISSION_DENIED``, ...); ``resource_id`` names what was read or changed
    (a token or key id, a provider/user pair, a caller name). Never a secret."""

    time: datetime
    caller: str
    method: str
    resource_id: str
    outcome: str
    peer: str
    event_id: str = ""


@dataclass(slots=True)
class AuditedRead:
    """The audit row of a secret read, offered to the read itself: storage may write
    ``event`` in the statement that reads the secret (one round trip, not two), with the
    id of what it read as ``resource_id``, and sets ``stored``. Left unstored (the read
    found nothing, or could not write the row), the row is written after the call as
    for any audited call."""

    event: AuditEvent
    stored: bool = False


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Filters of ListAuditEvents; empty strings and None do not filter."""

    caller: str = ""
    method: str = ""
    resource_id: str = ""
    outcome: str = ""
    start_time: datetime | None = None
    end_time: datetime | None = None
