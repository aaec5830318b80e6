"""ChangeListener and notify(): LISTEN/NOTIFY between processes, against a real PostgreSQL.

Latencies are measured from just before the triggering statement to the callback, on the
monotonic clock, and asserted under 100 ms: the cache that relies on the listener is
trusted until it hears of a loss.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
import pytest

from dataaccess_server.db.notifications import APPLICATION_NAME, ChangeListener, notify
from tests.harness.postgres import InstanceFactory
from tests.harness.waiting import wait_until

CHANNEL = "api_key.revoked"  # a dot: only valid quoted, as the listener must quote it
OTHER_CHANNEL = "tenant changed"
FAST = 0.1  # seconds: the bound on delivery and on noticing a loss

FIND_LISTENER_BACKEND = """
SELECT pid FROM pg_stat_activity
WHERE application_name = %(application_name)s AND datname = current_database()
"""
TERMINATE_BACKEND = "SELECT pg_terminate_backend(%(pid)s)"


@dataclass
class Recorder:
    """What the listener reported, each with the monotonic time of the callback."""

    messages: list[tuple[float, str, str]] = field(default_factory=list)
    states: list[tuple[float, bool]] = field(default_factory=list)
    failing_payload: str | None = None

    def on_message(self, channel: str, payload: str) -> None:
        if payload == self.failing_payload:
            raise RuntimeError("the cache choked on this one")
        self.messages.append((time.monotonic(), channel, payload))

    def on_state(self, connected: bool) -> None:
        self.states.append((time.monotonic(), connected))

    @property
    def up(self) -> bool:
        return bool(self.states) and self.states[-1][1]

    def payloads(self) -> list[str]:
        return [payload for _, _, payload in self.messages]

    def received(self, payload: str) -> float | None:
        """When ``payload`` arrived, or None."""
        return next((at for at, _, seen in self.messages if seen == payload), None)

    def went_down(self, after: float) -> float | None:
        """When the first ``on_state(False)`` after ``after`` came, or None."""
        return next((at for at, up in self.states if not up and at >= after), None)


@contextlib.asynccontextmanager
async def listening(dsn: str, recorder: Recorder, **options: Any) -> AsyncIterator[ChangeListener]:
    """A started listener on CHANNEL and OTHER_CHANNEL, closed on the way out."""
    settings: dict[str, Any] = {
        "reconnect_delay": 0.05,
        "max_reconnect_delay": 0.5,
        "connect_timeout": 2.0,
    }
    settings.update(options)
    listener = ChangeListener(
        dsn,
        [CHANNEL, OTHER_CHANNEL],
        on_message=recorder.on_message,
        on_state=recorder.on_state,
        **settings,
    )
    try:
        await listener.start()
        yield listener
    finally:
        await listener.close()


@contextlib.asynccontextmanager
async def connection(dsn: str) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
    conn = await psycopg.AsyncConnection.connect(dsn, autocommit=True)
    async with conn:
        yield conn


async def publish_and_measure(
    conn: psycopg.AsyncConnection[Any], recorder: Recorder, payload: str
) -> float:
    """Publish ``payload`` on CHANNEL; seconds until the listener handed it on."""
    sent = time.monotonic()
    await notify(conn, CHANNEL, payload)
    await wait_until(
        lambda: recorder.received(payload) is not None, what=f"{payload!r}", timeout=5.0
    )
    arrived = recorder.received(payload)
    assert arrived is not None
    return arrived - sent


async def listener_backend_pid(conn: psycopg.AsyncConnection[Any]) -> int:
    cursor = await conn.execute(FIND_LISTENER_BACKEND, {"application_name": APPLICATION_NAME})
    rows = await cursor.fetchall()
    assert len(rows) == 1, rows
    return int(rows[0][0])


# --- delivery -------------------------------------------------------------------------


async def test_notification_reaches_every_listener_within_100ms(pg_database: str) -> None:
    first, second = Recorder(), Recorder()
    async with (
        listening(pg_database, first) as listener,
        listening(pg_database, second),
        connection(pg_database) as publisher,
    ):
        assert listener.connected, "start() returns once LISTEN is in place"
        latencies = [await publish_and_measure(publisher, first, f"key-{n}") for n in range(20)]
        await notify(publisher, OTHER_CHANNEL, "tenant-7")
        await wait_until(
            lambda: len(second.messages) == 21, what="the second listener", timeout=1.0
        )

    median, worst = sorted(latencies)[len(latencies) // 2], max(latencies)
    print(f"delivery: median {median * 1000:.1f} ms, max {worst * 1000:.1f} ms")
    assert worst < FAST
    assert [(channel, payload) for _, channel, payload in second.messages] == [
        *((CHANNEL, f"key-{n}") for n in range(20)),
        (OTHER_CHANNEL, "tenant-7"),
    ]
    assert [up for _, up in first.states] == [True, False]  # False: at close()


async def test_notification_in_a_transaction_is_delivered_at_commit(pg_database: str) -> None:
    recorder = Recorder()
    async with (
        listening(pg_database, recorder),
        connection(pg_database) as writer,
        connection(pg_database) as other,
    ):
        async with writer.transaction():
            await notify(writer, CHANNEL, "revoked-in-transaction")
            # Sent later but committed first: once it is in, the uncommitted one would be
            # in too if it were not held back until commit.
            await notify(other, CHANNEL, "marker")
            await wait_until(
                lambda: "marker" in recorder.payloads(), what="the marker", timeout=1.0
            )
            assert recorder.payloads() == ["marker"]
        await wait_until(
            lambda: "revoked-in-transaction" in recorder.payloads(), what="the commit", timeout=1.0
        )


async def test_notifications_are_not_lost_between_keepalive_rounds(pg_database: str) -> None:
    recorder = Recorder()
    expected = [f"burst-{n}" for n in range(500)]
    # A keepalive round every 0.1 s, and the burst spread over a second or more: about
    # ten rounds restart the listener's wait mid-burst. (A 5 ms keepalive made the same
    # point, but a loaded 2-core machine then misses the keepalive's own deadline, and a
    # connection declared lost is a different test.)
    async with (
        listening(pg_database, recorder, keepalive=0.1),
        connection(pg_database) as publisher,
    ):
        for payload in expected:
            await notify(publisher, CHANNEL, payload)
            await asyncio.sleep(0.002)
        await wait_until(
            lambda: len(recorder.messages) >= len(expected), what="the burst", timeout=5.0
        )
        assert recorder.payloads() == expected
        assert [up for _, up in recorder.states] == [True]


async def test_notify_rejects_what_postgresql_would(pg_database: str) -> None:
    recorder = Recorder()
    async with listening(pg_database, recorder), connection(pg_database) as publisher:
        with pytest.raises(ValueError, match="payload"):
            await notify(publisher, CHANNEL, "x" * 8000)
        with pytest.raises(ValueError, match="payload"):
            await notify(publisher, CHANNEL, "é" * 4000)  # 8000 bytes in UTF-8
        with pytest.raises(ValueError, match="channel"):
            await notify(publisher, "", "x")
        with pytest.raises(ValueError, match="channel"):
            await notify(publisher, "c" * 64, "x")
        largest = "y" * 7999
        await publish_and_measure(publisher, recorder, largest)
    with pytest.raises(ValueError, match="channel"):
        ChangeListener(
            pg_database, ["c" * 64], on_message=recorder.on_message, on_state=recorder.on_state
        )


# --- losing the connection ------------------------------------------------------------


async def test_terminated_backend_is_noticed_within_100ms_and_replaced(
    pg_database: str,
) -> None:
    recorder = Recorder()
    async with listening(pg_database, recorder) as listener, connection(pg_database) as admin:
        pid = await listener_backend_pid(admin)
        assert listener.backend_pid == pid

        killed = time.monotonic()
        await admin.execute(TERMINATE_BACKEND, {"pid": pid})
        await wait_until(
            lambda: not listener.connected, what="the loss to be noticed", timeout=FAST
        )
        went_down = recorder.went_down(after=killed)
        assert went_down is not None

        await wait_until(lambda: listener.connected, what="the reconnection", timeout=5.0)
        assert listener.backend_pid not in (None, pid)
        assert await listener_backend_pid(admin) == listener.backend_pid
        latency = await publish_and_measure(admin, recorder, "after-reconnect")

    print(f"termination noticed in {(went_down - killed) * 1000:.1f} ms")
    assert went_down - killed < FAST
    assert latency < FAST
    assert [up for _, up in recorder.states] == [True, False, True, False]


async def test_listener_follows_the_database_down_and_up(
    pg_instance_factory: InstanceFactory,
) -> None:
    instance = await asyncio.to_thread(pg_instance_factory)
    dsn = instance.dsn()
    recorder = Recorder()
    async with listening(dsn, recorder) as listener:
        assert listener.connected

        stopping = time.monotonic()
        await asyncio.to_thread(instance.stop, "fast")
        # A fast shutdown disconnects clients before it completes.
        went_down = recorder.went_down(after=stopping)
        assert went_down is not None, "on_state(False) before the server finished stopping"
        assert listener.backend_pid is None

        await asyncio.to_thread(instance.start)
        await wait_until(lambda: listener.connected, what="the reconnection", timeout=10.0)
        async with connection(dsn) as publisher:
            latency = await publish_and_measure(publisher, recorder, "after-restart")

    print(f"shutdown noticed {(went_down - stopping) * 1000:.1f} ms after pg_ctl stop began")
    assert latency < FAST
    assert [up for _, up in recorder.states] == [True, False, True, False]


async def test_start_does_not_wait_for_a_database_that_is_down(
    pg_instance_factory: InstanceFactory,
) -> None:
    instance = await asyncio.to_thread(pg_instance_factory)
    dsn = instance.dsn()
    await asyncio.to_thread(instance.stop, "fast")
    recorder = Recorder()

    started = time.monotonic()
    async with listening(dsn, recorder) as listener:
        assert time.monotonic() - started < 1.0
        assert not listener.connected
        assert recorder.states == []

        await asyncio.to_thread(instance.start)
        await wait_until(lambda: listener.connected, what="the first connection", timeout=10.0)
        async with connection(dsn) as publisher:
            assert await publish_and_measure(publisher, recorder, "first") < FAST
    assert [up for _, up in recorder.states] == [True, False]


async def test_start_gives_up_on_a_server_that_does_not_answer_after_connect_timeout() -> None:
    # Accepts connections (the kernel does, into the backlog) and never says a word.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        recorder = Recorder()
        started = time.monotonic()
        async with listening(
            f"postgresql://postgres@127.0.0.1:{port}/postgres", recorder, connect_timeout=0.3
        ) as listener:
            elapsed = time.monotonic() - started
            assert not listener.connected
        assert 0.3 <= elapsed < 1.0
        assert recorder.states == []


async def test_hung_backend_is_noticed_by_the_keepalive(pg_database: str) -> None:
    # A stopped process still has its socket acknowledged by the kernel: only a query
    # that goes unanswered tells.
    keepalive = 0.2
    recorder = Recorder()
    async with (
        listening(pg_database, recorder, keepalive=keepalive) as listener,
        connection(pg_database) as admin,
    ):
        pid = await listener_backend_pid(admin)
        os.kill(pid, signal.SIGSTOP)
        try:
            frozen = time.monotonic()
            await wait_until(
                lambda: not listener.connected, what="the keepalive", timeout=4 * keepalive
            )
        finally:
            os.kill(pid, signal.SIGCONT)
        went_down = recorder.went_down(after=frozen)
        assert went_down is not None
        assert went_down - frozen <= 2 * keepalive + FAST

        await wait_until(lambda: listener.connected, what="the reconnection", timeout=15.0)
        assert listener.backend_pid != pid
        assert await publish_and_measure(admin, recorder, "after-thaw") < FAST


async def test_close_is_bounded_while_the_keepalive_waits_on_a_hung_backend(
    pg_database: str,
) -> None:
    # While the backend stays frozen, psycopg waits seconds for the cancelled keepalive
    # to end: the loss must be reported before that, and close() must not wait for it.
    keepalive = 0.2
    recorder = Recorder()
    listener = ChangeListener(
        pg_database,
        [CHANNEL],
        on_message=recorder.on_message,
        on_state=recorder.on_state,
        keepalive=keepalive,
    )
    await listener.start()
    async with connection(pg_database) as admin:
        pid = await listener_backend_pid(admin)
        os.kill(pid, signal.SIGSTOP)
        try:
            await wait_until(
                lambda: not listener.connected, what="the keepalive", timeout=4 * keepalive
            )
            closing = time.monotonic()
            await listener.close(timeout=1.0)
            assert time.monotonic() - closing < 1.0
        finally:
            os.kill(pid, signal.SIGCONT)
    assert [up for _, up in recorder.states] == [True, False]


# --- callbacks and closing ------------------------------------------------------------


async def test_a_failing_on_message_does_not_stop_delivery(
    pg_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = Recorder(failing_payload="poison")
    async with (
        listening(pg_database, recorder) as listener,
        connection(pg_database) as publisher,
    ):
        await notify(publisher, CHANNEL, "poison")
        assert await publish_and_measure(publisher, recorder, "next") < FAST
        assert listener.connected

    assert recorder.payloads() == ["next"]
    failures = [
        record
        for record in caplog.records
        if record.name == "dataaccess_server.db.notifications" and record.exc_info
    ]
    assert len(failures) == 1
    assert "poison" not in failures[0].getMessage()


async def test_a_failing_on_state_does_not_stop_the_listener(pg_database: str) -> None:
    received: list[str] = []

    def on_state(connected: bool) -> None:
        raise RuntimeError("the cache choked on the state")

    listener = ChangeListener(
        pg_database,
        [CHANNEL],
        on_message=lambda channel, payload: received.append(payload),
        on_state=on_state,
    )
    await listener.start()
    try:
        assert listener.connected
        async with connection(pg_database) as publisher:
            await notify(publisher, CHANNEL, "still-here")
            await wait_until(lambda: received == ["still-here"], what="delivery", timeout=1.0)
    finally:
        await listener.close()
    assert not listener.connected


async def test_close_is_bounded_and_idempotent(pg_database: str) -> None:
    recorder = Recorder()
    listener = ChangeListener(
        pg_database, [CHANNEL], on_message=recorder.on_message, on_state=recorder.on_state
    )
    await listener.close()  # before start: nothing to do
    assert recorder.states == []

    listener = ChangeListener(
        pg_database, [CHANNEL], on_message=recorder.on_message, on_state=recorder.on_state
    )
    await listener.start()
    async with connection(pg_database) as admin:
        await listener_backend_pid(admin)
        started = time.monotonic()
        await listener.close(timeout=1.0)
        assert time.monotonic() - started < 1.0
        await listener.close(timeout=1.0)
        assert not listener.connected
        assert [up for _, up in recorder.states] == [True, False]

        async def session_ended() -> bool:
            cursor = await admin.execute(
                FIND_LISTENER_BACKEND, {"application_name": APPLICATION_NAME}
            )
            return not await cursor.fetchall()

        await wait_until(session_ended, what="the listener's session to end", timeout=2.0)

    with pytest.raises(RuntimeError):
        await listener.start()


async def test_close_is_bounded_while_the_database_is_down(
    pg_instance_factory: InstanceFactory,
) -> None:
    instance = await asyncio.to_thread(pg_instance_factory)
    dsn = instance.dsn()
    await asyncio.to_thread(instance.stop, "fast")
    recorder = Recorder()
    listener = ChangeListener(
        dsn,
        [CHANNEL],
        on_message=recorder.on_message,
        on_state=recorder.on_state,
        reconnect_delay=5.0,
    )
    await listener.start()
    started = time.monotonic()
    await listener.close(timeout=1.0)
    assert time.monotonic() - started < 1.0
