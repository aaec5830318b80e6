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

from dataaccess_server.api.limits import CallLimits
from dataaccess_server.api.tls import TLSFileError, TLSFiles, check_tls_files
from dataaccess_server.config.access import access_policy, auth_mode
from dataaccess_server.config.cache import CacheSettings, read_cache_settings
from dataaccess_server.config.limits import read_call_limits
from dataaccess_server.config.rollup_fold import RollupFoldSettings, read_rollup_fold_settings
from dataaccess_server.config.telemetry import TelemetrySettings, read_telemetry
from dataaccess_server.config.variables import VARIABLES
from dataaccess_server.config.workers import read_workers
from dataaccess_server.db.conninfo import DsnError, validate_dsn
from dataaccess_server.db.pool import PoolSettingError, PoolSettings
from dataaccess_server.domain.access import AccessPolicy
from dataaccess_server.domain.crypto import Keyring, KeyringError

__all__ = ["VARIABLES", "ConfigError", "Settings", "load_settings", "parse_duration"]


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
    max_batch_days: int = 3
    """``DATAACCESS_MAX_BATCH_DAYS``: distinct days one log batch (or stream chunk) touches."""
    log_retention_days: int = 30
    log_partitions_ahead: int = 3
    analytics_max_days: int = 366
    last_used_flush: float = 5.0
    config_max_bytes: int = 1024 * 1024
    """``DATAACCESS_CONFIG_MAX_BYTES``: the largest YAML text of one config version."""
    listen: str = "127.0.0.1:50051"
    tls: TLSFiles | None = None
    """``DATAACCESS_TLS_*``: TLS (mTLS with a client CA) on ``listen``; None: plaintext."""
    health_listen: str | None = None
    """``DATAACCESS_HEALTH_LISTEN``: a plaintext listener serving only grpc.health.v1."""
    shutdown_grace: float = 15.0
    startup_timeout: float = 60.0
    data_dir: Path | None = None
    """Embedded mode only: where the private PostgreSQL keeps its data."""
    embedded_pg_major: int = 18
    log_level: str = "INFO"
    log_format: str = "text"
    encryption_keys: Keyring | None = None
    """``DATAACCESS_ENCRYPTION_KEYS``; in embedded mode a development key stands in."""
    telemetry: TelemetrySettings = field(default_factory=TelemetrySettings)
    """``OTEL_*``, ``DATAACCESS_METRICS_LISTEN``, ``DB_SLOW_QUERY_THRESHOLD``."""
    auth: str | None = None
    """``DATAACCESS_AUTH``: "on", "none", or None when unset (serve then refuses to start
    outside the open development mode). A policy file or a client CA implies "on"."""
    access_policy: AccessPolicy = field(default_factory=AccessPolicy)
    """``DATAACCESS_AUTHZ_POLICY``: roles and the roles of certificate identities."""
    reflection_public: bool = False
    audit_retention_days: int = 365
    limits: CallLimits = field(default_factory=CallLimits)
    cache: CacheSettings = field(default_factory=CacheSettings)
    """``DATAACCESS_CACHE_*``: the cache's limits and sweep period."""
    rollup_fold: RollupFoldSettings = field(default_factory=RollupFoldSettings)
    workers: int = 1
    """``DATAACCESS_WORKERS``: server processes sharing the port (1: no supervisor)."""

    migrate_dsn: str | None = None
    """``DB_MIGRATE_URL``: the owner role that applies migrations; None: the primary's."""
    app_role: str | None = None
    """``DB_APP_ROLE``: the server's DML-only role, granted its privileges by migrate."""
    readonly_role: str | None = None
    """``DB_READONLY_ROLE``: a role granted SELECT by migrate (replicas, analytics)."""

    @property
    def authenticating(self) -> bool:
        """Whether callers must prove who they are."""
        return self.auth == "on"

    @property
    def open_development_mode(self) -> bool:
        """The embedded database, listening on loopback only: may run without auth."""
        host = self.listen.rsplit(":", 1)[0].strip("[]")
        return self.embedded and host in ("127.0.0.1", "localhost", "::1")

    def require_auth(self) -> None:
        """ConfigError unless authentication is configured, explicitly off, or this is
        the open development mode: a service holding secrets is never open by accident."""
        if self.auth is None and not self.open_development_mode:
            raise ConfigError(
                "DATAACCESS_AUTH",
                "authentication is not configured: set DATAACCESS_AUTH=on (bearer"
                " credentials from `dataaccess callers create`; client certificates with"
                " DATAACCESS_TLS_CLIENT_CA and DATAACCESS_AUTHZ_POLICY), or"
                " DATAACCESS_AUTH=none if the network alone is trusted",
            )

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
    listen = _listen_address(
        "DATAACCESS_LISTEN", read.raw("DATAACCESS_LISTEN") or "127.0.0.1:50051"
    )
    health_text = read.raw("DATAACCESS_HEALTH_LISTEN")
    health_listen = (
        _listen_address("DATAACCESS_HEALTH_LISTEN", health_text) if health_text else None
    )
    if health_listen == listen and not listen.endswith(":0"):
        raise ConfigError(
            "DATAACCESS_HEALTH_LISTEN", f"must differ from DATAACCESS_LISTEN ({listen})"
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

    max_batch = read.integer("DATAACCESS_MAX_BATCH", 10_000, minimum=1, maximum=100_000)
    limits = read_call_limits(read, max_batch=max_batch)
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
        max_batch=max_batch,
        max_batch_days=read.integer("DATAACCESS_MAX_BATCH_DAYS", 3, minimum=1, maximum=366),
        log_retention_days=read.integer("DB_LOG_RETENTION_DAYS", 30, minimum=1, maximum=36_500),
        log_partitions_ahead=read.integer("DB_LOG_PARTITIONS_AHEAD", 3, minimum=0, maximum=366),
        analytics_max_days=read.integer(
            "DATAACCESS_ANALYTICS_MAX_DAYS", 366, minimum=1, maximum=36_500
        ),
        last_used_flush=read.duration("DATAACCESS_LAST_USED_FLUSH", 5.0, minimum=0.1),
        config_max_bytes=read.integer(
            "DATAACCESS_CONFIG_MAX_BYTES", 1024 * 1024, minimum=1024, maximum=64 * 1024 * 1024
        ),
        listen=listen,
        tls=_tls_files(read),
        health_listen=health_listen,
        shutdown_grace=read.duration("DATAACCESS_SHUTDOWN_GRACE", 15.0, minimum=0.0),
        startup_timeout=read.duration("DATAACCESS_STARTUP_TIMEOUT", 60.0),
        data_dir=data_dir,
        embedded_pg_major=int(major_text),
        log_level=read.choice(
            "DATAACCESS_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")
        ),
        log_format=read.choice("DATAACCESS_LOG_FORMAT", "text", ("text", "json")),
        encryption_keys=_keyring(read),
        auth=auth_mode(read),
        access_policy=access_policy(read),
        reflection_public=read.choice(
            "DATAACCESS_REFLECTION", "authenticated", ("authenticated", "public")
        )
        == "public",
        audit_retention_days=read.integer(
            "DB_AUDIT_RETENTION_DAYS", 365, minimum=1, maximum=36_500
        ),
        migrate_dsn=read.dsn("DB_MIGRATE_URL", migrate_text) if migrate_text else None,
        app_role=app_role,
        readonly_role=readonly_role,
        limits=limits,
        cache=read_cache_settings(read, max_message_bytes=limits.max_message_bytes),
        rollup_fold=read_rollup_fold_settings(read),
        telemetry=read_telemetry(read),
        workers=read_workers(read),
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
    "statement_timeout": "DB_STATEMENT_TIMEOUT",
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
            statement_timeout=read.duration("DB_STATEMENT_TIMEOUT", 30.0, minimum=0.001),
        )
    except PoolSettingError as exc:
        raise ConfigError(_POOL_VARIABLES[exc.field], exc.problem) from None


