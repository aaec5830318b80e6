"""StreamValidateAPIKeys against a real PostgreSQL and a real server: the unary call's
answers for every reason code, rate limits and quotas counted once per request, answers
matched by correlation id (out of order), item errors that keep the stream going, many
requests through one stream, the stream limit, authorization, the stream's end at
shutdown and past its longest duration, and the typed Python client."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import grpc
import psycopg
import pytest
from google.protobuf import duration_pb2, field_mask_pb2, timestamp_pb2
from grpc import aio

from dataaccess.client import AsyncClient, Client
from dataaccess.v1 import api_keys_pb2 as pb
from dataaccess_server.api.limits import CallLimits
from dataaccess_server.api.validation_stream import MAX_IN_FLIGHT
from dataaccess_server.app import Application
from tests.harness import leaks, stubs
from tests.harness.calls import bearer, credential
from tests.harness.server import server_settings
from tests.test_api_keys import create, rows, validate

if TYPE_CHECKING:
    from dataaccess.v1.api_keys_pb2_grpc import APIKeyServiceAsyncStub

Request = pb.StreamValidateAPIKeysRequest
Answer = pb.StreamValidateAPIKeysResponse.Item
Reason = pb.APIKeyValidationReason
VALID = pb.API_KEY_VALIDATION_REASON_VALID
RATE_LIMITED = pb.API_KEY_VALIDATION_REASON_RATE_LIMITED
USAGE_EXCEEDED = pb.API_KEY_VALIDATION_REASON_USAGE_EXCEEDED
INVALID_ARGUMENT = grpc.StatusCode.INVALID_ARGUMENT.value[0]
UNKNOWN_KEY = "dak_" + "u" * 43


def item(correlation_id: str, key: str) -> Request.Item:
    return Request.Item(correlation_id=correlation_id, request=pb.ValidateAPIKeyRequest(key=key))


def ask(correlation_id: str, key: str) -> Request:
    """A request message of one item."""
    return Request(items=[item(correlation_id, key)])


@pytest.fixture
async def app(pg_database: str) -> AsyncIterator[Application]:
    # Last-used times are not flushed during a test: a flush would not change a cached
    # record anyway, but nothing then moves between two answers being compared.
    application = Application(server_settings(pg_database, last_used_flush=3600.0))
    await application.start()
    try:
        yield application
    finally:
        await application.stop()


@pytest.fixture
async def channel(app: Application) -> AsyncIterator[aio.Channel]:
    async with aio.insecure_channel(f"127.0.0.1:{app.port}") as chan:
        yield chan


@pytest.fixture
def stub(channel: aio.Channel) -> APIKeyServiceAsyncStub:
    return stubs.api_keys(channel)


async def streamed(stub: APIKeyServiceAsyncStub, requests: Iterable[Request]) -> list[Answer]:
    """Every answer to ``requests``, sent on one stream."""
    call = stub.StreamValidateAPIKeys(iter(list(requests)), timeout=60)
    return [answer async for message in call for answer in message.items]


async def drain(call: Any, into: list[Any]) -> None:
    """Read ``call``'s answers into ``into`` until it ends (raising its error, if any)."""
    async for message in call:
        into.extend(message.items)


async def read_one(call: Any) -> Answer:
    """The next answer of an open stream (sent alone: nothing else is in flight)."""
    message = await call.read()
    assert isinstance(message, pb.StreamValidateAPIKeysResponse), message
    (answer,) = message.items
    return answer


async def inside_one_minute(dsn: str, seconds_needed: float = 15) -> None:
    # Rate windows are calendar minutes (the database's clock): start early in one.
    (second,) = rows(dsn, "SELECT extract(second FROM now())")[0]
    if float(second) > 60 - seconds_needed:
        await asyncio.sleep(60.5 - float(second))


# --- every reason code ---------------------------------------------------------------------


async def _valid(stub: APIKeyServiceAsyncStub, dsn: str) -> str:
    return (await create(stub)).key


async def _not_found(stub: APIKeyServiceAsyncStub, dsn: str) -> str:
    return UNKNOWN_KEY


async def _revoked(stub: APIKeyServiceAsyncStub, dsn: str) -> str:
    made = await create(stub)
    await stub.RevokeAPIKey(pb.RevokeAPIKeyRequest(id=made.api_key.id))
    return made.key


