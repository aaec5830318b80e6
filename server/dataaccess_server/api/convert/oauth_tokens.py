"""Conversion of OAuthTokenService messages."""

from __future__ import annotations

from google.protobuf import json_format

from dataaccess.v1 import oauth_tokens_pb2 as tokens_pb2
from dataaccess_server.api.convert.structs import struct_from_proto
from dataaccess_server.api.convert.times import set_times, timestamp_from_proto
from dataaccess_server.domain.model.oauth_tokens import OAuthToken, TokenInput, TokenQuery, View
from dataaccess_server.domain.model.secret import Secret


def view_from_proto(view: int) -> View:
    """The domain view of a request's view (unspecified and BASIC are BASIC)."""
    return View.FULL if view == tokens_pb2.O_AUTH_TOKEN_VIEW_FULL else View.BASIC


def token_input_from_proto(token: tokens_pb2.OAuthToken) -> TokenInput:
    """The domain input of a request's token; ``present`` lists the fields it sets."""
    present = {
        name
        for name, is_set in (
            ("provider", token.provider != ""),
            ("user_id", token.user_id != ""),
            ("email", token.email != ""),
            ("access_token", token.access_token != ""),
            ("refresh_token", token.refresh_token != ""),
            ("token_type", token.token_type != ""),
            ("expiry_time", token.HasField("expiry_time")),
            ("scopes", len(token.scopes) > 0),
            ("metadata", token.HasField("metadata")),
            ("active", token.active),
            ("last_used_time", token.HasField("last_used_time")),
        )
        if is_set
    }
    return TokenInput(
        provider=token.provider,
        user_id=token.user_id,
        email=token.email,
        access_token=Secret(token.access_token),
        refresh_token=Secret(token.refresh_token),
        token_type=token.token_type,
        expiry_time=timestamp_from_proto(token, "expiry_time", "token.expiry_time"),
        scopes=tuple(token.scopes),
        metadata=struct_from_proto(token.metadata, "token.metadata"),
        metadata_size=token.metadata.ByteSize(),
        active=token.active,
        last_used_time=timestamp_from_proto(token, "last_used_time", "token.last_used_time"),
        present=frozenset(present),
    )


def token_query_from_proto(request: tokens_pb2.ListOAuthTokensRequest) -> TokenQuery:
    """The domain query of a list request: its filters and page."""
    return TokenQuery(
        provider=request.provider,
        user_id=request.user_id,
        email=request.email,
        active_only=request.active_only,
        expiring_before=timestamp_from_proto(request, "expiring_before", "expiring_before"),
        page_size=request.page_size,
        page_token=request.page_token,
    )


def token_to_proto(token: OAuthToken) -> tokens_pb2.OAuthToken:
    """The proto of a token; secrets only if the domain filled them (FULL view)."""
    message = tokens_pb2.OAuthToken(
        id=token.id,
        provider=token.provider,
        user_id=token.user_id,
        email=token.email,
        token_type=token.token_type,
        scopes=list(token.scopes),
        active=token.active,
        etag=token.etag,
    )
    if token.access_token is not None:
        message.access_token = token.access_token.reveal()
    if token.refresh_token is not None:
        message.refresh_token = token.refresh_token.reveal()
    if token.metadata:  # most tokens have none: json_format is the costly part of a read
        json_format.ParseDict(token.metadata, message.metadata)
    set_times(
        message,
        expiry_time=token.expiry_time,
        last_used_time=token.last_used_time,
        create_time=token.create_time,
        update_time=token.update_time,
    )
    return message
