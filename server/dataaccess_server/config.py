"""Settings: one frozen object built from the environment and validated at start-up.

Variable names follow the reference design operators already use (``DATABASE_URL``,
``DB_POOL_MAX_CONNS``, ...). A bad value raises :class:`ConfigError` naming the variable;
the CLI turns it into one line on stderr and exit code 2.

Durations accept a plain number of seconds (``30``, ``0.5``) or Go-style units
(``1500ms``, ``30s``, ``5m``, ``1h``, ``1h30m``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dataaccess_server.db.conninfo import DsnError, validate_dsn
from dataaccess_server.db.pool import PoolSettingError, PoolSettings
from dataaccess_server.domain.crypto import Keyring, KeyringError


class ConfigError(Exception):
    """A configuration variable has a bad value."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the service reads from its environment."""

    primary_dsn: str | None
    """``DATABASE_URL`` / ``DB_PRIMARY``; ``None`` selects the embedded database."""
    replica_dsns: tuple[str, ...] = ()
    schema: str = "public"
    pool: PoolSettings = field(default_factory=PoolSettings)
    auto_migrate: bool = False
    monitor_interval: float = 1.0
    replica_max_lag: float = 5.0
    default_deadline: float = 10.0
    key_negative_ttl: float = 2.0
    max_batch: int = 10_000
    log_retention_days: int = 30
    log_partitions_ahead: int = 3
    analytics_max_days: int = 366
    last_used_flush: float = 5.0
    listen: str = "127.0.0.1:50051"
    shutdown_grace: float = 15.0
    startup_timeout: float = 60.0
    data_dir: Path | None = None
    """Embedded mode only: where the private PostgreSQL keeps its data."""
    embedded_pg_major: int = 18
    log_level: str = "INFO"
    log_format: str = "text"
    encryption_keys: Keyring | None = None
    """``DATAACCESS_ENCRYPTION_KEYS``; in embedded mode a development key stands in."""
    migrate_dsn: str | None = None
    """``DB_MIGRATE_URL``: the owner role that applies migrations; None: the primary's."""
    app_role: str | None = None
    """``DB_APP_ROLE``: the server's DML-only role, granted its privileges by migrate."""
    readonly_role: str | None = None
    """``DB_READONLY_ROLE``: a role granted SELECT by migrate (replicas, analytics)."""

    @property
    def embedded(self) -> bool:
        """True when no database is configured and a private one is started."""
        return self.primary_dsn is None

    @property
    def migration_dsn(self) -> str | None:
        """The DSN migrations run on: ``DB_MIGRATE_URL``, else the primary's."""
        return self.migrate_dsn or self.primary_dsn

    def require_keyring(self) -> None:
        """ConfigError unless a keyring is configured or the embedded database (with its
        development key) is used: secrets are never stored unencrypted."""
        if self.encryption_keys is None and not self.embedded:
            raise ConfigError(
                "DATAACCESS_ENCRYPTION_KEYS",
                "is required outside the embedded development database: give id:base64key"
                " entries (32 random bytes each, e.g. `openssl rand -base64 32`)",
            )


