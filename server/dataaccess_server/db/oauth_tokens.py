"""SQL of the oauth_tokens table: one query or one transaction per function.

Secrets arrive here already sealed and leave sealed; this module never sees plaintext.
Where a transaction needs the domain's help in the middle (sealing needs the row id;
an update needs the row as locked), the domain passes a callback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import sql
from psycopg.rows import TupleRow
from psycopg.types.json import Jsonb

from dataaccess_server.db.cluster import Connection

COLUMNS = """
id::text, provider, user_id, email, access_token_ciphertext, refresh_token_ciphertext,
encryption_key_id, token_type, expiry_time, scopes, metadata, active, version,
last_used_at, created_at, updated_at
"""
LOCK_LIVE_BY_USER = f"""
SELECT {COLUMNS} FROM oauth_tokens
WHERE provider = %(provider)s AND user_id = %(user_id)s AND deleted_at IS NULL
FOR UPDATE
"""
LOCK_LIVE_BY_ID = f"""
SELECT {COLUMNS} FROM oauth_tokens WHERE id = %(id)s AND deleted_at IS NULL FOR UPDATE
"""
FETCH_LIVE_BY_ID = f"SELECT {COLUMNS} FROM oauth_tokens WHERE id = %(id)s AND deleted_at IS NULL"
FETCH_LIVE_BY_USER = f"""
SELECT {COLUMNS} FROM oauth_tokens
WHERE provider = %(provider)s AND user_id = %(user_id)s AND deleted_at IS NULL
"""
INSERT_TOKEN = f"""
INSERT INTO oauth_tokens (id, provider, user_id, email, access_token_ciphertext,
    refresh_token_ciphertext, encryption_key_id, token_type, expiry_time, scopes, metadata)
VALUES (%(id)s, %(provider)s, %(user_id)s, %(email)s, %(access)s, %(refresh)s,
    %(key_id)s, %(token_type)s, %(expiry_time)s, %(scopes)s, %(metadata)s)
ON CONFLICT (provider, user_id) WHERE deleted_at IS NULL DO NOTHING
RETURNING {COLUMNS}
"""
REPLACE_TOKEN = f"""
UPDATE oauth_tokens SET
    email = %(email)s, access_token_ciphertext = %(access)s,
    refresh_token_ciphertext = %(refresh)s, encryption_key_id = %(key_id)s,
    token_type = %(token_type)s, expiry_time = %(expiry_time)s, scopes = %(scopes)s,
    metadata = %(metadata)s, active = true, version = version + 1, updated_at = now()
WHERE id = %(id)s
RETURNING {COLUMNS}
"""
UPDATE_TOKEN = "UPDATE oauth_tokens SET {changes}, version = version + 1, updated_at = now() "
UPDATE_TOKEN_TAIL = f"WHERE id = %(id)s RETURNING {COLUMNS}"
DEACTIVATE_TOKEN = f"""
UPDATE oauth_tokens
SET active = false, version = version + CASE WHEN active THEN 1 ELSE 0 END,
    updated_at = CASE WHEN active THEN now() ELSE updated_at END
WHERE id = %(id)s AND deleted_at IS NULL
RETURNING {COLUMNS}
"""
SOFT_DELETE_TOKEN = """
UPDATE oauth_tokens SET deleted_at = now(), active = false, version = version + 1
WHERE id = %(id)s AND deleted_at IS NULL
RETURNING id
"""
TOKEN_EXISTS = "SELECT EXISTS (SELECT FROM oauth_tokens WHERE id = %(id)s)"
# Only the filters given become conditions: a generic plan (psycopg prepares statements
# it runs often) could not use an index behind "%(x)s IS NULL OR column = %(x)s".
LIST_TOKENS = f"SELECT {COLUMNS} FROM oauth_tokens WHERE {{conditions}} ORDER BY id LIMIT %(limit)s"
LIST_CONDITIONS = {
    "provider": "provider = %(provider)s",
    "user_id": "user_id = %(user_id)s",
    "email": "email = %(email)s",
    "active_only": "active",
    "expiring_before": "expiry_time < %(expiring_before)s",
    "after": "id > %(after)s::uuid",
}
LOCK_NOT_UNDER_KEY = f"""
SELECT {COLUMNS} FROM oauth_tokens
WHERE encryption_key_id <> %(key_id)s
ORDER BY id
LIMIT %(limit)s
FOR UPDATE SKIP LOCKED
"""
STORE_RESEALED = """
UPDATE oauth_tokens SET access_token_ciphertext = %(access)s,
    refresh_token_ciphertext = %(refresh)s, encryption_key_id = %(key_id)s
