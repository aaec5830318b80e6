"""``dataaccess seed``: development data, written through the domain services."""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from dataaccess_server import embedded
from dataaccess_server.cli.context import open_cluster, open_database, settings_from_environment
from dataaccess_server.config import ConfigError, Settings
from dataaccess_server.db.api_keys import PostgresAPIKeyStore
from dataaccess_server.db.cluster import Cluster
from dataaccess_server.db.configs import PostgresConfigStore
from dataaccess_server.db.configs import channel_for as config_channel_for
from dataaccess_server.db.key_channel import channel_for
from dataaccess_server.db.key_policies import PostgresPolicyStore
from dataaccess_server.db.oauth_tokens import PostgresOAuthTokenStore
from dataaccess_server.db.request_logs import PostgresRequestLogStore
from dataaccess_server.db.usage import PostgresUsageStore
from dataaccess_server.domain.api_keys import APIKeyService
from dataaccess_server.domain.configs import ConfigService
from dataaccess_server.domain.key_cache import KeyCache
from dataaccess_server.domain.key_policies import Allowances
from dataaccess_server.domain.oauth_tokens import OAuthTokenService
from dataaccess_server.domain.pagination import PageSigner
from dataaccess_server.domain.request_logs import RequestLogService
from dataaccess_server.domain.seed import SeedRun, SeedServices, existing_data, seed, seeded_span
from dataaccess_server.domain.seed_data import TOKENS
from dataaccess_server.domain.usage import UsageService
from dataaccess_server.keyfile import development_keyring
from dataaccess_server.startup import prepare_schema

EXIT_REFUSED = 1
FORCE_HELP = (
    "seed a database that already has data. Nothing is duplicated: OAuth tokens are "
    "upserts (the same rows, with fresh expiries); API keys are found again by their "
    "request id (not re-created, so their plaintext is not shown again); usage and logs "
    "of hours seeded before are replayed and skipped (same request ids); only hours "
    "not seeded before are added; the config version is replayed by its request id"
)


def add_seed_command(commands: Any) -> None:
    """The ``seed`` subcommand, on the parser's subcommands."""
    command = commands.add_parser(
        "seed",
        help="load development data (tokens, API keys, usage, request logs, a config)",
        description=(
            "Load a small, realistic development data set into the database of "
            "DATABASE_URL, or the embedded one: 4 OAuth tokens (claude, gemini, codex), 3 "
            "API keys (printed once), and usage and request logs for every hour of the "
            "last --days days, so every analytics call has something to show, and the "
            "active config 'proxy'. Written "
            "through the service's own rules (sealed tokens, hashed keys, rollups). The "
            "schema must be current (applied here when DB_AUTO_MIGRATE is on, as it is "
            "for the embedded database). Refuses a database that already has data."
        ),
    )
    command.add_argument("--force", action="store_true", help=FORCE_HELP)
    command.add_argument(
        "--days", type=int, default=7, metavar="N", help="days of usage and logs (default 7)"
    )
    command.add_argument(
        "--end-date",
        type=_day,
        default=None,
        metavar="YYYY-MM-DD",
        help="the last day seeded, UTC (default: today, up to the current hour)",
    )
    command.set_defaults(handler=_seed)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from None


def first_day(settings: Settings, days: int, end_date: date | None, today: date) -> date:
    """The first day to seed; ConfigError naming the option for a span the service
    would refuse (in the future, or older than DB_LOG_RETENTION_DAYS keeps logs)."""
    end = end_date or today
    if end > today:
        raise ConfigError("--end-date", f"{end} is after today ({today}, UTC)")
    if days < 1:
        raise ConfigError("--days", "must be at least 1")
    start = end - timedelta(days=days - 1)
    oldest = today - timedelta(days=settings.log_retention_days)
    if start < oldest:
        raise ConfigError(
            "--days",
            f"the seeded days would start on {start}, but request logs are kept from "
            f"{oldest} on (DB_LOG_RETENTION_DAYS={settings.log_retention_days}): seed "
            "fewer or later days, or raise DB_LOG_RETENTION_DAYS",
        )
    return start


