"""SQL of caller credentials, and PostgresCallerStore, the domain's CallerStore.

Only SHA-256 hashes of tokens reach this module. Creating and revoking a credential
notifies its hash on the API-key invalidation channel in the same transaction, so every
server forgets a revoked credential at commit (and a negative cache entry of a new one).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from psycopg import errors as pg_errors

from dataaccess_server.db.cluster import Cluster, Connection, Intent
from dataaccess_server.db.notifications import notify
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.access import CallerCredential, NewCallerCredential
from dataaccess_server.errors import InvalidArgumentError

COLUMNS = "name, role, token_prefix, created_at, revoked_at"
FIND_BY_HASH = f"SELECT {COLUMNS} FROM callers WHERE token_hash = %(hash)s AND revoked_at IS NULL"
# A revoked credential's name may be reused: the new one replaces it.
DELETE_REVOKED = "DELETE FROM callers WHERE name = %(name)s AND revoked_at IS NOT NULL"
INSERT = f"""
INSERT INTO callers (name, role, token_hash, token_prefix)
VALUES (%(name)s, %(role)s, %(hash)s, %(prefix)s)
RETURNING {COLUMNS}
"""
LIST_ALL = f"SELECT {COLUMNS} FROM callers ORDER BY name"
REVOKE = f"""
UPDATE callers SET revoked_at = coalesce(revoked_at, now()) WHERE name = %(name)s
RETURNING {COLUMNS}, token_hash
"""


def _record(values: tuple[Any, ...]) -> CallerCredential:
    return CallerCredential(
        name=values[0],
        role=values[1],
        token_prefix=values[2],
        created_at=values[3],
        revoked_at=values[4],
    )


async def find_by_hash(conn: Connection, token_hash: bytes) -> CallerCredential | None:
    """The live credential with ``token_hash``, None if none."""
    cursor = await conn.execute(FIND_BY_HASH, {"hash": token_hash})
    values = await cursor.fetchone()
    return None if values is None else _record(values)


async def insert(conn: Connection, new: NewCallerCredential, *, channel: str) -> CallerCredential:
    """Store ``new`` (replacing a revoked credential of its name); InvalidArgumentError
    naming ``name`` if a live credential has the name."""
    params = {
        "name": new.name,
        "role": new.role,
        "hash": new.token_hash,
        "prefix": new.token_prefix,
    }
    try:
        async with conn.transaction():
            await conn.execute(DELETE_REVOKED, params)
            cursor = await conn.execute(INSERT, params)
            values = await cursor.fetchone()
            assert values is not None
            await notify(conn, channel, new.token_hash.hex())
    except pg_errors.UniqueViolation:
        raise InvalidArgumentError.single(
            "name", f"a caller named {new.name!r} exists: revoke it first to replace it"
        ) from None
    return _record(values)


async def list_all(conn: Connection) -> list[CallerCredential]:
    """Every credential by name, revoked ones included."""
    cursor = await conn.execute(LIST_ALL)
    return [_record(values) for values in await cursor.fetchall()]


async def revoke(conn: Connection, name: str, *, channel: str) -> CallerCredential | None:
    """Revoke ``name`` (kept if revoked already) and notify its hash; None if none."""
    async with conn.transaction():
        cursor = await conn.execute(REVOKE, {"name": name})
        values = await cursor.fetchone()
        if values is None:
            return None
        await notify(conn, channel, bytes(values[5]).hex())
    return _record(values)


class PostgresCallerStore:
    """Caller credentials in the cluster's database, all on the primary: a credential
    made a moment ago must work at once, and lookups are rare (the cache answers)."""

    def __init__(self, cluster: Cluster, channel: str) -> None:
        self._cluster = cluster
        self._channel = channel

    async def find_by_hash(self, token_hash: bytes, deadline: Deadline) -> CallerCredential | None:
        """See :func:`find_by_hash`."""
        read = partial(find_by_hash, token_hash=token_hash)
        return await self._cluster.run(Intent.WRITE, read, deadline=deadline)

    async def create(self, new: NewCallerCredential, deadline: Deadline) -> CallerCredential:
        """See :func:`insert`."""
        write = partial(insert, new=new, channel=self._channel)
        return await self._cluster.run(Intent.WRITE, write, deadline=deadline)

    async def list_all(self, deadline: Deadline) -> list[CallerCredential]:
        """See :func:`list_all`."""
        return await self._cluster.run(Intent.WRITE, list_all, deadline=deadline)

    async def revoke(self, name: str, deadline: Deadline) -> CallerCredential | None:
        """See :func:`revoke`."""
        write = partial(revoke, name=name, channel=self._channel)
        return await self._cluster.run(Intent.WRITE, write, deadline=deadline)
