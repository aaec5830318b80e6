"""``dataaccess callers``: bearer credentials of callers without client certificates."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import socket
import sys
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from dataaccess_server.cli.context import open_cluster, open_database, settings_from_environment
from dataaccess_server.config import Settings
from dataaccess_server.db.audit import PostgresAuditStore
from dataaccess_server.db.callers import PostgresCallerStore
from dataaccess_server.db.cluster import Cluster
from dataaccess_server.db.key_channel import channel_for
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.audit import AuditTrail
from dataaccess_server.domain.callers import CallerDirectory
from dataaccess_server.domain.key_cache import KeyCache
from dataaccess_server.domain.model.access import AuditEvent, CallerCredential
from dataaccess_server.domain.pagination import PageSigner
from dataaccess_server.errors import InvalidArgumentError, NotFoundError


def add_callers_commands(commands: Any) -> None:
    """The ``callers`` subcommand and its actions, on the parser's subcommands."""
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
    settings = settings_from_environment()

    async def run() -> Sequence[CallerCredential]:
        async with open_database(settings) as dsn, open_cluster(settings, dsn) as cluster:
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
    settings = settings_from_environment()

    async def run() -> None:
        async with open_database(settings) as dsn, open_cluster(settings, dsn) as cluster:
            # It only records here: a list's page tokens would need the deployment's key.
            audit = AuditTrail(PostgresAuditStore(cluster), pages=PageSigner.ephemeral())
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