# The variables this module reads, for documentation and `dataaccess serve --help`.
VARIABLES: dict[str, str] = {
    "DATABASE_URL": "primary PostgreSQL DSN (URI or key=value); unset: embedded database",
    "DB_PRIMARY": "same as DATABASE_URL (set one, or both to the same value)",
    "DB_REPLICAS": "comma-separated DSNs of streaming replicas",
    "DB_SCHEMA": "schema holding every table (default public)",
    "DB_POOL_MAX_CONNS": "connections per node, at most (default 20)",
    "DB_POOL_MIN_CONNS": "connections per node kept open (default 5)",
    "DB_POOL_MAX_CONN_LIFETIME": "a connection is replaced after this long (default 3600s)",
    "DB_POOL_MAX_CONN_IDLE_TIME": "an idle connection above the minimum is closed (default 1800s)",
    "DB_POOL_HEALTH_CHECK": "idle connections are checked this often (default 60s)",
    "DB_POOL_TIMEOUT": "longest wait for a pooled connection (default 5s)",
    "DB_MONITOR_INTERVAL": "each node is probed this often for health (default 1s)",
    "DB_REPLICA_MAX_LAG": "a replica further behind leaves read rotation (default 5s)",
    "DB_AUTO_MIGRATE": "serve applies pending migrations (default: true if embedded)",
    "DB_MIGRATE_URL": "DSN of the owner role migrations run as (default DATABASE_URL)",
    "DB_APP_ROLE": "the server's DML-only role; migrate grants it what the server needs",
    "DB_READONLY_ROLE": "a role migrate grants SELECT on every table (replicas, analytics)",
    "DATAACCESS_LISTEN": "gRPC listen address host:port (default 127.0.0.1:50051)",
    "DATAACCESS_DEFAULT_DEADLINE": "deadline of a call that sets none (default 10s)",
    "DATAACCESS_KEY_NEGATIVE_TTL": "unknown API keys are remembered this long (default 2s)",
    "DATAACCESS_LAST_USED_FLUSH": "API key last-used times are written this often (5s)",
    "DB_LOG_RETENTION_DAYS": "cleanup drops request logs older than this (default 30)",
    "DB_LOG_PARTITIONS_AHEAD": "daily log partitions kept created ahead of today (default 3)",
    "DATAACCESS_ANALYTICS_MAX_DAYS": "longest range an analytics call may ask for (366)",
    "DATAACCESS_MAX_BATCH": "most records one batch call may carry (default 10000)",
    "DATAACCESS_SHUTDOWN_GRACE": "in-flight calls get this long to finish on SIGTERM (15s)",
    "DATAACCESS_STARTUP_TIMEOUT": "how long serve waits for the primary at start (60s)",
    "DATAACCESS_DATA_DIR": "embedded database directory (default: per-user data dir)",
    "DATAACCESS_EMBEDDED_PG_MAJOR": "embedded PostgreSQL major version, 18 or 16 (default 18)",
    "DATAACCESS_ENCRYPTION_KEYS": "keyring id:base64key,... (first encrypts; all decrypt)",
    "DATAACCESS_LOG_LEVEL": "DEBUG, INFO, WARNING or ERROR (default INFO)",
    "DATAACCESS_LOG_FORMAT": "text or json (default text)",
}

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_DURATION_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_ROLE_NAME = _SCHEMA_NAME  # unquoted, so the name operators type in SQL is this one
_LISTEN = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(?P<port>\d{1,5})")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def parse_duration(variable: str, text: str) -> float:
    """Seconds in ``text`` (``30``, ``0.5``, ``1500ms``, ``1h30m``); ConfigError if malformed."""
    text = text.strip()
    try:
        return float(text) if re.fullmatch(r"\d+(?:\.\d+)?", text) else _parse_units(text)
    except ValueError:
        raise ConfigError(
            variable, f"must be a duration like 30, 30s, 1500ms, 5m or 1h, got {text!r}"
        ) from None


def _parse_units(text: str) -> float:
    position, total = 0, 0.0
    for match in _DURATION_PART.finditer(text):
        if match.start() != position:
            raise ValueError(text)
        total += float(match.group(1)) * _DURATION_UNITS[match.group(2)]
        position = match.end()
    if position == 0 or position != len(text):
        raise ValueError(text)
    return total


