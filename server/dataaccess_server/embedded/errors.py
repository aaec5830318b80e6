"""The one error the embedded PostgreSQL raises."""

from __future__ import annotations


class EmbeddedPostgresError(Exception):
    """The embedded PostgreSQL could not be found, prepared, started, stopped or copied.

    The message says what went wrong and what to do about it.
    """
