"""Named YAML configurations: immutable numbered versions, one active per name. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ConfigVersion:
    """One stored version. ``active`` is as of the read that returned it."""

    name: str
    version: int
    yaml: str
    sha256: str
    """Lowercase hex SHA-256 of the UTF-8 text."""
    size_bytes: int
    created_at: datetime
    created_by: str
    active: bool


@dataclass(frozen=True, slots=True)
class NewConfigVersion:
    """A version to store: its number is given by the store (the name's next)."""

    name: str
    yaml: str
    sha256: str
    size_bytes: int
    created_by: str
    request_id: str | None
    activate: bool


@dataclass(frozen=True, slots=True)
class ConfigHead:
    """A name's pointer row: which version is active, which was before, and how many
    activations it has seen (``revision``, +1 per activation that changed something)."""

    name: str
    latest_version: int
    active_version: int | None
    previous_version: int | None
    revision: int


@dataclass(frozen=True, slots=True)
class Activation:
    """What a watcher receives: the active version and the revision it became active at."""

    config: ConfigVersion
    revision: int


@dataclass(frozen=True, slots=True)
class CreatedConfig:
    """The answer of a creation: the version (the first call's on a replay)."""

    config: ConfigVersion
    replayed: bool
    revision: int


@dataclass(frozen=True, slots=True)
class ActivatedConfig:
    """The answer of an activation or rollback."""

    config: ConfigVersion
    revision: int
    previous_version: int | None
    changed: bool
    """False when the version was already active (nothing was written or notified)."""


@dataclass(frozen=True, slots=True)
class ConfigListQuery:
    """ListConfigVersions: the name and the paging."""

    name: str
    page_size: int = 0
    page_token: str = ""
