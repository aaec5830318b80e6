"""Numbered SQL migrations: discovery and comparison (pure), and the runner (I/O).

Files are ``NNNN_name.up.sql`` with an optional ``NNNN_name.down.sql``. Applied
migrations are recorded in ``schema_migrations`` with the SHA-256 of their up file;
an applied migration whose file changed since is refused (checksum drift). Every
migration runs in its own transaction, so a failing one leaves no trace. A session
advisory lock, keyed by schema, makes concurrent runners apply each migration once.
Statements use unqualified names: the runner sets ``search_path`` to the schema.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from importlib import resources
from pathlib import Path

import psycopg
from psycopg import sql

from dataaccess_server.db import session
from dataaccess_server.db.cluster import Cluster, Intent
from dataaccess_server.db.pool import Connection
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.operations import Migration, SchemaStatus
from dataaccess_server.errors import DatabaseUnavailableError, MigrationError

log = logging.getLogger(__name__)

_FILE_NAME = re.compile(r"(?P<version>\d{4,})_(?P<name>[a-z0-9_]+)\.(?P<direction>up|down)\.sql")
_NEW_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")

CREATE_SCHEMA = "CREATE SCHEMA IF NOT EXISTS {}"
SCHEMA_EXISTS = "SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = %(schema)s)"
SET_SEARCH_PATH = "SET search_path TO {}"
SET_LOCK_WAIT = "SELECT set_config('statement_timeout', %(ms)s, false)"
RESET_LOCK_WAIT = "RESET statement_timeout"
ACQUIRE_LOCK = "SELECT pg_advisory_lock(%(key)s)"
RELEASE_LOCK = "SELECT pg_advisory_unlock(%(key)s)"
CREATE_MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version      bigint      PRIMARY KEY,
    name         text        NOT NULL,
    checksum     text        NOT NULL,
    applied_at   timestamptz NOT NULL DEFAULT now(),
    execution_ms integer     NOT NULL
)
"""
MIGRATIONS_TABLE_EXISTS = """
SELECT to_regclass(format('%%I.schema_migrations', %(schema)s::text)) IS NOT NULL
"""
SELECT_APPLIED = """
SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version
"""
RECORD_APPLIED = """
INSERT INTO schema_migrations (version, name, checksum, execution_ms)
VALUES (%(version)s, %(name)s, %(checksum)s, %(execution_ms)s)
"""
DELETE_APPLIED = "DELETE FROM schema_migrations WHERE version = %(version)s"


# ---------------------------------------------------------------------------------------
# Pure part: files and their comparison with what the database recorded.


@dataclass(frozen=True, slots=True)
class MigrationFile:
    """One migration as found on disk."""

    version: int
    name: str
    up_sql: str
    down_sql: str | None
    checksum: str
    """SHA-256 (hex) of the up file, line endings normalised."""


@dataclass(frozen=True, slots=True)
class AppliedMigration:
    """One row of ``schema_migrations``."""

    version: int
    name: str
    checksum: str
    applied_at: datetime


@dataclass(frozen=True, slots=True)
class MigrationStatus:
    """Known files compared with applied rows."""

    known: tuple[MigrationFile, ...]
    applied: tuple[AppliedMigration, ...]

    @property
    def current_version(self) -> int:
        """Highest applied version, 0 when none."""
        return max((row.version for row in self.applied), default=0)

    @property
    def latest_version(self) -> int:
        """Highest version on disk, 0 when none."""
        return max((item.version for item in self.known), default=0)

    @property
    def pending(self) -> tuple[MigrationFile, ...]:
        """Files whose version is not applied, in version order."""
        done = {row.version for row in self.applied}
        return tuple(item for item in self.known if item.version not in done)

    @property
    def drifted(self) -> tuple[MigrationFile, ...]:
        """Applied migrations whose file's checksum differs from the recorded one."""
        recorded = {row.version: row.checksum for row in self.applied}
        return tuple(
            item
            for item in self.known
            if item.version in recorded and recorded[item.version] != item.checksum
        )

    @property
    def unknown_applied(self) -> tuple[AppliedMigration, ...]:
        """Applied rows with no file here (the database is newer than this code)."""
        on_disk = {item.version for item in self.known}
        return tuple(row for row in self.applied if row.version not in on_disk)

    def schema_status(self) -> SchemaStatus:
        """The model's view of it: versions, and the pending and drifted migrations."""
        return SchemaStatus(
            current_version=self.current_version,
            latest_version=self.latest_version,
            pending=tuple(Migration(item.version, item.name) for item in self.pending),
            drifted=tuple(Migration(item.version, item.name) for item in self.drifted),
        )