class _Reader:
    """Reads typed values from an environment mapping; empty counts as unset."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env

    def raw(self, name: str) -> str | None:
        value = self._env.get(name)
        return value if value is not None and value.strip() != "" else None

    def integer(self, name: str, default: int, *, minimum: int, maximum: int) -> int:
        text = self.raw(name)
        if text is None:
            return default
        try:
            value = int(text.strip())
        except ValueError:
            raise ConfigError(name, f"must be a whole number, got {text!r}") from None
        if not minimum <= value <= maximum:
            raise ConfigError(name, f"must be between {minimum} and {maximum}, got {value}")
        return value

    def duration(self, name: str, default: float, *, minimum: float = 0.001) -> float:
        text = self.raw(name)
        if text is None:
            return default
        value = parse_duration(name, text)
        if value < minimum:
            raise ConfigError(name, f"must be at least {minimum:g}s, got {text!r}")
        return value

    def boolean(self, name: str, default: bool) -> bool:
        text = self.raw(name)
        if text is None:
            return default
        if text.strip().lower() in _TRUE:
            return True
        if text.strip().lower() in _FALSE:
            return False
        raise ConfigError(name, f"must be true or false, got {text!r}")

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        text = self.raw(name)
        if text is None:
            return default
        value = text.strip()
        normalized = value.upper() if choices[0].isupper() else value.lower()
        if normalized not in choices:
            raise ConfigError(name, f"must be one of {', '.join(choices)}, got {value!r}")
        return normalized

    def dsn(self, name: str, text: str) -> str:
        try:
            validate_dsn(text)
        except DsnError as exc:
            raise ConfigError(name, str(exc)) from None
        return text.strip()


def load_settings(env: Mapping[str, str]) -> Settings:
    """Build and validate the settings from ``env`` (normally ``os.environ``).

    Raises ConfigError naming the first variable with a bad value.
    """
    read = _Reader(env)
    primary = _primary_dsn(read)
    replicas: tuple[str, ...] = ()
    replicas_text = read.raw("DB_REPLICAS")
    if replicas_text is not None:
        parts = [part.strip() for part in replicas_text.split(",")]
        if any(part == "" for part in parts):
            raise ConfigError("DB_REPLICAS", "has an empty entry (stray comma?)")
        replicas = tuple(read.dsn("DB_REPLICAS", part) for part in parts)
        if primary is None:
            raise ConfigError("DB_REPLICAS", "needs DATABASE_URL (or DB_PRIMARY) as well")

    schema = (read.raw("DB_SCHEMA") or "public").strip()
    if not _SCHEMA_NAME.fullmatch(schema) or schema.startswith("pg_"):
        raise ConfigError(
            "DB_SCHEMA",
            "must be a lowercase identifier of at most 63 letters, digits or underscores,"
            f" not starting with a digit or pg_, got {schema!r}",
        )

    pool = _pool_settings(read)
    listen = (read.raw("DATAACCESS_LISTEN") or "127.0.0.1:50051").strip()
    match = _LISTEN.fullmatch(listen)
    if match is None or int(match.group("port")) > 65535:
        raise ConfigError(
            "DATAACCESS_LISTEN", f"must be host:port with a port up to 65535, got {listen!r}"
        )

    data_dir_text = read.raw("DATAACCESS_DATA_DIR")
    data_dir = Path(data_dir_text).expanduser() if data_dir_text else None
    if data_dir is not None and primary is not None:
        raise ConfigError(
            "DATAACCESS_DATA_DIR", "only applies to the embedded database (DATABASE_URL is set)"
        )
    major_text = read.choice("DATAACCESS_EMBEDDED_PG_MAJOR", "18", ("18", "16"))
    migrate_text = read.raw("DB_MIGRATE_URL")
    if migrate_text is not None and primary is None:
        # The embedded database's DSN is made at start: there is nothing else to migrate.
        raise ConfigError(
            "DB_MIGRATE_URL",
            "only applies with DATABASE_URL: the embedded database is migrated as its superuser",
        )
    app_role = _role(read, "DB_APP_ROLE")
    readonly_role = _role(read, "DB_READONLY_ROLE")
    if readonly_role is not None and readonly_role == app_role:
        raise ConfigError("DB_READONLY_ROLE", "must differ from DB_APP_ROLE")

    return Settings(
        primary_dsn=primary,
        replica_dsns=replicas,
        schema=schema,
        pool=pool,
        auto_migrate=read.boolean("DB_AUTO_MIGRATE", primary is None),
        monitor_interval=read.duration("DB_MONITOR_INTERVAL", 1.0, minimum=0.05),
        replica_max_lag=read.duration("DB_REPLICA_MAX_LAG", 5.0),
        default_deadline=read.duration("DATAACCESS_DEFAULT_DEADLINE", 10.0),
        key_negative_ttl=read.duration("DATAACCESS_KEY_NEGATIVE_TTL", 2.0, minimum=0.0),
        max_batch=read.integer("DATAACCESS_MAX_BATCH", 10_000, minimum=1, maximum=100_000),
        log_retention_days=read.integer("DB_LOG_RETENTION_DAYS", 30, minimum=1, maximum=36_500),
        log_partitions_ahead=read.integer("DB_LOG_PARTITIONS_AHEAD", 3, minimum=0, maximum=366),
        analytics_max_days=read.integer(
            "DATAACCESS_ANALYTICS_MAX_DAYS", 366, minimum=1, maximum=36_500
        ),
        last_used_flush=read.duration("DATAACCESS_LAST_USED_FLUSH", 5.0, minimum=0.1),
        listen=listen,
        shutdown_grace=read.duration("DATAACCESS_SHUTDOWN_GRACE", 15.0, minimum=0.0),
        startup_timeout=read.duration("DATAACCESS_STARTUP_TIMEOUT", 60.0),
        data_dir=data_dir,
        embedded_pg_major=int(major_text),
        log_level=read.choice(
            "DATAACCESS_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")
        ),
        log_format=read.choice("DATAACCESS_LOG_FORMAT", "text", ("text", "json")),
        encryption_keys=_keyring(read),
        migrate_dsn=read.dsn("DB_MIGRATE_URL", migrate_text) if migrate_text else None,
        app_role=app_role,
        readonly_role=readonly_role,
    )


def _role(read: _Reader, name: str) -> str | None:
    text = read.raw(name)
    if text is None:
        return None
    role = text.strip()
    if not _ROLE_NAME.fullmatch(role) or role.startswith("pg_") or role == "public":
        raise ConfigError(
            name,
            "must be a lowercase role name of at most 63 letters, digits or underscores,"
            f" not starting with a digit or pg_, and not public, got {role!r}",
        )
    return role


# The variable each PoolSettings field is read from, to name it when the settings refuse it.
_POOL_VARIABLES = {
    "min_size": "DB_POOL_MIN_CONNS",
    "max_size": "DB_POOL_MAX_CONNS",
    "max_lifetime": "DB_POOL_MAX_CONN_LIFETIME",
    "max_idle": "DB_POOL_MAX_CONN_IDLE_TIME",
    "health_check_interval": "DB_POOL_HEALTH_CHECK",
    "timeout": "DB_POOL_TIMEOUT",
}


def _pool_settings(read: _Reader) -> PoolSettings:
    # The reader enforces each variable's own bounds; PoolSettings, how they relate
    # (no more connections kept open than allowed at most).
    max_size = read.integer("DB_POOL_MAX_CONNS", 20, minimum=1, maximum=10_000)
    try:
        return PoolSettings(
            min_size=read.integer("DB_POOL_MIN_CONNS", min(5, max_size), minimum=0, maximum=10_000),
            max_size=max_size,
            max_lifetime=read.duration("DB_POOL_MAX_CONN_LIFETIME", 3600.0, minimum=1.0),
            max_idle=read.duration("DB_POOL_MAX_CONN_IDLE_TIME", 1800.0, minimum=1.0),
            health_check_interval=read.duration("DB_POOL_HEALTH_CHECK", 60.0, minimum=0.1),
            timeout=read.duration("DB_POOL_TIMEOUT", 5.0),
        )
    except PoolSettingError as exc:
        raise ConfigError(_POOL_VARIABLES[exc.field], exc.problem) from None


def _keyring(read: _Reader) -> Keyring | None:
    text = read.raw("DATAACCESS_ENCRYPTION_KEYS")
    if text is None:
        return None
    try:
        return Keyring.parse(text)
    except KeyringError as exc:
        raise ConfigError("DATAACCESS_ENCRYPTION_KEYS", str(exc)) from None


def _primary_dsn(read: _Reader) -> str | None:
    url, primary = read.raw("DATABASE_URL"), read.raw("DB_PRIMARY")
    if url is not None and primary is not None and url.strip() != primary.strip():
        raise ConfigError("DB_PRIMARY", "differs from DATABASE_URL; set one of them")
    if primary is not None:
        return read.dsn("DB_PRIMARY", primary)
    if url is not None:
        return read.dsn("DATABASE_URL", url)
    return None
