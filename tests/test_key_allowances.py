"""The lease engine of key limits (domain/key_policies.py over db/key_policies.py)
against a real PostgreSQL: several servers' Allowances (each with its own pool) never
admit past a limit together, spend their slices in memory, give back what they did not
spend, and refuse without asking the database again while a window is exhausted."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from dataaccess_server.db.cluster import Cluster
from dataaccess_server.db.key_policies import PostgresPolicyStore
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.key_policies import Admission, Allowances, Refusal
from dataaccess_server.domain.model.key_policies import Ask, Cost, LimitRule, Period, Scope, Unit


def make_limit(
    dsn: str, *, unit: Unit, amount: int, window: int | None = 3600, period: Period | None = None
) -> LimitRule:
    """A key with one limit (or budget), stored; the rule as the engine sees it."""
    key_id, limit_id = str(uuid.uuid4()), str(uuid.uuid4())
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO api_keys (id, key_hash, key_prefix, owner_id)"
            " VALUES (%s, %s, 'dak_test', 'o')",
            (key_id, uuid.uuid4().bytes * 2),
        )
        conn.execute(
            "INSERT INTO key_limits (id, api_key_id, name, unit, amount, window_seconds, period)"
            " VALUES (%s, %s, 'l', %s, %s, %s, %s)",
            (
                limit_id,
                key_id,
                unit.value,
                amount,
                window if period is None else None,
                period.value if period else None,
            ),
        )
    return LimitRule(
        limit_id, Scope.KEY, "l", unit, amount, window if period is None else None, period
    )


def taken(dsn: str, rule: LimitRule) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(
            "SELECT coalesce(sum(taken), 0) FROM key_limit_ledger WHERE limit_id = %s", (rule.id,)
        ).fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture
async def servers(pg_database: str) -> AsyncIterator[list[Allowances]]:
    clusters = [Cluster(pg_database) for _ in range(3)]
    for cluster in clusters:
        await cluster.open()
    try:
        yield [Allowances(PostgresPolicyStore(cluster)) for cluster in clusters]
    finally:
        for cluster in clusters:
            await cluster.close()


async def test_servers_together_never_admit_past_the_limit(
    servers: list[Allowances], pg_database: str
) -> None:
    rule = make_limit(pg_database, unit=Unit.TOKENS, amount=10_000)
    ask = Ask(cost=Cost(tokens=70))
    admitted = [0] * len(servers)

    async def caller(n: int) -> None:
        allowances = servers[n % len(servers)]
        for _ in range(200):
            answer = await allowances.admit([rule], ask, Deadline.after(10))
            if isinstance(answer, Admission):
                admitted[n % len(servers)] += 1
            await asyncio.sleep(0)

    await asyncio.gather(*(caller(n) for n in range(12)))
    total = sum(admitted) * 70
    assert total <= 10_000
    # Everything spent but what no call could use: demand was far above the limit.
    assert total >= 10_000 - len(servers) * 70
    assert all(admitted), admitted  # every server got slices
    # Grants, not a write per admission.
    writes = sum(a.writes for a in servers)
    assert writes < sum(admitted) / 3, (writes, admitted)
    assert taken(pg_database, rule) <= 10_000


async def test_a_refusal_while_exhausted_asks_the_database_no_more(
    servers: list[Allowances], pg_database: str
) -> None:
    rule = make_limit(pg_database, unit=Unit.REQUESTS, amount=5)
    allowances = servers[0]
    answers = [await allowances.admit([rule], Ask(), Deadline.after(10)) for _ in range(8)]
    assert [isinstance(a, Admission) for a in answers] == [True] * 5 + [False] * 3
    refusal = answers[-1]
    assert isinstance(refusal, Refusal)
    assert refusal.rule == rule
    assert refusal.states[0].remaining == 0
    writes = allowances.writes
    for _ in range(50):
        assert isinstance(allowances.admit_now([rule], Ask()), Refusal)
    assert allowances.writes == writes


async def test_unspent_allowance_goes_back(servers: list[Allowances], pg_database: str) -> None:
    rule = make_limit(pg_database, unit=Unit.REQUESTS, amount=800)
    first, second = servers[0], servers[1]
    assert isinstance(await first.admit([rule], Ask(), Deadline.after(10)), Admission)
    held = taken(pg_database, rule)
    assert held > 1  # a slice, not one unit
    await first.close(Deadline.after(10))
    assert taken(pg_database, rule) == 1
    # What went back is there for the other server.
    answer = await second.admit([rule], Ask(cost=Cost(requests=799)), Deadline.after(10))
    assert isinstance(answer, Admission)
    assert answer.states[0].remaining == 0


async def test_an_admission_is_all_or_nothing_over_its_limits(
    servers: list[Allowances], pg_database: str
) -> None:
    requests = make_limit(pg_database, unit=Unit.REQUESTS, amount=100)
    tokens = make_limit(pg_database, unit=Unit.TOKENS, amount=1_000)
    allowances = servers[0]
    big = Ask(cost=Cost(tokens=600))
    assert isinstance(
        await allowances.admit([requests, tokens], big, Deadline.after(10)), Admission
    )
    refused = await allowances.admit([requests, tokens], big, Deadline.after(10))
    assert isinstance(refused, Refusal)
    assert refused.rule == tokens
    states = {s.rule.id: s.remaining for s in refused.states}
    assert states == {requests.id: 99, tokens.id: 400}  # the refused call charged nothing


async def test_a_budget_is_checked_not_charged_unless_reserved(
    servers: list[Allowances], pg_database: str
) -> None:
    budget = make_limit(pg_database, unit=Unit.COST, amount=1_000, period=Period.DAILY)
    allowances = servers[0]
    for _ in range(3):
        answer = await allowances.admit([budget], Ask(cost=Cost(cost=400)), Deadline.after(10))
        assert isinstance(answer, Admission)
        assert answer.states[0].remaining == 1_000
    too_much = await allowances.admit([budget], Ask(cost=Cost(cost=1_001)), Deadline.after(10))
    assert isinstance(too_much, Refusal)
    held = await allowances.admit(
        [budget],
        Ask(cost=Cost(cost=400), reserve=True, reservation_ttl=timedelta(minutes=1)),
        Deadline.after(10),
    )
    assert isinstance(held, Admission)
    assert held.states[0].remaining == 600
    allowances.refund(held)
    again = allowances.admit_now([budget], Ask())
    assert isinstance(again, Admission)
    assert again.states[0].remaining == 1_000


async def test_cleanup_removes_old_limit_windows_and_finished_reservations(
    pg_database: str,
) -> None:
    from dataaccess_server.db.cluster import Intent
    from dataaccess_server.db.retention import cleanup

    window = make_limit(pg_database, unit=Unit.REQUESTS, amount=10, window=60)
    budget = make_limit(pg_database, unit=Unit.COST, amount=10, period=Period.DAILY)
    with psycopg.connect(pg_database, autocommit=True) as conn:
        for rule in (window, budget):
            conn.execute(
                "INSERT INTO key_limit_ledger (limit_id, period_start, period_end, taken) VALUES"
                " (%(id)s, now() - interval '3 days', now() - interval '2 days', 5),"
                " (%(id)s, now() - interval '1 minute', now() + interval '1 minute', 5)",
                {"id": rule.id},
            )
        (key_id,) = conn.execute(
            "SELECT api_key_id FROM key_limits WHERE id = %s", (window.id,)
        ).fetchone() or (None,)
        for state, age in (
            ("settled", "40 days"),
            ("expired", "40 days"),
            ("settled", "1 day"),
            ("held", "40 days"),
        ):
            conn.execute(
                "INSERT INTO key_reservations (id, api_key_id, state, expires_at, hold_limit_ids,"
                " hold_starts, hold_amounts, requests, tokens, cost, finished_at) VALUES"
                " (gen_random_uuid(), %s, %s, now(), '{}', '{}', '{}', 1, 0, 0,"
                " CASE WHEN %s = 'held' THEN NULL ELSE now() - %s::interval END)",
                (key_id, state, state, age),
            )
    cluster = Cluster(pg_database)
    await cluster.open()
    try:
        removed = await cluster.run(
            Intent.WRITE,
            lambda conn: cleanup(
                conn,
                keep_from=datetime.now(UTC).date(),
                retention_days=30,
                audit_keep_from=datetime.now(UTC).date() - timedelta(days=400),
            ),
            deadline=Deadline.after(30),
        )
    finally:
        await cluster.close()
    assert (removed.limit_windows, removed.reservations) == (1, 2)
    with psycopg.connect(pg_database, autocommit=True) as conn:
        left = conn.execute(
            "SELECT l.period IS NULL, count(*) FROM key_limit_ledger g JOIN key_limits l"
            " ON l.id = g.limit_id GROUP BY 1 ORDER BY 1"
        ).fetchall()
        states = conn.execute("SELECT state FROM key_reservations ORDER BY state").fetchall()
    assert left == [(False, 2), (True, 1)]  # the budget keeps its history
    assert states == [("held",), ("settled",)]