async def _expired(stub: APIKeyServiceAsyncStub, dsn: str) -> str:
    made = await create(stub, expire_time=timestamp_pb2.Timestamp(seconds=int(time.time()) + 60))
    rows(
        dsn,
        "UPDATE api_keys SET expire_time = now() - interval '1 s' WHERE id = %s",
        made.api_key.id,
    )
    await stub.UpdateAPIKey(  # any change notifies the caches
        pb.UpdateAPIKeyRequest(
            api_key=pb.APIKey(id=made.api_key.id, name="expired"),
            update_mask=field_mask_pb2.FieldMask(paths=["name"]),
        )
    )
    return made.key


async def _rate_limited(stub: APIKeyServiceAsyncStub, dsn: str) -> str:
    made = await create(stub, rate_limit_per_minute=1)
    assert (await validate(stub, made.key)).valid  # the window's one use
    return made.key


async def _usage_exceeded(stub: APIKeyServiceAsyncStub, dsn: str) -> str:
    made = await create(stub, remaining_uses=1)
    assert (await validate(stub, made.key)).valid  # the last use
    return made.key


async def _disabled(stub: APIKeyServiceAsyncStub, dsn: str) -> str:
    return (await create(stub, disabled=True)).key


async def _model_not_allowed(stub: APIKeyServiceAsyncStub, dsn: str) -> str:
    return (await create(stub, allowed_models=["gpt-4o*"])).key  # validated naming none


async def _limit_exceeded(stub: APIKeyServiceAsyncStub, dsn: str) -> str:
    month = duration_pb2.Duration(seconds=31 * 86_400)
    limit = pb.Limit(name="once", unit=pb.LIMIT_UNIT_REQUESTS, window=month, limit=1)
    made = await create(stub, limits=[limit])
    assert (await validate(stub, made.key)).valid  # the window's one use
    return made.key


async def _budget_exceeded(stub: APIKeyServiceAsyncStub, dsn: str) -> str:
    budget = pb.Budget(name="daily", limit=1, period=pb.BUDGET_PERIOD_DAILY)
    made = await create(stub, budgets=[budget])
    rows(  # spent, as a usage write naming the key would have charged it
        dsn,
        "INSERT INTO key_limit_ledger SELECT l.id, p.period_start, p.period_end, 1"
        " FROM key_limits l, policy_period('daily', 0, 'UTC', dataaccess_now()) p"
        " WHERE l.api_key_id = %s",
        made.api_key.id,
    )
    return made.key


KEY_IN_STATE: dict[int, Callable[[APIKeyServiceAsyncStub, str], Awaitable[str]]] = {
    VALID: _valid,
    pb.API_KEY_VALIDATION_REASON_NOT_FOUND: _not_found,
    pb.API_KEY_VALIDATION_REASON_REVOKED: _revoked,
    pb.API_KEY_VALIDATION_REASON_EXPIRED: _expired,
    RATE_LIMITED: _rate_limited,
    USAGE_EXCEEDED: _usage_exceeded,
    pb.API_KEY_VALIDATION_REASON_DISABLED: _disabled,
    pb.API_KEY_VALIDATION_REASON_MODEL_NOT_ALLOWED: _model_not_allowed,
    pb.API_KEY_VALIDATION_REASON_LIMIT_EXCEEDED: _limit_exceeded,
    pb.API_KEY_VALIDATION_REASON_BUDGET_EXCEEDED: _budget_exceeded,
}


async def test_every_reason_is_answered_as_the_unary_call_answers_it(
    stub: APIKeyServiceAsyncStub, pg_database: str
) -> None:
    reasons = [r for r in Reason.values() if r != pb.API_KEY_VALIDATION_REASON_UNSPECIFIED]
    assert sorted(KEY_IN_STATE) == sorted(reasons), "a reason without a key in its state"
    await inside_one_minute(pg_database)
    keys = {reason: await KEY_IN_STATE[reason](stub, pg_database) for reason in reasons}
    for reason, key in keys.items():
        # Twice each way: the first answer may come from storage, the second from the
        # cache, on both paths.
        unary = [await validate(stub, key) for _ in range(2)]
        answers = await streamed(stub, [ask(f"{reason}-{n}", key) for n in range(2)])
        assert unary[0].reason == reason, Reason.Name(reason)
        for answer in answers:
            assert answer.WhichOneof("outcome") == "result"
            assert answer.result == unary[1], Reason.Name(reason)
        assert sorted(a.correlation_id for a in answers) == [f"{reason}-0", f"{reason}-1"]


# --- counted once per request ----------------------------------------------------------------


