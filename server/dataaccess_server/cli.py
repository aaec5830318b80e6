"""The ``dataaccess`` command: serve, migrate, version.

Exit codes: 0 success, 1 failure (database unreachable, migration refused, start-up
failed, no such caller), 2 usage or configuration error (a bad argument included).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import os
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from dataaccess_server import __version__, embedded
from dataaccess_server.app import EMBEDDED_DATABASE, Application, StartupError
from dataaccess_server.config import VARIABLES, ConfigError, Settings, load_settings
from dataaccess_server.db.admin import ensure_database
from dataaccess_server.db.api_keys import channel_for
from dataaccess_server.db.audit import PostgresAuditStore
from dataaccess_server.db.callers import PostgresCallerStore
from dataaccess_server.db.cluster import Cluster, Intent
from dataaccess_server.db.migrations import (
    MigrationFile,
    MigrationStatus,
    Migrator,
    create_files,
    default_directory,
)
from dataaccess_server.db.oauth_tokens import PostgresOAuthTokenStore
from dataaccess_server.db.retention import Removed, cleanup
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.audit import AuditTrail
from dataaccess_server.domain.callers import CallerDirectory
from dataaccess_server.domain.encryption_key_rotation import rotate_encryption_key
from dataaccess_server.domain.key_cache import KeyCache
from dataaccess_server.domain.model.access import AuditEvent, CallerCredential
from dataaccess_server.domain.model.oauth_tokens import RotationProgress
from dataaccess_server.errors import DataAccessError, InvalidArgumentError, NotFoundError
from dataaccess_server.keyfile import development_keyring
from dataaccess_server.logs import configure_logging

EXIT_FAILURE = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    environment = "\n".join(f"  {name:<30} {text}" for name, text in VARIABLES.items())
    parser = argparse.ArgumentParser(
        prog="dataaccess",
        description="gRPC data-access service on PostgreSQL.",
        epilog="Configuration comes from the environment; `dataaccess serve --help` lists it.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="run the gRPC server",
        description=(
            "Run the gRPC server until SIGTERM/SIGINT. With no DATABASE_URL/DB_PRIMARY it "
            "starts a private development PostgreSQL (needs the 'embedded' extra) and "
            "applies migrations."
        ),
        epilog=f"environment:\n{environment}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.set_defaults(handler=_serve)

    migrate = commands.add_parser(
        "migrate",
        help="apply, revert, inspect or create schema migrations",
        description=(
            "Schema migrations on the database of DATABASE_URL (or the embedded one), in "
            "DB_SCHEMA. Concurrent runs are serialised by an advisory lock."
        ),
    )
    steps = migrate.add_subparsers(dest="action", required=True, metavar="ACTION")
    up = steps.add_parser("up", help="apply pending migrations")
    up.add_argument("--to", type=int, metavar="N", help="stop after version N")
    up.set_defaults(handler=_migrate_up)
    down = steps.add_parser("down", help="revert the latest applied migrations")
    down.add_argument("--steps", type=int, default=1, metavar="N", help="how many (default 1)")
    down.set_defaults(handler=_migrate_down)
    status = steps.add_parser("status", help="list applied, pending and changed migrations")
    status.set_defaults(handler=_migrate_status)
    create = steps.add_parser("create", help="create the next NNNN_name.up/down.sql pair")
    create.add_argument("name", help="lowercase_snake_case name")
    create.add_argument(
        "--dir", type=Path, default=None, help="migrations directory (default: the project's)"
    )
    create.set_defaults(handler=_migrate_create)

    rotate = commands.add_parser(
        "rotate-encryption-key",
        help="re-encrypt every stored secret under the newest key",
        description=(
            "Re-encrypt every OAuth token not under the first key of "
            "DATAACCESS_ENCRYPTION_KEYS, in small batches (each its own short transaction, "
            "so servers keep serving). Safe to interrupt and run again. Afterwards, keys "
            "other than the first may be removed from the keyring."
        ),
    )
    rotate.add_argument(
        "--batch-size", type=int, default=100, metavar="N", help="rows per transaction (100)"
    )
    rotate.set_defaults(handler=_rotate_encryption_key)

    cleanup = commands.add_parser(
        "cleanup",
        help="drop old request logs and delete expired rows",
        description=(
            "Drop request-log partitions of days older than DB_LOG_RETENTION_DAYS (their "
            "hourly rollups stay), delete usage request ids as old, rate-limit windows "
            "older than an hour and rotated-out API key hashes past their grace period. "
            "Prints what it removed. Safe to run from cron on any number of hosts."
        ),
    )
    cleanup.set_defaults(handler=_cleanup)

    callers = commands.add_parser(
        "callers",
        help="create, list and revoke bearer credentials of callers",
        description=(
            "Bearer credentials for callers without client certificates, in the database "
            "of DATABASE_URL. A credential is printed once, at creation; only its SHA-256 "
            "is stored. Revoking one stops it on every server within a second."
        ),
    )
    caller_actions = callers.add_subparsers(dest="action", required=True, metavar="ACTION")
    create_caller = caller_actions.add_parser("create", help="create a credential, print it")
    create_caller.add_argument("name", help="lowercase name, e.g. gateway-eu")
    create_caller.add_argument(
        "--role", required=True, help="proxy, reader, admin, or a role of DATAACCESS_AUTHZ_POLICY"
    )
    create_caller.set_defaults(handler=_callers_create)
    list_callers = caller_actions.add_parser("list", help="list credentials (never the tokens)")
    list_callers.set_defaults(handler=_callers_list)
    revoke_caller = caller_actions.add_parser("revoke", help="revoke a credential")
    revoke_caller.add_argument("name")
    revoke_caller.set_defaults(handler=_callers_revoke)

    version = commands.add_parser("version", help="print the version")
    version.set_defaults(handler=lambda _args: print(f"dataaccess {__version__}") or 0)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except ConfigError as exc:
        print(f"dataaccess: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except InvalidArgumentError as exc:
        print(f"dataaccess: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (DataAccessError, embedded.EmbeddedPostgresError) as exc:
        print(f"dataaccess: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    return code


def _settings() -> Settings:
    settings = load_settings(os.environ)
    configure_logging(settings.log_level, settings.log_format)
    return settings


def _serve(_args: argparse.Namespace) -> int:
    settings = _settings()
    settings.require_keyring()
    settings.require_auth()
    app = Application(settings)
    try:
        asyncio.run(app.serve_until_signal())
    except StartupError as exc:
        print(f"dataaccess: cannot start: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    return 0


@contextlib.asynccontextmanager
async def _database(settings: Settings) -> AsyncIterator[str]:
    """The DSN to migrate: DATABASE_URL, or the embedded database (started for the
    duration of the command if no server has it running)."""
    if settings.primary_dsn is not None:
        yield settings.primary_dsn
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
async def _cluster(settings: Settings, dsn: str) -> AsyncIterator[Cluster]:
    """An open cluster of the primary ``dsn`` alone, once it answers (within
    DATAACCESS_STARTUP_TIMEOUT); closed on the way out."""
    cluster = Cluster(dsn, schema=settings.schema, pool=settings.pool)
    try:
        await cluster.wait_for_primary(settings.startup_timeout)
        await cluster.open()
        yield cluster
    finally:
        await cluster.close()


def _migrate_up(args: argparse.Namespace) -> int:
    return _change_schema(
        lambda migrator: migrator.up(target=args.to),
        done="applied",
        nothing="nothing to apply: the schema is up to date",
    )


def _migrate_down(args: argparse.Namespace) -> int:
    return _change_schema(
        lambda migrator: migrator.down(steps=args.steps),
        done="reverted",
        nothing="nothing to revert: no migration is applied",
    )


def _change_schema(
    change: Callable[[Migrator], Awaitable[list[MigrationFile]]], *, done: str, nothing: str
) -> int:
    settings = _settings()

    async def run() -> list[MigrationFile]:
        async with _database(settings) as dsn:
            return await change(Migrator(dsn, schema=settings.schema))

    changed = asyncio.run(run())
    for item in changed:
        print(f"{done} {item.version:04d}_{item.name}")
    if not changed:
        print(nothing)
    return 0


def _migrate_status(_args: argparse.Namespace) -> int:
    settings = _settings()

    async def run() -> MigrationStatus:
        async with _database(settings) as dsn:
            return await Migrator(dsn, schema=settings.schema).status()

    print(format_status(asyncio.run(run())))
    return 0


def format_status(status: MigrationStatus) -> str:
    """The table `migrate status` prints."""
    applied = {row.version: row for row in status.applied}
    drifted = {item.version for item in status.drifted}
    lines = [f"{'version':<8} {'name':<32} {'state':<8} applied at"]
    for item in status.known:
        row = applied.get(item.version)
        state = "changed" if item.version in drifted else "applied" if row else "pending"
        when = row.applied_at.isoformat(timespec="seconds") if row else ""
        lines.append(f"{item.version:04d}     {item.name:<32} {state:<8} {when}")
    for row in status.unknown_applied:
        when = row.applied_at.isoformat(timespec="seconds")
        lines.append(f"{row.version:04d}     {row.name:<32} {'unknown':<8} {when}")
    lines.append(
        f"schema version {status.current_version} of {status.latest_version}; "
        f"{len(status.pending)} pending"
        + (f"; {len(status.drifted)} changed since applied (refused)" if status.drifted else "")
        + (
            f"; {len(status.unknown_applied)} applied with no file here"
            if status.unknown_applied
            else ""
        )
    )
    return "\n".join(lines)


def _rotate_encryption_key(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        raise ConfigError("--batch-size", "must be at least 1")
    settings = _settings()
    settings.require_keyring()

    def report(progress: RotationProgress) -> None:
        print(f"re-encrypted {progress.resealed} token(s); {progress.remaining} to go", flush=True)

    async def run() -> tuple[int, str]:
        async with _database(settings) as dsn:
            keyring = settings.encryption_keys or development_keyring(
                settings.data_dir or embedded.default_data_dir()
            )
            async with _cluster(settings, dsn) as cluster:
                done = await rotate_encryption_key(
                    PostgresOAuthTokenStore(cluster),
                    keyring,
                    batch_size=args.batch_size,
                    report=report,
                )
            return done, keyring.primary_key_id

    done, key_id = asyncio.run(run())
    print(
        f"done: {done} token(s) re-encrypted; every token is under key {key_id!r}, so other "
        "keys can now be removed from DATAACCESS_ENCRYPTION_KEYS"
    )
    return 0


def _cleanup(_args: argparse.Namespace) -> int:
    settings = _settings()
    days = settings.log_retention_days
    keep_from = datetime.now(UTC).date() - timedelta(days=days)

    async def run() -> Removed:
        async with _database(settings) as dsn, _cluster(settings, dsn) as cluster:
            clean = partial(cleanup, keep_from=keep_from, retention_days=days)
            return await cluster.run(Intent.WRITE, clean, deadline=Deadline.after(600))

    removed = asyncio.run(run())
    for name in removed.partitions:
        print(f"dropped partition {name}")
    print(
        f"kept request logs from {keep_from} on (DB_LOG_RETENTION_DAYS={days}); dropped "
        f"{len(removed.partitions)} partition(s); deleted {removed.applied_requests} usage "
        f"request id(s), {removed.rate_windows} rate-limit window(s), "
        f"{removed.retired_hashes} expired API key hash(es)"
    )
    return 0


def _migrate_create(args: argparse.Namespace) -> int:
    up, down = create_files(args.dir or default_directory(), args.name)
    print(f"created {up}\ncreated {down}")
    return 0


def _callers_create(args: argparse.Namespace) -> int:
    async def change(directory: CallerDirectory, deadline: Deadline) -> None:
        credential, token = await directory.create(args.name, args.role, deadline)
        print(
            f"created caller {credential.name!r} with role {credential.role!r}; its bearer"
            " credential (shown only now; send it as 'authorization: Bearer <token>'):",
            file=sys.stderr,
        )
        print(token, flush=True)

    return _callers_change("callers.create", args.name, change)


def _callers_revoke(args: argparse.Namespace) -> int:
    async def change(directory: CallerDirectory, deadline: Deadline) -> None:
        credential = await directory.revoke(args.name, deadline)
        if credential is None:
            raise NotFoundError(f"no caller named {args.name!r}")
        print(f"revoked caller {credential.name!r} (every server refuses it within a second)")

    return _callers_change("callers.revoke", args.name, change)


def _callers_list(_args: argparse.Namespace) -> int:
    settings = _settings()

    async def run() -> Sequence[CallerCredential]:
        async with _database(settings) as dsn, _cluster(settings, dsn) as cluster:
            return await _caller_directory(settings, cluster).list_all(Deadline.after(30))

    rows = asyncio.run(run())
    print(f"{'name':<24} {'role':<12} {'prefix':<10} {'created':<26} revoked")
    for row in rows:
        revoked = row.revoked_at.isoformat(timespec="seconds") if row.revoked_at else ""
        created = row.created_at.isoformat(timespec="seconds")
        print(f"{row.name:<24} {row.role:<12} {row.token_prefix:<10} {created:<26} {revoked}")
    return 0


def _caller_directory(settings: Settings, cluster: Cluster) -> CallerDirectory:
    store = PostgresCallerStore(cluster, channel_for(settings.schema))
    return CallerDirectory(store, settings.access_policy, KeyCache())


def _callers_change(
    method: str, name: str, change: Callable[[CallerDirectory, Deadline], Awaitable[None]]
) -> int:
    # A credential change from the command line is audited like one over gRPC; a
    # request refused as malformed changes nothing and names nothing worth a row.
    settings = _settings()

    async def run() -> None:
        async with _database(settings) as dsn, _cluster(settings, dsn) as cluster:
            audit = AuditTrail(PostgresAuditStore(cluster))
            outcome = "INTERNAL"
            try:
                await change(_caller_directory(settings, cluster), Deadline.after(30))
                outcome = "OK"
            except NotFoundError:
                outcome = "NOT_FOUND"
                raise
            except InvalidArgumentError:
                outcome = ""
                raise
            finally:
                if outcome:
                    event = AuditEvent(
                        time=datetime.now(UTC),
                        event_id=str(uuid.uuid4()),
                        caller=f"cli:{getpass.getuser()}",
                        method=method,
                        resource_id=name,
                        outcome=outcome,
                        peer=f"local:{socket.gethostname()}",
                    )
                    await audit.record(event, Deadline.after(10))

    asyncio.run(run())
    return 0