def _seed(args: argparse.Namespace) -> int:
    settings = settings_from_environment()
    settings.require_keyring()
    now = datetime.now(UTC)
    start = first_day(settings, args.days, args.end_date, now.date())

    async def run() -> SeedRun | list[str]:
        async with open_database(settings) as dsn:
            keyring = settings.encryption_keys or development_keyring(
                settings.data_dir or embedded.default_data_dir()
            )
            here = replace(settings, primary_dsn=dsn, encryption_keys=keyring)
            if settings.embedded:  # DB_MIGRATE_URL means nothing without DATABASE_URL
                here = replace(here, migrate_dsn=None)
            # The rule `serve` follows: migrate if DB_AUTO_MIGRATE, then the schema
            # must be current (StartupError saying what to run, if not).
            await prepare_schema(here)
            async with open_cluster(here, dsn) as cluster:
                services = _services(here, cluster)
                found = await existing_data(services)
                if found and not args.force:
                    return found
                return await seed(services, first_day=start, days=args.days, now=now)

    outcome = asyncio.run(run())
    if isinstance(outcome, list):
        print(
            f"dataaccess: refused: the database already has data ({', '.join(outcome)});"
            " `dataaccess seed --force` adds the seed data again, duplicating nothing",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    for line in describe_run(outcome):
        print(line, flush=True)
    return 0


def _services(settings: Settings, cluster: Cluster) -> SeedServices:
    """The services as ``serve`` wires them (app.py), over ``cluster``."""
    assert settings.encryption_keys is not None
    # The seed lists a row at most: its page tokens are never handed out.
    pages = PageSigner.ephemeral()
    return SeedServices(
        tokens=OAuthTokenService(PostgresOAuthTokenStore(cluster), settings.encryption_keys),
        keys=APIKeyService(
            PostgresAPIKeyStore(cluster, channel_for(settings.schema)),
            KeyCache(),
            pages=pages,
            allowances=Allowances(PostgresPolicyStore(cluster)),
        ),
        usage=UsageService(PostgresUsageStore(cluster), max_batch=settings.max_batch, pages=pages),
        logs=RequestLogService(
            PostgresRequestLogStore(cluster),
            max_batch=settings.max_batch,
            max_batch_days=settings.max_batch_days,
            retention_days=settings.log_retention_days,
            pages=pages,
        ),
        configs=ConfigService(
            PostgresConfigStore(cluster, config_channel_for(settings.schema)),
            pages=pages,
            max_bytes=settings.config_max_bytes,
        ),
    )


def describe_run(run: SeedRun) -> list[str]:
    """What ``seed`` prints: every new API key in full, once."""
    start, end = seeded_span(run)
    owners = ", ".join(f"{token.provider} {token.email}" for token in TOKENS)
    lines = [
        f"OAuth tokens: {run.tokens_created} created, {run.tokens_replaced} replaced ({owners})"
    ]
    if run.new_keys:
        lines.append(
            "API keys (shown only now, never again: only their SHA-256 is stored; "
            "keep the ones you need):"
        )
        for record, key in run.new_keys:
            limit = f"{record.rate_limit_per_minute}/min" if record.rate_limit_per_minute else "-"
            lines.append(f"  {record.name:<20} owner {record.owner_id:<15} {limit:<8} {key}")
    if run.kept_keys:
        kept = ", ".join(f"{r.name} ({r.key_prefix}…)" for r in run.kept_keys)
        lines.append(
            f"API keys an earlier seed created, kept (their plaintext was shown then): {kept}"
        )
    lines.extend(run.notes)
    lines.append(
        f"usage: {run.usage_applied} hourly batch(es) added, {run.usage_replayed} already "
        f"counted; request logs: {run.logs_inserted} inserted, {run.logs_duplicate} "
        f"already stored; from {start:%Y-%m-%dT%H:%MZ} to {end:%Y-%m-%dT%H:%MZ}"
    )
    return lines
