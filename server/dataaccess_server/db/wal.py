"""WAL positions as storage sees them: where a commit ended, and how far replicas lag.

The text form (``16/B374D848``) and its parsing live in ``domain/model/wal.py``: the
consistency token and the status page speak it too.
"""

from __future__ import annotations

from collections import deque

from dataaccess_server.db.pool import Connection
from dataaccess_server.domain.model.wal import parse_lsn

# After a commit: a WAL position at or past the commit record, whatever synchronous_commit.
CURRENT_WAL_LSN = "SELECT pg_current_wal_insert_lsn()::text"


async def current_wal_lsn(conn: Connection) -> int:
    """The WAL position a read must reach to see everything this connection committed.

    Call it after the commit; pass the result as ``min_lsn`` of a later read.
    """
    cursor = await conn.execute(CURRENT_WAL_LSN)
    row = await cursor.fetchone()
    assert row is not None  # a SELECT without FROM returns one row
    return parse_lsn(str(row[0]))


class WalHistory:
    """When the primary's WAL reached which position, as the monitor saw it.

    A replica's lag is then how long ago the primary first held WAL the replica has not
    replayed: zero when the replica has everything the primary had at its last probe,
    whatever the age of the last commit, and no ever-growing lag while the primary is
    idle or down. Precision: one probe interval. Pure: no I/O.
    """

    def __init__(self, horizon: float) -> None:
        self._horizon = horizon
        self._samples: deque[tuple[float, int]] = deque()

    def record(self, at: float, lsn: int) -> None:
        """The primary was seen at ``lsn`` at monotonic time ``at``."""
        if not self._samples or lsn > self._samples[-1][1]:
            self._samples.append((at, lsn))
        # Drop what is older than the horizon, but keep the newest of those: it still
        # says the primary held that position by then, which a far-behind replica lacks.
        while len(self._samples) > 1 and self._samples[1][0] < at - self._horizon:
            self._samples.popleft()

    @property
    def known(self) -> bool:
        """Whether any primary position was recorded."""
        return bool(self._samples)

    def lag(self, replayed: int, now: float) -> float:
        """Seconds a replica at ``replayed`` is behind (to within a probe interval)."""
        for at, lsn in self._samples:
            if lsn > replayed:
                return max(0.0, now - at)
        return 0.0
