"""The development data set of ``dataaccess seed``, as domain inputs. Pure: no I/O.

Every figure is a function of the hour it falls in (a ``random.Random`` seeded by
:data:`SEED` and the hour's start), never of when the seed runs: seeding the same days
again yields the very same logs (same ``request_time`` and ``request_id``, so stored ones
are skipped as duplicates) and the very same usage batches (same ``request_id`` and
contents, so they are replayed, not added). Two seeds of empty databases over the same
days hold the same figures; only ids and the tokens' expiry times differ.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dataaccess_server.domain.model.api_keys import KeyInput
from dataaccess_server.domain.model.oauth_tokens import TokenInput
from dataaccess_server.domain.model.request_logs import LogInput
from dataaccess_server.domain.model.secret import Secret
from dataaccess_server.domain.model.usage import UsageInput

SEED = 16
"""Changing it changes every generated figure (and every generated request id)."""

# provider -> (model, share of the provider's traffic, median latency in ms)
MODELS: dict[str, tuple[tuple[str, float, int], ...]] = {
    "claude": (
        ("claude-sonnet-4-5", 0.6, 2400),
        ("claude-haiku-4-5", 0.3, 700),
        ("claude-opus-4-1", 0.1, 5200),
    ),
    "gemini": (("gemini-2.5-pro", 0.4, 3100), ("gemini-2.5-flash", 0.6, 900)),
    "codex": (("gpt-5-codex", 0.7, 4100), ("gpt-5-mini", 0.3, 1300)),
}
PROVIDER_SHARE = {"claude": 0.55, "gemini": 0.25, "codex": 0.2}
PATHS = {
    "claude": "/v1/messages",
    "gemini": "/v1beta/models:generateContent",
    "codex": "/v1/responses",
}
USER_AGENTS = ("claude-cli/2.0.14 (external, cli)", "gemini-cli/0.9.0", "codex_cli_rs/0.46.0")
# Requests per hour, by UTC hour of day: a working day's curve, never zero.
HOURLY = (3, 2, 2, 2, 3, 4, 6, 9, 13, 16, 18, 17, 15, 17, 18, 17, 15, 12, 9, 7, 6, 5, 4, 3)


@dataclass(frozen=True, slots=True)
class SeedToken:
    """An OAuth token of the seed; its expiry is relative to the seed's run."""

    provider: str
    user_id: str
    email: str
    expires_in: timedelta
    scopes: tuple[str, ...]

    @property
    def auth_id(self) -> str:
        """The auth id usage and logs carry for traffic on this token."""
        return f"{self.provider}-{self.user_id}"

    def token_input(self, now: datetime) -> TokenInput:
        """The upsert of this token as of ``now`` (fake, recognisable secrets)."""
        # Reproducible on purpose: development data, never a credential of anything.
        rng = random.Random(f"{SEED}:{self.auth_id}")  # noqa: S311
        return TokenInput(
            provider=self.provider,
            user_id=self.user_id,
            email=self.email,
            access_token=Secret(f"seed-access-{self.provider}-{rng.randbytes(18).hex()}"),
            refresh_token=Secret(f"seed-refresh-{self.provider}-{rng.randbytes(18).hex()}"),
            expiry_time=now + self.expires_in,
            scopes=self.scopes,
            metadata={"source": "dataaccess seed"},
            active=True,
        )


TOKENS = (
    SeedToken(
        "claude",
        "alice.nguyen",
        "alice.nguyen@acme.dev",
        timedelta(hours=7, minutes=40),
        ("user:inference", "user:profile"),
    ),
    SeedToken(
        "claude",
        "ravi.patel",
        "ravi.patel@acme.dev",
        timedelta(minutes=25),
        ("user:inference", "user:profile"),
    ),
    SeedToken(
        "gemini",
        "maria.garcia",
        "maria.garcia@acme.dev",
        timedelta(minutes=55),
        ("https://www.googleapis.com/auth/cloud-platform",),
    ),
    SeedToken(
        "codex",
        "jonas.weber",
        "jonas.weber@acme.dev",
        timedelta(days=9),
        ("openid", "profile", "email", "offline_access"),
    ),
)


@dataclass(frozen=True, slots=True)
class SeedKey:
    """An API key of the seed; ``request_id`` makes a second seed find it again."""

    settings: KeyInput
    share: float
    """The share of logged traffic that carries this key's id."""

    @property
    def request_id(self) -> str:
        """The CreateAPIKey request id: a forced seed reuses the key it created before."""
        return f"seed-{SEED}-key-{self.settings.name}"


KEYS = (
    SeedKey(
        KeyInput(
            name="gateway-production",
            description="The LLM proxy's production gateway",
            owner_id="team-platform",
            rate_limit_per_minute=600,
            metadata={"environment": "production", "source": "dataaccess seed"},
        ),
        0.8,
    ),
    SeedKey(
        KeyInput(
            name="usage-dashboard",
            description="Grafana dashboard (reads analytics)",
            owner_id="team-analytics",
            metadata={"environment": "production", "source": "dataaccess seed"},
        ),
        0.0,
    ),
    SeedKey(
        KeyInput(
            name="ci-smoke-tests",
            description="Nightly end-to-end tests of the proxy",
            owner_id="jonas.weber",
            metadata={"environment": "staging", "source": "dataaccess seed"},
        ),
        0.2,
    ),
)


