"""The channel of API key changes: its name per schema, and its payload (the hashes a
change affects, which every server's cache forgets, and the time it was sent).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from collections.abc import Sequence

from dataaccess_server.db.cluster import Connection
from dataaccess_server.db.notifications import notify

log = logging.getLogger(__name__)


def channel_for(schema: str) -> str:
    """The NOTIFY channel of API key changes in ``schema`` (short enough for any schema)."""
    return "dataaccess_keys_" + hashlib.sha256(schema.encode()).hexdigest()[:12]


async def notify_hashes(
    conn: Connection, channel: str, hashes: Sequence[bytes]
) -> tuple[bytes, ...]:
    """Notify ``hashes`` on ``channel`` in the current transaction; returns them."""
    # Hex hashes, comma-separated: a key has one current and few retired hashes, far
    # below NOTIFY's 8000-byte payload limit. They are returned for the caller, whose
    # own cache must not wait for the notification's round trip. The first part,
    # "@<unix time>", tells receivers how long the invalidation took to reach them.
    sent = f"@{time.time():.6f}"
    await notify(conn, channel, ",".join([sent, *(h.hex() for h in hashes)]))
    return tuple(hashes)


def decode_invalidation(payload: str) -> tuple[list[bytes], float | None]:
    """The hashes a notification of ``channel`` names (as :func:`_notify` wrote them, or
    a caller credential's change: one hash), and the Unix time it was sent if it says;
    a malformed part is logged and skipped."""
    hashes = []
    sent: float | None = None
    for part in payload.split(","):
        if part.startswith("@"):
            with contextlib.suppress(ValueError):
                sent = float(part[1:])
            continue
        try:
            hashes.append(bytes.fromhex(part))
        except ValueError:
            log.warning("ignoring a malformed invalidation (%d characters)", len(part))
    return hashes, sent
