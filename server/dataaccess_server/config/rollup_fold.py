"""The rollup fold's settings from the environment (apart from ``config`` to keep each
module about one thing): see the README's request-log rollups section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataaccess_server.config import _Reader


@dataclass(frozen=True, slots=True)
class RollupFoldSettings:
    """``DATAACCESS_ROLLUP_FOLD_*``."""

    interval: float = 1.0
    """Seconds between two folds of the unfolded request-log deltas into the rollups
    (each fold drains the backlog, a chunk per transaction)."""
    chunk: int = 50_000
    """Delta rows one fold transaction moves at most."""


def read_rollup_fold_settings(read: _Reader) -> RollupFoldSettings:
    """DATAACCESS_ROLLUP_FOLD_INTERVAL (default 1 s, at least 10 ms) and
    DATAACCESS_ROLLUP_FOLD_CHUNK (default 50,000 rows, 1 to 10,000,000). ConfigError
    naming the variable."""
    return RollupFoldSettings(
        interval=read.duration("DATAACCESS_ROLLUP_FOLD_INTERVAL", 1.0, minimum=0.01),
        chunk=read.integer("DATAACCESS_ROLLUP_FOLD_CHUNK", 50_000, minimum=1, maximum=10_000_000),
    )
