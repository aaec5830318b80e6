"""The cheaper fixed cost per call (issue 17): the server's layers wrap each method once
in a MethodTable, and a cached key's ValidateAPIKey answer is kept per record. These
tests pin what a caller would notice if either went wrong: a layer skipped or out of
order, a method lost, an answer that outlives the key's state."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import grpc
import pytest
from google.protobuf import field_mask_pb2, json_format, struct_pb2
from grpc import aio

from dataaccess.v1 import api_keys_pb2 as pb
from dataaccess_server.api.convert.api_keys import key_to_proto, validation_to_proto
from dataaccess_server.api.convert.validations import StreamAnswers
from dataaccess_server.api.method_table import MethodTable
from dataaccess_server.app import Application
from dataaccess_server.domain.key_answers import LastUsed
from dataaccess_server.domain.key_rules import hash_key, judge
from dataaccess_server.domain.model.api_keys import (
    APIKey,
    Known,
    RateState,
    Reason,
    Validation,
)
from tests.harness import leaks
from tests.harness.calls import api_methods

if TYPE_CHECKING:
    from dataaccess.v1.api_keys_pb2_grpc import APIKeyServiceAsyncStub
    from dataaccess_server.api.handlers import Handler


class Tagging:
    """A layer that appends its name to the answer (bytes) of every unary method."""

    def __init__(self, name: bytes, seen: list[str]) -> None:
        self._name = name
        self._seen = seen

    def wrap(self, method: str, handler: Handler[Any, Any]) -> Handler[Any, Any]:
        self._seen.append(method)
        call: Any = handler.unary_unary
        assert call is not None

        async def tagged(request: bytes, context: aio.ServicerContext[Any, Any]) -> bytes:
            return bytes(await call(request, context)) + self._name

        return grpc.unary_unary_rpc_method_handler(tagged)


async def _echo(request: bytes, _context: object) -> bytes:
    return request


async def test_the_table_wraps_every_method_once_first_layer_outermost() -> None:
    seen: list[str] = []
    table = MethodTable([Tagging(b"<outer", seen), Tagging(b"<inner", seen)])
    echo: Handler[Any, Any] = grpc.unary_unary_rpc_method_handler(_echo)
    table.add_registered_method_handlers("t.Registered", {"Echo": echo})
    # A generic-only handler (as a library may add): asked, wrapped and kept on first use.
    table.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler("t.Generic", {"Echo": echo}),)
    )
    server = aio.server()
    server.add_generic_rpc_handlers((table,))
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            for method in ("/t.Registered/Echo", "/t.Generic/Echo"):
                for _ in range(3):
                    call: Any = channel.unary_unary(method)
                    answer = await call(b"x", timeout=5)
                    assert answer == b"x<inner<outer"
            unknown_call: Any = channel.unary_unary("/t.Unknown/Echo")
            with pytest.raises(aio.AioRpcError) as unknown:
                await unknown_call(b"x", timeout=5)
            assert unknown.value.code() == grpc.StatusCode.UNIMPLEMENTED
    finally:
        await server.stop(None)
    # Each layer wrapped each served method once, whatever the number of calls, and an
    # unknown name was never kept.
    assert sorted(seen) == sorted(["/t.Registered/Echo", "/t.Generic/Echo"] * 2)
    assert sorted(table.methods()) == ["/t.Generic/Echo", "/t.Registered/Echo"]


async def test_the_server_serves_every_method_through_its_table(server: Application) -> None:
    served = set(server._server._table.methods())  # type: ignore[union-attr]
    assert {method.path for method in api_methods()} <= served
    assert "/grpc.health.v1.Health/Check" in served
    assert "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo" in served


async def test_a_cached_keys_answer_follows_every_change_of_the_key(
    api_keys_stub: APIKeyServiceAsyncStub,
) -> None:
    metadata = struct_pb2.Struct()
    metadata.update({"team": "search", "limits": {"tier": 2, "tags": ["a", None, True]}})
    created = await api_keys_stub.CreateAPIKey(
        pb.CreateAPIKeyRequest(api_key=pb.APIKey(name="v1", owner_id="o", metadata=metadata)),
        timeout=5,
    )
    leaks.register_secret(created.key)
    request = pb.ValidateAPIKeyRequest(key=created.key)
    first = await api_keys_stub.ValidateAPIKey(request, timeout=5)
    again = await api_keys_stub.ValidateAPIKey(request, timeout=5)  # from the kept answer
    assert first == again
    assert first.valid
    assert first.api_key.name == "v1"
    assert first.api_key.metadata == metadata

    metadata.update({"team": "ads"})
    await api_keys_stub.UpdateAPIKey(
        pb.UpdateAPIKeyRequest(
            api_key=pb.APIKey(id=created.api_key.id, name="v2", metadata=metadata),
            update_mask=field_mask_pb2.FieldMask(paths=["name", "metadata"]),
        ),
        timeout=5,
    )
    changed = await api_keys_stub.ValidateAPIKey(request, timeout=5)
    assert changed.valid
    assert changed.api_key.name == "v2"
    assert changed.api_key.metadata == metadata

    await api_keys_stub.RevokeAPIKey(pb.RevokeAPIKeyRequest(id=created.api_key.id), timeout=5)
    revoked = await api_keys_stub.ValidateAPIKey(request, timeout=5)
    assert not revoked.valid
    assert revoked.reason == pb.API_KEY_VALIDATION_REASON_REVOKED
    assert revoked.api_key.HasField("revoke_time")


def test_metadata_converts_as_json_format_would() -> None:
    # key_to_proto builds the Struct with Struct.update, not json_format.ParseDict: the
    # same message for every JSON value a jsonb column can hold.
    metadata = {"s": "x", "n": 1.5, "i": 7, "b": False, "z": None, "l": [1, "a", {"k": []}]}
    record = APIKey(
        id="0190abcd-0000-7000-8000-000000000000",
        key_prefix="dak_abcd",
        name="n",
        description="",
        owner_id="o",
        rate_limit_per_minute=None,
        expire_time=None,
        remaining_uses=None,
        metadata=metadata,
        revoked_at=None,
        last_used_at=None,
        created_at=None,  # type: ignore[arg-type]
        updated_at=None,  # type: ignore[arg-type]
    )
    expected = struct_pb2.Struct()
    json_format.ParseDict(metadata, expected)
    assert key_to_proto(record).metadata == expected
    empty = key_to_proto(APIKey(**{**_fields(record), "metadata": {}}))
    assert empty.HasField("metadata")  # as ParseDict leaves it: present, and empty
    assert empty.metadata == struct_pb2.Struct()


def test_kept_answers_equal_answers_built_afresh() -> None:
    # ValidateAPIKey and the stream both answer through StreamAnswers now: it must give
    # what validation_to_proto builds, for every reason, kept or not.
    now = datetime(2026, 12, 1, 12, 0, 30, 123456, tzinfo=UTC)
    plain = APIKey(
        id="0190abcd-0000-7000-8000-000000000001",
        key_prefix="dak_abcd",
        name="n",
        description="d",
        owner_id="o",
        rate_limit_per_minute=None,
        expire_time=now + timedelta(days=1),
        remaining_uses=None,
        metadata={"a": [1, "b"]},
        revoked_at=None,
        last_used_at=now,
        created_at=now,
        updated_at=now,
    )
    limited = APIKey(**{**_fields(plain), "rate_limit_per_minute": 10, "remaining_uses": 3})
    rate = RateState(limit=10, remaining=4, reset_time=now + timedelta(seconds=30))
    answers = StreamAnswers()
    results = [Validation(False, Reason.NOT_FOUND)]
    for record in (plain, limited):
        for reason in Reason:
            valid = reason is Reason.VALID
            results += [Validation(valid, reason, record), Validation(valid, reason, record, rate)]
    for result in results * 2:  # the second time from what was kept
        assert answers.result(result) == validation_to_proto(result), result


def _fields(record: APIKey) -> dict[str, Any]:
    return {name: getattr(record, name) for name in APIKey.__slots__}


def _record(**changes: Any) -> APIKey:
    created = datetime(2026, 1, 1, tzinfo=UTC)
    fields: dict[str, Any] = {
        "id": "k",
        "key_prefix": "dak_abcd",
        "name": "",
        "description": "",
        "owner_id": "o",
        "rate_limit_per_minute": None,
        "expire_time": None,
        "remaining_uses": None,
        "metadata": {},
        "revoked_at": None,
        "last_used_at": None,
        "created_at": created,
        "updated_at": created,
    }
    fields.update(changes)
    return APIKey(**fields)


def test_a_cached_keys_quick_verdict_is_the_full_judgement(now: datetime) -> None:
    # validate_now answers VALID from Known.unlimited_until without judging the key in
    # full: for every state a key can be in, the two must agree, at the boundaries too.
    instants = (None, now - timedelta(seconds=1), now, now + timedelta(microseconds=1))
    checked = 0
    for expire_time in instants:
        for retired_until in instants:
            for changes in (
                {},
                {"revoked_at": now - timedelta(days=1)},
                {"rate_limit_per_minute": 10},
                {"remaining_uses": 5},
                {"remaining_uses": 0},
            ):
                known = Known(_record(expire_time=expire_time, **changes), retired_until)
                record = known.record
                full = (
                    judge(known, now) is Reason.VALID
                    and record.rate_limit_per_minute is None
                    and record.remaining_uses is None
                )
                assert (now.timestamp() < known.unlimited_until) is full, (known, now)
                assert known.valid_answer == Validation(True, Reason.VALID, record)
                checked += 1
    assert checked == 80


def test_last_uses_keep_their_microseconds(now: datetime) -> None:
    # LastUsed keeps epoch seconds (cheaper than datetimes) and gives datetimes back.
    uses = LastUsed()
    times = [now.replace(microsecond=m) for m in (0, 1, 499_999, 500_000, 999_999)]
    for n, when in enumerate(times):
        uses.record(f"k{n}", when)
        uses.record(f"k{n}", when - timedelta(minutes=1))  # an older use changes nothing
    assert uses.take() == {f"k{n}": when for n, when in enumerate(times)}
    assert uses.take() == {}


def test_keys_hash_as_hashlib_hashes_them() -> None:
    # hash_key uses CPython's own SHA-256, not OpenSSL's: the stored hashes must match.
    for key in ("dak_" + "x" * 43, "", "ä€😀", "dak_" + "A" * 252):
        assert hash_key(key) == hashlib.sha256(key.encode()).digest()
