"""The standard health service (``grpc.health.v1.Health/Check``) without its package.

The call goes through a generic unary-unary call with a hand-written codec for its two
one-field messages, so the client needs only ``grpcio`` and ``protobuf``, not
``grpcio-health-checking``.
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = ["HEALTH_CHECK_METHOD", "HealthStatus"]

HEALTH_CHECK_METHOD: Final = "/grpc.health.v1.Health/Check"


class HealthStatus(enum.IntEnum):
    """``grpc.health.v1.HealthCheckResponse.ServingStatus``."""

    UNKNOWN = 0
    SERVING = 1
    NOT_SERVING = 2
    SERVICE_UNKNOWN = 3  # only sent by Watch


# --- grpc.health.v1 wire format -------------------------------------------------------
# message HealthCheckRequest  { string service = 1; }
# message HealthCheckResponse { ServingStatus status = 1; }   // enum, varint-encoded


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _decode_varint(data: bytes, pos: int) -> tuple[int, int]:
    """Return (value, position after it); raise ValueError if truncated or too long."""
    value = 0
    for shift in range(0, 70, 7):
        if pos >= len(data):
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
    raise ValueError("varint longer than 10 bytes")


def encode_health_check_request(service: str) -> bytes:
    """Serialise ``HealthCheckRequest(service=service)``; "" encodes as no bytes at all."""
    name = service.encode("utf-8")
    if not name:
        return b""
    return b"\x0a" + _encode_varint(len(name)) + name  # field 1, wire type 2 (LEN)


def decode_health_check_response(data: bytes) -> HealthStatus:
    """Parse ``HealthCheckResponse``, skipping unknown fields as protobuf requires.

    A missing status is UNKNOWN (proto3 default); a value outside the enum also reads as
    UNKNOWN. Raises ValueError on malformed input (gRPC reports it as INTERNAL).
    """
    status = 0
    pos = 0
    while pos < len(data):
        key, pos = _decode_varint(data, pos)
        field, wire_type = key >> 3, key & 0x7
        if wire_type == 0:  # VARINT
            value, pos = _decode_varint(data, pos)
            if field == 1:
                status = value  # last one wins, as for any scalar field
        elif wire_type == 1:  # I64
            pos += 8
        elif wire_type == 2:  # LEN
            length, pos = _decode_varint(data, pos)
            pos += length
        elif wire_type == 5:  # I32
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire_type}")
        if pos > len(data):
            raise ValueError("truncated field")
    try:
        return HealthStatus(status)
    except ValueError:
        return HealthStatus.UNKNOWN
