"""Identifiers. Pure."""

from __future__ import annotations

import os
import time
import uuid


def new_id() -> str:
    """A UUIDv7 (RFC 9562): time-ordered, so ids sort by creation and index inserts stay
    local; 74 random bits keep them unguessable enough for identifiers (not secrets)."""
    millis = time.time_ns() // 1_000_000
    random = int.from_bytes(os.urandom(10), "big")
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= ((random >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # variant
    value |= random & ((1 << 62) - 1)  # rand_b, 62 bits
    return str(uuid.UUID(int=value))


def is_uuid(text: str) -> bool:
    """Whether ``text`` is a UUID in its canonical textual form."""
    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False
