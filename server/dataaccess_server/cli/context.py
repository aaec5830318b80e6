"""What every ``dataaccess`` subcommand needs: the settings, the database to work on
and a cluster over it."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator

from dataaccess_server import embedded
from dataaccess_server.config import Settings, load_settings
from dataaccess_server.db.admin import ensure_database
from dataaccess_server.db.cluster import Cluster
from dataaccess_server.logs import configure_logging
from dataaccess_server.startup import EMBEDDED_DATABASE


def settings_from_environment() -> Settings:
    """The settings of this process's environment; logging is set up by them."""
    settings = load_settings(os.environ)
    configure_logging(settings.log_level, settings.log_format)
    return settings


@contextlib.asynccontextmanager
async def open_database(settings: Settings, *, migrate: bool = False) -> AsyncIterator[str]:
    """The DSN to work on: DATABASE_URL (DB_MIGRATE_URL if ``migrate``, when set), or
    the embedded database (started for the duration of the command if no server has it
    running)."""
    dsn = settings.migration_dsn if migrate else settings.primary_dsn
    if dsn is not None:
        yield dsn
        return
    instance = embedded.PostgresInstance(
        settings.data_dir or embedded.default_data_dir(), major=settings.embedded_pg_major
    )
    started_here = not instance.is_running()
    if started_here:
        await asyncio.to_thread(instance.init)
        await asyncio.to_thread(instance.start)
    try:
        await ensure_database(instance.dsn("postgres"), EMBEDDED_DATABASE)
        yield instance.dsn(EMBEDDED_DATABASE)
    finally:
        if started_here:
            await asyncio.to_thread(instance.stop)


@contextlib.asynccontextmanager
async def open_cluster(settings: Settings, dsn: str) -> AsyncIterator[Cluster]:
    """An open cluster of the primary ``dsn`` alone, once it answers (within
    DATAACCESS_STARTUP_TIMEOUT); closed on the way out."""
    cluster = Cluster(dsn, schema=settings.schema, pool=settings.pool)
    try:
        await cluster.wait_for_primary(settings.startup_timeout)
        await cluster.open()
        yield cluster
    finally:
        await cluster.close()
