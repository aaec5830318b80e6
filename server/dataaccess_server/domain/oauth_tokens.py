"""OAuth tokens: validation, encryption at rest, etags, views, read-your-writes, rotation.

Secrets are sealed here (AES-256-GCM, bound to row and column) before the storage layer
sees them, and opened only for the FULL view. Writes return the WAL position they
committed at (the consistency token); reads go to replicas unless they must see a write
that replicas have not replayed: one named by the caller's token, or any token write
made through this process.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

from dataaccess_server.db import oauth_tokens as store
from dataaccess_server.db.cluster import Cluster, Connection, Intent, current_wal_lsn
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.crypto import DecryptionError, Keyring, UnknownKeyError, place
from dataaccess_server.domain.ids import is_uuid, new_id
from dataaccess_server.domain.model.oauth_tokens import (
    OAuthToken,
    RotationProgress,
    TokenInput,
    TokenQuery,
    View,
    Written,
)
from dataaccess_server.domain.model.secret import Secret
from dataaccess_server.domain.model.wal import format_lsn, parse_lsn
from dataaccess_server.domain.pagination import Pager
from dataaccess_server.errors import (
    ConflictError,
    DataCorruptionError,
    FailedPreconditionError,
    FieldViolation,
    InvalidArgumentError,
    NotFoundError,
)

TABLE = "oauth_tokens"
MAX_SECRET_CHARS = 16 * 1024
MAX_METADATA_BYTES = 64 * 1024
_PROVIDER = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_LSN = re.compile(r"[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")

# UpdateOAuthToken mask paths and the columns they write.
UPDATABLE_FIELDS = (
    "access_token",
    "refresh_token",
    "token_type",
    "expiry_time",
    "scopes",
    "metadata",
    "email",
    "active",
    "last_used_time",
)


def etag_of(version: int) -> str:
    """The etag of a row version (opaque to callers)."""
    return f'"{version}"'


# --- validation (pure) -----------------------------------------------------------------


def _check_identity(data: TokenInput, prefix: str, problems: list[FieldViolation]) -> None:
    provider, user_id = (
        (f"{prefix}.provider", f"{prefix}.user_id")
        if prefix
        else (
            "provider",
            "user_id",
        )
    )
    if not data.provider:
        problems.append(FieldViolation(provider, "is required"))
    elif not _PROVIDER.fullmatch(data.provider):
        problems.append(
            FieldViolation(
                provider,
                "must be 1-64 characters of a-z, 0-9, '.', '_' or '-', starting with a "
                "letter or digit",
            )
        )
    if not data.user_id:
        problems.append(FieldViolation(user_id, "is required"))
    elif len(data.user_id) > 256:
        problems.append(FieldViolation(user_id, "must be at most 256 characters"))


def _check_fields(
    data: TokenInput, prefix: str, fields: set[str], problems: list[FieldViolation]
) -> None:
    def bad(name: str, description: str) -> None:
        problems.append(FieldViolation(f"{prefix}.{name}", description))

    if "email" in fields and data.email:
        if len(data.email) > 320:
            bad("email", "must be at most 320 characters")
        elif "@" not in data.email:
            bad("email", "must be an email address")
    for name in ("access_token", "refresh_token"):
        secret: Secret = getattr(data, name)
        if name in fields and len(secret.reveal()) > MAX_SECRET_CHARS:
            bad(name, f"must be at most {MAX_SECRET_CHARS} characters")
    if "token_type" in fields and len(data.token_type) > 32:
        bad("token_type", "must be at most 32 characters")
    if "scopes" in fields:
        if len(data.scopes) > 100:
            bad("scopes", "must have at most 100 entries")
        if any(not scope or len(scope) > 256 for scope in data.scopes):
            bad("scopes", "entries must be 1-256 characters")
    if "metadata" in fields and data.metadata_size > MAX_METADATA_BYTES:
        bad("metadata", f"must be at most {MAX_METADATA_BYTES} bytes serialized")


def validate_upsert(data: TokenInput) -> None:
    """INVALID_ARGUMENT naming every bad field of an upsert."""
    problems: list[FieldViolation] = []
    _check_identity(data, "token", problems)
    if not data.access_token.reveal():
        problems.append(FieldViolation("token.access_token", "is required"))
    _check_fields(data, "token", set(UPDATABLE_FIELDS), problems)
    if problems:
        raise InvalidArgumentError(problems)


def update_fields(data: TokenInput, mask: tuple[str, ...] | None) -> tuple[str, ...]:
    """The fields an update changes: the mask's paths, or every field the request set.
    INVALID_ARGUMENT for an unknown or immutable path, or nothing to change."""
    if mask is None:
        chosen = tuple(name for name in UPDATABLE_FIELDS if name in data.present)
    else:
        unknown = [path for path in mask if path not in UPDATABLE_FIELDS]
        if unknown:
            raise InvalidArgumentError.single(
                "update_mask",
                f"cannot update {', '.join(unknown)}; updatable: {', '.join(UPDATABLE_FIELDS)}",
            )
        chosen = tuple(dict.fromkeys(mask))
    if not chosen:
        raise InvalidArgumentError.single("update_mask", "names no field to update")
    problems: list[FieldViolation] = []
    _check_fields(data, "token", set(chosen), problems)
    if "access_token" in chosen and not data.access_token.reveal():
        problems.append(FieldViolation("token.access_token", "must not be empty"))
    if problems:
        raise InvalidArgumentError(problems)
    return chosen


def validate_id(value: str, name: str = "id") -> str:
    """``value`` if it is a token id; INVALID_ARGUMENT naming ``name`` otherwise."""
    if not value:
        raise InvalidArgumentError.single(name, "is required")
    if not is_uuid(value):
        raise InvalidArgumentError.single(name, "must be a token id (a UUID)")
    return value.lower()


def parse_consistency_token(text: str, name: str = "consistency_token") -> int | None:
    """The WAL position in a consistency token ("" is none)."""
    if text == "":
        return None
    if not _LSN.fullmatch(text):
        raise InvalidArgumentError.single(name, "is not a token this service returned")
    return parse_lsn(text)


class TokenCipher:
    """Seals and opens the two secrets of a token row, bound to the row and column."""

    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring

    def seal(self, row_id: str, access: str, refresh: str | None) -> store.Sealed:
        """Both secrets under the keyring's first key."""
        keyring = self._keyring
        return store.Sealed(
            access=keyring.seal(access.encode(), place=place(TABLE, row_id, "access_token")),
            refresh=(
                keyring.seal(refresh.encode(), place=place(TABLE, row_id, "refresh_token"))
                if refresh is not None
                else None
            ),
            key_id=keyring.primary_key_id,
        )

    def open(self, envelope: bytes, row_id: str, column: str) -> str:
        """One secret in clear. FailedPreconditionError if its key is not in the keyring,
        DataCorruptionError if it does not decrypt where it is."""
        try:
            return self._keyring.open(envelope, place=place(TABLE, row_id, column)).decode()
        except UnknownKeyError as exc:
            raise FailedPreconditionError(
                f"the {column} of token {row_id} is sealed with key {exc.key_id!r}, which is "
                "not in DATAACCESS_ENCRYPTION_KEYS: add it back and run "
                "`dataaccess rotate-encryption-key`"
            ) from None
        except DecryptionError:
            raise DataCorruptionError(
                f"the {column} of token {row_id} does not decrypt: it was damaged or moved "
                "from another row"
            ) from None

    def open_refresh(self, row: store.TokenRow) -> str | None:
        """The row's refresh token in clear, None if it has none."""
        if row.refresh_ciphertext is None:
            return None
        return self.open(row.refresh_ciphertext, row.id, "refresh_token")

    def reseal(self, row: store.TokenRow) -> store.Sealed:
        """The row's secrets, sealed again under the keyring's first key."""
        return self.seal(
            row.id, self.open(row.access_ciphertext, row.id, "access_token"), self.open_refresh(row)
        )


# --- the service ---------------------------------------------------------------------


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
            problems: list[FieldViolation] = []
            _check_identity(TokenInput(provider=provider, user_id=user_id), "", problems)
            if problems:
                raise InvalidArgumentError(problems)
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


# --- key rotation --------------------------------------------------------------------


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