def checksum(text: str) -> str:
    """SHA-256 hex of ``text`` with CRLF normalised, so a checkout's line endings do not
    count as drift."""
    return hashlib.sha256(text.replace("\r\n", "\n").encode()).hexdigest()


def default_directory() -> Path:
    """The migrations shipped with the package, else the source tree's ``migrations/``."""
    packaged = resources.files("dataaccess_server") / "migrations"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "migrations"


def discover(directory: Path) -> tuple[MigrationFile, ...]:
    """Read every migration in ``directory``, in version order.

    Raises MigrationError for a missing directory, a misnamed ``.sql`` file, two files
    with one version, or a down file without its up file.
    """
    if not directory.is_dir():
        raise MigrationError(f"migrations directory {directory} does not exist")
    ups: dict[int, tuple[str, Path]] = {}
    downs: dict[int, Path] = {}
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_NAME.fullmatch(path.name)
        if match is None:
            raise MigrationError(
                f"{path.name}: migration files are named NNNN_name.up.sql / NNNN_name.down.sql"
            )
        version = int(match.group("version"))
        target = ups if match.group("direction") == "up" else downs
        if version in target:
            raise MigrationError(f"{path.name}: version {version} is used by two files")
        if match.group("direction") == "up":
            ups[version] = (match.group("name"), path)
        else:
            downs[version] = path
    for version, path in downs.items():
        if version not in ups:
            raise MigrationError(f"{path.name}: down file without an up file")
    found = []
    for version in sorted(ups):
        name, up_path = ups[version]
        up_sql = up_path.read_text(encoding="utf-8")
        down_path = downs.get(version)
        found.append(
            MigrationFile(
                version=version,
                name=name,
                up_sql=up_sql,
                down_sql=down_path.read_text(encoding="utf-8") if down_path else None,
                checksum=checksum(up_sql),
            )
        )
    return tuple(found)


def create_files(directory: Path, name: str) -> tuple[Path, Path]:
    """Create the next ``NNNN_name.up.sql`` and ``.down.sql`` in ``directory``.

    Raises MigrationError for a name that is not lowercase snake_case.
    """
    if not _NEW_NAME.fullmatch(name):
        raise MigrationError(
            f"migration name {name!r} must be lowercase letters, digits and underscores"
        )
    version = max((item.version for item in discover(directory)), default=0) + 1
    up = directory / f"{version:04d}_{name}.up.sql"
    down = directory / f"{version:04d}_{name}.down.sql"
    up.write_text(
        f"-- {version:04d} {name}: applied in one transaction by `dataaccess migrate up`.\n"
        "-- Use unqualified names: search_path is set to DB_SCHEMA.\n",
        encoding="utf-8",
    )
    down.write_text(f"-- Reverts {version:04d} {name}.\n", encoding="utf-8")
    return up, down


