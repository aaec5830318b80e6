"""SQL of the oauth_tokens table, and PostgresOAuthTokenStore: the domain's token
storage (its OAuthTokenStore and KeyRotationStore ports) over the cluster.

Secrets arrive here already sealed and leave sealed; this module never sees plaintext.
Writes whose content the domain decides after a lock (sealing needs the row id, an update
checks the locked row's etag) are statements of a PostgresTokenTransaction, which the
domain drives inside ``transaction(deadline)``. The module-level functions each run one
statement on a connection they are given (benchmarks and tests call them directly).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from functools import partial
from typing import Any, TypeVar

from psycopg import sql
from psycopg.types.json import Jsonb

from dataaccess_server.db.cluster import Cluster, Connection, Intent
from dataaccess_server.db.conditions import with_given_conditions
from dataaccess_server.db.token_reads import (
    COLUMNS,
    fetch_one,
    fetch_token,
    fetch_token_audited,
    token_of_row,
)
from dataaccess_server.db.wal import current_wal_lsn
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.access import AuditedRead
from dataaccess_server.domain.model.oauth_tokens import (
    SealedSecrets,
    StoredToken,
    TokenChanges,
    TokenFields,
    TokenQuery,
)

T = TypeVar("T")
log = logging.getLogger(__name__)

LOCK_LIVE_BY_USER = f"""
SELECT {COLUMNS} FROM oauth_tokens
WHERE provider = %(provider)s AND user_id = %(user_id)s AND deleted_at IS NULL
FOR UPDATE
"""
LOCK_LIVE_BY_ID = f"""
SELECT {COLUMNS} FROM oauth_tokens WHERE id = %(id)s AND deleted_at IS NULL FOR UPDATE
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
# {conditions}: only the filters given (see db/conditions.py).
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

# The column each changeable field of TokenChanges is stored in.
COLUMN_OF_FIELD = {
    "token_type": "token_type",
    "expiry_time": "expiry_time",
    "scopes": "scopes",
    "metadata": "metadata",
    "email": "email",
    "active": "active",
    "last_used_time": "last_used_at",
}


def _secrets(sealed: SealedSecrets) -> dict[str, Any]:
    return {"access": sealed.access, "refresh": sealed.refresh, "key_id": sealed.key_id}


def _fields(fields: TokenFields) -> dict[str, Any]:
    return {
        "provider": fields.provider,
        "user_id": fields.user_id,
        "email": fields.email,
        "token_type": fields.token_type,
        "expiry_time": fields.expiry_time,
        "scopes": list(fields.scopes),
        "metadata": Jsonb(fields.metadata),
    }


def _assignments(changes: TokenChanges) -> dict[str, Any]:
    # Column -> value of everything ``changes`` writes.
    values: dict[str, Any] = {}
    if changes.secrets is not None:
        values["access_token_ciphertext"] = changes.secrets.access
        values["refresh_token_ciphertext"] = changes.secrets.refresh
        values["encryption_key_id"] = changes.secrets.key_id
    for name in changes.fields:
        value = getattr(changes, name)
        if name == "metadata":
            value = Jsonb(value)
        elif name == "scopes":
            value = list(value)
        values[COLUMN_OF_FIELD[name]] = value
    return values


# --- statements (one each, on the connection given) -------------------------------------


async def lock_live_by_user(conn: Connection, provider: str, user_id: str) -> StoredToken | None:
    """The live token of (provider, user_id), locked until the transaction ends."""
    return await fetch_one(conn, LOCK_LIVE_BY_USER, {"provider": provider, "user_id": user_id})


async def lock_live_by_id(conn: Connection, token_id: str) -> StoredToken | None:
    """The live token ``token_id``, locked until the transaction ends."""
    return await fetch_one(conn, LOCK_LIVE_BY_ID, {"id": token_id})


async def insert_token(
    conn: Connection, token_id: str, fields: TokenFields, secrets: SealedSecrets
) -> StoredToken | None:
    """A new live token; None (nothing written) if (provider, user_id) already has one."""
    return await fetch_one(
        conn, INSERT_TOKEN, {"id": token_id, **_fields(fields), **_secrets(secrets)}
    )


async def replace_token(
    conn: Connection, token_id: str, fields: TokenFields, secrets: SealedSecrets
) -> StoredToken:
    """Overwrite every field and secret of a token the transaction has locked; it is
    active again, at the next version."""
    params = {"id": token_id, **_fields(fields), **_secrets(secrets)}
    replaced = await fetch_one(conn, REPLACE_TOKEN, params)
    assert replaced is not None  # the row is locked
    return replaced


