"""The permission table: every RPC, the permission it needs, and whether it is audited.

A method missing from METHODS is denied to everyone (deny by default); a test checks
that every method of every served service is here. Health is open to all (probes send
no credentials); reflection is open to any authenticated caller, or to anyone with
``DATAACCESS_REFLECTION=public``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dataaccess.v1 import oauth_tokens_pb2 as tokens_pb2
from dataaccess_server.domain.model.access import Permission

P = Permission
OPEN_PREFIXES = ("/grpc.health.v1.Health/",)
REFLECTION_PREFIXES = (
    "/grpc.reflection.v1alpha.ServerReflection/",
    "/grpc.reflection.v1.ServerReflection/",
)

# What an audited call read or changed, from its request and (if it succeeded) its
# response: an id, or provider/user_id; "" when the request named nothing.
Resource = Callable[[Any, Any | None], str]


@dataclass(frozen=True, slots=True)
class Rule:
    """What one RPC needs. ``secrets`` tells from the request whether the call reads
    secrets (then it also needs OAUTH_TOKENS_READ_SECRETS and is audited); ``audit``
    makes every call of the method leave one audit row, naming ``resource``."""

    permission: Permission
    resource: Resource | None = None
    secrets: Callable[[Any], bool] | None = None

    @property
    def may_audit(self) -> bool:
        """Whether any call of the method can be audited."""
        return self.secrets is not None or self.resource is not None

    def audited(self, request: Any) -> bool:
        """Whether this call is audited."""
        if self.secrets is not None:
            return self.secrets(request)
        return self.resource is not None


def _token_of_get(request: Any, response: Any | None) -> str:
    if response is not None and response.token.id:
        return str(response.token.id)
    if request.id:
        return str(request.id)
    return f"{request.provider}/{request.user_id}" if request.provider else ""


def _token_of_upsert(request: Any, response: Any | None) -> str:
    if response is not None and response.token.id:
        return str(response.token.id)
    return f"{request.token.provider}/{request.token.user_id}" if request.token.provider else ""


def _field(*path: str) -> Resource:
    def resource(request: Any, _response: Any | None) -> str:
        value = request
        for name in path:
            value = getattr(value, name)
        return str(value)

    return resource


def _created_key(request: Any, response: Any | None) -> str:
    return str(response.api_key.id) if response is not None else request.request_id


def _config_version(request: Any, response: Any | None) -> str:
    # "name@version" once the version is known (a creation's, a rollback's target).
    if response is not None and response.config.version:
        return f"{response.config.name}@{response.config.version}"
    version = getattr(request, "version", 0)
    return f"{request.name}@{version}" if version else str(request.name)


def _full_view(request: Any) -> bool:
    return bool(request.view == tokens_pb2.O_AUTH_TOKEN_VIEW_FULL)


KEYS = "/dataaccess.v1.APIKeyService/"
TOKENS = "/dataaccess.v1.OAuthTokenService/"
USAGE = "/dataaccess.v1.UsageService/"
LOGS = "/dataaccess.v1.RequestLogService/"
ANALYTICS = "/dataaccess.v1.AnalyticsService/"
CONFIGS = "/dataaccess.v1.ConfigService/"
CACHE = "/dataaccess.v1.CacheService/"

METHODS: dict[str, Rule] = {
    KEYS + "ValidateAPIKey": Rule(P.API_KEYS_VALIDATE),
    KEYS + "StreamValidateAPIKeys": Rule(P.API_KEYS_VALIDATE),
    KEYS + "GetAPIKey": Rule(P.API_KEYS_READ),
    KEYS + "ListAPIKeys": Rule(P.API_KEYS_READ),
    KEYS + "CreateAPIKey": Rule(P.API_KEYS_MANAGE, resource=_created_key),
    KEYS + "UpdateAPIKey": Rule(P.API_KEYS_MANAGE, resource=_field("api_key", "id")),
    KEYS + "RevokeAPIKey": Rule(P.API_KEYS_MANAGE, resource=_field("id")),
    KEYS + "RotateAPIKey": Rule(P.API_KEYS_MANAGE, resource=_field("id")),
    KEYS + "GetOwnerPolicy": Rule(P.API_KEYS_READ),
    KEYS + "UpdateOwnerPolicy": Rule(P.API_KEYS_MANAGE, resource=_field("policy", "owner_id")),
    TOKENS + "GetOAuthToken": Rule(P.OAUTH_TOKENS_READ, resource=_token_of_get, secrets=_full_view),
    TOKENS + "ListOAuthTokens": Rule(P.OAUTH_TOKENS_READ),
    TOKENS + "UpsertOAuthToken": Rule(P.OAUTH_TOKENS_WRITE, resource=_token_of_upsert),
    TOKENS + "UpdateOAuthToken": Rule(P.OAUTH_TOKENS_WRITE, resource=_field("token", "id")),
    TOKENS + "InvalidateOAuthToken": Rule(P.OAUTH_TOKENS_WRITE, resource=_field("id")),
    TOKENS + "DeleteOAuthToken": Rule(P.OAUTH_TOKENS_DELETE, resource=_field("id")),
    USAGE + "UpsertUsage": Rule(P.USAGE_WRITE),
    USAGE + "BatchUpsertUsage": Rule(P.USAGE_WRITE),
    USAGE + "ListUsage": Rule(P.USAGE_READ),
    LOGS + "BatchInsertRequestLogs": Rule(P.REQUEST_LOGS_WRITE),
    LOGS + "StreamRequestLogs": Rule(P.REQUEST_LOGS_WRITE),
    LOGS + "ListRequestLogs": Rule(P.REQUEST_LOGS_READ),
    ANALYTICS + "GetUsageSummary": Rule(P.ANALYTICS_READ),
    ANALYTICS + "GetTopAuthsByUsage": Rule(P.ANALYTICS_READ),
    ANALYTICS + "GetErrorRates": Rule(P.ANALYTICS_READ),
    ANALYTICS + "GetLatencyPercentiles": Rule(P.ANALYTICS_READ),
    ANALYTICS + "GetUsageTimeSeries": Rule(P.ANALYTICS_READ),
    ANALYTICS + "GetKeyValidations": Rule(P.ANALYTICS_READ),
    ANALYTICS + "GetKeySpend": Rule(P.ANALYTICS_READ),
    "/dataaccess.v1.OperationsService/GetDatabaseStatus": Rule(P.OPERATIONS_STATUS),
    "/dataaccess.v1.AuditService/ListAuditEvents": Rule(P.AUDIT_READ),
    # Config changes steer every proxy at once: audited like credential changes.
    CONFIGS + "GetConfig": Rule(P.CONFIGS_READ),
    CONFIGS + "ListConfigVersions": Rule(P.CONFIGS_READ),
    CONFIGS + "WatchConfig": Rule(P.CONFIGS_READ),
    CONFIGS + "CreateConfigVersion": Rule(P.CONFIGS_WRITE, resource=_config_version),
    CONFIGS + "ActivateConfigVersion": Rule(P.CONFIGS_WRITE, resource=_config_version),
    CONFIGS + "RollbackConfig": Rule(P.CONFIGS_WRITE, resource=_config_version),
    CACHE + "GetCacheEntry": Rule(P.CACHE_READ),
    CACHE + "GetCacheEntries": Rule(P.CACHE_READ),
    CACHE + "SetCacheEntry": Rule(P.CACHE_WRITE),
    CACHE + "SetCacheEntries": Rule(P.CACHE_WRITE),
    CACHE + "DeleteCacheEntry": Rule(P.CACHE_WRITE),
    CACHE + "InvalidateCacheTags": Rule(P.CACHE_WRITE),
}
