"""The running service: start-up and shutdown in a known order.

Start: (embedded PostgreSQL) → wait for the primary → migrate (and grant) or verify the
schema → pools and monitors → check the role's privileges → health → gRPC server.
Stop: health NOT_SERVING → stop accepting and drain in-flight calls for the grace
period → close pools → (stop embedded PostgreSQL).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from dataaccess_server import embedded
from dataaccess_server.announce import log_listeners, log_telemetry, warn_if_open
from dataaccess_server.api.auth import AuthInterceptor
from dataaccess_server.api.server import GrpcServer, ListenError
from dataaccess_server.api.tls import TLSFileError, certificate_identity
from dataaccess_server.config import Settings
from dataaccess_server.db.analytics import PostgresAnalyticsStore
from dataaccess_server.db.api_keys import PostgresAPIKeyStore
from dataaccess_server.db.audit import PostgresAuditStore
from dataaccess_server.db.cache import PostgresCacheStore
from dataaccess_server.db.callers import PostgresCallerStore
from dataaccess_server.db.cluster import Cluster
from dataaccess_server.db.configs import PostgresConfigStore, decode_activation
from dataaccess_server.db.configs import channel_for as config_channel_for
from dataaccess_server.db.key_analytics import PostgresValidationCountStore
from dataaccess_server.db.key_channel import channel_for, decode_invalidation
from dataaccess_server.db.key_policies import PostgresPolicyStore
from dataaccess_server.db.migrations import PostgresSchemaInspector
from dataaccess_server.db.notifications import ChangeListener
from dataaccess_server.db.oauth_tokens import PostgresOAuthTokenStore
from dataaccess_server.db.request_logs import PostgresRequestLogStore
from dataaccess_server.db.rollup_fold import PostgresRollupFolder
from dataaccess_server.db.usage import PostgresUsageStore
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.analytics import AnalyticsService
from dataaccess_server.domain.api_keys import APIKeyService
from dataaccess_server.domain.audit import AuditTrail
from dataaccess_server.domain.cache import CacheService
from dataaccess_server.domain.callers import CallerDirectory
from dataaccess_server.domain.config_watch import ConfigWatchers
from dataaccess_server.domain.configs import ConfigService
from dataaccess_server.domain.key_analytics import ValidationCounts
from dataaccess_server.domain.key_cache import KeyCache
from dataaccess_server.domain.key_policies import Allowances
from dataaccess_server.domain.model.access import CallerCredential
from dataaccess_server.domain.model.api_keys import Known
from dataaccess_server.domain.oauth_tokens import OAuthTokenService
from dataaccess_server.domain.operations import OperationsService
from dataaccess_server.domain.pagination import PageSigner
from dataaccess_server.domain.request_logs import RequestLogService
from dataaccess_server.domain.rollup_fold import RollupFold
from dataaccess_server.domain.usage import UsageService
from dataaccess_server.errors import DataAccessError
from dataaccess_server.observability import (
    Observability,
    observe_state,
    observe_watchers,
    start_telemetry,
)
from dataaccess_server.startup import (
    StartupError,
    attach_embedded,
    check_role,
    prepare_schema,
    start_embedded,
)

log = logging.getLogger(__name__)

# How often the log partitions ahead are checked, and retried after a failure (seconds).
PARTITION_CHECK = 3600.0
ALLOWANCE_TICK = 1.0
PARTITION_RETRY = 60.0


class Application:
    """One server process: ``await start()``, then ``await stop()``.

    ``worker``: its number under ``serve --workers N`` (see ``workers``): its listeners
    share their ports with the other workers, and it uses the embedded database its
    supervisor started rather than starting one.
    """

    def __init__(self, settings: Settings, *, worker: int | None = None) -> None:
        self.settings = settings
        self.worker = worker
        self.port: int | None = None
        self._postgres: embedded.PostgresInstance | None = None
        self._cluster: Cluster | None = None
        self._server: GrpcServer | None = None
        self._listener: ChangeListener | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.keys: APIKeyService | None = None
        self.allowances: Allowances | None = None
        self.callers: CallerDirectory | None = None
        self.config_watchers: ConfigWatchers | None = None
        """The open WatchConfig streams of this process, once started."""
        self.health_port: int | None = None
        """The plaintext health-only port (DATAACCESS_HEALTH_LISTEN), once started."""
        self.metrics_port: int | None = None
        """The Prometheus endpoint's port (DATAACCESS_METRICS_LISTEN), once started."""
        self.pending_migrations: int | None = None
        """Migrations known here and not applied on the primary, as of the last check."""
        self._observability: Observability | None = None
        self.rollup_fold: RollupFold | None = None
        """The fold of request-log deltas into the rollups (a background task), once started."""
        self.validation_counts = ValidationCounts()  # per-key analytics, flushed with last-used

    @property
    def cluster(self) -> Cluster | None:
        """The database cluster, once start() has built it."""
        return self._cluster

    @property
    def listener(self) -> ChangeListener | None:
        """The change listener (API key invalidations, config activations), once started."""
        return self._listener

    async def start(self) -> int:
        """Bring the service up and return the bound port.

        Raises StartupError (embedded database, unreachable primary, schema not at the
        version this code needs, listen address taken).
        """
        settings = self.settings
        embedded_database = settings.embedded
        if embedded_database and self.worker is not None:
            settings = self.settings = attach_embedded(settings)
        elif embedded_database:
            self._postgres, settings = await start_embedded(settings)
            self.settings = settings
        assert settings.primary_dsn is not None
        assert settings.encryption_keys is not None  # required by config, or embedded

        try:
            observability = self._observability = start_telemetry(settings.telemetry)
        except OSError as exc:  # the metrics address cannot be bound
            raise StartupError(
                f"cannot serve metrics on {settings.telemetry.metrics_listen}: {exc}"
            ) from exc
        self.metrics_port = observability.metrics_port
        telemetry = observability.telemetry
        cluster = self._cluster = Cluster(
            settings.primary_dsn,
            settings.replica_dsns,
            schema=settings.schema,
            pool=settings.pool,
            monitor_interval=settings.monitor_interval,
            replica_max_lag=settings.replica_max_lag,
            telemetry=telemetry,
        )
        try:
            await cluster.wait_for_primary(settings.startup_timeout)
        except DataAccessError as exc:
            raise StartupError(str(exc)) from exc
        schema_status = await prepare_schema(settings)
        self.pending_migrations = len(schema_status.pending)
        await cluster.open()
        await check_role(cluster, schema=settings.schema, embedded_database=embedded_database)

        cache: KeyCache[Known] = KeyCache(
            negative_ttl=settings.key_negative_ttl,
            # Replicas may lag up to the rotation bound: read the primary meanwhile.
            fresh_window=2 * settings.replica_max_lag + 1.0,
        )
        key_store = PostgresAPIKeyStore(cluster, channel_for(settings.schema))
        # One page-token key for every server of the deployment: derived from the keyring.
        pages = PageSigner.from_keyring(settings.encryption_keys)
        allowances = self.allowances = Allowances(PostgresPolicyStore(cluster))
        self.validation_counts.store = PostgresValidationCountStore(cluster)
        counts = self.validation_counts
        self.keys = APIKeyService(
            key_store, cache, pages=pages, allowances=allowances, validation_counts=counts
        )
        keys = self.keys
        # Caller credentials: cached like keys, invalidated on the same channel.
        caller_cache: KeyCache[CallerCredential] = KeyCache(
            max_entries=10_000, negative_ttl=settings.key_negative_ttl
        )
        callers = self.callers = CallerDirectory(
            PostgresCallerStore(cluster, key_store.channel), settings.access_policy, caller_cache
        )

        config_store = PostgresConfigStore(cluster, config_channel_for(settings.schema))
        configs = ConfigService(config_store, pages=pages, max_bytes=settings.config_max_bytes)
        watchers = self.config_watchers = ConfigWatchers(config_store.read_activation)

        def on_message(channel: str, payload: str) -> None:
            if channel == config_store.channel:
                name = decode_activation(payload)
                if name is not None:
                    watchers.changed(name)
                return
            hashes, sent = decode_invalidation(payload)
            keys.on_invalidation(hashes)
            callers.on_invalidation(hashes)
            if sent is not None:  # clocks of two hosts: never below zero
                telemetry.invalidation_lag.record(max(0.0, time.time() - sent))

        def on_state(subscribed: bool) -> None:
            cache.set_enabled(subscribed)
            caller_cache.set_enabled(subscribed)
            if subscribed:  # what was activated while it was down was not heard of
                watchers.refresh_all()

        self._listener = ChangeListener(
            settings.primary_dsn,
            [key_store.channel, config_store.channel],
            on_message=on_message,
            on_state=on_state,
        )
        await self._listener.start()
        logs = RequestLogService(
            PostgresRequestLogStore(cluster),
            max_batch=settings.max_batch,
            max_batch_days=settings.max_batch_days,
            retention_days=settings.log_retention_days,
            pages=pages,
        )
        audit = AuditTrail(PostgresAuditStore(cluster), pages=pages)
        cache_service = CacheService(PostgresCacheStore(cluster), settings.cache.limits)
        fold = self.rollup_fold = RollupFold(
            PostgresRollupFolder(cluster, schema=settings.schema),
            interval=settings.rollup_fold.interval,
            chunk=settings.rollup_fold.chunk,
        )
        self._tasks = [
            asyncio.create_task(self._flush_last_used(), name="last-used-flush"),
            asyncio.create_task(self._prepare_partitions(logs, audit), name="partitions"),
            asyncio.create_task(watchers.keep_fresh(), name="config-watch-safety"),
            asyncio.create_task(self._sweep_cache(cache_service), name="cache-sweep"),
            asyncio.create_task(fold.run(), name="rollup-fold"),
            asyncio.create_task(self._keep_allowances(allowances), name="key-allowances"),
        ]
        auth = AuthInterceptor(
            policy=settings.access_policy,
            callers=callers if settings.authenticating else None,
            audit=audit,
            default_deadline=settings.default_deadline,
            reflection_public=settings.reflection_public,
            # Only a verified client certificate proves an identity.
            certificate_identity=(
                certificate_identity if settings.tls and settings.tls.client_ca else None
            ),
        )
        warn_if_open(settings)
        self._server = GrpcServer(
            cluster,
            operations=OperationsService(
                cluster, PostgresSchemaInspector(cluster, schema_status.known)
            ),
            tokens=OAuthTokenService(PostgresOAuthTokenStore(cluster), settings.encryption_keys),
            keys=keys,
            usage=UsageService(
                PostgresUsageStore(cluster),
                max_batch=settings.max_batch,
                pages=pages,
                on_charged=allowances.observe_all,
            ),
            logs=logs,
            analytics=AnalyticsService(
                PostgresAnalyticsStore(cluster), max_days=settings.analytics_max_days
            ),
            audit=audit,
            configs=configs,
            config_watchers=watchers,
            cache=cache_service,
            auth=auth,
            default_deadline=settings.default_deadline,
            tls=settings.tls,
            limits=settings.limits,
            telemetry=telemetry,
            worker=self.worker,
        )
        observe_state(
            telemetry,
            cluster,
            {"api_keys": cache, "callers": caller_cache},
            lambda: self.pending_migrations,
        )
        observe_watchers(telemetry, lambda: len(watchers))
        try:
            port = await self._server.start(settings.listen, health_listen=settings.health_listen)
        except (ListenError, TLSFileError) as exc:  # TLS files broken since config read them
            raise StartupError(str(exc)) from exc
        self.port = port
        self.health_port = self._server.health_port
        log_listeners(settings, port, self.health_port)
        log_telemetry(settings, self.metrics_port)
        return port

    async def stop(self) -> None:
        """Stop in order; in-flight calls get ``shutdown_grace`` seconds to finish.

        Every step is bounded in time: one that overruns is logged and left behind, so
        a stop always ends.
        """
        if self._server is not None:
            log.info("draining in-flight calls (grace %.1fs)", self.settings.shutdown_grace)
            await _bounded(
                "stopping the gRPC server",
                self._server.stop(self.settings.shutdown_grace),
                self.settings.shutdown_grace + 5.0,
            )
            self._server = None
        if self._tasks:
            for task in self._tasks:
                task.cancel()
            await _bounded("stopping background tasks", asyncio.wait(self._tasks), 5.0)
            self._tasks = []
            await _bounded("recording API key use", self._final_flush(), 10.0)
        if self._listener is not None:
            await _bounded("closing the change listener", self._listener.close(), 5.0)
            self._listener = None
        if self._cluster is not None:
            await _bounded("closing the database pools", self._cluster.close(timeout=5.0), 15.0)
            self._cluster = None
        if self._observability is not None:  # the last spans and metrics go out
            await _bounded(
                "flushing telemetry", asyncio.to_thread(self._observability.shutdown), 10.0
            )
            self._observability = None
        if self._postgres is not None:
            await asyncio.to_thread(self._postgres.stop)
            self._postgres = None
        log.info("dataaccess stopped")

    async def serve_until_signal(
        self, on_started: Callable[[Application], None] | None = None
    ) -> None:
        """Run until SIGTERM or SIGINT, then stop gracefully; ``on_started`` is called
        once serving (a worker reports to its supervisor there).

        A signal during start-up (say, while waiting for the primary) abandons the
        start and stops what was started so far.
        """
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopping.set)
        starting = asyncio.create_task(self.start())
        signalled = asyncio.create_task(stopping.wait())
        try:
            await asyncio.wait({starting, signalled}, return_when=asyncio.FIRST_COMPLETED)
            if starting.done():
                starting.result()  # raises StartupError
                if on_started is not None:
                    on_started(self)
                await signalled
            else:
                starting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await starting
            log.info("shutdown requested")
        finally:
            signalled.cancel()
            await self.stop()

    async def _flush_last_used(self) -> None:
        # API keys' last-used times: one statement every few seconds, never one per call.
        assert self.keys is not None
        while True:
            await asyncio.sleep(self.settings.last_used_flush)
            try:
                await self.keys.flush_last_used(Deadline.after(10.0))
            except DataAccessError as exc:
                log.warning("could not record API key use (kept for the next try): %s", exc)
            try:
                await self.validation_counts.flush(Deadline.after(10.0))
            except DataAccessError as exc:
                log.warning("could not count API key validations (kept for the next try): %s", exc)

    async def _keep_allowances(self, allowances: Allowances) -> None:
        # Slices go back, budgets are read again, expired reservations are released.
        while True:
            await asyncio.sleep(ALLOWANCE_TICK)
            try:
                await allowances.tick(Deadline.after(10.0))
            except DataAccessError as exc:
                log.warning("could not keep key allowances (next try in a second): %s", exc)

    async def _prepare_partitions(self, logs: RequestLogService, audit: AuditTrail) -> None:
        # Today's and the next days' log and audit partitions, created before any batch
        # or audited call needs them; checked hourly (either still creates its own).
        ahead = self.settings.log_partitions_ahead
        while True:
            try:
                today = datetime.now(UTC).date()
                created = await logs.prepare_ahead(today, ahead, Deadline.after(30.0))
                created += await audit.prepare_ahead(today, ahead, Deadline.after(30.0))
            except DataAccessError as exc:
                log.warning("could not create partitions ahead (retry in 1m): %s", exc)
                await asyncio.sleep(PARTITION_RETRY)
                continue
            if created:
                log.info("created partitions %s", ", ".join(created))
                if self._observability is not None:
                    self._observability.telemetry.partitions_created.add(len(created))
            await asyncio.sleep(PARTITION_CHECK)

    async def _sweep_cache(self, cache: CacheService) -> None:
        # Expired entries are already invisible; this frees their space. Every server
        # sweeps: concurrent sweeps skip each other's rows (SKIP LOCKED).
        while True:
            await asyncio.sleep(self.settings.cache.sweep_interval)
            try:
                removed = await cache.sweep(Deadline.after(30.0))
            except DataAccessError as exc:
                log.warning("could not sweep expired cache entries (next try later): %s", exc)
            else:
                log.debug("swept %d expired cache entries", removed)

    async def _final_flush(self) -> None:
        if self.allowances is not None:
            try:
                await self.allowances.close(Deadline.after(5.0))
            except DataAccessError as exc:
                log.warning("unspent key allowances stay taken until their windows end: %s", exc)
        if self.keys is None:
            return
        try:
            flushed = await self.keys.flush_last_used(Deadline.after(5.0))
        except DataAccessError as exc:
            log.warning("API key last-used times since the last flush are lost: %s", exc)
        else:
            log.info("recorded the last use of %d API key(s)", flushed)
        try:
            await self.validation_counts.flush(Deadline.after(5.0))
        except DataAccessError as exc:
            log.warning("API key validation counts since the last flush are lost: %s", exc)


async def _bounded(step: str, work: Awaitable[object], timeout: float) -> None:
    log.debug("shutdown: %s", step)
    try:
        async with asyncio.timeout(timeout):
            await work
    except TimeoutError:
        # No traceback: the timeout is the whole story, and the step is named.
        log.error(  # noqa: TRY400
            "shutdown: %s did not finish within %gs; going on without it", step, timeout
        )
