"""OAuth tokens: the service: etags, views, read-your-writes, over validated requests.

Validation is in oauth_token_validation, sealing in oauth_token_cipher, the
encryption-key rotation job in encryption_key_rotation. Secrets are sealed (AES-256-GCM,
bound to row and column) before the storage layer sees them, and opened only for the
FULL view. Writes return the WAL position they
committed at (the consistency token); reads go to replicas unless they must see a write
that replicas have not replayed: one named by the caller's token, or any token write
made through this process.
"""

from __future__ import annotations

from typing import Any

from dataaccess_server.db import oauth_tokens as store
from dataaccess_server.db.cluster import Cluster, Connection, Intent, current_wal_lsn
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.crypto import Keyring
from dataaccess_server.domain.ids import new_id
from dataaccess_server.domain.model.oauth_tokens import (
    OAuthToken,
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
from dataaccess_server.domain.pagination import Pager
from dataaccess_server.errors import ConflictError, InvalidArgumentError, NotFoundError


def etag_of(version: int) -> str:
    """The etag of a row version (opaque to callers)."""
    return f'"{version}"'


class OAuthTokenService:
    """The rules of OAuth tokens, over the cluster."""

    def __init__(self, cluster: Cluster, keyring: Keyring) -> None:
        self._cluster = cluster
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
        fields = store.TokenFields(
            provider=data.provider,
            user_id=data.user_id,
            email=data.email or None,
            token_type=data.token_type or "Bearer",
            expiry_time=data.expiry_time,
            scopes=list(data.scopes),
            metadata=data.metadata,
        )

        def seal(row_id: str, current: store.TokenRow | None) -> store.Sealed:
            refresh = data.refresh_token.reveal() or None
            if refresh is None and current is not None:
                refresh = self._cipher.open_refresh(current)
            return self._cipher.seal(row_id, data.access_token.reveal(), refresh)

        async def write(conn: Connection) -> tuple[store.TokenRow, bool, int]:
            row, created = await store.upsert_token(conn, fields, new_id=new_id, seal=seal)
            return row, created, await current_wal_lsn(conn)

        row, created, lsn = await self._cluster.run(Intent.WRITE, write, deadline=deadline)
        return self._written(row, lsn, created=created)

    async def get(
        self,
        *,
        token_id: str = "",
        provider: str = "",
        user_id: str = "",
        view: View = View.BASIC,
        consistency_token: str = "",
        deadline: Deadline,
    ) -> OAuthToken:
        """The live token by id, or by (provider, user_id). NotFoundError if none."""
        if token_id:
            if provider or user_id:
                raise InvalidArgumentError.single("id", "give either id or provider and user_id")
            row_id: str | None = validate_id(token_id)
        else:
            validate_identity(provider, user_id)
            row_id = None
        min_lsn = self._min_lsn(consistency_token)

        async def read(conn: Connection) -> store.TokenRow | None:
            return await store.fetch_token(conn, row_id=row_id, provider=provider, user_id=user_id)

        row = await self._cluster.run(Intent.READ, read, deadline=deadline, min_lsn=min_lsn)
        if row is None:
            what = f"token {token_id}" if token_id else f"token of {provider}/{user_id}"
            raise NotFoundError(f"{what} does not exist")
        return self._token(row, view)

    async def list(
        self, query: TokenQuery, deadline: Deadline, *, consistency_token: str = ""
    ) -> tuple[list[OAuthToken], str]:
        """A page of live tokens (BASIC view) and the next page's token ("" at the end)."""
        filters = {
            "provider": query.provider,
            "user_id": query.user_id,
            "email": query.email,
            "active_only": query.active_only,
            "expiring_before": query.expiring_before,
        }
        pager = Pager(query.page_size, query.page_token, filters)
        min_lsn = self._min_lsn(consistency_token)

        async def read(conn: Connection) -> list[store.TokenRow]:
            return await store.list_tokens(
                conn,
                provider=query.provider or None,
                user_id=query.user_id or None,
                email=query.email or None,
                active_only=query.active_only,
                expiring_before=query.expiring_before,
                after=pager.after,
                limit=pager.limit,
            )

        rows = await self._cluster.run(Intent.READ, read, deadline=deadline, min_lsn=min_lsn)
        page, next_token = pager.page(rows)
        return [self._token(row, View.BASIC) for row in page], next_token

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

        def changes(row: store.TokenRow) -> dict[str, Any]:
            if etag_of(row.version) != etag:
                raise ConflictError(
                    f"token {row_id} changed since it was read (etag {etag} is stale): "
                    "read it again and retry"
                )
            values: dict[str, Any] = {}
            if "access_token" in fields or (
                "refresh_token" in fields and data.refresh_token.reveal()
            ):
                access = (
                    data.access_token.reveal()
                    if "access_token" in fields
                    else self._cipher.open(row.access_ciphertext, row.id, "access_token")
                )
                refresh = data.refresh_token.reveal() or self._cipher.open_refresh(row)
                sealed = self._cipher.seal(row.id, access, refresh)
                values["access_token_ciphertext"] = sealed.access
                values["refresh_token_ciphertext"] = sealed.refresh
                values["encryption_key_id"] = sealed.key_id
            simple = {
                "token_type": data.token_type or "Bearer",
                "expiry_time": data.expiry_time,
                "scopes": list(data.scopes),
                "metadata": data.metadata,
                "email": data.email or None,
                "active": data.active,
                "last_used_at": data.last_used_time,
            }
            for name in fields:
                column = "last_used_at" if name == "last_used_time" else name
                if column in simple:
                    values[column] = simple[column]
            return values

        async def write(conn: Connection) -> tuple[store.TokenRow | None, int]:
            row = await store.update_token(conn, row_id, changes)
            return row, await current_wal_lsn(conn)

        row, lsn = await self._cluster.run(Intent.WRITE, write, deadline=deadline)
        if row is None:
            raise NotFoundError(f"token {row_id} does not exist")
        return self._written(row, lsn)

    async def invalidate(self, token_id: str, deadline: Deadline) -> Written:
        """Mark the token inactive (idempotent). NotFoundError if there is no live token."""
        row_id = validate_id(token_id)

        async def write(conn: Connection) -> tuple[store.TokenRow | None, int]:
            row = await store.deactivate_token(conn, row_id)
            return row, await current_wal_lsn(conn)

        row, lsn = await self._cluster.run(Intent.WRITE, write, deadline=deadline)
        if row is None:
            raise NotFoundError(f"token {row_id} does not exist")
        return self._written(row, lsn)

    async def delete(self, token_id: str, deadline: Deadline) -> Written:
        """Soft-delete the token; deleting a deleted token is a no-op. NotFoundError if it
        never existed."""
        row_id = validate_id(token_id)

        async def write(conn: Connection) -> tuple[bool | None, int]:
            deleted = await store.soft_delete_token(conn, row_id)
            return deleted, await current_wal_lsn(conn)

        deleted, lsn = await self._cluster.run(Intent.WRITE, write, deadline=deadline)
        if deleted is None:
            raise NotFoundError(f"token {row_id} does not exist")
        return self._written(None, lsn)

    # --- helpers ---------------------------------------------------------------------

    def _min_lsn(self, consistency_token: str) -> int | None:
        asked = parse_consistency_token(consistency_token) or 0
        floor = max(asked, self._written_lsn)
        return floor or None

    def _written(self, row: store.TokenRow | None, lsn: int, *, created: bool = False) -> Written:
        self._written_lsn = max(self._written_lsn, lsn)
        token = self._token(row, View.BASIC) if row is not None else None
        return Written(token, format_lsn(lsn), created)

    def _token(self, row: store.TokenRow, view: View) -> OAuthToken:
        full = view is View.FULL
        refresh = self._cipher.open_refresh(row) if full else None
        return OAuthToken(
            id=row.id,
            provider=row.provider,
            user_id=row.user_id,
            email=row.email or "",
            access_token=(
                Secret(self._cipher.open(row.access_ciphertext, row.id, "access_token"))
                if full
                else None
            ),
            refresh_token=Secret(refresh) if refresh is not None else None,
            token_type=row.token_type,
            expiry_time=row.expiry_time,
            scopes=tuple(row.scopes),
            metadata=row.metadata,
            active=row.active,
            last_used_time=row.last_used_at,
            create_time=row.created_at,
            update_time=row.updated_at,
            etag=etag_of(row.version),
        )