def _listen_address(variable: str, text: str) -> str:
    listen = text.strip()
    match = _LISTEN.fullmatch(listen)
    if match is None or int(match.group("port")) > 65535:
        raise ConfigError(variable, f"must be host:port with a port up to 65535, got {listen!r}")
    return listen


def _tls_files(read: _Reader) -> TLSFiles | None:
    # The files are checked now, so that a bad one stops start-up with a line naming its
    # variable; later changes on disk are checked by the server as it reloads them.
    cert, key = read.raw("DATAACCESS_TLS_CERT"), read.raw("DATAACCESS_TLS_KEY")
    client_ca = read.raw("DATAACCESS_TLS_CLIENT_CA")
    if cert is None and key is None:
        if client_ca is not None:
            raise ConfigError(
                "DATAACCESS_TLS_CLIENT_CA",
                "needs DATAACCESS_TLS_CERT and DATAACCESS_TLS_KEY (mTLS is TLS first)",
            )
        return None
    if cert is None or key is None:
        missing = "DATAACCESS_TLS_CERT" if cert is None else "DATAACCESS_TLS_KEY"
        given = "DATAACCESS_TLS_KEY" if cert is None else "DATAACCESS_TLS_CERT"
        raise ConfigError(missing, f"is required when {given} is set (set both or neither)")
    files = TLSFiles(
        cert=Path(cert.strip()).expanduser(),
        key=Path(key.strip()).expanduser(),
        client_ca=Path(client_ca.strip()).expanduser() if client_ca else None,
    )
    try:
        check_tls_files(files)
    except TLSFileError as exc:
        raise ConfigError(exc.variable, exc.problem) from None
    return files


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
