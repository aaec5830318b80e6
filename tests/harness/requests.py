"""Hypothesis strategies for any request message, built from its proto descriptor.

Every field of every message gets values, with the extremes that break services weighted
in: NUL and other control characters, invalid-looking and huge text, the bounds of every
integer width, NaN and infinities, timestamps at year 1 and 9999, unknown enum values,
deep Structs. Plausible values (UUIDs, provider names, dates) are mixed in so that
requests also get past the first check and reach storage.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from google.protobuf import descriptor, message, struct_pb2
from google.protobuf.descriptor import FieldDescriptor
from hypothesis import strategies as st

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
UINT32 = (0, 2**32 - 1)
UINT64 = (0, 2**64 - 1)
# google.protobuf.Timestamp's valid range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
TIMESTAMP_SECONDS = (-62_135_596_800, 253_402_300_799)

_WORDS = [
    "anthropic",
    "openai",
    "claude",
    "gpt-4o",
    "user-1",
    "owner-1",
    "Bearer",
    "2026-11-30",
    "2026-12-01",
    "1969-12-31",
    "0001-01-01",
    "9999-12-31",
    "10.0.0.1",
    "fe80::1%eth0",
    "::1",
    "name",
    "email",
    "access_token",
    "metadata",
    "active",
    "request_time",
]


def _text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["", " ", "\x00", "a\x00b", "\u202e", "\ud7ff", "é", "🙂"]),
        st.sampled_from(_WORDS),
        st.builds(lambda: str(uuid.uuid4())),
        st.text(max_size=40),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=5000),
        st.integers(1, 70_000).map(lambda n: "x" * n),
    )


def _integer(bounds: tuple[int, int]) -> st.SearchStrategy[int]:
    low, high = bounds
    edges = [low, high, 0, 1, -1, 2**31 - 1, 2**31, 2**53, high - 1, low + 1]
    return st.one_of(
        st.sampled_from([e for e in edges if low <= e <= high]),
        st.integers(low, high),
        st.integers(-5, 1000).filter(lambda n: low <= n <= high),
    )


def _double() -> st.SearchStrategy[float]:
    return st.one_of(
        st.sampled_from([math.nan, math.inf, -math.inf, 0.0, -0.0, 1e308, -1e308, 5e-324]),
        st.floats(allow_nan=True, allow_infinity=True),
    )


def _struct_value(depth: int) -> st.SearchStrategy[Any]:
    leaf = st.one_of(st.none(), st.booleans(), _double(), _text())
    if depth <= 0:
        return leaf
    return st.one_of(
        leaf,
        st.lists(_struct_value(depth - 1), max_size=3),
        st.dictionaries(_text(), _struct_value(depth - 1), max_size=3),
    )


def _struct() -> st.SearchStrategy[struct_pb2.Struct]:
    def build(data: dict[str, Any]) -> struct_pb2.Struct:
        value = struct_pb2.Struct()
        value.update(data)
        return value

    deep = st.integers(1, 120).map(lambda n: _nested(n))
    return st.one_of(st.dictionaries(_text(), _struct_value(3), max_size=4), deep).map(build)


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": 1.0}
    for _ in range(depth):
        value = {"n": value}
    return value


def _timestamp_seconds() -> st.SearchStrategy[int]:
    low, high = TIMESTAMP_SECONDS
    now = 1_796_000_000  # late 2026
    return st.one_of(
        st.sampled_from([low, high, 0, -1, now, now - 86_400 * 3000, now + 86_400 * 2]),
        st.integers(low, high),
        st.integers(now - 86_400 * 40, now + 86_400 * 2),
    )


def message_strategy(desc: descriptor.Descriptor, depth: int = 0) -> st.SearchStrategy[Any]:
    """Messages of type ``desc`` with a random subset of fields set to generated values."""
    name = desc.full_name
    if name == "google.protobuf.Struct":
        return _struct()
    if name == "google.protobuf.Timestamp":
        return st.builds(
            lambda s, n: _set(desc, seconds=s, nanos=n),
            _timestamp_seconds(),
            st.sampled_from([0, 999_999_999, 500]),
        )
    if name == "google.protobuf.Duration":
        return st.builds(
            lambda s, n: _set(desc, seconds=s, nanos=n),
            st.one_of(_integer((-315_576_000_000, 315_576_000_000)), st.integers(-10, 100_000)),
            st.sampled_from([0, 999_999_999, -999_999_999]),
        )
    if name == "google.protobuf.FieldMask":
        return st.builds(
            lambda paths: _set(desc, paths=paths),
            st.lists(st.one_of(st.sampled_from(_WORDS), _text()), max_size=4),
        )
    fields = {field.name: _field_strategy(field, depth) for field in desc.fields}
    return st.fixed_dictionaries({}, optional=fields).map(lambda values: _build(desc, values))


def _set(desc: descriptor.Descriptor, **values: Any) -> message.Message:
    cls = _message_class(desc)
    return cls(**values)


def _message_class(desc: descriptor.Descriptor) -> type[message.Message]:
    from google.protobuf import message_factory

    return message_factory.GetMessageClass(desc)


def _build(desc: descriptor.Descriptor, values: dict[str, Any]) -> message.Message:
    built = _message_class(desc)()
    for name, value in values.items():
        field = desc.fields_by_name[name]
        target = getattr(built, name)
        if field.is_repeated:
            if field.type == FieldDescriptor.TYPE_MESSAGE:
                for item in value:
                    target.add().CopyFrom(item)
            else:
                target.extend(value)
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            target.CopyFrom(value)
        else:
            setattr(built, name, value)
    return built


def _scalar(field: FieldDescriptor, depth: int) -> st.SearchStrategy[Any]:
    t = field.type
    if t == FieldDescriptor.TYPE_STRING:
        return _text()
    if t == FieldDescriptor.TYPE_BYTES:
        return st.binary(max_size=64)
    if t == FieldDescriptor.TYPE_BOOL:
        return st.booleans()
    if t in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        return _double() if t == FieldDescriptor.TYPE_DOUBLE else st.floats(width=32)
    if t == FieldDescriptor.TYPE_ENUM:
        assert field.enum_type is not None
        known = [value.number for value in field.enum_type.values]
        return st.one_of(st.sampled_from(known), st.sampled_from([99, -1, 2**31 - 1]))
    if t == FieldDescriptor.TYPE_MESSAGE:
        assert field.message_type is not None
        return message_strategy(field.message_type, depth + 1)
    if t in (
        FieldDescriptor.TYPE_INT32,
        FieldDescriptor.TYPE_SINT32,
        FieldDescriptor.TYPE_SFIXED32,
    ):
        return _integer(INT32)
    if t in (FieldDescriptor.TYPE_UINT32, FieldDescriptor.TYPE_FIXED32):
        return _integer(UINT32)
    if t in (FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_FIXED64):
        return _integer(UINT64)
    return _integer(INT64)


def _field_strategy(field: FieldDescriptor, depth: int) -> st.SearchStrategy[Any]:
    if field.type == FieldDescriptor.TYPE_MESSAGE and depth >= 3:
        if _repeated(field):
            return st.just([])
        assert field.message_type is not None
        return st.just(_message_class(field.message_type)())
    value = _scalar(field, depth)
    if _repeated(field):
        return st.lists(value, max_size=4)
    return value


def _repeated(field: FieldDescriptor) -> bool:
    return bool(field.is_repeated)