async def test_a_rate_limit_counts_each_request_of_the_stream_once(
    stub: APIKeyServiceAsyncStub, pg_database: str
) -> None:
    limit = 5
    await inside_one_minute(pg_database)
    made = await create(stub, rate_limit_per_minute=limit)
    answers = await streamed(stub, [ask(f"r{n}", made.key) for n in range(limit + 2)])
    results = [answer.result for answer in answers]
    assert Counter(r.reason for r in results) == {VALID: limit, RATE_LIMITED: 2}
    valid_remaining = sorted(r.rate_limit.remaining for r in results if r.valid)
    assert valid_remaining == list(range(limit))  # each count seen once: 4, 3, 2, 1, 0
    assert all(r.rate_limit.limit == limit for r in results)
    after = await validate(stub, made.key)  # the unary call sees the same window
    assert (after.valid, after.reason, after.rate_limit.remaining) == (False, RATE_LIMITED, 0)


async def test_remaining_uses_go_down_once_per_request(
    stub: APIKeyServiceAsyncStub, pg_database: str
) -> None:
    made = await create(stub, remaining_uses=5)
    answers = await streamed(stub, [ask(f"q{n}", made.key) for n in range(7)])
    results = [answer.result for answer in answers]
    assert Counter(r.reason for r in results) == {VALID: 5, USAGE_EXCEEDED: 2}
    assert sorted(r.api_key.remaining_uses for r in results if r.valid) == [0, 1, 2, 3, 4]
    record = await stub.GetAPIKey(pb.GetAPIKeyRequest(id=made.api_key.id))
    assert record.api_key.remaining_uses == 0
    assert (await validate(stub, made.key)).reason == USAGE_EXCEEDED


# --- ordering and item errors ----------------------------------------------------------------


async def test_answers_come_as_ready_and_match_their_requests_by_correlation_id(
    stub: APIKeyServiceAsyncStub,
) -> None:
    counted = await create(stub, remaining_uses=1000, name="counted")  # storage each time
    cached = await create(stub, name="cached")
    assert (await validate(stub, cached.key)).valid  # now in the cache
    requests = [ask("slow", counted.key)]
    requests += [ask(f"fast-{n}", cached.key) for n in range(100)]
    requests += [ask("unknown", UNKNOWN_KEY)]
    answers = await streamed(stub, requests)
    assert len(answers) == len(requests)
    assert answers[0].correlation_id != "slow"  # overtaken by answers from the cache
    by_id = {answer.correlation_id: answer.result for answer in answers}
    assert len(by_id) == len(requests)
    assert by_id["slow"].api_key.id == counted.api_key.id
    assert by_id["slow"].api_key.remaining_uses == 999
    assert {by_id[f"fast-{n}"].api_key.id for n in range(100)} == {cached.api_key.id}
    assert by_id["unknown"].reason == pb.API_KEY_VALIDATION_REASON_NOT_FOUND


async def test_a_malformed_request_gets_its_error_and_the_stream_goes_on(
    stub: APIKeyServiceAsyncStub,
) -> None:
    good = (await create(stub)).key
    requests = [
        ask("before", good),
        ask("", good),
        ask("x" * 129, good),
        ask("spaces", "dak_ with spaces"),
        ask("empty", ""),
        # A NUL in one item of a message: that item's error; its neighbour is answered.
        Request(items=[item("nul", "dak_\x00nul"), item("beside-nul", good)]),
        ask("after", good),
    ]
    answers = {a.correlation_id: a for a in await streamed(stub, requests)}
    for fine in ("before", "beside-nul", "after"):
        assert answers[fine].result.valid, fine
    expected = {
        "": "correlation_id",
        "x" * 129: "correlation_id",
        "spaces": "request.key",
        "empty": "request.key",
        "nul": "request.key",
    }
    for correlation_id, field in expected.items():
        error = answers[correlation_id].error
        assert error.code == INVALID_ARGUMENT, correlation_id
        assert [v.field for v in error.field_violations] == [field], correlation_id
        assert "dak_" not in error.message  # never the key


async def test_bytes_that_do_not_decode_end_the_stream_with_invalid_argument(
    channel: aio.Channel, stub: APIKeyServiceAsyncStub
) -> None:
    good = (await create(stub)).key
    raw: Any = channel.stream_stream(
        "/dataaccess.v1.APIKeyService/StreamValidateAPIKeys",
        response_deserializer=pb.StreamValidateAPIKeysResponse.FromString,
    )

    async def requests() -> AsyncIterator[bytes]:
        yield ask("first", good).SerializeToString()
        yield b"\x0a\xff\xff"  # a field whose length runs past the message

    call = raw(requests(), timeout=10)
    answers: list[Answer] = []
    with pytest.raises(aio.AioRpcError) as caught:
        await drain(call, answers)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert [a.correlation_id for a in answers] == ["first"]