async def update_token(conn: Connection, token_id: str, changes: TokenChanges) -> StoredToken:
    """Write ``changes`` to a token the transaction has locked, at the next version.
    ValueError if ``changes`` writes nothing."""
    values = _assignments(changes)
    if not values:
        raise ValueError("update_token: the changes write nothing")
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(sql.Identifier(column), sql.Placeholder(column))
        for column in sorted(values)
    )
    query = sql.SQL(UPDATE_TOKEN).format(changes=assignments) + sql.SQL(UPDATE_TOKEN_TAIL)
    updated = await fetch_one(conn, query, {**values, "id": token_id})
    assert updated is not None  # the row is locked
    return updated


async def list_tokens(
    conn: Connection, query: TokenQuery, *, after: str | None, limit: int
) -> list[StoredToken]:
    """Live tokens matching the query's filters (an empty string or None matches any),
    by id (creation order), after ``after``."""
    params: dict[str, Any] = {
        "provider": query.provider or None,
        "user_id": query.user_id or None,
        "email": query.email or None,
        "active_only": query.active_only or None,
        "expiring_before": query.expiring_before,
        "after": after,
    }
    statement = with_given_conditions(
        LIST_TOKENS, LIST_CONDITIONS, params, base="deleted_at IS NULL"
    )
    cursor = await conn.execute(statement, {**params, "limit": limit})
    return [token_of_row(values) for values in await cursor.fetchall()]


async def deactivate_token(conn: Connection, token_id: str) -> StoredToken | None:
    """Mark the live token inactive (a no-op if it is already); None if none."""
    return await fetch_one(conn, DEACTIVATE_TOKEN, {"id": token_id})


async def soft_delete_token(conn: Connection, token_id: str) -> bool | None:
    """Soft-delete the live token: True if deleted now, False if it was already, None if
    no token ``token_id`` ever existed."""
    cursor = await conn.execute(SOFT_DELETE_TOKEN, {"id": token_id})
    if await cursor.fetchone() is not None:
        return True
    cursor = await conn.execute(TOKEN_EXISTS, {"id": token_id})
    exists = await cursor.fetchone()
    return False if exists is not None and exists[0] else None


async def lock_not_under_key(conn: Connection, key_id: str, limit: int) -> list[StoredToken]:
    """Up to ``limit`` tokens (deleted ones too) not sealed under ``key_id``, locked until
    the transaction ends; rows other transactions hold are skipped."""
    cursor = await conn.execute(LOCK_NOT_UNDER_KEY, {"key_id": key_id, "limit": limit})
    return [token_of_row(values) for values in await cursor.fetchall()]


async def store_resealed(conn: Connection, resealed: Mapping[str, SealedSecrets]) -> None:
    """Replace the secrets of tokens, by id; their version (etag) stays the same."""
    async with conn.cursor() as writer:
        await writer.executemany(
            STORE_RESEALED,
            [{"id": token_id, **_secrets(secrets)} for token_id, secrets in resealed.items()],
        )


async def count_not_under_key(conn: Connection, key_id: str) -> int:
    """Rows (deleted ones too) whose secrets are not sealed under ``key_id``."""
    cursor = await conn.execute(COUNT_NOT_UNDER_KEY, {"key_id": key_id})
    row = await cursor.fetchone()
    return int(row[0]) if row is not None else 0


async def _with_wal_position(
    conn: Connection, statement: Callable[[Connection], Awaitable[T]]
) -> tuple[T, int]:
    # An autocommit statement, then where a read must be to see it.
    result = await statement(conn)
    return result, await current_wal_lsn(conn)


# --- the store -----------------------------------------------------------------------------


