"""OAuth tokens: what a caller sends and reads, and what a write returns. Plain values,
no I/O. Secrets travel as ``Secret``, so they never show in reprs.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dataaccess_server.domain.model.secret import Secret


class View(enum.Enum):
    """How much of a token a read returns."""

    BASIC = "basic"
    FULL = "full"


@dataclass(frozen=True, slots=True)
class TokenInput:
    """A token as a request states it; ``present`` names the fields the caller set."""

    provider: str = ""
    user_id: str = ""
    email: str = ""
    access_token: Secret = field(default_factory=lambda: Secret(""))
    refresh_token: Secret = field(default_factory=lambda: Secret(""))
    token_type: str = ""
    expiry_time: datetime | None = None
    scopes: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    metadata_size: int = 0
    active: bool = False
    last_used_time: datetime | None = None
    present: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class OAuthToken:
    """A live token as callers see it; secrets are None unless the FULL view was asked."""

    id: str
    provider: str
    user_id: str
    email: str
    access_token: Secret | None
    refresh_token: Secret | None
    token_type: str
    expiry_time: datetime | None
    scopes: tuple[str, ...]
    metadata: dict[str, Any]
    active: bool
    last_used_time: datetime | None
    create_time: datetime
    update_time: datetime
    etag: str


@dataclass(frozen=True, slots=True)
class TokenQuery:
    """Filters and page of a list call."""

    provider: str = ""
    user_id: str = ""
    email: str = ""
    active_only: bool = False
    expiring_before: datetime | None = None
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True, slots=True)
class Written:
    """The result of a write: the token (BASIC view) and where to read it from."""

    token: OAuthToken | None
    consistency_token: str
    created: bool = False


@dataclass(frozen=True, slots=True)
class RotationProgress:
    """Where an encryption-key rotation stands."""

    resealed: int
    remaining: int
