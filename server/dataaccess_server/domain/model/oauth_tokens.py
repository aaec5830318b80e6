"""OAuth tokens: what a caller sends and reads, what a write returns, and the sealed form
storage keeps. Plain values, no I/O.

Two shapes of a token: ``OAuthToken`` is what callers see (secrets in clear only in the
FULL view, as ``Secret`` so they never show in reprs); ``StoredToken`` is what storage
holds (secrets sealed, ``SealedSecrets``). Only the domain's cipher turns one into the
other.
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


# --- the stored form ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SealedSecrets:
    """Both secrets of a token, sealed under ``key_id`` and bound to the token's id."""

    access: bytes
    refresh: bytes | None
    key_id: str


@dataclass(frozen=True, slots=True)
class TokenFields:
    """What an upsert writes besides the secrets."""

    provider: str
    user_id: str
    email: str | None
    token_type: str
    expiry_time: datetime | None
    scopes: tuple[str, ...]
    metadata: dict[str, Any]


# The fields of a token an update may set besides the secrets (TokenChanges.fields).
CHANGEABLE_FIELDS = frozenset(
    {"token_type", "expiry_time", "scopes", "metadata", "email", "active", "last_used_time"}
)


@dataclass(frozen=True, slots=True)
class TokenChanges:
    """What an update writes: the fields named in ``fields`` (a subset of
    CHANGEABLE_FIELDS) take the values here, and the secrets are replaced when
    ``secrets`` is given. Fields not named keep their stored values."""

    fields: frozenset[str] = frozenset()
    secrets: SealedSecrets | None = None
    token_type: str = ""
    expiry_time: datetime | None = None
    scopes: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    email: str | None = None
    active: bool = False
    last_used_time: datetime | None = None

    def __post_init__(self) -> None:
        unknown = self.fields - CHANGEABLE_FIELDS
        if unknown:
            raise ValueError(f"TokenChanges: not changeable: {sorted(unknown)}")

    @property
    def empty(self) -> bool:
        """True if these changes write nothing."""
        return not self.fields and self.secrets is None


@dataclass(frozen=True, slots=True)
class StoredToken:
    """A token as storage holds it (deleted ones too, for rotation): secrets sealed;
    ``version`` grows with every change of content (the etag)."""

    id: str
    provider: str
    user_id: str
    email: str | None
    secrets: SealedSecrets
    token_type: str
    expiry_time: datetime | None
    scopes: tuple[str, ...]
    metadata: dict[str, Any]
    active: bool
    version: int
    last_used_time: datetime | None
    create_time: datetime
    update_time: datetime