WHERE id = %(id)s
"""
COUNT_NOT_UNDER_KEY = "SELECT count(*) FROM oauth_tokens WHERE encryption_key_id <> %(key_id)s"

# Columns UpdateOAuthToken may change, by the name the domain uses.
UPDATABLE = frozenset(
    {
        "access_token_ciphertext",
        "refresh_token_ciphertext",
        "encryption_key_id",
        "token_type",
        "expiry_time",
        "scopes",
        "metadata",
        "email",
        "active",
        "last_used_at",
    }
)


@dataclass(frozen=True, slots=True)
class TokenRow:
    """One row of oauth_tokens, secrets sealed."""

    id: str
    provider: str
    user_id: str
    email: str | None
    access_ciphertext: bytes
    refresh_ciphertext: bytes | None
    encryption_key_id: str
    token_type: str
    expiry_time: datetime | None
    scopes: list[str]
    metadata: dict[str, Any]
    active: bool
    version: int
    last_used_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class TokenFields:
    """What an upsert writes besides the secrets."""

    provider: str
    user_id: str
    email: str | None
    token_type: str
    expiry_time: datetime | None
    scopes: list[str]
    metadata: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Sealed:
    """Both secrets of a row, sealed under ``key_id``."""

    access: bytes
    refresh: bytes | None
    key_id: str


# seal(row id, the row as it is or None when new) -> the secrets to store.
SealFor = Callable[[str, TokenRow | None], Sealed]
# changes(the locked row) -> column -> new value; the domain raises to refuse.
ChangesFor = Callable[[TokenRow], dict[str, Any]]


def _row(values: TupleRow) -> TokenRow:
    return TokenRow(
        id=values[0],
        provider=values[1],
        user_id=values[2],
        email=values[3],
        access_ciphertext=bytes(values[4]),
        refresh_ciphertext=bytes(values[5]) if values[5] is not None else None,
        encryption_key_id=values[6],
        token_type=values[7],
        expiry_time=values[8],
        scopes=list(values[9]),
        metadata=dict(values[10]),
        active=values[11],
        version=values[12],
        last_used_at=values[13],
        created_at=values[14],
        updated_at=values[15],
    )


def _secrets(sealed: Sealed) -> dict[str, Any]:
    return {"access": sealed.access, "refresh": sealed.refresh, "key_id": sealed.key_id}


def _fields(fields: TokenFields) -> dict[str, Any]:
    return {
        "provider": fields.provider,
        "user_id": fields.user_id,
        "email": fields.email,
        "token_type": fields.token_type,
        "expiry_time": fields.expiry_time,
        "scopes": fields.scopes,
        "metadata": Jsonb(fields.metadata),
    }


async def upsert_token(
    conn: Connection, fields: TokenFields, *, new_id: Callable[[], str], seal: SealFor
) -> tuple[TokenRow, bool]:
    """Insert the live token of (provider, user_id) or replace it; True if inserted.

    One transaction: lock the live row if any, seal the secrets for its id (or a new id),
    write. A concurrent insert of the same pair makes the loser replace the winner's row.
    """
    key = {"provider": fields.provider, "user_id": fields.user_id}
    async with conn.transaction():
        for _ in range(3):
            cursor = await conn.execute(LOCK_LIVE_BY_USER, key)
            existing = await cursor.fetchone()
            if existing is not None:
                current = _row(existing)
                params = {
                    "id": current.id,
                    **_fields(fields),
                    **_secrets(seal(current.id, current)),
                }
                cursor = await conn.execute(REPLACE_TOKEN, params)
                replaced = await cursor.fetchone()
                assert replaced is not None  # the row is locked
                return _row(replaced), False
            row_id = new_id()
            params = {"id": row_id, **_fields(fields), **_secrets(seal(row_id, None))}
            cursor = await conn.execute(INSERT_TOKEN, params)
            inserted = await cursor.fetchone()
            if inserted is not None:
                return _row(inserted), True
            # Another transaction inserted the pair between our lock and insert: retry.
        raise RuntimeError("upsert_token: the row kept changing under three attempts")


async def fetch_token(
    conn: Connection, *, row_id: str | None = None, provider: str = "", user_id: str = ""
) -> TokenRow | None:
    """The live token by id, or by (provider, user_id)."""
    if row_id is not None:
        cursor = await conn.execute(FETCH_LIVE_BY_ID, {"id": row_id})
    else:
        cursor = await conn.execute(FETCH_LIVE_BY_USER, {"provider": provider, "user_id": user_id})
    values = await cursor.fetchone()
    return _row(values) if values is not None else None


async def list_tokens(
    conn: Connection,
    *,
    provider: str | None,
    user_id: str | None,
    email: str | None,
    active_only: bool,
    expiring_before: datetime | None,
    after: str | None,
    limit: int,
) -> list[TokenRow]:
    """Live tokens matching the filters, by id (creation order), after ``after``."""
    params: dict[str, Any] = {
        "provider": provider,
        "user_id": user_id,
        "email": email,
        "active_only": active_only or None,
        "expiring_before": expiring_before,
        "after": after,
    }
    conditions = [sql.SQL("deleted_at IS NULL")] + [
        sql.SQL(LIST_CONDITIONS[name]) for name, value in params.items() if value is not None
    ]
    query = sql.SQL(LIST_TOKENS).format(conditions=sql.SQL(" AND ").join(conditions))
    cursor = await conn.execute(query, {**params, "limit": limit})
    return [_row(values) for values in await cursor.fetchall()]


async def update_token(conn: Connection, row_id: str, changes: ChangesFor) -> TokenRow | None:
    """Lock the live token, let ``changes`` decide what to write (it may raise to refuse),
    write it. None if there is no live token ``row_id``."""
    async with conn.transaction():
        cursor = await conn.execute(LOCK_LIVE_BY_ID, {"id": row_id})
        values = await cursor.fetchone()
        if values is None:
            return None
        new_values = changes(_row(values))
        unknown = set(new_values) - UPDATABLE
        if unknown:
            raise ValueError(f"update_token: not updatable: {sorted(unknown)}")
        assignments = sql.SQL(", ").join(
            sql.SQL("{} = {}").format(sql.Identifier(column), sql.Placeholder(column))
            for column in sorted(new_values)
        )
        params = {
            column: Jsonb(value) if column == "metadata" else value
            for column, value in new_values.items()
        }
        query = sql.SQL(UPDATE_TOKEN).format(changes=assignments) + sql.SQL(UPDATE_TOKEN_TAIL)
        cursor = await conn.execute(query, {**params, "id": row_id})
        updated = await cursor.fetchone()
        assert updated is not None  # the row is locked
        return _row(updated)


async def deactivate_token(conn: Connection, row_id: str) -> TokenRow | None:
    """Mark the live token inactive (a no-op if it is already); None if none."""
    cursor = await conn.execute(DEACTIVATE_TOKEN, {"id": row_id})
    values = await cursor.fetchone()
    return _row(values) if values is not None else None


async def soft_delete_token(conn: Connection, row_id: str) -> bool | None:
    """Soft-delete the live token: True if deleted now, False if it was already, None if
    no token ``row_id`` ever existed."""
    cursor = await conn.execute(SOFT_DELETE_TOKEN, {"id": row_id})
    if await cursor.fetchone() is not None:
        return True
    cursor = await conn.execute(TOKEN_EXISTS, {"id": row_id})
    exists = await cursor.fetchone()
    return False if exists is not None and exists[0] else None


async def reseal_batch(
    conn: Connection, key_id: str, limit: int, reseal: Callable[[TokenRow], Sealed]
) -> int:
    """Re-seal up to ``limit`` rows not under ``key_id``, in one transaction; the number
    done. Rows locked by writers are skipped (a later batch takes them). The version is
    not changed: the token's content and etag stay the same."""
    async with conn.transaction():
        cursor = await conn.execute(LOCK_NOT_UNDER_KEY, {"key_id": key_id, "limit": limit})
        rows = [_row(values) for values in await cursor.fetchall()]
        resealed = [{"id": row.id, **_secrets(reseal(row))} for row in rows]
        async with conn.cursor() as writer:
            await writer.executemany(STORE_RESEALED, resealed)
    return len(rows)


async def count_not_under_key(conn: Connection, key_id: str) -> int:
    """Rows (deleted ones too) whose secrets are not sealed under ``key_id``."""
    cursor = await conn.execute(COUNT_NOT_UNDER_KEY, {"key_id": key_id})
    row = await cursor.fetchone()
    return int(row[0]) if row is not None else 0
