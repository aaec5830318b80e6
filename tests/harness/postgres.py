"""PostgreSQL for the tests, run from the embedded binaries (no mocks, no Docker).

One session primary holds a template database, ``dataaccess_template``, prepared once by
:func:`prepare_template`; each test that wants a database gets a copy of it
(``CREATE DATABASE ... TEMPLATE``, tens of milliseconds on tmpfs) that is dropped afterwards.
Tests that stop, restart, replicate or break PostgreSQL get instances of their own from
:class:`InstanceFactory`.

Instance directories come from ``tempfile.mkdtemp()``, not pytest's ``tmp_path``: as
root, PostgreSQL runs as an unprivileged user, who cannot traverse the 0700
``/tmp/pytest-of-root``. They go to a memory file system where one has room
(:func:`instance_parent`): on ext4, creating the ~400 files of each test's database
(after the last test's were deleted) costs the kernel ~0.3 s of CPU in its inode
allocator, a sixth of the PostgreSQL 18 run (884 s there, 736 s here); on tmpfs, ~20 ms.
"""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from dataaccess_server.db.migrations import Migrator
from dataaccess_server.embedded import DEFAULT_MAJOR, PostgresInstance

PG_MAJOR_ENV = "DATAACCESS_TEST_PG_MAJOR"
PG_DIR_ENV = "DATAACCESS_TEST_PG_DIR"
MEMORY_DIRECTORY = Path("/dev/shm")
# What the suite's instances may hold at once (the 1,000,000-log volume test, WAL up to
# max_wal_size, replicas), with room to spare: less free memory there means disk.
MEMORY_ROOM = 4 << 30
TEMPLATE_DATABASE = "dataaccess_template"
DIRECTORY_PREFIX = "dataaccess-test-pg-"

TERMINATE_TEMPLATE_SESSIONS = """
SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %(datname)s
"""


def prepare_template(dsn: str) -> None:
    """Bring the (empty) template database at `dsn` to the state every test starts from.

    Called once per session, before the template is frozen: applies every migration,
    so each test's database starts at the schema the server needs.
    """
    asyncio.run(Migrator(dsn).up())


def pg_major_under_test() -> int:
    """The PostgreSQL major the tests run against: ``$DATAACCESS_TEST_PG_MAJOR`` or 18."""
    value = os.environ.get(PG_MAJOR_ENV, "").strip()
    if not value:
        return DEFAULT_MAJOR
    try:
        return int(value)
    except ValueError:
        raise ValueError(
            f"{PG_MAJOR_ENV} must be a PostgreSQL major (16 or 18), not {value!r}"
        ) from None


@functools.cache
def instance_parent() -> str | None:
    """Where instance directories are made: ``$DATAACCESS_TEST_PG_DIR`` if set; else
    /dev/shm when it is a writable file system with MEMORY_ROOM free (a container's
    default 64 MiB is not); else None, the system's temporary directory."""
    chosen = os.environ.get(PG_DIR_ENV, "").strip()
    if chosen:
        return chosen
    try:
        room = os.statvfs(MEMORY_DIRECTORY)
    except OSError:
        return None
    if room.f_bavail * room.f_frsize >= MEMORY_ROOM and os.access(MEMORY_DIRECTORY, os.W_OK):
        return str(MEMORY_DIRECTORY)
    return None


def _new_directory() -> Path:
    return Path(tempfile.mkdtemp(prefix=DIRECTORY_PREFIX, dir=instance_parent()))


def discard_instance(instance: PostgresInstance) -> None:
    """Stop `instance` at once (no checkpoint: its files are about to go) and delete them."""
    try:
        instance.stop("immediate", timeout=30)
    finally:
        shutil.rmtree(instance.directory, ignore_errors=True)


def start_instance(
    *,
    major: int,
    settings: Mapping[str, str] | None = None,
    start: bool = True,
) -> PostgresInstance:
    """A new non-durable instance in a fresh temporary directory, initialised (and started).

    The caller owns it: :func:`discard_instance` when done.
    """
    directory = _new_directory()
    instance = PostgresInstance(directory, major=major, durable=False, settings=settings)
    try:
        instance.init()
        if start:
            instance.start()
    except BaseException:
        discard_instance(instance)
        raise
    return instance


def create_template(instance: PostgresInstance) -> None:
    """(Re)create :data:`TEMPLATE_DATABASE` on `instance`, prepare it, and freeze it.

    Frozen means no connections allowed: ``CREATE DATABASE ... TEMPLATE`` fails while
    anyone is connected to the template.
    """
    name = sql.Identifier(TEMPLATE_DATABASE)
    with psycopg.connect(instance.dsn(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
        prepare_template(instance.dsn(TEMPLATE_DATABASE))
        conn.execute(
            sql.SQL("ALTER DATABASE {} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false").format(name)
        )
        # In case the hook left a connection (or a pool) behind.
        conn.execute(TERMINATE_TEMPLATE_SESSIONS, {"datname": TEMPLATE_DATABASE})


@contextmanager
def fresh_database(instance: PostgresInstance) -> Iterator[str]:
    """Yield the DSN of a new copy of the template on `instance`; drop it afterwards.

    FILE_COPY copies the files and writes almost no WAL (WAL_LOG would stream every page
    of the copy to the replicas); its checkpoints are cheap with fsync off.
    """
    dbname = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(instance.dsn(), autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(dbname), sql.Identifier(TEMPLATE_DATABASE)
            )
        )
    try:
        yield instance.dsn(dbname)
    finally:
        with psycopg.connect(instance.dsn(), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
            )


class InstanceFactory:
    """Makes instances (and replicas) that a test may stop, restart or break freely.

    Every instance made gets its own directory and port, and is discarded by
    :meth:`close`, even if the test stopped or promoted it.
    """

    def __init__(self, major: int) -> None:
        self.major = major
        self._made: list[PostgresInstance] = []

    def __call__(
        self, *, settings: Mapping[str, str] | None = None, start: bool = True
    ) -> PostgresInstance:
        """A new initialised (and, unless `start` is false, started) instance."""
        instance = start_instance(major=self.major, settings=settings, start=start)
        self._made.append(instance)
        return instance

    def replica(self, primary: PostgresInstance, *, name: str = "replica") -> PostgresInstance:
        """A started streaming hot standby of the running `primary`."""
        directory = _new_directory()
        try:
            replica = primary.create_replica(directory, name=name)
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        self._made.append(replica)
        return replica

    def close(self) -> None:
        """Discard every instance made, replicas first (they stream from the others)."""
        with ExitStack() as stack:
            # ExitStack runs callbacks last-in first-out and still runs the others when
            # one raises.
            for instance in self._made:
                stack.callback(discard_instance, instance)
            self._made.clear()
