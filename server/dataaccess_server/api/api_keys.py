"""APIKeyService: thin servicer over the domain's API key rules."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

from grpc import aio

from dataaccess.v1 import api_keys_pb2 as pb
from dataaccess.v1 import api_keys_pb2_grpc as pb_grpc
from dataaccess_server.api.calls import CallDeadline
from dataaccess_server.api.convert.api_keys import (
    ask_from_proto,
    grace_from_proto,
    key_input_from_proto,
    key_query_from_proto,
    key_to_proto,
    owner_policy_from_proto,
    owner_policy_to_proto,
)
from dataaccess_server.api.convert.validations import StreamAnswers
from dataaccess_server.api.limits import DEFAULT_MAX_DEADLINE
from dataaccess_server.api.validation_stream import DEFAULT_MAX_DURATION, ValidationStreams
from dataaccess_server.domain.api_keys import APIKeyService
from dataaccess_server.domain.model.api_keys import Validation
from dataaccess_server.telemetry import Telemetry

Context = aio.ServicerContext[Any, Any]


class APIKeyServicer(pb_grpc.APIKeyServiceServicer):
    """``dataaccess.v1.APIKeyService``."""

    def __init__(
        self,
        keys: APIKeyService,
        *,
        default_deadline: float,
        max_deadline: float = DEFAULT_MAX_DEADLINE,
        stream_max_duration: float = DEFAULT_MAX_DURATION,
        telemetry: Telemetry,
    ) -> None:
        self._keys = keys
        self._deadline = CallDeadline(default_deadline, max_deadline)
        self._telemetry_count, self._counts = telemetry.count_validation, keys.validation_counts
        self._answers, self._stream_longest = StreamAnswers(), stream_max_duration
        self.streams = ValidationStreams()
        """The open StreamValidateAPIKeys calls: the server closes them at shutdown."""

    async def ValidateAPIKey(
        self, request: pb.ValidateAPIKeyRequest, context: Context
    ) -> pb.ValidateAPIKeyResponse:
        # validate() in its two steps: a cached key needs no deadline, and its answer is
        # the message kept for its record (see StreamAnswers), not one built per call.
        result = self._keys.validate_now(request.key, ask_from_proto(request))
        if not isinstance(result, Validation):
            result = await self._keys.settle(result, self._deadline(context))
        self._count(result)
        return self._answers.result(result)

    def _count(self, result: Validation) -> None:
        # Telemetry's counter by reason, and the per-key counts of analytics.
        reason = result.reason
        self._telemetry_count(reason._name_)  # not .name: a Python-level property
        self._counts.note(result.record, reason, time.time())

    def StreamValidateAPIKeys(
        self,
        request_iterator: AsyncIterator[pb.StreamValidateAPIKeysRequest],
        context: Context,
    ) -> AsyncIterator[pb.StreamValidateAPIKeysResponse]:
        # An async iterator, not a generator of this method's own: one layer less per
        # answer (the interceptors' wrappers iterate it). See validation_stream.
        return self.streams.open(
            self._keys,
            request_iterator,
            deadline=lambda: self._deadline(context),
            longest=self._stream_longest,
            count=self._count,
        )

    async def CreateAPIKey(
        self, request: pb.CreateAPIKeyRequest, context: Context
    ) -> pb.CreateAPIKeyResponse:
        record, key = await self._keys.create(
            key_input_from_proto(request.api_key), request.request_id, self._deadline(context)
        )
        return pb.CreateAPIKeyResponse(
            api_key=key_to_proto(record), key=key or "", replayed=key is None
        )

    async def GetAPIKey(
        self, request: pb.GetAPIKeyRequest, context: Context
    ) -> pb.GetAPIKeyResponse:
        record = await self._keys.get(request.id, self._deadline(context))
        return pb.GetAPIKeyResponse(api_key=key_to_proto(record))

    async def ListAPIKeys(
        self, request: pb.ListAPIKeysRequest, context: Context
    ) -> pb.ListAPIKeysResponse:
        records, next_page_token = await self._keys.list(
            key_query_from_proto(request), self._deadline(context)
        )
        return pb.ListAPIKeysResponse(
            api_keys=[key_to_proto(record) for record in records],
            next_page_token=next_page_token,
        )

    async def UpdateAPIKey(
        self, request: pb.UpdateAPIKeyRequest, context: Context
    ) -> pb.UpdateAPIKeyResponse:
        record = await self._keys.update(
            request.api_key.id,
            key_input_from_proto(request.api_key),
            tuple(request.update_mask.paths),
            self._deadline(context),
        )
        return pb.UpdateAPIKeyResponse(api_key=key_to_proto(record))

    async def RevokeAPIKey(
        self, request: pb.RevokeAPIKeyRequest, context: Context
    ) -> pb.RevokeAPIKeyResponse:
        record = await self._keys.revoke(request.id, self._deadline(context))
        return pb.RevokeAPIKeyResponse(api_key=key_to_proto(record))

    async def RotateAPIKey(
        self, request: pb.RotateAPIKeyRequest, context: Context
    ) -> pb.RotateAPIKeyResponse:
        record, key, old_until = await self._keys.rotate(
            request.id, grace_from_proto(request.grace_period), self._deadline(context)
        )
        response = pb.RotateAPIKeyResponse(api_key=key_to_proto(record), key=key)
        response.old_key_expire_time.FromDatetime(old_until)
        return response

    async def GetOwnerPolicy(
        self, request: pb.GetOwnerPolicyRequest, context: Context
    ) -> pb.GetOwnerPolicyResponse:
        policy = await self._keys.get_owner_policy(request.owner_id, self._deadline(context))
        return pb.GetOwnerPolicyResponse(policy=owner_policy_to_proto(policy))

    async def UpdateOwnerPolicy(
        self, request: pb.UpdateOwnerPolicyRequest, context: Context
    ) -> pb.UpdateOwnerPolicyResponse:
        policy = await self._keys.update_owner_policy(
            owner_policy_from_proto(request.policy),
            tuple(request.update_mask.paths),
            self._deadline(context),
        )
        return pb.UpdateOwnerPolicyResponse(policy=owner_policy_to_proto(policy))
