"""Assembly of the gRPC server: servicers, health, reflection, interceptors."""

from __future__ import annotations

from google.protobuf import descriptor_pb2, descriptor_pool
from grpc import aio
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from grpc_reflection.v1alpha import reflection_pb2_grpc as reflection_grpc

from dataaccess.v1 import analytics_pb2, audit_pb2, cache_pb2, configs_pb2, usage_pb2
from dataaccess.v1 import analytics_pb2_grpc as analytics_grpc
from dataaccess.v1 import api_keys_pb2 as keys_pb2
from dataaccess.v1 import api_keys_pb2_grpc as keys_grpc
from dataaccess.v1 import audit_pb2_grpc as audit_grpc
from dataaccess.v1 import cache_pb2_grpc as cache_grpc
from dataaccess.v1 import configs_pb2_grpc as configs_grpc
from dataaccess.v1 import oauth_tokens_pb2 as tokens_pb2
from dataaccess.v1 import oauth_tokens_pb2_grpc as tokens_grpc
from dataaccess.v1 import operations_pb2 as ops_pb2
from dataaccess.v1 import operations_pb2_grpc as ops_grpc
from dataaccess.v1 import request_logs_pb2 as logs_pb2
from dataaccess.v1 import request_logs_pb2_grpc as logs_grpc
from dataaccess.v1 import usage_pb2_grpc as usage_grpc
from dataaccess_server.api.admission import AdmissionInterceptor, backstop
from dataaccess_server.api.analytics import AnalyticsServicer
from dataaccess_server.api.api_keys import APIKeyServicer
from dataaccess_server.api.audit import AuditServicer
from dataaccess_server.api.auth import AuthInterceptor
from dataaccess_server.api.cache import CacheServicer
from dataaccess_server.api.configs import ConfigServicer
from dataaccess_server.api.health import HealthReporter
from dataaccess_server.api.interceptors import ErrorInterceptor
from dataaccess_server.api.limits import CallLimits
from dataaccess_server.api.method_table import Layer, MethodTable
from dataaccess_server.api.oauth_tokens import OAuthTokenServicer
from dataaccess_server.api.operations import OperationsServicer
from dataaccess_server.api.request_logs import RequestLogServicer
from dataaccess_server.api.telemetry import TelemetryInterceptor
from dataaccess_server.api.tls import TLSFiles, server_credentials
from dataaccess_server.api.usage import UsageServicer
from dataaccess_server.domain.analytics import AnalyticsService
from dataaccess_server.domain.api_keys import APIKeyService
from dataaccess_server.domain.audit import AuditTrail
from dataaccess_server.domain.cache import CacheService
from dataaccess_server.domain.config_watch import ConfigWatchers
from dataaccess_server.domain.configs import ConfigService
from dataaccess_server.domain.oauth_tokens import OAuthTokenService
from dataaccess_server.domain.operations import DatabaseAvailability, OperationsService
from dataaccess_server.domain.request_logs import RequestLogService
from dataaccess_server.domain.usage import UsageService
from dataaccess_server.telemetry import Telemetry

# Every dataaccess API service by full name, with what it needs to serve: services that
# write need a primary; read-only ones (analytics) need any node. Health reports each.
WRITE_SERVICES: tuple[str, ...] = (
    ops_pb2.DESCRIPTOR.services_by_name["OperationsService"].full_name,
    tokens_pb2.DESCRIPTOR.services_by_name["OAuthTokenService"].full_name,
    keys_pb2.DESCRIPTOR.services_by_name["APIKeyService"].full_name,
    usage_pb2.DESCRIPTOR.services_by_name["UsageService"].full_name,
    logs_pb2.DESCRIPTOR.services_by_name["RequestLogService"].full_name,
    audit_pb2.DESCRIPTOR.services_by_name["AuditService"].full_name,
    # Configs read the primary too: watchers need the latest, callers their own writes.
    configs_pb2.DESCRIPTOR.services_by_name["ConfigService"].full_name,
    # The cache's table is UNLOGGED: a standby cannot read it, so it needs the primary.
    cache_pb2.DESCRIPTOR.services_by_name["CacheService"].full_name,
)
READ_SERVICES: tuple[str, ...] = (
    analytics_pb2.DESCRIPTOR.services_by_name["AnalyticsService"].full_name,
)
API_SERVICES = WRITE_SERVICES + READ_SERVICES

