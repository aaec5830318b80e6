"""Encryption-key rotation: re-seal every OAuth token not under the keyring's first key.

Run by ``dataaccess rotate-encryption-key`` after a new key is put first in
DATAACCESS_ENCRYPTION_KEYS; once it reports nothing remaining, the older keys may be
removed. Serving goes on meanwhile: each batch is its own short transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from dataaccess_server.db import oauth_tokens as store
from dataaccess_server.db.cluster import Cluster, Connection, Intent
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.crypto import Keyring
from dataaccess_server.domain.model.oauth_tokens import RotationProgress
from dataaccess_server.domain.oauth_token_cipher import TokenCipher


async def rotate_encryption_key(
    cluster: Cluster,
    keyring: Keyring,
    *,
    batch_size: int = 100,
    batch_deadline: float = 30.0,
    report: Callable[[RotationProgress], None] = lambda _progress: None,
) -> int:
    """Re-seal every token not under the keyring's first key, in batches of
    ``batch_size`` (each its own short transaction, so serving goes on); return how many
    were re-sealed. Resumable: run it again after an interruption.

    Raises FailedPreconditionError if a row is sealed under a key the keyring lacks
    (that batch is rolled back), DataCorruptionError if a row does not decrypt.
    """
    cipher = TokenCipher(keyring)
    target = keyring.primary_key_id

    async def batch(conn: Connection) -> int:
        return await store.reseal_batch(conn, target, batch_size, cipher.reseal)

    async def remaining(conn: Connection) -> int:
        return await store.count_not_under_key(conn, target)

    total = 0
    while True:
        done = await cluster.run(Intent.WRITE, batch, deadline=Deadline.after(batch_deadline))
        total += done
        left = await cluster.run(Intent.WRITE, remaining, deadline=Deadline.after(batch_deadline))
        report(RotationProgress(total, left))
        if left == 0:
            return total
        if done == 0:
            # Every remaining row is locked by a writer right now; its writer re-seals it
            # under the newest key anyway, or the next batch gets it.
            await asyncio.sleep(0.2)
