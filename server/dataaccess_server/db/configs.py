"""SQL of configs, and PostgresConfigStore, the domain's ConfigStore over the cluster.

Every write locks the name's head row first (``FOR UPDATE``): creations on one name are
numbered one after the other with no gap (a failed one rolls back its number with it),
and an activation's checks and its switch see one state. The switch itself is one
guarded UPDATE of the head. An activation notifies ``channel`` in its transaction, so
every server's watchers hear of it at commit and never of a rolled-back one; the
payload is ``<revision> <name>`` (a name has no space), for the logs: receivers read the
head again rather than trust it.

Everything here runs on the primary: a watcher needs the latest activation, and a caller
reads its own writes. (Replicas could serve Get and List; not worth the surprise.)
"""

from __future__ import annotations

import hashlib
from functools import partial

from psycopg.rows import TupleRow

from dataaccess_server.db.cluster import Cluster, Connection, Intent
from dataaccess_server.db.notifications import notify
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.configs import (
    ActivatedConfig,
    Activation,
    ConfigHead,
    ConfigVersion,
    CreatedConfig,
    NewConfigVersion,
)
from dataaccess_server.errors import ConflictError, FailedPreconditionError, NotFoundError

COLUMNS = """
c.name, c.version, c.yaml, c.sha256, c.size_bytes, c.created_at, c.created_by,
c.version IS NOT DISTINCT FROM h.active_version
"""
ENSURE_HEAD = """
INSERT INTO config_heads (name, latest_version) VALUES (%(name)s, 0)
ON CONFLICT (name) DO NOTHING
"""
LOCK_HEAD = """
SELECT name, latest_version, active_version, previous_version, revision
FROM config_heads WHERE name = %(name)s FOR UPDATE
"""
READ_HEAD = """
SELECT name, latest_version, active_version, previous_version, revision
FROM config_heads WHERE name = %(name)s
"""
FETCH_BY_REQUEST_ID = f"""
SELECT {COLUMNS} FROM configs c JOIN config_heads h ON h.name = c.name
WHERE c.name = %(name)s AND c.request_id = %(request_id)s
"""
INSERT_VERSION = """
INSERT INTO configs (name, version, yaml, sha256, size_bytes, created_by, request_id)
VALUES (%(name)s, %(version)s, %(yaml)s, %(sha256)s, %(size)s, %(created_by)s, %(request_id)s)
"""
ADVANCE_LATEST = "UPDATE config_heads SET latest_version = %(version)s WHERE name = %(name)s"
# The switch: guarded by the active version the checks saw (the row lock makes the
# guard hold; it is kept so that the statement alone is safe).
SWITCH_ACTIVE = """
UPDATE config_heads
SET active_version = %(target)s, previous_version = active_version, revision = revision + 1,
    activated_at = now(), activated_by = %(actor)s
WHERE name = %(name)s AND active_version IS NOT DISTINCT FROM %(active)s
RETURNING revision, previous_version
"""
FETCH_VERSION = f"""
SELECT {COLUMNS} FROM configs c JOIN config_heads h ON h.name = c.name
WHERE c.name = %(name)s AND c.version = %(version)s
"""
FETCH_ACTIVE = f"""
SELECT {COLUMNS}, h.revision FROM configs c JOIN config_heads h
    ON h.name = c.name AND c.version = h.active_version
WHERE c.name = %(name)s
"""
LIST_VERSIONS = f"""
SELECT {COLUMNS} FROM configs c JOIN config_heads h ON h.name = c.name
WHERE c.name = %(name)s AND c.version < %(before)s
ORDER BY c.version DESC LIMIT %(limit)s
"""


def channel_for(schema: str) -> str:
    """The NOTIFY channel of config activations in ``schema`` (short for any schema)."""
    return "dataaccess_configs_" + hashlib.sha256(schema.encode()).hexdigest()[:12]


