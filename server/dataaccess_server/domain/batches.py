"""What every batch call accepts: at least one item, at most the configured number. Pure."""

from __future__ import annotations

from collections.abc import Sized

from dataaccess_server.errors import InvalidArgumentError


def check_batch_size(items: Sized, *, field: str, noun: str, maximum: int) -> None:
    """INVALID_ARGUMENT naming ``field`` unless ``items`` holds 1 to ``maximum`` items
    (``noun`` is their plural, for the message)."""
    if not len(items):
        raise InvalidArgumentError.single(field, f"must contain at least one {noun[:-1]}")
    if len(items) > maximum:
        raise InvalidArgumentError.single(
            field, f"has {len(items)} {noun}; at most {maximum} are allowed per call"
        )
