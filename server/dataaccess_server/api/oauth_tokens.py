"""OAuthTokenService: thin servicer over the domain's OAuth token rules."""

from __future__ import annotations

from typing import Any

from grpc import aio

from dataaccess.v1 import oauth_tokens_pb2 as pb
from dataaccess.v1 import oauth_tokens_pb2_grpc as pb_grpc
from dataaccess_server.api.calls import CallDeadline, audited_read
from dataaccess_server.api.convert.oauth_tokens import (
    token_input_from_proto,
    token_query_from_proto,
    token_to_proto,
    view_from_proto,
)
from dataaccess_server.api.limits import DEFAULT_MAX_DEADLINE
from dataaccess_server.domain.oauth_tokens import OAuthTokenService

Context = aio.ServicerContext[Any, Any]


class OAuthTokenServicer(pb_grpc.OAuthTokenServiceServicer):
    """``dataaccess.v1.OAuthTokenService``."""

    def __init__(
        self,
        tokens: OAuthTokenService,
        *,
        default_deadline: float,
        max_deadline: float = DEFAULT_MAX_DEADLINE,
    ) -> None:
        self._tokens = tokens
        self._deadline = CallDeadline(default_deadline, max_deadline)

    async def UpsertOAuthToken(
        self, request: pb.UpsertOAuthTokenRequest, context: Context
    ) -> pb.UpsertOAuthTokenResponse:
        written = await self._tokens.upsert(
            token_input_from_proto(request.token), self._deadline(context)
        )
        assert written.token is not None
        return pb.UpsertOAuthTokenResponse(
            token=token_to_proto(written.token),
            created=written.created,
            consistency_token=written.consistency_token,
        )

    async def GetOAuthToken(
        self, request: pb.GetOAuthTokenRequest, context: Context
    ) -> pb.GetOAuthTokenResponse:
        token = await self._tokens.get(
            token_id=request.id,
            provider=request.provider,
            user_id=request.user_id,
            view=view_from_proto(request.view),
            consistency_token=request.consistency_token,
            deadline=self._deadline(context),
            audit=audited_read(),
        )
        return pb.GetOAuthTokenResponse(token=token_to_proto(token))

    async def ListOAuthTokens(
        self, request: pb.ListOAuthTokensRequest, context: Context
    ) -> pb.ListOAuthTokensResponse:
        tokens, next_page_token = await self._tokens.list(
            token_query_from_proto(request),
            self._deadline(context),
            consistency_token=request.consistency_token,
        )
        return pb.ListOAuthTokensResponse(
            tokens=[token_to_proto(token) for token in tokens], next_page_token=next_page_token
        )

    async def UpdateOAuthToken(
        self, request: pb.UpdateOAuthTokenRequest, context: Context
    ) -> pb.UpdateOAuthTokenResponse:
        mask = tuple(request.update_mask.paths) if request.HasField("update_mask") else None
        written = await self._tokens.update(
            request.token.id,
            token_input_from_proto(request.token),
            mask or None,
            request.etag,
            self._deadline(context),
        )
        assert written.token is not None
        return pb.UpdateOAuthTokenResponse(
            token=token_to_proto(written.token), consistency_token=written.consistency_token
        )

    async def InvalidateOAuthToken(
        self, request: pb.InvalidateOAuthTokenRequest, context: Context
    ) -> pb.InvalidateOAuthTokenResponse:
        written = await self._tokens.invalidate(request.id, self._deadline(context))
        assert written.token is not None
        return pb.InvalidateOAuthTokenResponse(
            token=token_to_proto(written.token), consistency_token=written.consistency_token
        )

    async def DeleteOAuthToken(
        self, request: pb.DeleteOAuthTokenRequest, context: Context
    ) -> pb.DeleteOAuthTokenResponse:
        written = await self._tokens.delete(request.id, self._deadline(context))
        return pb.DeleteOAuthTokenResponse(consistency_token=written.consistency_token)
