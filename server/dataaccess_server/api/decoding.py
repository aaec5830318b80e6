"""Request decoding: the bytes of a call become a message, or a plain INVALID_ARGUMENT.

grpc.aio runs a method's request deserializer before any servicer code: a truncated
message or a string that is not UTF-8 would fail there as UNKNOWN, with the parser's
exception in the message. A checked deserializer returns a ``Refused`` instead, which
the error interceptor turns into INVALID_ARGUMENT.

PostgreSQL text (and jsonb) cannot hold a NUL character, in any column: the checked
deserializer also refuses a request holding one in any string, naming its field, so
every RPC obeys the rule in one place. The walk only runs when the bytes hold a zero
byte at all (a NUL in a string is one), which a typical request does not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from google.protobuf import message as message_types
from google.protobuf.descriptor import FieldDescriptor

from dataaccess_server.errors import InvalidArgumentError

Deserializer = Callable[[bytes], Any]

UNDECODABLE = (
    "is not a valid message: it is truncated, malformed, or holds a string that is not UTF-8"
)
HAS_NUL = "must not contain a NUL character (PostgreSQL text cannot hold one)"


class Refused:
    """What a checked deserializer returns for bytes it does not accept; ``message`` is
    the decoded message when the bytes decoded (a NUL in a string), else None."""

    __slots__ = ("error", "message")

    def __init__(self, error: InvalidArgumentError, message: Any = None) -> None:
        self.error = error
        self.message = message


def checked(deserialize: Deserializer | None) -> Deserializer | None:
    """``deserialize``, answering ``Refused`` instead of raising for undecodable bytes
    or for a message with a NUL in a string field."""
    if deserialize is None:
        return None
    parse = deserialize

    def decode(data: bytes) -> Any:
        try:
            message = parse(data)
        except message_types.DecodeError:
            return Refused(InvalidArgumentError.single("request", UNDECODABLE))
        if b"\x00" in data and isinstance(message, message_types.Message):
            path = nul_field(message)
            if path is not None:
                return Refused(InvalidArgumentError.single(path, HAS_NUL), message)
        return message

    return decode


def nul_field(message: message_types.Message, prefix: str = "") -> str | None:
    """The path of the first string in ``message`` (nested messages, lists and maps
    included, map keys too) that holds a NUL character; None if there is none."""
    for field, value in message.ListFields():
        path = prefix + field.name
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            found = _map_nul(field, value, path)
        elif field.is_repeated:
            found = next(
                (
                    hit
                    for index, item in enumerate(value)
                    if (hit := _value_nul(field, item, f"{path}[{index}]")) is not None
                ),
                None,
            )
        else:
            found = _value_nul(field, value, path)
        if found is not None:
            return found
    return None


def _map_nul(field: FieldDescriptor, entries: Any, path: str) -> str | None:
    entry = field.message_type
    assert entry is not None  # a map field's type is its entry message
    value_field = entry.fields_by_name["value"]
    for key, item in entries.items():
        if isinstance(key, str) and "\x00" in key:
            return path
        label = key[:40] if isinstance(key, str) else key
        found = _value_nul(value_field, item, f"{path}[{label}]")
        if found is not None:
            return found
    return None


def _value_nul(field: FieldDescriptor, value: Any, path: str) -> str | None:
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        return nul_field(value, path + ".")
    if field.type == FieldDescriptor.TYPE_STRING and "\x00" in value:
        return path
    return None
