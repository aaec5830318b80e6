"""Encryption-key rotation: re-seal every OAuth token not under the keyring's first key.

Run by ``dataaccess rotate-encryption-key`` after a new key is put first in
DATAACCESS_ENCRYPTION_KEYS; once nothing remains, the older keys may be removed. Serving
goes on meanwhile: each batch is its own short transaction, and skips the tokens that
writers hold (they re-seal under the newest key anyway).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.crypto import Keyring
from dataaccess_server.domain.model.oauth_tokens import RotationProgress, SealedSecrets, StoredToken
from dataaccess_server.domain.oauth_token_cipher import TokenCipher

# The pause before the next batch when one re-sealed nothing but tokens remain (all of
# them held by writers at that moment), in seconds.
LOCKED_PAUSE = 0.2


class ResealTransaction(Protocol):
    """The statements of one rotation batch, in one write transaction on the primary."""

    async def lock_not_under_key(self, key_id: str, limit: int) -> list[StoredToken]:
        """Up to ``limit`` tokens (deleted ones too) not sealed under ``key_id``, locked
        until the transaction ends; tokens other transactions hold are skipped."""
        ...

    async def store_resealed(self, resealed: Mapping[str, SealedSecrets]) -> None:
        """Replace the secrets of tokens locked here, by id, leaving their version (and
        so their etag) as it is."""
        ...


class KeyRotationStore(Protocol):
    """The storage a rotation goes through. Methods are bounded by their ``deadline``
    and may raise DatabaseUnavailableError or DeadlineExceededError."""

    def transaction(self, deadline: Deadline) -> AbstractAsyncContextManager[ResealTransaction]:
        """A write transaction on the primary: committed when the block ends, rolled back
        if it raises; never retried."""
        ...

    async def count_not_under_key(
        self, key_id: str, deadline: Deadline, *, primary: bool = False
    ) -> int:
        """Tokens (deleted ones too) not sealed under ``key_id``; on the primary if
        ``primary``, else possibly on a replica that lags."""
        ...


async def rotate_encryption_key(
    store: KeyRotationStore,
    keyring: Keyring,
    *,
    batch_size: int = 100,
    batch_deadline: float = 30.0,
    report: Callable[[RotationProgress], None] = lambda _progress: None,
) -> int:
    """Re-seal every token not under the keyring's first key, in batches of
    ``batch_size`` (each its own short transaction, so serving goes on); return how many
    were re-sealed. Resumable: run it again after an interruption. Each batch, and each
    count of what remains, has ``batch_deadline`` seconds.

    Raises FailedPreconditionError if a row is sealed under a key the keyring lacks
    (that batch is rolled back), DataCorruptionError if a row does not decrypt.
    """
    cipher = TokenCipher(keyring)
    target = keyring.primary_key_id
    total = 0
    while True:
        done = await _reseal_batch(store, cipher, target, batch_size, batch_deadline)
        total += done
        # Counted on the primary: a lagging replica would report rows already re-sealed.
        left = await store.count_not_under_key(target, Deadline.after(batch_deadline), primary=True)
        report(RotationProgress(total, left))
        if left == 0:
            return total
        if done == 0:
            # Every remaining row is locked by a writer right now; its writer re-seals it
            # under the newest key anyway, or the next batch gets it.
            await asyncio.sleep(LOCKED_PAUSE)


async def _reseal_batch(
    store: KeyRotationStore, cipher: TokenCipher, target: str, limit: int, seconds: float
) -> int:
    # One batch in one transaction: how many tokens it re-sealed under ``target``.
    async with store.transaction(Deadline.after(seconds)) as tx:
        stale = await tx.lock_not_under_key(target, limit)
        if stale:
            await tx.store_resealed({token.id: cipher.reseal(token) for token in stale})
    return len(stale)
