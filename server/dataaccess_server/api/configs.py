"""ConfigService: thin servicer over the domain's config rules and the watchers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from grpc import aio

from dataaccess.v1 import configs_pb2 as pb
from dataaccess.v1 import configs_pb2_grpc as pb_grpc
from dataaccess_server.api.calls import CallDeadline, caller_identity
from dataaccess_server.api.convert.configs import (
    activation_fields,
    config_to_proto,
    created_to_proto,
    expected_from_proto,
)
from dataaccess_server.api.limits import DEFAULT_MAX_DEADLINE
from dataaccess_server.domain.config_watch import ConfigWatchers
from dataaccess_server.domain.configs import ConfigService, check_name
from dataaccess_server.domain.model.configs import ConfigListQuery

Context = aio.ServicerContext[Any, Any]


class ConfigServicer(pb_grpc.ConfigServiceServicer):
    """``dataaccess.v1.ConfigService``."""

    def __init__(
        self,
        configs: ConfigService,
        watchers: ConfigWatchers,
        *,
        default_deadline: float,
        max_deadline: float = DEFAULT_MAX_DEADLINE,
    ) -> None:
        self._configs = configs
        self._watchers = watchers
        self._deadline = CallDeadline(default_deadline, max_deadline)

    async def CreateConfigVersion(
        self, request: pb.CreateConfigVersionRequest, context: Context
    ) -> pb.CreateConfigVersionResponse:
        created = await self._configs.create(
            request.name,
            request.yaml,
            request_id=request.request_id,
            activate=request.activate,
            created_by=caller_identity(),
            deadline=self._deadline(context),
        )
        return created_to_proto(created)

    async def GetConfig(
        self, request: pb.GetConfigRequest, context: Context
    ) -> pb.GetConfigResponse:
        config = await self._configs.get(request.name, request.version, self._deadline(context))
        return pb.GetConfigResponse(config=config_to_proto(config))

    async def ListConfigVersions(
        self, request: pb.ListConfigVersionsRequest, context: Context
    ) -> pb.ListConfigVersionsResponse:
        query = ConfigListQuery(request.name, request.page_size, request.page_token)
        configs, next_page_token = await self._configs.list(query, self._deadline(context))
        return pb.ListConfigVersionsResponse(
            configs=[config_to_proto(config) for config in configs],
            next_page_token=next_page_token,
        )

    async def ActivateConfigVersion(
        self, request: pb.ActivateConfigVersionRequest, context: Context
    ) -> pb.ActivateConfigVersionResponse:
        activated = await self._configs.activate(
            request.name,
            request.version,
            expected=expected_from_proto(request),
            actor=caller_identity(),
            deadline=self._deadline(context),
        )
        return pb.ActivateConfigVersionResponse(**activation_fields(activated))

    async def RollbackConfig(
        self, request: pb.RollbackConfigRequest, context: Context
    ) -> pb.RollbackConfigResponse:
        activated = await self._configs.rollback(
            request.name,
            expected=expected_from_proto(request),
            actor=caller_identity(),
            deadline=self._deadline(context),
        )
        return pb.RollbackConfigResponse(**activation_fields(activated))

    async def WatchConfig(
        self, request: pb.WatchConfigRequest, context: Context
    ) -> AsyncIterator[pb.WatchConfigResponse]:
        # The stream lasts as long as the caller wants (its own deadline, if any); the
        # deadline here bounds only the first read.
        name = check_name(request.name)
        async for activation in self._watchers.watch(name, self._deadline(context)):
            yield pb.WatchConfigResponse(
                config=config_to_proto(activation.config), revision=activation.revision
            )
