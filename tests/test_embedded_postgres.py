"""The embedded PostgreSQL, against the real binaries: lifecycle, replication, errors."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from dataaccess_server.embedded import (
    SUPPORTED_MAJORS,
    EmbeddedPostgresError,
    PostgresInstance,
    find_binaries,
)
from tests.harness.postgres import InstanceFactory
from tests.harness.waiting import wait_until_sync

ReplicaFactory = Callable[[PostgresInstance], PostgresInstance]


def fetch_one(dsn: str, query: str) -> object:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(query).fetchone()
    assert row is not None
    return row[0]


def dbname_of(dsn: str) -> str:
    return str(conninfo_to_dict(dsn)["dbname"])


@pytest.fixture
def scratch_directory() -> Iterator[Path]:
    """A temporary directory the test may leave anything in."""
    directory = Path(tempfile.mkdtemp(prefix="dataaccess-test-scratch-"))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def table(pg_database: str) -> str:
    """A table ``(id int)`` in the test's fresh database; its name is returned."""
    name = f"rows_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE TABLE {} (id int)").format(sql.Identifier(name)))
    return name


def insert(dsn: str, table: str, value: int) -> str:
    """Insert `value` into `table`; return the primary's WAL insert position after it."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("INSERT INTO {} VALUES (%s)").format(sql.Identifier(table)), (value,))
        row = conn.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()
    assert row is not None
    return str(row[0])


def has_row(dsn: str, table: str, value: int) -> bool:
    with psycopg.connect(dsn, autocommit=True) as conn:
        query = sql.SQL("SELECT EXISTS (SELECT 1 FROM {} WHERE id = %s)").format(
            sql.Identifier(table)
        )
        row = conn.execute(query, (value,)).fetchone()
    return bool(row and row[0])


# --- Lifecycle -------------------------------------------------------------------------


def test_data_survives_stop_and_start_on_the_same_port(
    pg_instance_factory: InstanceFactory,
) -> None:
    instance = pg_instance_factory()
    port = instance.port
    with psycopg.connect(instance.dsn(), autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (id int)")
        conn.execute("INSERT INTO kept VALUES (42)")

    instance.stop()
    instance.stop()  # idempotent
    assert not instance.is_running()

    # A new object for the same directory, as after a restart of `dataaccess serve`.
    again = PostgresInstance(instance.directory, major=instance.major, durable=False)
    again.start()
    assert again.port == port
    assert fetch_one(again.dsn(), "SELECT id FROM kept") == 42

    again.restart()
    assert again.port == port
    assert fetch_one(again.dsn(), "SELECT id FROM kept") == 42


def test_start_of_a_running_instance_adopts_it_without_restarting(
    pg_instance_factory: InstanceFactory,
) -> None:
    instance = pg_instance_factory()
    with psycopg.connect(instance.dsn(), autocommit=True) as conn:
        started_at = conn.execute("SELECT pg_postmaster_start_time()").fetchone()

        instance.start()
        # As after a crash of our process: a new object finds the server running.
        adopter = PostgresInstance(instance.directory, major=instance.major, durable=False)
        assert adopter.is_running()
        adopter.start()

        assert adopter.port == instance.port
        # The connection opened before both start() calls is still served.
        assert conn.execute("SELECT pg_postmaster_start_time()").fetchone() == started_at


def test_the_server_runs_with_the_documented_settings(pg_primary: PostgresInstance) -> None:
    assert fetch_one(pg_primary.dsn(), "SHOW listen_addresses") == "127.0.0.1"
    assert fetch_one(pg_primary.dsn(), "SHOW unix_socket_directories") == ""
    assert fetch_one(pg_primary.dsn(), "SHOW max_connections") == "300"
    version_num = fetch_one(pg_primary.dsn(), "SHOW server_version_num")
    assert int(str(version_num)) // 10000 == pg_primary.major
    assert fetch_one(pg_primary.dsn(), "SHOW fsync") == "off"  # durable=False
    assert fetch_one(pg_primary.dsn(), "SHOW TimeZone") == "UTC"


def test_pg_database_is_a_fresh_copy_of_the_template(pg_database: str) -> None:
    assert dbname_of(pg_database).startswith("t_")
    # Migrated once, in the template: every test starts at the current schema.
    assert int(str(fetch_one(pg_database, "SELECT count(*) FROM schema_migrations"))) >= 1
    assert fetch_one(pg_database, "SELECT count(*) FROM oauth_tokens") == 0


# --- Replication -----------------------------------------------------------------------


def test_replica_streams_rows_written_on_the_primary(
    pg_primary: PostgresInstance,
    pg_database: str,
    table: str,
    pg_replica_factory: ReplicaFactory,
) -> None:
    replica = pg_replica_factory(pg_primary)
    replica_dsn = replica.dsn(dbname_of(pg_database))

    insert(pg_database, table, 1)

    wait_until_sync(lambda: has_row(replica_dsn, table, 1), what="the row on the replica")
    assert fetch_one(replica_dsn, "SELECT pg_is_in_recovery()") is True
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        insert(replica_dsn, table, 2)


def test_paused_replay_hides_new_rows_until_resumed(
    pg_primary: PostgresInstance,
    pg_database: str,
    table: str,
    pg_replica_factory: ReplicaFactory,
) -> None:
    replica = pg_replica_factory(pg_primary)
    replica_dsn = replica.dsn(dbname_of(pg_database))
    fetch_one(replica_dsn, "SELECT pg_wal_replay_pause()")
    wait_until_sync(
        lambda: fetch_one(replica_dsn, "SELECT pg_get_wal_replay_pause_state()") == "paused",
        what="replay to pause",
    )

    lsn_after_insert = insert(pg_database, table, 7)
    # Received but not replayed: proves the pause, not a slow network, hides the row.
    wait_until_sync(
        lambda: (
            fetch_one(replica_dsn, f"SELECT pg_last_wal_receive_lsn() >= '{lsn_after_insert}'")
            is True
        ),
        what="the replica to receive the insert",
    )
    assert not has_row(replica_dsn, table, 7)

    fetch_one(replica_dsn, "SELECT pg_wal_replay_resume()")
    wait_until_sync(lambda: has_row(replica_dsn, table, 7), what="the row after resuming replay")


def test_promoted_replica_accepts_writes(
    pg_primary: PostgresInstance,
    pg_database: str,
    table: str,
    pg_replica_factory: ReplicaFactory,
) -> None:
    insert(pg_database, table, 1)
    replica = pg_replica_factory(pg_primary)
    replica_dsn = replica.dsn(dbname_of(pg_database))
    wait_until_sync(lambda: has_row(replica_dsn, table, 1), what="the row on the replica")

    replica.promote()

    assert fetch_one(replica_dsn, "SELECT pg_is_in_recovery()") is False
    insert(replica_dsn, table, 2)
    assert has_row(replica_dsn, table, 2)
    assert not has_row(pg_database, table, 2)


# --- Errors ----------------------------------------------------------------------------


@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs PostgreSQL as another user")
def test_directory_the_os_user_cannot_traverse_is_named_in_the_error(
    scratch_directory: Path,
) -> None:
    scratch_directory.chmod(0o700)  # root-owned: the OS user may not enter it
    instance = PostgresInstance(scratch_directory / "embedded", durable=False)

    with pytest.raises(EmbeddedPostgresError, match=re.escape(str(scratch_directory))) as info:
        instance.init()
    assert "DATAACCESS_DATA_DIR" in str(info.value)


def test_unavailable_major_is_a_clear_error(scratch_directory: Path) -> None:
    with pytest.raises(EmbeddedPostgresError, match="PostgreSQL 17 is not available"):
        find_binaries(17)
    with pytest.raises(EmbeddedPostgresError, match="pick one of those"):
        PostgresInstance(scratch_directory, major=17)


def test_cluster_of_another_major_is_refused(pg_instance_factory: InstanceFactory) -> None:
    instance = pg_instance_factory(start=False)
    other = next(major for major in SUPPORTED_MAJORS if major != instance.major)

    with pytest.raises(EmbeddedPostgresError, match=f"PostgreSQL {instance.major} cluster"):
        PostgresInstance(instance.directory, major=other).start()


def test_failed_start_reports_the_server_log(pg_instance_factory: InstanceFactory) -> None:
    instance = pg_instance_factory(settings={"shared_buffers": "plenty"}, start=False)

    with pytest.raises(EmbeddedPostgresError, match='parameter "shared_buffers"'):
        instance.start()
    assert not instance.is_running()


def test_settings_the_instance_decides_are_refused(scratch_directory: Path) -> None:
    with pytest.raises(ValueError, match="port"):
        PostgresInstance(scratch_directory, settings={"port": "5432"})