CONFIG_NAME = "proxy"
"""The named configuration a config step of the seed (once ConfigService exists) stores."""
CONFIG_YAML = """\
# The LLM proxy's routing, as a development configuration.
providers:
  claude:
    models: [claude-sonnet-4-5, claude-haiku-4-5, claude-opus-4-1]
    timeout_seconds: 120
  gemini:
    models: [gemini-2.5-pro, gemini-2.5-flash]
    timeout_seconds: 90
  codex:
    models: [gpt-5-codex, gpt-5-mini]
    timeout_seconds: 180
retry:
  max_attempts: 3
  on_status: [429, 500, 529]
request_log:
  sample_rate: 1.0
"""


@dataclass(frozen=True, slots=True)
class SeedHour:
    """One hour of traffic: its logs and the usage they add up to."""

    start: datetime
    logs: tuple[LogInput, ...]
    usage: tuple[UsageInput, ...]

    @property
    def usage_request_id(self) -> str:
        """The UpsertUsage request id of this hour: a second seed replays it."""
        return f"seed-{SEED}-usage-{self.start:%Y%m%dT%H}"


def seed_hours(
    first_day: date, days: int, now: datetime, key_ids: tuple[str, ...]
) -> list[SeedHour]:
    """The hours of ``days`` days from ``first_day`` (UTC) that have begun by ``now``;
    ``key_ids`` are the ids of :data:`KEYS`' stored keys, in order."""
    start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=now.tzinfo)
    hours = []
    for offset in range(days * 24):
        hour = start + timedelta(hours=offset)
        if hour > now:
            break
        hours.append(_hour(hour, key_ids))
    return hours


def _hour(start: datetime, key_ids: tuple[str, ...]) -> SeedHour:
    rng = random.Random(f"{SEED}:{start.isoformat()}")  # noqa: S311 (figures, not secrets)
    count = max(1, round(HOURLY[start.hour] * rng.uniform(0.6, 1.4)))
    logs = []
    for n in range(count):
        provider = _pick(rng, PROVIDER_SHARE)
        model, _share, median = _pick_model(rng, provider)
        token = rng.choice([t for t in TOKENS if t.provider == provider])
        status = _status(rng)
        ok = status < 400
        latency = median * rng.lognormvariate(0, 0.45) if ok else rng.uniform(40, 900)
        input_tokens = round(rng.lognormvariate(7.6, 0.9)) if status != 429 else 0
        logs.append(
            LogInput(
                request_id=f"seed-{SEED}-{start:%Y%m%dT%H}-{n:03d}",
                request_time=start + timedelta(seconds=rng.randrange(3600)),
                provider=provider,
                model=model,
                auth_id=token.auth_id,
                api_key_id=_key_id(rng, key_ids),
                client_ip=f"10.20.{rng.randrange(1, 4)}.{rng.randrange(2, 250)}",
                user_agent=rng.choice(USER_AGENTS),
                method="POST",
                path=PATHS[provider],
                status_code=status,
                latency_ms=max(1, round(latency)),
                input_tokens=input_tokens,
                output_tokens=round(rng.lognormvariate(6.0, 0.8)) if ok else 0,
                error_message=_error(status),
            )
        )
    return SeedHour(start, tuple(logs), _usage(start, logs))


def _usage(start: datetime, logs: list[LogInput]) -> tuple[UsageInput, ...]:
    # What the proxy would have counted for these requests: per provider, model, auth.
    sums: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for log in logs:
        counters = sums[(log.provider, log.model, log.auth_id)]
        counters["request_count"] += 1
        counters["input_tokens"] += log.input_tokens
        counters["output_tokens"] += log.output_tokens
        counters["cached_tokens"] += log.input_tokens * 3 // 5
        if log.model in ("gpt-5-codex", "gemini-2.5-pro", "claude-opus-4-1"):
            counters["reasoning_tokens"] += log.output_tokens // 2
        counters["success_count" if log.status_code < 400 else "error_count"] += 1
    day = start.date().isoformat()
    return tuple(
        UsageInput(provider=p, model=m, auth_id=a, date=day, counters=dict(counters))
        for (p, m, a), counters in sorted(sums.items())
    )


def _pick(rng: random.Random, shares: dict[str, float]) -> str:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def _pick_model(rng: random.Random, provider: str) -> tuple[str, float, int]:
    models = MODELS[provider]
    return rng.choices(models, weights=[share for _m, share, _l in models])[0]


def _status(rng: random.Random) -> int:
    roll = rng.random()
    return 200 if roll < 0.93 else 429 if roll < 0.97 else 500 if roll < 0.99 else 529


def _key_id(rng: random.Random, key_ids: tuple[str, ...]) -> str:
    roll = rng.random()
    for key, key_id in zip(KEYS, key_ids, strict=True):
        if roll < key.share:
            return key_id
        roll -= key.share
    return ""


def _error(status: int) -> str:
    return {
        429: "rate_limit_error: upstream rate limit reached",
        500: "api_error: internal server error",
        529: "overloaded_error: upstream overloaded",
    }.get(status, "")