def decode_activation(payload: str) -> str | None:
    """The name a notification of :func:`channel_for` names; None if malformed."""
    revision, _, name = payload.partition(" ")
    return name if revision.isdigit() and name else None


def not_found(name: str, version: int | None) -> NotFoundError:
    """The NOT_FOUND of a read that found nothing."""
    if version is None:
        return NotFoundError(f"config {name!r} has no active version (or no version at all)")
    return NotFoundError(f"config {name!r} has no version {version}")


def _version(values: TupleRow) -> ConfigVersion:
    return ConfigVersion(
        name=values[0],
        version=values[1],
        yaml=values[2],
        sha256=bytes(values[3]).hex(),
        size_bytes=values[4],
        created_at=values[5],
        created_by=values[6],
        active=bool(values[7]),
    )


def _head(values: TupleRow) -> ConfigHead:
    return ConfigHead(
        name=values[0],
        latest_version=values[1],
        active_version=values[2],
        previous_version=values[3],
        revision=values[4],
    )


async def _lock_head(conn: Connection, name: str) -> ConfigHead | None:
    cursor = await conn.execute(LOCK_HEAD, {"name": name})
    values = await cursor.fetchone()
    return _head(values) if values is not None else None


async def _fetch(conn: Connection, name: str, version: int) -> ConfigVersion:
    cursor = await conn.execute(FETCH_VERSION, {"name": name, "version": version})
    values = await cursor.fetchone()
    if values is None:
        raise not_found(name, version)
    return _version(values)


async def _switch(
    conn: Connection, head: ConfigHead, target: int, *, actor: str, channel: str
) -> tuple[int, int | None]:
    cursor = await conn.execute(
        SWITCH_ACTIVE,
        {"name": head.name, "target": target, "active": head.active_version, "actor": actor},
    )
    values = await cursor.fetchone()
    assert values is not None  # the head is locked: the guard holds
    revision, previous = values
    await notify(conn, channel, f"{revision} {head.name}")
    return revision, previous


async def create_version(conn: Connection, new: NewConfigVersion, *, channel: str) -> CreatedConfig:
    """Store ``new`` as the name's next version (and activate it if asked), or return
    the version a request id already made (replayed; nothing stored)."""
    async with conn.transaction():
        await conn.execute(ENSURE_HEAD, {"name": new.name})
        head = await _lock_head(conn, new.name)
        assert head is not None  # ensured above, in this transaction
        if new.request_id is not None:
            # Checked under the lock: a concurrent first attempt has committed by now.
            cursor = await conn.execute(
                FETCH_BY_REQUEST_ID, {"name": new.name, "request_id": new.request_id}
            )
            values = await cursor.fetchone()
            if values is not None:
                return CreatedConfig(_version(values), replayed=True, revision=head.revision)
        version = head.latest_version + 1
        await conn.execute(
            INSERT_VERSION,
            {
                "name": new.name,
                "version": version,
                "yaml": new.yaml,
                "sha256": bytes.fromhex(new.sha256),
                "size": new.size_bytes,
                "created_by": new.created_by,
                "request_id": new.request_id,
            },
        )
        await conn.execute(ADVANCE_LATEST, {"name": new.name, "version": version})
        revision = head.revision
        if new.activate:
            revision, _previous = await _switch(
                conn, head, version, actor=new.created_by, channel=channel
            )
        return CreatedConfig(await _fetch(conn, new.name, version), False, revision)


