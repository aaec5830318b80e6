"""DATAACCESS_WORKERS: how many server processes ``dataaccess serve`` runs (see the
README's Workers paragraph). Kept apart from ``config`` to keep each module about one
thing."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataaccess_server.config import _Reader

MAX_WORKERS = 64


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, which a container's cpuset
    narrows), not the machine's."""
    return len(os.sched_getaffinity(0))


def parse_workers(variable: str, text: str) -> int:
    """A worker count from ``text``: 1 to 64, or ``auto`` for :func:`available_cpus`
    (capped at 64). ConfigError naming ``variable`` otherwise."""
    from dataaccess_server.config import ConfigError  # the package imports this module

    value = text.strip().lower()
    if value == "auto":
        return min(available_cpus(), MAX_WORKERS)
    try:
        count = int(value)
    except ValueError:
        raise ConfigError(
            variable, f"must be a whole number from 1 to {MAX_WORKERS} or auto, got {text!r}"
        ) from None
    if not 1 <= count <= MAX_WORKERS:
        raise ConfigError(variable, f"must be between 1 and {MAX_WORKERS} (or auto), got {count}")
    return count


def read_workers(read: _Reader) -> int:
    """DATAACCESS_WORKERS (default 1: one process, no supervisor)."""
    text = read.raw("DATAACCESS_WORKERS")
    return 1 if text is None else parse_workers("DATAACCESS_WORKERS", text)
