"""Conversion of APIKeyService messages."""

from __future__ import annotations

from datetime import timedelta

from google.protobuf import duration_pb2

from dataaccess.v1 import api_keys_pb2 as keys_pb2
from dataaccess_server.api.convert.structs import struct_from_proto
from dataaccess_server.api.convert.times import set_times, timestamp_from_proto
from dataaccess_server.domain.model.api_keys import (
    APIKey,
    KeyInput,
    KeyQuery,
    Reason,
    Validation,
)

_CENTURY_SECONDS = 100 * 366 * 86_400
_REASONS = {
    Reason.VALID: keys_pb2.API_KEY_VALIDATION_REASON_VALID,
    Reason.NOT_FOUND: keys_pb2.API_KEY_VALIDATION_REASON_NOT_FOUND,
    Reason.REVOKED: keys_pb2.API_KEY_VALIDATION_REASON_REVOKED,
    Reason.EXPIRED: keys_pb2.API_KEY_VALIDATION_REASON_EXPIRED,
    Reason.RATE_LIMITED: keys_pb2.API_KEY_VALIDATION_REASON_RATE_LIMITED,
    Reason.USAGE_EXCEEDED: keys_pb2.API_KEY_VALIDATION_REASON_USAGE_EXCEEDED,
}


def key_input_from_proto(key: keys_pb2.APIKey) -> KeyInput:
    """The domain input of a request's key settings."""
    return KeyInput(
        name=key.name,
        description=key.description,
        owner_id=key.owner_id,
        rate_limit_per_minute=key.rate_limit_per_minute,
        expire_time=timestamp_from_proto(key, "expire_time", "api_key.expire_time"),
        remaining_uses=key.remaining_uses if key.HasField("remaining_uses") else None,
        metadata=struct_from_proto(key.metadata, "api_key.metadata"),
        metadata_size=key.metadata.ByteSize(),
    )


def key_query_from_proto(request: keys_pb2.ListAPIKeysRequest) -> KeyQuery:
    """The domain query of a list request."""
    return KeyQuery(
        key_prefix=request.key_prefix,
        owner_id=request.owner_id,
        include_revoked=request.include_revoked,
        include_expired=request.include_expired,
        page_size=request.page_size,
        page_token=request.page_token,
    )


def grace_from_proto(grace: duration_pb2.Duration) -> timedelta:
    """A rotation's grace period (unset: none); its bounds are the domain's to check.

    A Duration may state up to 10,000 years (and a raw int64 more), past what a
    timedelta holds: seconds beyond a century are clamped to it first, so the domain
    refuses them by its own bounds instead of the arithmetic overflowing here.
    """
    seconds = max(-_CENTURY_SECONDS, min(grace.seconds, _CENTURY_SECONDS))
    return timedelta(seconds=seconds, microseconds=grace.nanos // 1000)


def key_to_proto(record: APIKey) -> keys_pb2.APIKey:
    """The public record of a key."""
    message = keys_pb2.APIKey(
        id=record.id,
        key_prefix=record.key_prefix,
        name=record.name,
        description=record.description,
        owner_id=record.owner_id,
        rate_limit_per_minute=record.rate_limit_per_minute or 0,
    )
    if record.remaining_uses is not None:
        message.remaining_uses = record.remaining_uses
    # json_format.ParseDict's result (present even when empty), without its walk.
    message.metadata.SetInParent()
    message.metadata.update(record.metadata)
    set_times(
        message,
        expire_time=record.expire_time,
        revoke_time=record.revoked_at,
        last_used_time=record.last_used_at,
        create_time=record.created_at,
        update_time=record.updated_at,
    )
    return message


def validation_to_proto(result: Validation) -> keys_pb2.ValidateAPIKeyResponse:
    """The ValidateAPIKey answer."""
    response = keys_pb2.ValidateAPIKeyResponse(valid=result.valid, reason=_REASONS[result.reason])
    if result.record is not None:
        response.api_key.CopyFrom(key_to_proto(result.record))
    if result.rate is not None:
        response.rate_limit.limit = result.rate.limit
        response.rate_limit.remaining = result.rate.remaining
        response.rate_limit.reset_time.FromDatetime(result.rate.reset_time)
    return response


def reason_to_proto(reason: Reason) -> keys_pb2.APIKeyValidationReason.ValueType:
    """The proto value of a validation's reason."""
    return _REASONS[reason]
