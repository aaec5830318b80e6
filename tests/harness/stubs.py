"""Typed asyncio stubs of the service, one constructor per gRPC service.

The ``conftest`` fixtures (``api_keys_stub``, ``oauth_tokens_stub``, ...) build them over
the ``channel`` fixture; tests that open channels of their own (a second server, a
restarted one) call these constructors directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import grpc
from grpc import aio
from grpc_health.v1 import health_pb2_grpc

from dataaccess.v1 import (
    analytics_pb2_grpc,
    api_keys_pb2_grpc,
    audit_pb2_grpc,
    cache_pb2_grpc,
    configs_pb2_grpc,
    oauth_tokens_pb2_grpc,
    operations_pb2_grpc,
    request_logs_pb2_grpc,
    usage_pb2_grpc,
)

if TYPE_CHECKING:  # the asyncio flavours of the stubs exist for type checkers only
    from dataaccess.v1.analytics_pb2_grpc import AnalyticsServiceAsyncStub
    from dataaccess.v1.api_keys_pb2_grpc import APIKeyServiceAsyncStub
    from dataaccess.v1.audit_pb2_grpc import AuditServiceAsyncStub
    from dataaccess.v1.cache_pb2_grpc import CacheServiceAsyncStub
    from dataaccess.v1.configs_pb2_grpc import ConfigServiceAsyncStub
    from dataaccess.v1.oauth_tokens_pb2_grpc import OAuthTokenServiceAsyncStub
    from dataaccess.v1.operations_pb2_grpc import OperationsServiceAsyncStub
    from dataaccess.v1.request_logs_pb2_grpc import RequestLogServiceAsyncStub
    from dataaccess.v1.usage_pb2_grpc import UsageServiceAsyncStub


def api_keys(channel: aio.Channel) -> APIKeyServiceAsyncStub:
    """An APIKeyService stub on ``channel``."""
    return api_keys_pb2_grpc.APIKeyServiceStub(channel)


def audit(channel: aio.Channel) -> AuditServiceAsyncStub:
    """An AuditService stub on ``channel``."""
    return audit_pb2_grpc.AuditServiceStub(channel)


def configs(channel: aio.Channel) -> ConfigServiceAsyncStub:
    """A ConfigService stub on ``channel``."""
    return configs_pb2_grpc.ConfigServiceStub(channel)


def cache(channel: aio.Channel) -> CacheServiceAsyncStub:
    """A CacheService stub on ``channel``."""
    return cache_pb2_grpc.CacheServiceStub(channel)


def oauth_tokens(channel: aio.Channel) -> OAuthTokenServiceAsyncStub:
    """An OAuthTokenService stub on ``channel``."""
    return oauth_tokens_pb2_grpc.OAuthTokenServiceStub(channel)


def usage(channel: aio.Channel) -> UsageServiceAsyncStub:
    """A UsageService stub on ``channel``."""
    return usage_pb2_grpc.UsageServiceStub(channel)


def request_logs(channel: aio.Channel) -> RequestLogServiceAsyncStub:
    """A RequestLogService stub on ``channel``."""
    return request_logs_pb2_grpc.RequestLogServiceStub(channel)


def analytics(channel: aio.Channel) -> AnalyticsServiceAsyncStub:
    """An AnalyticsService stub on ``channel``."""
    return analytics_pb2_grpc.AnalyticsServiceStub(channel)


def operations(channel: aio.Channel) -> OperationsServiceAsyncStub:
    """An OperationsService stub on ``channel``."""
    return operations_pb2_grpc.OperationsServiceStub(channel)


def health(channel: grpc.Channel | aio.Channel) -> Any:
    """A grpc.health.v1 stub, on a sync or an asyncio channel.

    Typed Any: the published stubs declare none of its methods.
    """
    return health_pb2_grpc.HealthStub(channel)
