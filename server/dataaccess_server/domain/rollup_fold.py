"""The background fold of request-log deltas into the rollups.

Ingestion writes each batch's rollup sums as rows of its own (deltas), so concurrent
batches never wait on each other; analytics reads rollups plus unfolded deltas, so the
fold changes no answer, only how many rows a query sums. The fold keeps the deltas few:
every ``interval`` it drains them, ``chunk`` rows per transaction, on the primary. Any
number of processes run it; one at a time gets the work (the store's advisory lock).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from dataaccess_server.deadline import Deadline
from dataaccess_server.errors import DataAccessError

log = logging.getLogger(__name__)

# One chunk's budget: a chunk of 50,000 rows takes well under a second.
CHUNK_DEADLINE = 30.0


class RollupFolder(Protocol):
    """Where the deltas are folded (db.rollup_fold.PostgresRollupFolder). Every method
    is bounded by ``deadline`` and raises DatabaseUnavailableError or
    DeadlineExceededError."""

    async def fold_chunk(self, limit: int, deadline: Deadline) -> int | None:
        """Fold up to ``limit`` delta rows in one transaction; the number folded, or
        None when another process is folding."""
        ...


class RollupFold:
    """Drains the deltas of a :class:`RollupFolder`: :meth:`fold_all` once, or
    :meth:`run` forever (a background task: cancel it to stop)."""

    def __init__(self, folder: RollupFolder, *, interval: float, chunk: int) -> None:
        self._folder = folder
        self.interval = interval
        self.chunk = chunk
        self.folded = 0
        """Delta rows this process has folded since it started."""

    async def fold_all(self) -> int:
        """Fold chunks until one comes back short (the backlog is drained) or another
        process holds the fold; the rows folded. Raises what the folder raises."""
        total = 0
        while True:
            folded = await self._folder.fold_chunk(self.chunk, Deadline.after(CHUNK_DEADLINE))
            if folded is None:
                return total
            total += folded
            self.folded += folded
            if folded < self.chunk:
                return total

    async def run(self) -> None:
        """Fold every ``interval`` seconds until cancelled. A failure (the primary
        away, a chunk's backend terminated) is logged and the next round retries: the
        failed chunk's transaction rolled back, so its deltas are still there. Only the
        first failure of a run of them is a warning (the interval is short: an outage
        would log one a second), and the recovery is logged too."""
        failing = False
        while True:
            await asyncio.sleep(self.interval)
            try:
                folded = await self.fold_all()
            except DataAccessError as exc:
                level = logging.DEBUG if failing else logging.WARNING
                log.log(level, "could not fold request-log deltas (retrying): %s", exc)
                failing = True
                continue
            if failing:
                log.info("folding request-log deltas again")
                failing = False
            if folded:
                log.debug("folded %d request-log delta rows into the rollups", folded)