def lock_key(schema: str) -> int:
    """The advisory-lock key of ``schema``'s migrations: a stable signed 64-bit integer."""
    digest = hashlib.sha256(f"dataaccess.migrations:{schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


# ---------------------------------------------------------------------------------------
# I/O part.


class Migrator:
    """Applies and reverts migrations on one database.

    Opens its own connection per operation (not a pool connection), so it can run from
    the CLI as well as at server start-up. Every operation holds the schema's advisory
    lock while it reads and changes ``schema_migrations``; ``lock_timeout`` bounds the
    wait for that lock.
    """

    def __init__(
        self,
        dsn: str,
        *,
        schema: str = "public",
        directory: Path | None = None,
        lock_timeout: float = 300.0,
        connect_timeout: float = 10.0,
    ) -> None:
        self._dsn = dsn
        self._schema = schema
        self._directory = directory or default_directory()
        self._lock_timeout = lock_timeout
        self._connect_timeout = connect_timeout

    @property
    def directory(self) -> Path:
        """Where migration files are read from."""
        return self._directory

    async def status(self) -> MigrationStatus:
        """Compare files with applied rows, without taking the lock or changing anything.

        Raises DatabaseUnavailableError if the database cannot be reached.
        """
        known = discover(self._directory)
        async with await self._connect() as conn:
            return MigrationStatus(known, await self._applied(conn))

    async def up(self, target: int | None = None) -> list[MigrationFile]:
        """Apply pending migrations up to ``target`` (all when None); return those applied.

        Raises MigrationError on checksum drift (nothing is applied then) or when a
        migration fails (that one is rolled back; earlier ones stay applied).
        """
        known = discover(self._directory)
        if target is not None and target not in {item.version for item in known} | {0}:
            raise MigrationError(f"there is no migration {target}")
        async with await self._connect() as conn, self._locked(conn):
            await self._ensure_schema(conn)
            await conn.execute(CREATE_MIGRATIONS_TABLE)
            status = MigrationStatus(known, await self._applied(conn))
            _refuse_drift(status)
            todo = [item for item in status.pending if target is None or item.version <= target]
            for item in todo:
                await self._apply(conn, item)
            return todo

    async def down(self, steps: int = 1) -> list[MigrationFile]:
        """Revert the ``steps`` most recently applied migrations; return those reverted.

        Raises MigrationError on drift, or when a migration to revert has no file or no
        down file (nothing is reverted then), or when a down migration fails.
        """
        if steps < 1:
            raise MigrationError("--steps must be at least 1")
        known = {item.version: item for item in discover(self._directory)}
        async with await self._connect() as conn, self._locked(conn):
            await self._ensure_schema(conn)
            status = MigrationStatus(tuple(known.values()), await self._applied(conn))
            _refuse_drift(status)
            targets = sorted(status.applied, key=lambda row: row.version, reverse=True)[:steps]
            for row in targets:
                item = known.get(row.version)
                if item is None or item.down_sql is None:
                    raise MigrationError(
                        f"migration {row.version:04d}_{row.name} has no down file here"
                    )
            reverted = []
            for row in targets:
                await self._revert(conn, known[row.version])
                reverted.append(known[row.version])
            return reverted

    async def _connect(self) -> Connection:
        try:
            conn = await session.connect(
                self._dsn,
                autocommit=True,
                application_name="dataaccess-migrate",
                connect_timeout=max(2, int(self._connect_timeout)),
            )
        except psycopg.OperationalError as exc:
            raise DatabaseUnavailableError(
                f"cannot connect to the database: {str(exc).strip().splitlines()[0]}"
            ) from exc
        return conn

    async def _applied(self, conn: Connection) -> tuple[AppliedMigration, ...]:
        await self._set_search_path(conn)
        return await fetch_applied(conn, schema=self._schema)

    async def _ensure_schema(self, conn: Connection) -> None:
        cursor = await conn.execute(SCHEMA_EXISTS, {"schema": self._schema})
        row = await cursor.fetchone()
        if row is None or not row[0]:
            await conn.execute(sql.SQL(CREATE_SCHEMA).format(sql.Identifier(self._schema)))
        await self._set_search_path(conn)

    async def _set_search_path(self, conn: Connection) -> None:
        await conn.execute(sql.SQL(SET_SEARCH_PATH).format(sql.Identifier(self._schema)))

    @contextlib.asynccontextmanager
    async def _locked(self, conn: Connection) -> AsyncIterator[None]:
        key = lock_key(self._schema)
        await conn.execute(SET_LOCK_WAIT, {"ms": str(int(self._lock_timeout * 1000))})
        try:
            await conn.execute(ACQUIRE_LOCK, {"key": key})
        except psycopg.errors.QueryCanceled as exc:
            raise MigrationError(
                f"another migration run held the lock for more than {self._lock_timeout:g}s"
            ) from exc
        finally:
            await conn.execute(RESET_LOCK_WAIT)
        try:
            yield
        finally:
            if not conn.closed and not conn.broken:
                await conn.execute(RELEASE_LOCK, {"key": key})

    async def _apply(self, conn: Connection, item: MigrationFile) -> None:
        started = time.monotonic()
        try:
            async with conn.transaction():
                await conn.execute(item.up_sql.encode())
                await conn.execute(
                    RECORD_APPLIED,
                    {
                        "version": item.version,
                        "name": item.name,
                        "checksum": item.checksum,
                        "execution_ms": int((time.monotonic() - started) * 1000),
                    },
                )
        except psycopg.Error as exc:
            raise MigrationError(
                f"migration {item.version:04d}_{item.name} failed and was rolled back: "
                f"{_first_line(exc)}"
            ) from exc
        log.info(
            "applied migration %04d_%s in %.0f ms",
            item.version,
            item.name,
            (time.monotonic() - started) * 1000,
        )

    async def _revert(self, conn: Connection, item: MigrationFile) -> None:
        assert item.down_sql is not None  # checked by down() before any change
        try:
            async with conn.transaction():
                await conn.execute(item.down_sql.encode())
                await conn.execute(DELETE_APPLIED, {"version": item.version})
        except psycopg.Error as exc:
            raise MigrationError(
                f"down migration {item.version:04d}_{item.name} failed and was rolled back: "
                f"{_first_line(exc)}"
            ) from exc
        log.info("reverted migration %04d_%s", item.version, item.name)


def _refuse_drift(status: MigrationStatus) -> None:
    if status.drifted:
        names = ", ".join(f"{item.version:04d}_{item.name}" for item in status.drifted)
        raise MigrationError(
            f"applied migrations changed on disk since they were applied: {names}; "
            "restore the original files and add a new migration instead"
        )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


async def fetch_applied(conn: Connection, *, schema: str) -> tuple[AppliedMigration, ...]:
    """The rows of ``schema``'s ``schema_migrations`` in version order; none when the table
    does not exist. ``conn``'s search_path must name ``schema``."""
    cursor = await conn.execute(MIGRATIONS_TABLE_EXISTS, {"schema": schema})
    exists = await cursor.fetchone()
    if exists is None or not exists[0]:
        return ()
    cursor = await conn.execute(SELECT_APPLIED)
    rows = await cursor.fetchall()
    return tuple(AppliedMigration(int(v), str(n), str(c), a) for v, n, c, a in rows)


class PostgresSchemaInspector:
    """The schema's state for the operations status: the rows recorded on the primary,
    read through the cluster's pool, compared with the ``known`` migration files."""

    def __init__(self, cluster: Cluster, known: Sequence[MigrationFile]) -> None:
        self._cluster = cluster
        self._known = tuple(known)

    @property
    def latest_version(self) -> int:
        """Highest version among the known files, 0 when none."""
        return max((item.version for item in self._known), default=0)

    async def status(self, deadline: Deadline) -> SchemaStatus:
        """Read the applied migrations on the primary within ``deadline``.

        Raises DatabaseUnavailableError or DeadlineExceededError when it cannot.
        """
        read = partial(fetch_applied, schema=self._cluster.schema)
        applied = await self._cluster.run(Intent.WRITE, read, deadline=deadline)
        return MigrationStatus(self._known, applied).schema_status()
