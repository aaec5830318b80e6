"""Making the database ready to serve: the embedded instance, the schema, the role.

The steps of :meth:`Application.start <dataaccess_server.app.Application.start>` that
come before any pool is opened, each failing with a :class:`StartupError` that says what
to do. ``dataaccess serve`` exits 2 for a :class:`StartupConfigurationError` (the
deployment must change, waiting will not help), 1 for any other start-up error.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from functools import partial

from dataaccess_server import embedded
from dataaccess_server.config import Settings
from dataaccess_server.db.admin import ensure_database
from dataaccess_server.db.cluster import Cluster, Intent
from dataaccess_server.db.migrations import MigrationStatus, Migrator
from dataaccess_server.db.privileges import (
    FIX_MIGRATING_ROLE,
    FIX_SERVER_ROLE,
    MissingRoleError,
    PrivilegeError,
    check_server_role,
    grant_server_privileges,
    reported_privileges,
)
from dataaccess_server.deadline import Deadline
from dataaccess_server.errors import DataAccessError
from dataaccess_server.keyfile import development_keyring

log = logging.getLogger(__name__)

EMBEDDED_DATABASE = "dataaccess"


class StartupError(DataAccessError):
    """The service cannot start; the message says why and what to do."""


class StartupConfigurationError(StartupError):
    """The service cannot start as configured (a role, a grant): fixing the deployment,
    not waiting, helps. ``dataaccess serve`` exits 2 for it, as for a ConfigError."""


async def start_embedded(settings: Settings) -> tuple[embedded.PostgresInstance, Settings]:
    """Start the private development PostgreSQL; return it and ``settings`` pointed at
    it (with the development keyring when no keys are configured)."""
    directory = settings.data_dir or embedded.default_data_dir()
    try:
        instance = embedded.PostgresInstance(directory, major=settings.embedded_pg_major)
        await asyncio.to_thread(instance.init)
        await asyncio.to_thread(instance.start)
    except embedded.EmbeddedPostgresError as exc:
        raise StartupError(f"embedded PostgreSQL: {exc}") from exc
    await ensure_database(instance.dsn("postgres"), EMBEDDED_DATABASE)
    log.warning(
        "DEVELOPMENT DATABASE: embedded PostgreSQL %d in %s on 127.0.0.1:%d "
        "(set DATABASE_URL to use a real one)",
        instance.major,
        directory,
        instance.port,
    )
    keys = settings.encryption_keys or development_keyring(directory)
    return instance, replace(
        settings, primary_dsn=instance.dsn(EMBEDDED_DATABASE), encryption_keys=keys
    )


def attach_embedded(settings: Settings) -> Settings:
    """``settings`` pointed at the private PostgreSQL a ``serve --workers`` supervisor
    started (as :func:`start_embedded` would point them), without starting it: a
    worker neither starts nor stops the database it shares."""
    directory = settings.data_dir or embedded.default_data_dir()
    try:
        instance = embedded.PostgresInstance(directory, major=settings.embedded_pg_major)
        if not instance.is_running():
            raise StartupError(f"embedded PostgreSQL in {directory} is not running")
        dsn = instance.dsn(EMBEDDED_DATABASE)
    except embedded.EmbeddedPostgresError as exc:
        raise StartupError(f"embedded PostgreSQL: {exc}") from exc
    keys = settings.encryption_keys or development_keyring(directory)
    return replace(settings, primary_dsn=dsn, encryption_keys=keys)


async def prepare_schema(settings: Settings) -> MigrationStatus:
    """Migrate (as the owner, re-applying the grants) when DB_AUTO_MIGRATE is on, then
    read the schema's state as the server's own role; it must be current."""
    assert settings.primary_dsn is not None
    assert settings.migration_dsn is not None
    try:
        if settings.auto_migrate:
            # As the owner (DB_MIGRATE_URL); the grants are re-applied every time.
            async with reported_privileges(settings.migration_dsn, fix=FIX_MIGRATING_ROLE):
                migrator = Migrator(settings.migration_dsn, schema=settings.schema)
                applied = await migrator.up()
            if applied:
                log.info("applied %d migration(s)", len(applied))
            await grant_server_privileges(
                settings.migration_dsn,
                schema=settings.schema,
                app_role=settings.app_role,
                readonly_role=settings.readonly_role,
            )
        # Read as the server's own role: it must be able to, and it is what serves.
        async with reported_privileges(settings.primary_dsn, fix=FIX_SERVER_ROLE):
            status = await Migrator(settings.primary_dsn, schema=settings.schema).status()
    except (MissingRoleError, PrivilegeError) as exc:
        raise StartupConfigurationError(str(exc)) from exc
    except DataAccessError as exc:
        raise StartupError(str(exc)) from exc
    _require_current(status)
    return status


async def check_role(cluster: Cluster, *, schema: str, embedded_database: bool) -> None:
    """Refuse to serve rather than fail calls one by one; warn when the role could
    change the schema it should only use (the embedded database is exempt: its only
    role is the superuser)."""
    check = partial(check_server_role, schema=schema)
    try:
        role = await cluster.run(Intent.WRITE, check, deadline=Deadline.after(30.0))
    except DataAccessError as exc:
        raise StartupError(f"cannot check the database role's privileges: {exc}") from exc
    problem = role.problem()
    if problem is not None:
        raise StartupConfigurationError(problem)
    if role.owns_tables and not embedded_database:
        log.warning(
            "the server's database role %s %s: run it as a DML-only role that owns"
            " nothing (see DB_APP_ROLE in the README)",
            role.role,
            "is a superuser" if role.superuser else "owns the tables it serves",
        )


def _require_current(status: MigrationStatus) -> None:
    if status.drifted:
        names = ", ".join(f"{m.version:04d}_{m.name}" for m in status.drifted)
        raise StartupError(f"applied migrations changed on disk since: {names}")
    if status.pending:
        raise StartupError(
            f"the schema is at version {status.current_version} but this server needs "
            f"{status.latest_version}: run `dataaccess migrate up` or set DB_AUTO_MIGRATE=true"
        )
