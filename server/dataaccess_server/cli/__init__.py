"""The ``dataaccess`` command: serve, migrate, cleanup, callers, seed, version.

Exit codes: 0 success, 1 failure (database unreachable, migration refused, start-up
failed, no such caller, seed refused), 2 usage or configuration error (a bad argument, a role or a
privilege the database lacks).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from dataaccess_server import __version__, embedded
from dataaccess_server.app import Application
from dataaccess_server.cli.callers import add_callers_commands
from dataaccess_server.cli.context import open_cluster, open_database, settings_from_environment
from dataaccess_server.cli.seed import add_seed_command
from dataaccess_server.config import VARIABLES, ConfigError, Settings
from dataaccess_server.config.workers import parse_workers
from dataaccess_server.db.cluster import Intent
from dataaccess_server.db.migrations import (
    MigrationFile,
    MigrationStatus,
    Migrator,
    create_files,
    default_directory,
)
from dataaccess_server.db.oauth_tokens import PostgresOAuthTokenStore
from dataaccess_server.db.privileges import (
    FIX_MIGRATING_ROLE,
    Grant,
    MissingRoleError,
    PrivilegeError,
    describe_grants,
    grant_server_privileges,
    reported_privileges,
)
from dataaccess_server.db.retention import Removed, cleanup
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.encryption_key_rotation import rotate_encryption_key
from dataaccess_server.domain.model.oauth_tokens import RotationProgress
from dataaccess_server.errors import DataAccessError, InvalidArgumentError
from dataaccess_server.keyfile import development_keyring
from dataaccess_server.logs import configure_logging
from dataaccess_server.observability import start_telemetry
from dataaccess_server.startup import StartupConfigurationError, StartupError
from dataaccess_server.workers import (
    WorkerReport,
    WorkerStartError,
    run_supervisor,
    stop_when_orphaned,
)

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
    serve.add_argument(
        "--workers",
        type=_worker_count,
        metavar="N",
        help="server processes sharing the port: 1-64 or auto (default DATAACCESS_WORKERS, 1)",
    )
    # Set by the supervisor of --workers for each process it starts; not for operators.
    serve.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    serve.add_argument("--report-fd", type=int, help=argparse.SUPPRESS)
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

    add_callers_commands(commands)
    add_seed_command(commands)

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
    except PrivilegeError as exc:
        print(f"dataaccess: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (DataAccessError, embedded.EmbeddedPostgresError) as exc:
        print(f"dataaccess: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    return code


def _worker_count(text: str) -> int:
    try:
        return parse_workers("--workers", text)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(exc.problem) from None


def _serve(args: argparse.Namespace) -> int:
    settings = settings_from_environment()
    settings.require_keyring()
    settings.require_auth()
    if args.worker is not None:
        return _serve_worker(settings, args.worker, WorkerReport(args.report_fd))
    workers = args.workers or settings.workers  # the flag wins
    try:
        if workers > 1:
            return run_supervisor(settings, workers)
        asyncio.run(Application(settings).serve_until_signal(on_started=_settled))
    except WorkerStartError as exc:
        print(f"dataaccess: cannot start: {exc}", file=sys.stderr)
        return exc.code
    except StartupError as exc:
        print(f"dataaccess: cannot start: {exc}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, StartupConfigurationError) else EXIT_FAILURE
    return 0


def _settled(app: Application) -> None:
    # Started: what exists now (modules, pools, caches) lives as long as the process,
    # so the collector stops scanning it. Otherwise every full collection walks all of
    # it, and a batch's thousands of short-lived objects (1,000 logs: messages, rows)
    # trigger them: a tenth of the server's time ingesting request logs.
    del app
    gc.freeze()


def _serve_worker(settings: Settings, number: int, report: WorkerReport) -> int:
    # One of the processes of `serve --workers N`, started by its supervisor.
    configure_logging(settings.log_level, settings.log_format, worker=number)
    app = Application(settings, worker=number)

    def serving(app: Application) -> None:
        _settled(app)
        report.serving(os.getpid(), app.metrics_port)

    async def run() -> None:
        orphaned = asyncio.create_task(stop_when_orphaned(os.getppid()))
        try:
            await app.serve_until_signal(on_started=serving)
        finally:
            orphaned.cancel()

    try:
        asyncio.run(run())
    except StartupError as exc:
        report.failed(str(exc))
        print(f"dataaccess: cannot start: {exc}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, StartupConfigurationError) else EXIT_FAILURE
    return 0


def _migrate_up(args: argparse.Namespace) -> int:
    settings = settings_from_environment()

    async def run() -> list[Grant]:
        async with (
            open_database(settings, migrate=True) as dsn,
            reported_privileges(dsn, fix=FIX_MIGRATING_ROLE),
        ):
            applied = await Migrator(dsn, schema=settings.schema).up(target=args.to)
            for item in applied:
                print(f"applied {item.version:04d}_{item.name}", flush=True)
            if not applied:
                print("nothing to apply: the schema is up to date", flush=True)
            # Every run, even with nothing to apply: a role created since, or a grant
            # revoked, is put right by running `migrate up` again.
            return await grant_server_privileges(
                dsn,
                schema=settings.schema,
                app_role=settings.app_role,
                readonly_role=settings.readonly_role,
            )

    try:
        grants = asyncio.run(run())
    except MissingRoleError as exc:
        raise ConfigError(exc.variable, exc.problem) from None
    for line in describe_grants(grants):
        print(line)
    if not grants:
        print("granted nothing: DB_APP_ROLE and DB_READONLY_ROLE are unset")
    return 0


def _migrate_down(args: argparse.Namespace) -> int:
    return _change_schema(
        lambda migrator: migrator.down(steps=args.steps),
        done="reverted",
        nothing="nothing to revert: no migration is applied",
    )


def _change_schema(
    change: Callable[[Migrator], Awaitable[list[MigrationFile]]], *, done: str, nothing: str
) -> int:
    settings = settings_from_environment()

    async def run() -> list[MigrationFile]:
        async with (
            open_database(settings, migrate=True) as dsn,
            reported_privileges(dsn, fix=FIX_MIGRATING_ROLE),
        ):
            return await change(Migrator(dsn, schema=settings.schema))

    changed = asyncio.run(run())
    for item in changed:
        print(f"{done} {item.version:04d}_{item.name}")
    if not changed:
        print(nothing)
    return 0


def _migrate_status(_args: argparse.Namespace) -> int:
    settings = settings_from_environment()

    async def run() -> MigrationStatus:
        async with (
            open_database(settings, migrate=True) as dsn,
            reported_privileges(dsn, fix=FIX_MIGRATING_ROLE),
        ):
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
    settings = settings_from_environment()
    settings.require_keyring()

    def report(progress: RotationProgress) -> None:
        print(f"re-encrypted {progress.resealed} token(s); {progress.remaining} to go", flush=True)

    async def run() -> tuple[int, str]:
        async with open_database(settings) as dsn:
            keyring = settings.encryption_keys or development_keyring(
                settings.data_dir or embedded.default_data_dir()
            )
            async with open_cluster(settings, dsn) as cluster:
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
    settings = settings_from_environment()
    days, audit_days = settings.log_retention_days, settings.audit_retention_days
    today = datetime.now(UTC).date()
    keep_from, audit_keep_from = today - timedelta(days=days), today - timedelta(days=audit_days)

    async def run() -> Removed:
        async with open_database(settings) as dsn, open_cluster(settings, dsn) as cluster:
            clean = partial(
                cleanup, keep_from=keep_from, retention_days=days, audit_keep_from=audit_keep_from
            )
            return await cluster.run(Intent.WRITE, clean, deadline=Deadline.after(600))

    removed = asyncio.run(run())
    # A short-lived process: its count goes by OTLP (when configured) before it exits.
    observability = start_telemetry(settings.telemetry)
    observability.telemetry.partitions_dropped.add(
        len(removed.partitions) + len(removed.audit_partitions)
    )
    observability.shutdown()
    for name in removed.partitions + removed.audit_partitions:
        print(f"dropped partition {name}")
    print(
        f"kept request logs from {keep_from} on (DB_LOG_RETENTION_DAYS={days}); dropped "
        f"{len(removed.partitions)} partition(s); deleted {removed.applied_requests} usage "
        f"request id(s), {removed.rate_windows} rate-limit window(s), "
        f"{removed.retired_hashes} expired API key hash(es); kept audit events from "
        f"{audit_keep_from} on (DB_AUDIT_RETENTION_DAYS={audit_days}), dropped "
        f"{len(removed.audit_partitions)} audit partition(s); deleted "
        f"{removed.cache_entries} expired cache entr(y/ies), {removed.limit_windows} key "
        f"limit window(s) and {removed.reservations} finished key reservation(s)"
    )
    return 0


def _migrate_create(args: argparse.Namespace) -> int:
    up, down = create_files(args.dir or default_directory(), args.name)
    print(f"created {up}\ncreated {down}")
    return 0
