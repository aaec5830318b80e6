"""Acceptance 1 of issue 18: two ``dataaccess serve`` processes, 16 concurrent callers,
one key with three limits (60 requests a minute, 10,000 tokens a minute, a daily cost
budget). Over several windows, moved along by the database's clock, the admitted totals
never pass any limit, and each window admits at least 95% of the limit that binds it."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import psycopg
from google.protobuf import duration_pb2
from grpc import aio

from dataaccess.v1 import api_keys_pb2 as pb
from dataaccess.v1 import usage_pb2
from tests.harness import leaks, stubs
from tests.test_key_reservations import set_clock

MINUTE = duration_pb2.Duration(seconds=60)
BUDGET = 150_000
CALLERS = 16


async def test_two_processes_never_pass_any_limit_and_admit_their_allowance(
    two_servers: tuple[str, str], pg_database: str
) -> None:
    start = datetime.now(UTC).replace(hour=10, minute=0, second=5, microsecond=0)
    set_clock(pg_database, start)
    channels = [aio.insecure_channel(target) for target in two_servers]
    try:
        keys = [stubs.api_keys(channel) for channel in channels]
        usage = [stubs.usage(channel) for channel in channels]
        created = await keys[0].CreateAPIKey(
            pb.CreateAPIKeyRequest(
                api_key=pb.APIKey(
                    owner_id="proxy-tenant",
                    limits=[
                        pb.Limit(name="rpm", unit=pb.LIMIT_UNIT_REQUESTS, window=MINUTE, limit=60),
                        pb.Limit(
                            name="tpm", unit=pb.LIMIT_UNIT_TOKENS, window=MINUTE, limit=10_000
                        ),
                    ],
                    budgets=[pb.Budget(name="daily", limit=BUDGET, period=pb.BUDGET_PERIOD_DAILY)],
                )
            ),
            timeout=5,
        )
        leaks.register_secret(created.key)
        key, key_id = created.key, created.api_key.id
        # Per window (its end, from the answer): admitted requests and tokens; cost in all.
        admitted: dict[datetime, list[int]] = defaultdict(lambda: [0, 0])
        spent = 0
        refused: dict[str, int] = defaultdict(int)

        async def caller(n: int, tokens: int, cost: int, until: float) -> None:
            nonlocal spent
            stub, writer = keys[n % 2], usage[(n + 1) % 2]  # settled on the other process
            loop = asyncio.get_running_loop()
            while True:
                if loop.time() >= until:
                    return
                reply = await stub.ValidateAPIKey(
                    pb.ValidateAPIKeyRequest(
                        key=key, tokens=tokens, cost=cost, reserve=True, model="gpt-4o"
                    ),
                    timeout=10,
                )
                if not reply.valid:
                    refused[reply.decided_by] += 1
                    await asyncio.sleep(0.01)
                    continue
                window = {s.name: s.reset_time.ToDatetime(UTC) for s in reply.limits}
                assert window["rpm"] == window["tpm"]
                admitted[window["rpm"]][0] += 1
                admitted[window["rpm"]][1] += tokens
                spent += cost
                record = usage_pb2.UsageRecord(
                    provider="openai",
                    model="gpt-4o",
                    auth_id="proxy-tenant",
                    date=start.date().isoformat(),
                    request_count=1,
                    input_tokens=tokens,
                    cost=cost,
                    api_key_id=key_id,
                    reservation_id=reply.reservation_id,
                )
                settled = await writer.UpsertUsage(
                    usage_pb2.UpsertUsageRequest(record=record, request_id=str(uuid.uuid4())),
                    timeout=10,
                )
                assert settled.reservations_settled == 1

        # Window 1: 100 tokens a call, the requests limit binds (60 calls, 6,000 tokens).
        # Window 2: 250 tokens a call, the tokens limit binds (40 calls).
        # Window 3: 100 tokens a call, the budget binds (50,000 of 150,000 left: 50 calls).
        # Window 4: the budget is spent: nothing is admitted.
        phases = [(100, 1_000), (250, 1_000), (100, 1_000), (100, 1_000)]
        for phase, (tokens, cost) in enumerate(phases):
            set_clock(pg_database, start + timedelta(minutes=phase))
            until = asyncio.get_running_loop().time() + 3.0
            await asyncio.gather(*(caller(n, tokens, cost, until) for n in range(CALLERS)))

        windows = sorted(admitted)
        requests = [admitted[w][0] for w in windows]
        tokens_in = [admitted[w][1] for w in windows]
        assert all(r <= 60 for r in requests), requests
        assert all(t <= 10_000 for t in tokens_in), tokens_in
        assert spent <= BUDGET
        assert len(windows) == 3, (windows, refused)
        # Each window's binding limit admitted at least 95% of its allowance.
        assert requests[0] >= 57, requests
        assert tokens_in[1] >= 9_500, tokens_in
        assert spent >= 0.95 * BUDGET, spent
        assert refused["key.budgets.daily"] > 0
        # The ledger agrees: nothing taken past a limit, settlements included.
        with psycopg.connect(pg_database, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT l.name, l.amount, g.taken FROM key_limit_ledger g"
                " JOIN key_limits l ON l.id = g.limit_id WHERE l.api_key_id = %s",
                (key_id,),
            ).fetchall()
        assert rows
        for name, amount, taken in rows:
            assert taken <= amount, (name, amount, taken)
    finally:
        for channel in channels:
            await channel.close()
