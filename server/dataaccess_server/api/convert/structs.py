"""google.protobuf.Struct fields (metadata): JSON objects, so finite numbers only."""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format, struct_pb2

from dataaccess_server.errors import InvalidArgumentError


def struct_from_proto(struct: struct_pb2.Struct, path: str) -> dict[str, Any]:
    """The JSON object of ``struct``; INVALID_ARGUMENT naming ``path`` if it holds NaN
    or an infinity, which JSON (and the jsonb column) cannot represent."""
    try:
        return json_format.MessageToDict(struct)
    except ValueError:  # json_format refuses NaN and infinities, and says so
        raise InvalidArgumentError.single(
            path, "must hold finite numbers only (JSON has no NaN or Infinity)"
        ) from None
