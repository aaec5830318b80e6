"""Loading the development data set (:mod:`.seed_data`) through the domain services, so
it is exactly what the API would have stored: tokens sealed under the keyring, keys
hashed, log rollups maintained by ingest, usage counted once per request id.

The seed is a sequence of steps (:data:`STEPS`), one per kind of data, each an async
function of the services and the run. A new kind of data is one more step, one more
service in :class:`SeedServices` and one more look in :func:`existing_data`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import groupby

from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.api_keys import APIKeyService
from dataaccess_server.domain.configs import ConfigService
from dataaccess_server.domain.model.api_keys import APIKey, KeyQuery
from dataaccess_server.domain.model.configs import ConfigListQuery
from dataaccess_server.domain.model.oauth_tokens import TokenQuery
from dataaccess_server.domain.model.request_logs import LogColumns, LogQuery
from dataaccess_server.domain.model.usage import UsageQuery
from dataaccess_server.domain.oauth_tokens import OAuthTokenService
from dataaccess_server.domain.request_logs import RequestLogService
from dataaccess_server.domain.seed_data import CONFIG_NAME, CONFIG_YAML, KEYS, TOKENS, seed_hours
from dataaccess_server.domain.usage import UsageService

CALL_TIMEOUT = 60.0
"""Seconds each write of the seed may take (a day of logs is one batch)."""
SEED_ACTOR = "dataaccess seed"
"""Who the seed's config version says created it."""
SEED_CONFIG_REQUEST_ID = "seed-16-config"


@dataclass(frozen=True, slots=True)
class SeedServices:
    """The domain services the seed writes through."""

    tokens: OAuthTokenService
    keys: APIKeyService
    usage: UsageService
    logs: RequestLogService
    configs: ConfigService


@dataclass(slots=True)
class SeedRun:
    """One run of the seed: what it covers, and what each step did."""

    first_day: date
    days: int
    now: datetime
    tokens_created: int = 0
    tokens_replaced: int = 0
    new_keys: list[tuple[APIKey, str]] = field(default_factory=list)
    """Keys created by this run, with their plaintext (to be shown once)."""
    kept_keys: list[APIKey] = field(default_factory=list)
    """Keys an earlier seed created (same request id): their plaintext is gone."""
    logs_inserted: int = 0
    logs_duplicate: int = 0
    usage_applied: int = 0
    usage_replayed: int = 0
    notes: list[str] = field(default_factory=list)
    """One line per thing a further step did (printed as is): a step of its own kind of
    data reports here, with no field of its own."""


SeedStep = Callable[[SeedServices, SeedRun], Awaitable[None]]


async def existing_data(services: SeedServices) -> list[str]:
    """What the database already holds, by kind ("OAuth tokens", ...); empty if nothing.

    Each look reads one row through the service's own list call.
    """

    def deadline() -> Deadline:
        return Deadline.after(CALL_TIMEOUT)

    found = []
    if (await services.tokens.list(TokenQuery(page_size=1), deadline()))[0]:
        found.append("OAuth tokens")
    keys = KeyQuery(include_revoked=True, include_expired=True, page_size=1)
    if (await services.keys.list(keys, deadline()))[0]:
        found.append("API keys")
    if (await services.usage.list(UsageQuery(page_size=1), deadline()))[0]:
        found.append("usage")
    if (await services.logs.list(LogQuery(page_size=1), deadline()))[0]:
        found.append("request logs")
    if (await services.configs.list(ConfigListQuery(CONFIG_NAME, page_size=1), deadline()))[0]:
        found.append(f"config {CONFIG_NAME!r}")
    return found


async def seed_tokens(services: SeedServices, run: SeedRun) -> None:
    """Upsert the OAuth tokens: a second seed replaces the same rows."""
    for token in TOKENS:
        written = await services.tokens.upsert(
            token.token_input(run.now), Deadline.after(CALL_TIMEOUT)
        )
        if written.created:
            run.tokens_created += 1
        else:
            run.tokens_replaced += 1


async def seed_keys(services: SeedServices, run: SeedRun) -> None:
    """Create the API keys, each under its request id: a second seed finds the key it
    created before (and cannot show it again) rather than adding another."""
    for key in KEYS:
        record, plaintext = await services.keys.create(
            key.settings, key.request_id, Deadline.after(CALL_TIMEOUT)
        )
        if plaintext is None:
            run.kept_keys.append(record)
        else:
            run.new_keys.append((record, plaintext))


async def seed_traffic(services: SeedServices, run: SeedRun) -> None:
    """Usage (one batch per hour, under the hour's request id) and request logs (one
    batch per day), generated from the same requests so the two agree."""
    key_ids = tuple(record.id for record in _keys_in_order(run))
    hours = seed_hours(run.first_day, run.days, run.now, key_ids)
    for hour in hours:
        result = await services.usage.upsert(
            hour.usage, hour.usage_request_id, Deadline.after(CALL_TIMEOUT)
        )
        if result.replayed:
            run.usage_replayed += 1
        else:
            run.usage_applied += 1
    for _day, day_hours in groupby(hours, key=lambda hour: hour.start.date()):
        logs = [log for hour in day_hours for log in hour.logs]
        ingested = await services.logs.insert(LogColumns.of(logs), Deadline.after(CALL_TIMEOUT))
        run.logs_inserted += ingested.inserted
        run.logs_duplicate += ingested.duplicates


async def seed_config(services: SeedServices, run: SeedRun) -> None:
    """Store the proxy's development config as a version and activate it, under a request
    id: a second seed replays it rather than adding a version."""
    created = await services.configs.create(
        CONFIG_NAME,
        CONFIG_YAML,
        request_id=SEED_CONFIG_REQUEST_ID,
        activate=True,
        created_by=SEED_ACTOR,
        deadline=Deadline.after(CALL_TIMEOUT),
    )
    version = created.config.version
    if created.replayed:
        run.notes.append(f"config {CONFIG_NAME!r}: version {version}, stored by an earlier seed")
    else:
        run.notes.append(f"config {CONFIG_NAME!r}: version {version} created and active")


# Order matters: traffic names the keys' ids, so keys come first.
STEPS: tuple[SeedStep, ...] = (seed_tokens, seed_keys, seed_traffic, seed_config)


async def seed(services: SeedServices, *, first_day: date, days: int, now: datetime) -> SeedRun:
    """Load the data set over ``days`` days from ``first_day`` (hours up to ``now``).

    Safe to run again: tokens are upserted, keys found by request id, usage replayed by
    request id, logs skipped as duplicates. Raises what the services raise
    (InvalidArgumentError for a day the log retention refuses, UnavailableError).
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    run = SeedRun(first_day=first_day, days=days, now=now)
    for step in STEPS:
        await step(services, run)
    return run


def seeded_span(run: SeedRun) -> tuple[datetime, datetime]:
    """The half-open time range the run's traffic covers."""
    start = datetime(
        run.first_day.year, run.first_day.month, run.first_day.day, tzinfo=run.now.tzinfo
    )
    return start, min(start + timedelta(days=run.days), run.now)


def _keys_in_order(run: SeedRun) -> list[APIKey]:
    by_name = {record.name: record for record, _key in run.new_keys}
    by_name.update({record.name: record for record in run.kept_keys})
    return [by_name[key.settings.name] for key in KEYS]
