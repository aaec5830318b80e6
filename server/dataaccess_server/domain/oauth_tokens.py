"""OAuth tokens: the service (etags, views, read-your-writes) and the storage port it
goes through.

Validation is in oauth_token_validation, sealing in oauth_token_cipher, the
encryption-key rotation job in encryption_key_rotation. Secrets are sealed (AES-256-GCM,
bound to row and column) before storage sees them, and opened only for the FULL view.
Writes return the WAL position they committed at (the consistency token); reads go to
replicas unless they must see a write that replicas have not replayed: one named by the
caller's token, or any token write made through this process.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol

from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.crypto import Keyring
from dataaccess_server.domain.ids import new_id
from dataaccess_server.domain.model.access import AuditedRead
from dataaccess_server.domain.model.oauth_tokens import (
    CHANGEABLE_FIELDS,
    OAuthToken,
    SealedSecrets,
    StoredToken,
    TokenChanges,
    TokenFields,
    TokenInput,
    TokenQuery,
    View,
    Written,
)
from dataaccess_server.domain.model.secret import Secret
from dataaccess_server.domain.model.wal import format_lsn
from dataaccess_server.domain.oauth_token_cipher import TokenCipher
from dataaccess_server.domain.oauth_token_validation import (
    parse_consistency_token,
    update_fields,
    validate_id,
    validate_identity,
    validate_upsert,
)
from dataaccess_server.domain.pagination import Pager, PageSigner
from dataaccess_server.errors import (
    ConflictError,
    InvalidArgumentError,
    NotFoundError,
    excerpt,
)

# Attempts at an upsert that finds no live token to lock, then loses the insert to a
# concurrent upsert of the same pair (each retry then finds and replaces the winner's).
UPSERT_ATTEMPTS = 3


class TokenTransaction(Protocol):
    """The statements of one write transaction on the primary: the service locks a
    token, decides what to write (seals, checks the etag), and writes it. Locks are held
    until the transaction ends."""

    commit_position: int
    """The WAL position a read must reach to see this transaction; set at its commit."""

    async def lock_live_by_user(self, provider: str, user_id: str) -> StoredToken | None:
        """The live token of (provider, user_id), locked; None if there is none."""
        ...

    async def lock_live_by_id(self, token_id: str) -> StoredToken | None:
        """The live token ``token_id``, locked; None if there is none."""
        ...

    async def insert(
        self, token_id: str, fields: TokenFields, secrets: SealedSecrets
    ) -> StoredToken | None:
        """A new live token; None (nothing written) if (provider, user_id) already has
        one, such as one a concurrent transaction inserted after our lock found none."""
        ...

    async def replace(
        self, token_id: str, fields: TokenFields, secrets: SealedSecrets
    ) -> StoredToken:
        """Overwrite every field and secret of a token locked here; it is active again,
        at the next version."""
        ...

    async def update(self, token_id: str, changes: TokenChanges) -> StoredToken:
        """Write ``changes`` (which must write something) to a token locked here, at the
        next version."""
        ...


class OAuthTokenStore(Protocol):
    """Where OAuth tokens are stored. Every method is bounded by its ``deadline`` and may
    raise DatabaseUnavailableError or DeadlineExceededError. Reads with ``min_lsn`` come
    from a node that has replayed at least that WAL position."""

    def transaction(self, deadline: Deadline) -> AbstractAsyncContextManager[TokenTransaction]:
        """A write transaction on the primary: committed when the block ends, rolled back
        if it raises; never retried. Once committed, the transaction's
        ``commit_position`` is where a read must be to see it."""
        ...

    async def fetch_by_id(
        self, token_id: str, deadline: Deadline, *, min_lsn: int | None = None
    ) -> StoredToken | None:
        """The live token ``token_id``, None if there is none."""
        ...

    async def fetch_by_user(
        self, provider: str, user_id: str, deadline: Deadline, *, min_lsn: int | None = None
    ) -> StoredToken | None:
        """The live token of (provider, user_id), None if there is none."""
        ...

    async def fetch_audited(
        self,
        audit: AuditedRead,
        deadline: Deadline,
        *,
        token_id: str | None = None,
        provider: str = "",
        user_id: str = "",
    ) -> StoredToken | None:
        """The live token by id, or by (provider, user_id), read on the primary with
        ``audit.event`` written in the same statement if it is found (then
        ``audit.stored`` is set; the row's resource_id is the token's id). If the row
        cannot be written there for a reason other than the database's availability or
        the deadline, the token is read alone and ``audit.stored`` stays False."""
        ...

    async def list_live(
        self,
        query: TokenQuery,
        *,
        after: str | None,
        limit: int,
        deadline: Deadline,
        min_lsn: int | None = None,
    ) -> list[StoredToken]:
        """Up to ``limit`` live tokens matching the query's filters (its page fields are
        not read; empty strings match any), by id, after the id ``after``."""
        ...

    async def deactivate(self, token_id: str, deadline: Deadline) -> tuple[StoredToken | None, int]:
        """Mark the live token inactive (a no-op if it is already): the token, None if
        there is no live one; and the WAL position a read must reach to see it."""
        ...

    async def soft_delete(self, token_id: str, deadline: Deadline) -> tuple[bool | None, int]:
        """Soft-delete the live token: True if deleted now, False if it was already, None
        if it never existed; and the WAL position a read must reach to see it."""
        ...


def etag_of(version: int) -> str:
    """The etag of a token version (opaque to callers)."""
    return f'"{version}"'


class OAuthTokenService:
    """The rules of OAuth tokens, over their storage."""

    def __init__(self, store: OAuthTokenStore, keyring: Keyring) -> None:
        self._store = store
        self._pages = PageSigner.from_keyring(keyring)
        self._cipher = TokenCipher(keyring)
        # The newest WAL position of a token write made through this process: reads
        # here must see it (read-your-writes for callers that keep no token).
        self._written_lsn = 0

    async def upsert(self, data: TokenInput, deadline: Deadline) -> Written:
        """Insert or replace the live token of (provider, user_id).

        A request without refresh_token keeps the stored one. Raises InvalidArgumentError
        before anything is written; FailedPreconditionError if the kept refresh token is
        sealed under a key no longer in the keyring.
        """
        validate_upsert(data)
        fields = TokenFields(
            provider=data.provider,
            user_id=data.user_id,
            email=data.email or None,
            token_type=data.token_type or "Bearer",
            expiry_time=data.expiry_time,
            scopes=data.scopes,
            metadata=data.metadata,
        )
        async with self._store.transaction(deadline) as tx:
            stored, created = await self._insert_or_replace(tx, fields, data)
        return self._written(stored, tx.commit_position, created=created)

    async def get(
        self,
        *,
        token_id: str = "",
        provider: str = "",
        user_id: str = "",
        view: View = View.BASIC,
        consistency_token: str = "",
        deadline: Deadline,
        audit: AuditedRead | None = None,
    ) -> OAuthToken:
        """The live token by id, or by (provider, user_id). NotFoundError if none.

        ``audit``, for a FULL read: the audit row, written by the statement that reads
        the token, on the primary (an audited read needs the primary anyway for its row;
        one round trip instead of a read and an insert). A token found there is as fresh
        as any consistency token asks."""
        if token_id:
            if provider or user_id:
                raise InvalidArgumentError.single("id", "give either id or provider and user_id")
            row_id = validate_id(token_id)
        else:
            validate_identity(provider, user_id)
        min_lsn = self._min_lsn(consistency_token)
        if audit is not None and view is View.FULL:
            stored = await self._store.fetch_audited(
                audit,
                deadline,
                token_id=row_id if token_id else None,
                provider=provider,
                user_id=user_id,
            )
        elif token_id:
            stored = await self._store.fetch_by_id(row_id, deadline, min_lsn=min_lsn)
        else:
            stored = await self._store.fetch_by_user(provider, user_id, deadline, min_lsn=min_lsn)
        if stored is None:
            what = f"token {token_id}" if token_id else f"token of {provider}/{user_id}"
            raise NotFoundError(f"{what} does not exist")
        return self._token(stored, view)

    async def list(
        self, query: TokenQuery, deadline: Deadline, *, consistency_token: str = ""
    ) -> tuple[list[OAuthToken], str]:
        """A page of live tokens (BASIC view) and the next page's token ("" at the end)."""
        pager = Pager.of(query, self._pages)
        stored = await self._store.list_live(
            query,
            after=pager.after,
            limit=pager.limit,
            deadline=deadline,
            min_lsn=self._min_lsn(consistency_token),
        )
        page, next_token = pager.page(stored)
        return [self._token(token, View.BASIC) for token in page], next_token

    async def update(
        self,
        token_id: str,
        data: TokenInput,
        mask: tuple[str, ...] | None,
        etag: str,
        deadline: Deadline,
    ) -> Written:
        """Change the masked fields if ``etag`` is current.

        ConflictError (nothing changed) for a stale etag; a masked, empty refresh_token
        keeps the stored one. Both secrets are re-sealed under the newest key whenever
        either is written.
        """
        row_id = validate_id(token_id, "token.id")
        if not etag:
            raise InvalidArgumentError.single("etag", "is required: pass the etag you read")
        fields = update_fields(data, mask)
        async with self._store.transaction(deadline) as tx:
            current = await tx.lock_live_by_id(row_id)
            if current is None:
                raise NotFoundError(f"token {row_id} does not exist")
            changes = self._changes(current, data, fields, etag)
            # A mask of only an empty refresh_token keeps the token as it is.
            updated = current if changes.empty else await tx.update(row_id, changes)
        return self._written(updated, tx.commit_position)

    async def invalidate(self, token_id: str, deadline: Deadline) -> Written:
        """Mark the token inactive (idempotent). NotFoundError if there is no live token."""
        row_id = validate_id(token_id)
        stored, lsn = await self._store.deactivate(row_id, deadline)
        if stored is None:
            raise NotFoundError(f"token {row_id} does not exist")
        return self._written(stored, lsn)

    async def delete(self, token_id: str, deadline: Deadline) -> Written:
        """Soft-delete the token; deleting a deleted token is a no-op. NotFoundError if it
        never existed."""
        row_id = validate_id(token_id)
        deleted, lsn = await self._store.soft_delete(row_id, deadline)
        if deleted is None:
            raise NotFoundError(f"token {row_id} does not exist")
        return self._written(None, lsn)

    # --- helpers ---------------------------------------------------------------------

    async def _insert_or_replace(
        self, tx: TokenTransaction, fields: TokenFields, data: TokenInput
    ) -> tuple[StoredToken, bool]:
        # The live token of the pair, replaced, or a new one; True if new.
        for _ in range(UPSERT_ATTEMPTS):
            current = await tx.lock_live_by_user(fields.provider, fields.user_id)
            if current is not None:
                sealed = self._seal_upsert(current.id, data, current)
                return await tx.replace(current.id, fields, sealed), False
            token_id = new_id()
            inserted = await tx.insert(token_id, fields, self._seal_upsert(token_id, data, None))
            if inserted is not None:
                return inserted, True
            # Another transaction inserted the pair between our lock and insert: retry.
        raise RuntimeError(f"upsert: the token kept changing under {UPSERT_ATTEMPTS} attempts")

    def _seal_upsert(
        self, token_id: str, data: TokenInput, current: StoredToken | None
    ) -> SealedSecrets:
        # A request without refresh_token keeps the stored one.
        refresh = data.refresh_token.reveal() or None
        if refresh is None and current is not None:
            refresh = self._cipher.open_refresh(current)
        return self._cipher.seal(token_id, data.access_token.reveal(), refresh)

    def _changes(
        self, current: StoredToken, data: TokenInput, fields: tuple[str, ...], etag: str
    ) -> TokenChanges:
        # What an update writes to the locked ``current``; ConflictError if it changed
        # since the caller read ``etag``.
        if etag_of(current.version) != etag:
            raise ConflictError(
                f"token {current.id} changed since it was read (etag {excerpt(etag)} is stale): "
                "read it again and retry"
            )
        secrets = None
        if "access_token" in fields or ("refresh_token" in fields and data.refresh_token.reveal()):
            access = (
                data.access_token.reveal()
                if "access_token" in fields
                else self._cipher.open_access(current)
            )
            refresh = data.refresh_token.reveal() or self._cipher.open_refresh(current)
            secrets = self._cipher.seal(current.id, access, refresh)
        return TokenChanges(
            fields=CHANGEABLE_FIELDS.intersection(fields),
            secrets=secrets,
            token_type=data.token_type or "Bearer",
            expiry_time=data.expiry_time,
            scopes=data.scopes,
            metadata=data.metadata,
            email=data.email or None,
            active=data.active,
            last_used_time=data.last_used_time,
        )

    def _min_lsn(self, consistency_token: str) -> int | None:
        asked = parse_consistency_token(consistency_token) or 0
        floor = max(asked, self._written_lsn)
        return floor or None

    def _written(self, stored: StoredToken | None, lsn: int, *, created: bool = False) -> Written:
        self._written_lsn = max(self._written_lsn, lsn)
        token = self._token(stored, View.BASIC) if stored is not None else None
        return Written(token, format_lsn(lsn), created)

    def _token(self, stored: StoredToken, view: View) -> OAuthToken:
        full = view is View.FULL
        refresh = self._cipher.open_refresh(stored) if full else None
        return OAuthToken(
            id=stored.id,
            provider=stored.provider,
            user_id=stored.user_id,
            email=stored.email or "",
            access_token=Secret(self._cipher.open_access(stored)) if full else None,
            refresh_token=Secret(refresh) if refresh is not None else None,
            token_type=stored.token_type,
            expiry_time=stored.expiry_time,
            scopes=stored.scopes,
            metadata=stored.metadata,
            active=stored.active,
            last_used_time=stored.last_used_time,
            create_time=stored.create_time,
            update_time=stored.update_time,
            etag=etag_of(stored.version),
        )