async def activate_version(
    conn: Connection,
    name: str,
    version: int | None,
    *,
    expected: int | None,
    actor: str,
    channel: str,
) -> ActivatedConfig:
    """Activate ``version`` (None: the previous active one) under the domain's rules."""
    async with conn.transaction():
        head = await _lock_head(conn, name)
        if head is None or head.latest_version == 0:
            raise NotFoundError(f"config {name!r} does not exist")
        if version is not None and version > head.latest_version:
            raise not_found(name, version)
        if version is not None and version == head.active_version:
            # The asked-for state holds: nothing to do, whatever was expected.
            config = await _fetch(conn, name, version)
            return ActivatedConfig(config, head.revision, head.previous_version, changed=False)
        if expected is not None and (head.active_version or 0) != expected:
            active = head.active_version or 0
            raise ConflictError(
                f"config {name!r} has active version {active}, not the expected {expected}:"
                " nothing changed; read it again and decide"
            )
        target = version if version is not None else head.previous_version
        if target is None:
            raise FailedPreconditionError(
                f"config {name!r} has no previously active version to roll back to"
            )
        revision, previous = await _switch(conn, head, target, actor=actor, channel=channel)
        config = await _fetch(conn, name, target)
        return ActivatedConfig(config, revision, previous, changed=True)


async def fetch_config(conn: Connection, name: str, version: int | None) -> ConfigVersion:
    """A version, or the active one for None; NotFoundError if missing."""
    if version is not None:
        return await _fetch(conn, name, version)
    cursor = await conn.execute(FETCH_ACTIVE, {"name": name})
    values = await cursor.fetchone()
    if values is None:
        raise not_found(name, None)
    return _version(values)


async def list_versions(
    conn: Connection, name: str, *, before: int | None, limit: int
) -> list[ConfigVersion]:
    """Versions numbered below ``before``, newest first."""
    params = {"name": name, "before": before if before is not None else 2**63 - 1, "limit": limit}
    cursor = await conn.execute(LIST_VERSIONS, params)
    return [_version(values) for values in await cursor.fetchall()]


async def read_activation(conn: Connection, name: str) -> Activation | None:
    """The active version and its revision; None if none is active; NotFoundError if
    the name has no version."""
    cursor = await conn.execute(FETCH_ACTIVE, {"name": name})
    values = await cursor.fetchone()
    if values is not None:
        return Activation(_version(values), revision=values[8])
    cursor = await conn.execute(READ_HEAD, {"name": name})
    if await cursor.fetchone() is None:
        raise NotFoundError(f"config {name!r} does not exist")
    return None


class PostgresConfigStore:
    """Configs in the cluster's database, all on the primary (see the module docstring);
    activations notify ``channel``."""

    def __init__(self, cluster: Cluster, channel: str) -> None:
        self._cluster = cluster
        self.channel = channel

    async def create(self, new: NewConfigVersion, deadline: Deadline) -> CreatedConfig:
        """See :func:`create_version`."""
        write = partial(create_version, new=new, channel=self.channel)
        return await self._cluster.run(Intent.WRITE, write, deadline=deadline)

    async def get(self, name: str, version: int | None, deadline: Deadline) -> ConfigVersion:
        """See :func:`fetch_config`."""
        read = partial(fetch_config, name=name, version=version)
        return await self._cluster.run(Intent.WRITE, read, deadline=deadline)

    async def list_versions(
        self, name: str, *, before: int | None, limit: int, deadline: Deadline
    ) -> list[ConfigVersion]:
        """See :func:`list_versions`."""
        read = partial(list_versions, name=name, before=before, limit=limit)
        return await self._cluster.run(Intent.WRITE, read, deadline=deadline)

    async def activate(
        self,
        name: str,
        version: int | None,
        *,
        expected: int | None,
        actor: str,
        deadline: Deadline,
    ) -> ActivatedConfig:
        """See :func:`activate_version`."""
        write = partial(
            activate_version,
            name=name,
            version=version,
            expected=expected,
            actor=actor,
            channel=self.channel,
        )
        return await self._cluster.run(Intent.WRITE, write, deadline=deadline)

    async def read_activation(self, name: str, deadline: Deadline) -> Activation | None:
        """See :func:`read_activation`."""
        read = partial(read_activation, name=name)
        return await self._cluster.run(Intent.WRITE, read, deadline=deadline)