class PostgresTokenTransaction:
    """The statements of one write transaction on the primary (see
    PostgresOAuthTokenStore.transaction); each is the module function of the same job."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.commit_position = 0

    async def lock_live_by_user(self, provider: str, user_id: str) -> StoredToken | None:
        """See :func:`lock_live_by_user`."""
        return await lock_live_by_user(self._conn, provider, user_id)

    async def lock_live_by_id(self, token_id: str) -> StoredToken | None:
        """See :func:`lock_live_by_id`."""
        return await lock_live_by_id(self._conn, token_id)

    async def insert(
        self, token_id: str, fields: TokenFields, secrets: SealedSecrets
    ) -> StoredToken | None:
        """See :func:`insert_token`."""
        return await insert_token(self._conn, token_id, fields, secrets)

    async def replace(
        self, token_id: str, fields: TokenFields, secrets: SealedSecrets
    ) -> StoredToken:
        """See :func:`replace_token`."""
        return await replace_token(self._conn, token_id, fields, secrets)

    async def update(self, token_id: str, changes: TokenChanges) -> StoredToken:
        """See :func:`update_token`."""
        return await update_token(self._conn, token_id, changes)

    async def lock_not_under_key(self, key_id: str, limit: int) -> list[StoredToken]:
        """See :func:`lock_not_under_key`."""
        return await lock_not_under_key(self._conn, key_id, limit)

    async def store_resealed(self, resealed: Mapping[str, SealedSecrets]) -> None:
        """See :func:`store_resealed`."""
        await store_resealed(self._conn, resealed)


class PostgresOAuthTokenStore:
    """OAuth token storage over the cluster: reads routed by ``min_lsn``, writes on the
    primary. Every method is bounded by its ``deadline`` and raises as Cluster.run does
    (DatabaseUnavailableError, DeadlineExceededError, the statement's translated error)."""

    def __init__(self, cluster: Cluster) -> None:
        self._cluster = cluster

    @contextlib.asynccontextmanager
    async def transaction(self, deadline: Deadline) -> AsyncIterator[PostgresTokenTransaction]:
        """A write transaction on the primary: committed when the block ends, rolled back
        if it raises; never retried. After the commit, on the same connection, the
        transaction object's ``commit_position`` is set to the WAL position a read must
        reach to see it."""
        async with self._cluster.write_session(deadline, name="token_transaction") as conn:
            tx = PostgresTokenTransaction(conn)
            async with conn.transaction():
                yield tx
            tx.commit_position = await current_wal_lsn(conn)

    async def fetch_by_id(
        self, token_id: str, deadline: Deadline, *, min_lsn: int | None = None
    ) -> StoredToken | None:
        """The live token ``token_id``, from a node that has replayed ``min_lsn``."""
        read = partial(fetch_token, token_id=token_id)
        return await self._cluster.run(Intent.READ, read, deadline=deadline, min_lsn=min_lsn)

    async def fetch_by_user(
        self, provider: str, user_id: str, deadline: Deadline, *, min_lsn: int | None = None
    ) -> StoredToken | None:
        """The live token of (provider, user_id), from a node that has replayed
        ``min_lsn``."""
        read = partial(fetch_token, provider=provider, user_id=user_id)
        return await self._cluster.run(Intent.READ, read, deadline=deadline, min_lsn=min_lsn)

    async def fetch_audited(
        self,
        audit: AuditedRead,
        deadline: Deadline,
        *,
        token_id: str | None = None,
        provider: str = "",
        user_id: str = "",
    ) -> StoredToken | None:
        """See :func:`fetch_token_audited`, on the primary."""
        read = partial(
            fetch_token_audited, audit=audit, token_id=token_id, provider=provider, user_id=user_id
        )
        return await self._cluster.run(Intent.WRITE, read, deadline=deadline)

    async def list_live(
        self,
        query: TokenQuery,
        *,
        after: str | None,
        limit: int,
        deadline: Deadline,
        min_lsn: int | None = None,
    ) -> list[StoredToken]:
        """See :func:`list_tokens`; from a node that has replayed ``min_lsn``."""
        read = partial(list_tokens, query=query, after=after, limit=limit)
        return await self._cluster.run(Intent.READ, read, deadline=deadline, min_lsn=min_lsn)

    async def deactivate(self, token_id: str, deadline: Deadline) -> tuple[StoredToken | None, int]:
        """See :func:`deactivate_token`; with the WAL position a read must reach to see it."""
        write = partial(_with_wal_position, statement=partial(deactivate_token, token_id=token_id))
        return await self._cluster.run(Intent.WRITE, write, deadline=deadline)

    async def soft_delete(self, token_id: str, deadline: Deadline) -> tuple[bool | None, int]:
        """See :func:`soft_delete_token`; with the WAL position a read must reach to see it."""
        write = partial(_with_wal_position, statement=partial(soft_delete_token, token_id=token_id))
        return await self._cluster.run(Intent.WRITE, write, deadline=deadline)

    async def count_not_under_key(
        self, key_id: str, deadline: Deadline, *, primary: bool = False
    ) -> int:
        """See :func:`count_not_under_key`; on the primary if ``primary``."""
        intent = Intent.WRITE if primary else Intent.READ
        read = partial(count_not_under_key, key_id=key_id)
        return await self._cluster.run(intent, read, deadline=deadline)