# --- volume, limits, authorization -----------------------------------------------------------


@pytest.mark.parametrize("per_message", [1, 100])
async def test_ten_thousand_items_through_one_stream_are_each_answered_once(
    stub: APIKeyServiceAsyncStub, per_message: int
) -> None:
    keys = [(await create(stub)).key for _ in range(3)] + [UNKNOWN_KEY]
    count = 10_000
    messages = (
        Request(items=[item(str(n), keys[n % 4]) for n in range(start, start + per_message)])
        for start in range(0, count, per_message)
    )
    started = time.perf_counter()
    answers = await streamed(stub, messages)
    elapsed = time.perf_counter() - started
    print(f"\n{count} validations, {per_message} per message, in {elapsed:.2f} s")
    assert sorted(int(a.correlation_id) for a in answers) == list(range(count))
    reasons = Counter(a.result.reason for a in answers)
    assert reasons == {VALID: count * 3 // 4, pb.API_KEY_VALIDATION_REASON_NOT_FOUND: count // 4}


async def test_validation_streams_count_against_the_stream_limit(pg_database: str) -> None:
    settings = server_settings(pg_database)
    limits = replace(settings.limits, max_concurrent_streams=2)
    app = Application(replace(settings, limits=limits))
    await app.start()
    try:
        async with aio.insecure_channel(f"127.0.0.1:{app.port}") as chan:
            stub = stubs.api_keys(chan)
            held = [asyncio.Queue[Request | None]() for _ in range(2)]

            async def from_queue(queue: asyncio.Queue[Request | None]) -> AsyncIterator[Request]:
                while (item := await queue.get()) is not None:
                    yield item

            calls = [stub.StreamValidateAPIKeys(from_queue(q), timeout=30) for q in held]
            for n, (call, queue) in enumerate(zip(calls, held, strict=True)):
                queue.put_nowait(ask(f"open-{n}", UNKNOWN_KEY))
                assert (await read_one(call)).correlation_id == f"open-{n}"  # both are open
            third = stub.StreamValidateAPIKeys(iter([ask("third", UNKNOWN_KEY)]), timeout=10)
            with pytest.raises(aio.AioRpcError) as refused:
                await drain(third, [])
            assert refused.value.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
            assert "limit of 2 concurrent streams" in (refused.value.details() or "")
            held[0].put_nowait(None)  # one ends: a new one is admitted
            assert await calls[0].code() is grpc.StatusCode.OK
            again = await streamed(stub, [ask("again", UNKNOWN_KEY)])
            assert [a.correlation_id for a in again] == ["again"]
            held[1].put_nowait(None)
            assert await calls[1].code() is grpc.StatusCode.OK
    finally:
        await app.stop()


async def test_the_stream_needs_the_permission_to_validate(
    auth_app: Application, auth_channel: aio.Channel
) -> None:
    stub = stubs.api_keys(auth_channel)
    admin = await credential(auth_app, "admin")
    made = await stub.CreateAPIKey(
        pb.CreateAPIKeyRequest(api_key=pb.APIKey(owner_id="o")), metadata=bearer(admin)
    )
    leaks.register_secret(made.key)
    for metadata, code in [
        ((), grpc.StatusCode.UNAUTHENTICATED),
        (bearer("not-a-credential"), grpc.StatusCode.UNAUTHENTICATED),
        (bearer(await credential(auth_app, "reader")), grpc.StatusCode.PERMISSION_DENIED),
    ]:
        call = stub.StreamValidateAPIKeys(iter([ask("a", made.key)]), metadata=metadata)
        with pytest.raises(aio.AioRpcError) as caught:
            await drain(call, [])
        assert caught.value.code() is code
    proxy = bearer(await credential(auth_app, "proxy"))
    call = stub.StreamValidateAPIKeys(iter([ask("a", made.key)]), metadata=proxy)
    assert [a.result.valid async for m in call for a in m.items] == [True]


async def test_a_stream_reads_nothing_more_while_its_validations_in_flight_are_at_the_bound(
    stub: APIKeyServiceAsyncStub, pg_database: str
) -> None:
    """Backpressure: validations that wait on storage hold the stream's reading at
    MAX_IN_FLIGHT. The key's row is locked, so each validation of it waits; behind
    MAX_IN_FLIGHT + 1 of them, a cached key that would be answered at once is not even
    read until the lock goes. Then everything is answered, each counted once."""
    counted = await create(stub, remaining_uses=1000, name="counted")
    cached = await create(stub, name="cached")
    assert (await validate(stub, cached.key)).valid  # now in the cache
    held = MAX_IN_FLIGHT + 1
    answers: list[Answer] = []
    with psycopg.connect(pg_database) as locker:  # a transaction: holds the row lock
        locker.execute("SELECT 1 FROM api_keys WHERE id = %s FOR UPDATE", (counted.api_key.id,))
        call = stub.StreamValidateAPIKeys(timeout=60)
        reader = asyncio.create_task(drain(call, answers))
        for n in range(held):
            await call.write(ask(f"held-{n}", counted.key))
        await call.write(ask("behind", cached.key))
        await call.done_writing()
        await asyncio.sleep(1.0)
        assert answers == []  # "behind" was not read: the stream stopped reading
        locker.rollback()
    await asyncio.wait_for(reader, 30)
    by_id = {answer.correlation_id: answer.result for answer in answers}
    assert len(answers) == len(by_id) == held + 1
    assert by_id["behind"].valid
    assert sorted(by_id[f"held-{n}"].api_key.remaining_uses for n in range(held)) == list(
        range(1000 - held, 1000)
    )
    assert rows(
        pg_database, "SELECT remaining_uses FROM api_keys WHERE id = %s", counted.api_key.id
    ) == [(1000 - held,)]


# --- the stream's end ------------------------------------------------------------------------


async def test_shutdown_ends_an_open_stream_at_once_with_unavailable(pg_database: str) -> None:
    app = Application(server_settings(pg_database))
    await app.start()
    stopped = False
    try:
        async with aio.insecure_channel(f"127.0.0.1:{app.port}") as chan:
            queue: asyncio.Queue[Request] = asyncio.Queue()

            async def requests() -> AsyncIterator[Request]:
                while True:
                    yield await queue.get()

            call = stubs.api_keys(chan).StreamValidateAPIKeys(requests(), timeout=30)
            queue.put_nowait(ask("one", UNKNOWN_KEY))
            assert (await read_one(call)).correlation_id == "one"
            started = time.monotonic()
            await app.stop()
            stopped = True
            assert await call.code() is grpc.StatusCode.UNAVAILABLE
            assert "shutting down" in (await call.details() or "")
            assert time.monotonic() - started < 1.5  # not the shutdown grace (2 s)
    finally:
        if not stopped:
            await app.stop()


async def test_a_stream_open_past_its_longest_duration_ends_with_unavailable(
    pg_database: str,
) -> None:
    limits = CallLimits(validation_stream_max_duration=0.5)
    app = Application(server_settings(pg_database, limits=limits))
    await app.start()
    try:
        async with aio.insecure_channel(f"127.0.0.1:{app.port}") as chan:

            async def requests() -> AsyncIterator[Request]:
                yield ask("one", UNKNOWN_KEY)
                await asyncio.sleep(30)  # a quiet proxy: no idle timeout ends it

            call = stubs.api_keys(chan).StreamValidateAPIKeys(requests(), timeout=30)
            started = time.monotonic()
            answers: list[Answer] = []
            with pytest.raises(aio.AioRpcError) as caught:
                await drain(call, answers)
            assert [a.correlation_id for a in answers] == ["one"]
            assert caught.value.code() is grpc.StatusCode.UNAVAILABLE
            assert "DATAACCESS_VALIDATION_STREAM_MAX_DURATION" in (caught.value.details() or "")
            assert 0.4 < time.monotonic() - started < 5
    finally:
        await app.stop()


# --- the typed Python client -----------------------------------------------------------------


async def test_the_python_clients_stream_requests_in_and_answers_out(
    app: Application, stub: APIKeyServiceAsyncStub
) -> None:
    target = f"127.0.0.1:{app.port}"
    key = (await create(stub)).key
    requests = [ask(str(n), key if n % 2 else UNKNOWN_KEY) for n in range(50)]

    async def sent() -> AsyncIterator[Request]:
        for request in requests:
            yield request

    async with AsyncClient(target) as client:
        answers = [a async for m in client.stream_validate_api_keys(sent()) for a in m.items]
    assert {a.correlation_id: a.result.valid for a in answers} == {
        str(n): bool(n % 2) for n in range(50)
    }

    def blocking() -> list[Answer]:
        with Client(target) as client:
            return [a for m in client.stream_validate_api_keys(iter(requests)) for a in m.items]

    answers = await asyncio.to_thread(blocking)
    assert sorted(int(a.correlation_id) for a in answers) == list(range(50))
