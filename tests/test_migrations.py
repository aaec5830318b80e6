"""Migrations against a real PostgreSQL: once-only under concurrency, round trips,
checksum drift, atomic failure, schemas, and the CLI around them."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from dataaccess_server.db.migrations import Migrator, create_files, default_directory, discover
from dataaccess_server.embedded import PostgresInstance
from dataaccess_server.errors import MigrationError
from tests.harness.server import clean_environment, run_cli

REAL = default_directory()


@pytest.fixture
def empty_database(pg_primary: PostgresInstance) -> Iterator[str]:
    """A database with no migration applied."""
    name = f"m_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_primary.dsn(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield pg_primary.dsn(name)
    with psycopg.connect(pg_primary.dsn(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def migrations_dir(tmp_path: Path) -> Path:
    """A private copy of the real migrations, free to change."""
    target = tmp_path / "migrations"
    shutil.copytree(REAL, target)
    return target


def tables(dsn: str, schema: str = "public") -> set[str]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (schema,),
        ).fetchall()
    return {row[0] for row in rows}


def applied_versions(dsn: str, schema: str = "public") -> list[int]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            f'SELECT version FROM "{schema}".schema_migrations ORDER BY version'
        ).fetchall()
    return [row[0] for row in rows]


def write(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text, encoding="utf-8")


async def test_up_creates_the_design_tables_and_records_each_version(empty_database: str) -> None:
    applied = await Migrator(empty_database).up()
    assert [m.version for m in applied] == [m.version for m in discover(REAL)]
    assert {"oauth_tokens", "api_keys", "usage_stats", "request_logs"} <= tables(empty_database)
    assert applied_versions(empty_database) == [m.version for m in applied]
    assert await Migrator(empty_database).up() == []


async def test_concurrent_runners_apply_each_migration_exactly_once(
    empty_database: str, migrations_dir: Path
) -> None:
    # A slow migration that counts its own applications: run twice, it would count 2
    # (or fail on the existing table).
    write(
        migrations_dir,
        "0100_slow_counter.up.sql",
        "CREATE TABLE applied_counter (n int);\n"
        "SELECT pg_sleep(0.5);\n"
        "INSERT INTO applied_counter VALUES (1);\n",
    )
    write(migrations_dir, "0100_slow_counter.down.sql", "DROP TABLE applied_counter;\n")
    runners = [Migrator(empty_database, directory=migrations_dir) for _ in range(4)]
    results = await asyncio.gather(*(runner.up() for runner in runners))
    assert sorted(len(result) for result in results) == [0, 0, 0, len(discover(migrations_dir))]
    with psycopg.connect(empty_database) as conn:
        assert conn.execute("SELECT count(*) FROM applied_counter").fetchone() == (1,)
    versions = applied_versions(empty_database)
    assert versions == sorted(set(versions))


def test_two_concurrent_migrate_up_commands_apply_each_migration_once(
    empty_database: str,
) -> None:
    env = clean_environment(DATABASE_URL=empty_database)
    import subprocess

    from tests.harness.server import dataaccess_command

    processes = [
        subprocess.Popen(
            dataaccess_command("migrate", "up"),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=60) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    applied_lines = [
        line for out, _ in outputs for line in out.splitlines() if line.startswith("applied ")
    ]
    assert len(applied_lines) == len(discover(REAL))
    assert applied_versions(empty_database) == [m.version for m in discover(REAL)]


async def test_down_then_up_round_trips(empty_database: str) -> None:
    migrator = Migrator(empty_database)
    await migrator.up()
    before = tables(empty_database)
    reverted = await migrator.down(steps=len(discover(REAL)))
    assert [m.version for m in reverted] == sorted(
        (m.version for m in discover(REAL)), reverse=True
    )
    assert tables(empty_database) == {"schema_migrations"}
    await migrator.up()
    assert tables(empty_database) == before


async def test_up_to_a_version_stops_there_and_down_reverts_one_step(
    empty_database: str, migrations_dir: Path
) -> None:
    write(migrations_dir, "0100_extra.up.sql", "CREATE TABLE extra (id int);\n")
    write(migrations_dir, "0100_extra.down.sql", "DROP TABLE extra;\n")
    migrator = Migrator(empty_database, directory=migrations_dir)
    await migrator.up(target=1)
    assert applied_versions(empty_database) == [1]
    await migrator.up()
    assert "extra" in tables(empty_database)
    assert [m.version for m in await migrator.down()] == [100]
    assert "extra" not in tables(empty_database)
    with pytest.raises(MigrationError, match="no migration 42"):
        await migrator.up(target=42)


async def test_changed_applied_migration_is_refused(
    empty_database: str, migrations_dir: Path
) -> None:
    migrator = Migrator(empty_database, directory=migrations_dir)
    await migrator.up()
    write(migrations_dir, "0100_later.up.sql", "CREATE TABLE later (id int);\n")
    first = sorted(migrations_dir.glob("0001_*.up.sql"))[0]
    first.write_text(first.read_text() + "\n-- edited after being applied\n")
    status = await migrator.status()
    assert [m.version for m in status.drifted] == [1]
    with pytest.raises(MigrationError, match="0001_initial_schema") as caught:
        await migrator.up()
    assert "changed on disk" in str(caught.value)
    assert "later" not in tables(empty_database)  # nothing at all was applied


async def test_line_ending_changes_are_not_drift(empty_database: str, migrations_dir: Path) -> None:
    migrator = Migrator(empty_database, directory=migrations_dir)
    await migrator.up()
    first = sorted(migrations_dir.glob("0001_*.up.sql"))[0]
    first.write_bytes(first.read_bytes().replace(b"\n", b"\r\n"))
    assert (await migrator.status()).drifted == ()


async def test_failing_migration_leaves_no_trace(empty_database: str, migrations_dir: Path) -> None:
    write(
        migrations_dir,
        "0100_broken.up.sql",
        "CREATE TABLE half_done (id int);\nINSERT INTO half_done VALUES (1);\nSELECT 1/0;\n",
    )
    migrator = Migrator(empty_database, directory=migrations_dir)
    with pytest.raises(MigrationError, match=r"0100_broken failed and was rolled back"):
        await migrator.up()
    assert "half_done" not in tables(empty_database)
    assert 100 not in applied_versions(empty_database)
    # Those before it stay applied.
    assert applied_versions(empty_database) == [m.version for m in discover(REAL)]


async def test_down_without_a_down_file_changes_nothing(
    empty_database: str, migrations_dir: Path
) -> None:
    write(migrations_dir, "0100_one_way.up.sql", "CREATE TABLE one_way (id int);\n")
    migrator = Migrator(empty_database, directory=migrations_dir)
    await migrator.up()
    with pytest.raises(MigrationError, match="no down file"):
        await migrator.down(steps=2)
    assert applied_versions(empty_database)[-1] == 100


async def test_db_schema_puts_every_table_in_that_schema(empty_database: str) -> None:
    await Migrator(empty_database, schema="tenant_a").up()
    assert {"oauth_tokens", "schema_migrations"} <= tables(empty_database, "tenant_a")
    assert tables(empty_database, "public") == set()
    # A second schema in the same database migrates independently.
    await Migrator(empty_database, schema="tenant_b").up()
    assert applied_versions(empty_database, "tenant_b") == applied_versions(
        empty_database, "tenant_a"
    )


def test_misnamed_and_duplicate_files_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "1_bad.sql", "")
    with pytest.raises(MigrationError, match=r"NNNN_name\.up\.sql"):
        discover(tmp_path)
    (tmp_path / "1_bad.sql").unlink()
    write(tmp_path, "0001_a.up.sql", "")
    write(tmp_path, "0001_b.up.sql", "")
    with pytest.raises(MigrationError, match="used by two files"):
        discover(tmp_path)


def test_create_makes_the_next_numbered_pair(migrations_dir: Path) -> None:
    latest = max(m.version for m in discover(migrations_dir))
    up, down = create_files(migrations_dir, "add_widgets")
    assert up.name == f"{latest + 1:04d}_add_widgets.up.sql"
    assert down.name == f"{latest + 1:04d}_add_widgets.down.sql"
    assert discover(migrations_dir)[-1].name == "add_widgets"
    with pytest.raises(MigrationError, match="lowercase"):
        create_files(migrations_dir, "Add Widgets")


def test_cli_status_up_down_round_trip(empty_database: str) -> None:
    env = clean_environment(DATABASE_URL=empty_database)
    status = run_cli("migrate", "status", env=env)
    assert status.returncode == 0, status.stderr
    assert "pending" in status.stdout
    assert f"schema version 0 of {discover(REAL)[-1].version}" in status.stdout
    up = run_cli("migrate", "up", env=env)
    assert up.returncode == 0, up.stderr
    assert "applied 0001_initial_schema" in up.stdout
    status = run_cli("migrate", "status", env=env)
    assert "0001     initial_schema                   applied" in status.stdout
    down = run_cli("migrate", "down", env=env)
    assert down.returncode == 0, down.stderr
    assert f"reverted {discover(REAL)[-1].version:04d}_" in down.stdout


def test_cli_reports_an_unreachable_database_with_exit_1() -> None:
    env = clean_environment(DATABASE_URL="postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    result = run_cli("migrate", "status", env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("dataaccess: error: cannot connect to the database")