_OPTIONS = (
    # Callers behind load balancers keep connections for long: let them ping.
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
)


class ListenError(Exception):
    """The listen address cannot be bound."""


class GrpcServer:
    """The gRPC side of the service: every servicer, health and reflection."""

    def __init__(
        self,
        database: DatabaseAvailability,
        *,
        operations: OperationsService,
        tokens: OAuthTokenService,
        keys: APIKeyService,
        usage: UsageService,
        logs: RequestLogService,
        analytics: AnalyticsService,
        audit: AuditTrail,
        configs: ConfigService,
        config_watchers: ConfigWatchers,
        cache: CacheService,
        auth: AuthInterceptor,
        default_deadline: float,
        tls: TLSFiles | None = None,
        limits: CallLimits | None = None,
        telemetry: Telemetry | None = None,
        worker: int | None = None,
    ) -> None:
        """``worker``: this process's number under ``serve --workers N``; its
        listeners then share their ports with the other workers (SO_REUSEPORT)."""
        self._tls = tls
        # Two servers must not silently share one port; workers opt in explicitly
        # (their supervisor made sure the port was free before starting them).
        self._options = (("grpc.so_reuseport", int(worker is not None)), *_OPTIONS)
        limits = limits or CallLimits()
        telemetry = telemetry or Telemetry.off()
        # Admission first (a counter), then authentication and authorization: nothing
        # runs for a refused caller. grpc itself refuses a message larger than the
        # largest valid batch, and calls beyond the admission backstop.
        admission = AdmissionInterceptor(
            max_calls=limits.max_concurrent_rpcs, max_streams=limits.max_concurrent_streams
        )
        telemetry.observe_in_flight(lambda: admission.calls)
        layers: list[Layer] = [admission, auth, ErrorInterceptor()]
        if telemetry.tracing or telemetry.metering:  # outermost: refused calls are seen too
            layers.insert(0, TelemetryInterceptor(telemetry))
        # The layers wrap each method once, here, not per call as interceptors: see
        # method_table. Every servicer registers into the table, grpc sees one handler.
        table = self._table = MethodTable(layers)
        self._server = aio.server(
            options=(
                *self._options,
                ("grpc.max_receive_message_length", limits.max_message_bytes),
            ),
            maximum_concurrent_rpcs=backstop(limits.max_concurrent_rpcs),
        )
        self._server.add_generic_rpc_handlers((table,))
        registrar = table.as_server()
        deadlines = {"default_deadline": default_deadline, "max_deadline": limits.max_deadline}
        self._health_server: aio.Server | None = None
        self.health_port: int | None = None
        """The health-only listener's port, once started with ``health_listen``."""
        servicer = self._health_servicer = health.aio.HealthServicer()
        self._health = HealthReporter(
            servicer, database, write_services=WRITE_SERVICES, read_services=READ_SERVICES
        )
        ops_grpc.add_OperationsServiceServicer_to_server(
            OperationsServicer(operations, **deadlines, worker=worker or 0), registrar
        )
        tokens_grpc.add_OAuthTokenServiceServicer_to_server(
            OAuthTokenServicer(tokens, **deadlines), registrar
        )
        self._keys_servicer = APIKeyServicer(
            keys,
            **deadlines,
            stream_max_duration=limits.validation_stream_max_duration,
            telemetry=telemetry,
        )
        keys_grpc.add_APIKeyServiceServicer_to_server(self._keys_servicer, registrar)
        usage_grpc.add_UsageServiceServicer_to_server(
            UsageServicer(usage, **deadlines, telemetry=telemetry), registrar
        )
        logs_grpc.add_RequestLogServiceServicer_to_server(
            RequestLogServicer(
                logs,
                **deadlines,
                stream_idle_timeout=limits.stream_idle_timeout,
                stream_max_duration=limits.stream_max_duration,
                telemetry=telemetry,
            ),
            registrar,
        )
        analytics_grpc.add_AnalyticsServiceServicer_to_server(
            AnalyticsServicer(analytics, **deadlines), registrar
        )
        audit_grpc.add_AuditServiceServicer_to_server(AuditServicer(audit, **deadlines), registrar)
        self._config_watchers = config_watchers
        configs_grpc.add_ConfigServiceServicer_to_server(
            ConfigServicer(configs, config_watchers, **deadlines), registrar
        )
        cache_grpc.add_CacheServiceServicer_to_server(
            CacheServicer(cache, **deadlines, telemetry=telemetry), registrar
        )
        health_pb2_grpc.add_HealthServicer_to_server(servicer, registrar)
        # The aio servicer by name: enable_server_reflection picks it only for an
        # aio.Server, which the table is not (and the generated function is untyped).
        reflection_grpc.add_ServerReflectionServicer_to_server(  # type: ignore[no-untyped-call]
            reflection.aio.ReflectionServicer(
                (
                    *API_SERVICES,
                    health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
                    reflection.SERVICE_NAME,
                )
            ),
            registrar,
        )

    async def start(self, listen: str, *, health_listen: str | None = None) -> int:
        """Publish health, bind ``listen`` (host:port, port 0 picks one), start serving;
        return the bound port. Raises ListenError if an address cannot be bound.

        With TLS files, ``listen`` speaks TLS (mTLS with a client CA), and new handshakes
        follow the files as they change on disk. ``health_listen`` adds a plaintext
        listener serving only grpc.health.v1 from the same health state, for probes that
        cannot speak TLS (Kubernetes' native gRPC probes); its port is
        :attr:`health_port`.
        """
        await self._health.start()
        try:
            if self._tls is None:
                port = self._server.add_insecure_port(listen)
            else:
                port = self._server.add_secure_port(listen, server_credentials(self._tls))
        except RuntimeError as exc:
            raise ListenError(f"cannot listen on {listen}: {exc}") from exc
        if health_listen is not None:
            # Its own server: a second port on the main one would serve every API in
            # plaintext. The servicer is shared, so both answer from one state.
            self._health_server = aio.server(options=self._options)
            health_pb2_grpc.add_HealthServicer_to_server(self._health_servicer, self._health_server)
            _enable_health_reflection(self._health_server)
            try:
                self.health_port = self._health_server.add_insecure_port(health_listen)
            except RuntimeError as exc:
                raise ListenError(f"cannot listen on {health_listen}: {exc}") from exc
            await self._health_server.start()
        await self._server.start()
        return port

    async def stop(self, grace: float) -> None:
        """Health NOT_SERVING for everything, refuse new calls, and give in-flight calls
        ``grace`` seconds to finish before cancelling them. The health listener stays up
        until the main server has stopped, answering NOT_SERVING meanwhile.

        Config watches and key validation streams never finish on their own: they end
        at once (a validation stream once the requests it read are answered), with
        UNAVAILABLE, so that their clients reconnect to another server and the grace
        period is left to calls that do finish."""
        await self._health.shutdown()
        await self._config_watchers.close()
        self._keys_servicer.streams.close()  # ends once what they read is answered
        await self._server.stop(grace)
        if self._health_server is not None:
            await self._health_server.stop(None)
            self._health_server = None


def _enable_health_reflection(server: aio.Server) -> None:
    # So that `grpcurl -plaintext host:port grpc.health.v1.Health/Check` works there. Its
    # own pool: reflection answers symbol lookups from its whole pool, and the default
    # one would describe the API on a port that takes no credentials.
    pool = descriptor_pool.DescriptorPool()
    proto = descriptor_pb2.FileDescriptorProto()
    health_pb2.DESCRIPTOR.CopyToProto(proto)
    pool.Add(proto)
    names = (health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME)
    reflection.enable_server_reflection(names, server, pool=pool)
